//! Unit and property tests of the survey rules: answer checks, aggregation, suppression.

use std::collections::BTreeMap;

use super::*;

fn question(id: i64, kind: QuestionKind) -> Question {
    Question {
        id,
        position: id,
        kind,
        text: format!("Fråga {id}"),
        help: String::new(),
        required: false,
        low_label: "Inte alls".into(),
        high_label: "Helt".into(),
        min: None,
        max: None,
        options: vec!["Buss".into(), "Cykel".into(), "Till fots".into()],
        measure_id: None,
        aggregation: None,
        en: Default::default(),
        ar: Default::default(),
    }
}

/// A small deterministic generator for the property tests (xorshift64*).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn single(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn answers_are_read_per_question_type() {
    let mut number = question(4, QuestionKind::Number);
    number.min = Some(0.0);
    number.max = Some(120.0);
    let questions = vec![
        question(1, QuestionKind::Likert),
        question(2, QuestionKind::YesNo),
        question(3, QuestionKind::Multiple),
        number,
        question(5, QuestionKind::FreeText),
    ];
    let multiple: BTreeMap<String, BTreeMap<String, String>> =
        [("q3".to_string(), single(&[("o1", "ja"), ("o3", "ja")]))].into();
    let answers = read_answers(
        &questions,
        &single(&[("q1", "4"), ("q2", "0"), ("q4", "12,5"), ("q5", " Bra! ")]),
        &multiple,
    )
    .unwrap();
    let numbers: Vec<(i64, Option<f64>)> =
        answers.iter().map(|a| (a.question_id, a.number)).collect();
    assert_eq!(
        numbers,
        vec![
            (1, Some(4.0)),
            (2, Some(0.0)),
            (3, Some(1.0)),
            (3, Some(3.0)),
            (4, Some(12.5)),
            (5, None)
        ]
    );
    assert_eq!(answers[5].text.as_deref(), Some("Bra!"));
}

#[test]
fn malformed_answers_are_refused_with_swedish_messages_and_nothing_is_returned() {
    let mut number = question(4, QuestionKind::Number);
    number.min = Some(0.0);
    number.max = Some(120.0);
    let mut required = question(1, QuestionKind::Likert);
    required.required = true;
    let questions = vec![required, question(3, QuestionKind::Single), number];
    let message = |fields: &[(&str, &str)], field: &str| {
        read_answers(&questions, &single(fields), &BTreeMap::new())
            .unwrap_err()
            .into_iter()
            .find(|e| e.field == field)
            .map(|e| e.message)
    };
    assert_eq!(
        message(&[], "svar[q1]").as_deref(),
        Some("Frågan behöver ett svar.")
    );
    assert!(
        message(&[("q1", "6")], "svar[q1]")
            .unwrap()
            .contains("Välj")
    );
    assert!(message(&[("q1", "3"), ("q3", "9")], "svar[q3]").is_some());
    assert_eq!(
        message(&[("q1", "3"), ("q4", "121")], "svar[q4]").as_deref(),
        Some("Svara med ett tal från 0 till 120.")
    );
    assert!(message(&[("q1", "3"), ("q4", "tolv")], "svar[q4]").is_some());
    assert!(message(&[("q1", "3"), ("q99", "1")], "svar").is_some());
    let long = "a".repeat(MAX_ANSWER_CHARS + 1);
    let text = vec![question(5, QuestionKind::FreeText)];
    let problems = read_answers(&text, &single(&[("q5", &long)]), &BTreeMap::new()).unwrap_err();
    assert!(problems[0].message.contains("högst 2000 tecken"));
    let multiple = vec![question(3, QuestionKind::Multiple)];
    let forged: BTreeMap<String, BTreeMap<String, String>> =
        [("q3".to_string(), single(&[("o7", "ja")]))].into();
    assert!(read_answers(&multiple, &BTreeMap::new(), &forged).is_err());
}

#[test]
fn aggregation_rules_give_means_shares_and_counts() {
    let likert = [1.0, 4.0, 5.0, 4.0, 2.0];
    assert_eq!(aggregate(Aggregation::Mean, &likert), Some(3.2));
    assert_eq!(
        aggregate(Aggregation::ShareAtLeast(4.0), &likert),
        Some(60.0)
    );
    assert_eq!(
        aggregate(Aggregation::ShareYes, &[1.0, 0.0, 1.0, 1.0]),
        Some(75.0)
    );
    assert_eq!(aggregate(Aggregation::Count, &likert), Some(5.0));
    assert_eq!(aggregate(Aggregation::Mean, &[]), None);
    assert!(Aggregation::ShareYes.fits(QuestionKind::YesNo));
    assert!(!Aggregation::Mean.fits(QuestionKind::YesNo));
}

#[test]
fn a_transfer_below_the_threshold_writes_nothing_and_says_why() {
    let limits = Thresholds::default();
    match transfer(Aggregation::Mean, &[4.0, 5.0, 3.0, 4.0], limits) {
        Transfer::Withheld { n, reason } => {
            assert_eq!(n, 4);
            assert!(reason.contains("färre än 5 svar"));
        }
        other => panic!("expected a withheld value, got {other:?}"),
    }
    assert_eq!(
        transfer(Aggregation::Mean, &[4.0, 5.0, 3.0, 4.0, 4.0], limits),
        Transfer::Value { value: 4.0, n: 5 }
    );
}

#[test]
fn small_counts_are_hidden_with_a_partner_so_the_total_does_not_reveal_them() {
    assert_eq!(
        suppress_counts(&[12, 3, 8, 0], 5),
        Some(vec![Some(12), None, None, Some(0)])
    );
    assert_eq!(suppress_counts(&[7, 9], 5), Some(vec![Some(7), Some(9)]));
    assert_eq!(
        suppress_counts(&[2, 2, 9], 5),
        Some(vec![None, None, Some(9)])
    );
    // One small count and nothing else to hide with it: the whole distribution is hidden.
    assert_eq!(suppress_counts(&[3, 0], 5), None);
}

#[test]
fn results_use_responses_only_in_steps() {
    assert_eq!(released(4, 5), 0);
    assert_eq!(released(5, 5), 5);
    assert_eq!(released(9, 5), 5);
    assert_eq!(released(10, 5), 10);
}

#[test]
fn a_cell_with_too_few_answers_is_suppressed_and_free_text_needs_more() {
    let limits = Thresholds::default();
    let q = question(1, QuestionKind::Likert);
    let answers = |n: usize| -> Vec<Vec<Answer>> {
        (0..n)
            .map(|i| {
                vec![Answer {
                    question_id: 1,
                    number: Some((i % 5 + 1) as f64),
                    text: None,
                }]
            })
            .collect()
    };
    assert_eq!(cell(&q, &answers(4), limits), Cell::Suppressed { min: 5 });
    match cell(&q, &answers(25), limits) {
        Cell::Shown { n, counts, mean } => {
            assert_eq!(n, 25);
            assert_eq!(counts[0], ("1 – Inte alls".to_string(), Some(5)));
            assert_eq!(mean, Some(3.0));
        }
        other => panic!("expected shown, got {other:?}"),
    }
    let text = question(2, QuestionKind::FreeText);
    let texts = |n: usize| -> Vec<Vec<Answer>> {
        (0..n)
            .map(|i| {
                vec![Answer {
                    question_id: 2,
                    number: None,
                    text: Some(format!("svar {i}")),
                }]
            })
            .collect()
    };
    assert_eq!(cell(&text, &texts(9), limits), Cell::Suppressed { min: 10 });
    assert!(matches!(
        cell(&text, &texts(10), limits),
        Cell::Texts { n: 10, .. }
    ));
}

/// Property: whatever the counts, a shown non-zero count is at least the threshold, and hidden
/// counts come at least two at a time with something to hide, so the total never gives one of
/// them away.
#[test]
fn property_no_hidden_count_follows_from_the_shown_ones_and_the_total() {
    let mut g = Gen(0x5eed_1234_abcd_0001);
    for _ in 0..20_000 {
        let cells = 1 + g.below(6) as usize;
        let counts: Vec<u64> = (0..cells).map(|_| g.below(14)).collect();
        let min = 2 + g.below(8);
        match suppress_counts(&counts, min) {
            None => {}
            Some(shown) => {
                assert_eq!(shown.len(), counts.len());
                let hidden: Vec<u64> = shown
                    .iter()
                    .zip(&counts)
                    .filter(|(s, _)| s.is_none())
                    .map(|(_, c)| *c)
                    .collect();
                for (s, c) in shown.iter().zip(&counts) {
                    if let Some(s) = s {
                        assert_eq!(s, c);
                        assert!(*s == 0 || *s >= min, "{counts:?} min {min}");
                    } else {
                        assert!(*c > 0, "a zero is never hidden: {counts:?}");
                    }
                }
                if !hidden.is_empty() {
                    assert!(hidden.len() >= 2, "{counts:?} min {min}: {shown:?}");
                }
            }
        }
    }
}

/// Property: any two views of a growing wave either show the same results or rest on
/// response sets that differ by at least `min_n` responses, so no single answer can be read
/// from their difference.
#[test]
fn property_two_views_never_differ_by_fewer_than_the_threshold() {
    let mut g = Gen(0xfeed_0000_0000_0042);
    for _ in 0..20_000 {
        let step = 1 + g.below(12);
        let a = g.below(500);
        let b = a + g.below(40);
        let (ra, rb) = (released(a, step), released(b, step));
        assert!(ra <= a && rb <= b && ra <= rb);
        assert!(rb == ra || rb - ra >= step, "{a} {b} {step}");
        assert_eq!(ra % step, 0);
    }
}

fn panel(answers: &[(&str, f64)]) -> Vec<(String, f64)> {
    answers.iter().map(|(p, v)| (p.to_string(), *v)).collect()
}

#[test]
fn panel_change_pairs_people_by_pseudonym_and_hides_too_few_pairs() {
    // Six answered before; five of them (and one newcomer) after, in another order.
    let before = panel(&[
        ("a", 2.0),
        ("b", 3.0),
        ("c", 1.0),
        ("d", 4.0),
        ("e", 2.0),
        ("f", 5.0),
    ]);
    let after = panel(&[
        ("e", 4.0),
        ("x", 1.0),
        ("a", 3.0),
        ("b", 3.0),
        ("c", 3.0),
        ("d", 5.0),
    ]);
    match panel_change(&before, &after, 5) {
        PanelCell::Shown {
            n,
            before,
            after,
            change,
            split,
        } => {
            assert_eq!(n, 5, "f answered only before, x only after");
            assert!((before - 12.0 / 5.0).abs() < 1e-9, "{before}");
            assert!((after - 18.0 / 5.0).abs() < 1e-9, "{after}");
            assert!((change - 6.0 / 5.0).abs() < 1e-9, "{change}");
            // 4 higher, 1 the same, 0 lower: the lone "same" is hidden, and so is its partner.
            assert_eq!(split, Some(vec![None, None, Some(0)]));
        }
        other => panic!("{other:?}"),
    }
    // Four pairs are too few, whatever the means would say.
    assert_eq!(
        panel_change(&before[..4], &after, 5),
        PanelCell::Suppressed { min: 5 }
    );
}

/// Property: the pairs a panel cell rests on grow only in steps of the threshold, so two views
/// (before and after one more pair arrives) never differ by a single person.
#[test]
fn property_panel_cells_move_only_in_steps_of_the_threshold() {
    let mut g = Gen(0x9a9e_1000_0000_0007);
    for _ in 0..2_000 {
        let min = 3 + g.below(5);
        let people = g.below(40) as usize;
        let before: Vec<(String, f64)> = (0..people)
            .map(|i| (format!("p{i}"), (1 + g.below(5)) as f64))
            .collect();
        let mut after = Vec::new();
        for i in 0..people {
            if g.below(3) > 0 {
                after.push((format!("p{i}"), (1 + g.below(5)) as f64));
            }
        }
        let mut last = 0u64;
        for k in 0..=after.len() {
            let n = match panel_change(&before, &after[..k], min) {
                PanelCell::Suppressed { .. } => 0,
                PanelCell::Shown { n, .. } => n,
            };
            assert_eq!(n % min, 0, "{n} pairs with threshold {min}");
            assert!(n == last || n - last >= min, "{last} → {n}");
            last = n;
        }
    }
}

#[test]
fn question_forms_are_checked_field_by_field() {
    let form = QuestionForm {
        kind: "likert".into(),
        text: "Jag känner mig trygg i skolan".into(),
        measure: "7".into(),
        aggregation: "andel_minst".into(),
        threshold: "4".into(),
        ..QuestionForm::default()
    };
    let input = form.parse(&[7]).unwrap();
    assert_eq!(input.aggregation, Some(Aggregation::ShareAtLeast(4.0)));
    let error = form.parse(&[8]).unwrap_err();
    assert!(error.message_for("question[measure]").is_some());
    let wrong_rule = QuestionForm {
        aggregation: "andel_ja".into(),
        ..form.clone()
    };
    assert!(
        wrong_rule
            .parse(&[7])
            .unwrap_err()
            .message_for("question[aggregation]")
            .is_some()
    );
    let one_choice = QuestionForm {
        kind: "enval".into(),
        text: "Hur kom du hit?".into(),
        options: "Buss\n".into(),
        ..QuestionForm::default()
    };
    assert!(
        one_choice
            .parse(&[])
            .unwrap_err()
            .message_for("question[options]")
            .is_some()
    );
}

#[test]
fn waves_know_when_they_take_answers() {
    let wave = Wave {
        id: 1,
        survey_id: 1,
        name: "Före".into(),
        opens_on: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
        closes_on: NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
    };
    let day = |d| NaiveDate::from_ymd_opt(2026, 9, d).unwrap();
    assert_eq!(wave.state(day(1)), WaveState::Open);
    assert_eq!(wave.state(day(30)), WaveState::Open);
    assert!(wave.closed_message(day(15)).is_none());
    let later = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    assert!(wave.closed_message(later).unwrap().contains("stängde"));
    assert_eq!(wave.period().to_string(), "2026-09");
}

#[test]
fn tokens_are_long_random_and_hashed_after_normalising() {
    let link = new_token(26);
    assert_eq!(link.len(), 26);
    assert!(link.bytes().all(|b| TOKEN_ALPHABET.contains(&b)));
    assert_ne!(link, new_token(26));
    let code = new_token(8);
    assert_eq!(
        token_hash(&printed_code(&code).to_lowercase()),
        token_hash(&code)
    );
    assert_eq!(printed_code("ABCDEFGH"), "ABCD-EFGH");
    assert_eq!(token_hash("abc").len(), 64);
}

#[test]
fn logs_never_see_a_participants_token() {
    assert_eq!(
        loggable_path("/enkat/ABCDEFGHJKLMNPQRSTUVWXYZ23"),
        "/enkat/…"
    );
    assert_eq!(loggable_path("/enkat/tack"), "/enkat/tack");
    assert_eq!(loggable_path("/satsningar/4"), "/satsningar/4");
}

#[test]
fn a_response_rate_is_low_below_the_share_and_only_with_codes() {
    use super::low_response;
    assert!(low_response(20, 9, 50));
    assert!(!low_response(20, 10, 50), "exactly half is not below half");
    assert!(!low_response(0, 0, 50), "no codes: no rate");
    assert!(low_response(3, 0, 1));
    assert!(!low_response(3, 3, 100));
}

#[test]
fn a_transfer_after_the_last_day_in_sweden_counts_as_after_close() {
    use chrono::TimeZone;
    let wave = super::Wave {
        id: 1,
        survey_id: 1,
        name: "Efter".into(),
        opens_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        closes_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    };
    // 23:30 UTC on 30 November is 00:30 on 1 December in Stockholm.
    let after = chrono::Utc
        .with_ymd_and_hms(2026, 11, 30, 23, 30, 0)
        .unwrap();
    let before = chrono::Utc
        .with_ymd_and_hms(2026, 11, 30, 22, 30, 0)
        .unwrap();
    assert!(wave.transferred_after_close(after));
    assert!(!wave.transferred_after_close(before));
}

#[test]
fn a_translated_question_falls_back_to_swedish_text_by_text_and_keeps_its_option_numbers() {
    let mut q = question(1, QuestionKind::Single);
    q.ar.text = "كيف تذهب إلى المدرسة؟".into();
    q.ar.options = vec!["حافلة".into(), String::new(), "مشياً".into()];
    let ar = q.in_lang(Lang::Ar);
    assert_eq!(ar.text, "كيف تذهب إلى المدرسة؟");
    assert_eq!(
        ar.choices_in(Lang::Ar),
        vec![
            (1, "حافلة".to_string()),
            (2, "Cykel".to_string()),
            (3, "مشياً".to_string())
        ]
    );
    assert_eq!(q.in_lang(Lang::En), q, "no English: all Swedish");
    let yes_no = question(2, QuestionKind::YesNo);
    assert_eq!(yes_no.choices_in(Lang::En)[0], (1, "Yes".to_string()));
    // The same posted option number is the same stored answer in every language.
    let single = BTreeMap::from([("q1".to_string(), "3".to_string())]);
    let sv = read_answers_in(
        Lang::Sv,
        std::slice::from_ref(&q),
        &single,
        &BTreeMap::new(),
    );
    let in_ar = read_answers_in(Lang::Ar, &[q.clone()], &single, &BTreeMap::new());
    assert_eq!(sv, in_ar);
    // Messages come in the participant's language.
    let bad = BTreeMap::from([("q1".to_string(), "9".to_string())]);
    let errors = read_answers_in(Lang::Ar, &[q], &bad, &BTreeMap::new()).unwrap_err();
    assert_eq!(errors[0].message, "اختر أحد الخيارات.");
}

#[test]
fn a_value_beside_its_measure_is_shown_only_when_both_the_cell_and_the_transfer_are() {
    let limits = Thresholds::default();
    let q = question(1, QuestionKind::Likert);
    let answers = |steps: &[f64]| -> Vec<Vec<Answer>> {
        steps
            .iter()
            .map(|&x| {
                vec![Answer {
                    question_id: 1,
                    number: Some(x),
                    text: None,
                }]
            })
            .collect()
    };
    let rule = Aggregation::ShareAtLeast(4.0);
    let five = [5.0, 4.0, 2.0, 4.0, 3.0];
    assert_eq!(
        feed_value(
            &cell(&q, &answers(&five), limits),
            &transfer(rule, &five, limits),
            limits
        ),
        FeedValue::Shown { n: 5, value: 60.0 }
    );
    // Three answers: hidden, with the threshold and no number of the three.
    let three = [5.0, 5.0, 4.0];
    assert_eq!(
        feed_value(
            &cell(&q, &answers(&three), limits),
            &transfer(rule, &three, limits),
            limits
        ),
        FeedValue::Hidden { min: 5 }
    );
    // A cell the results page hides hides the value too, whatever the transfer says.
    assert_eq!(
        feed_value(
            &Cell::Suppressed { min: 10 },
            &Transfer::Value { value: 1.0, n: 12 },
            limits
        ),
        FeedValue::Hidden { min: 10 }
    );
}
