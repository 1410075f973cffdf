//! Enkäter in English and Arabic: the builder enters translations (optional, checked, kept
//! when refused); the participant page in Arabic is marked `lang="ar" dir="rtl"` and carries
//! the translated texts and fixed words; answers given in Arabic are stored exactly as the
//! same answers given in Swedish.

use std::collections::BTreeMap;

use app::auth::Role;
use app::survey::api::{SaveTranslation, SubmitSurvey};
use app::survey::{QuestionForm, QuestionTranslationForm, TranslationForm};
use chrono::Utc;

use crate::builders::UserBuilder;
use crate::helpers::{TestApp, spawn_app};
use crate::surveys::{count, satsning, survey, token, wave};

/// The participant form's container in Arabic.
const RTL_FORM: &str = "aria-labelledby=\"enkat-rubrik\" lang=\"ar\" dir=\"rtl\"";

/// The submission id on the participant's page at `path`.
async fn submission_at(participant: &TestApp, path: &str) -> (String, String) {
    let page = participant.get(path).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let marker = "name=\"inlamning\" value=\"";
    let at = html.find(marker).expect("the form carries a submission id");
    let rest = &html[at + marker.len()..];
    (rest[..rest.find('"').unwrap()].to_string(), html)
}

fn post(
    token: &str,
    wave: i64,
    submission: &str,
    pairs: &[(i64, &str)],
    sprak: Option<&str>,
) -> SubmitSurvey {
    SubmitSurvey {
        token: token.into(),
        vag: wave,
        inlamning: submission.into(),
        svar: Some(
            pairs
                .iter()
                .map(|(q, v)| (format!("q{q}"), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
        ),
        flera: None,
        sprak: sprak.map(str::to_string),
    }
}

fn question(text: &str, options: &[&str]) -> QuestionTranslationForm {
    QuestionTranslationForm {
        text: text.into(),
        options: options.join("\n"),
        ..QuestionTranslationForm::default()
    }
}

#[tokio::test]
async fn the_arabic_page_is_right_to_left_and_translated_and_its_answers_count_the_same() {
    // Arrange: the survey (Likert, number, ja/nej) plus a one-choice question, an open wave.
    let app = spawn_app().await;
    let (lead, browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (initiative, e1) = satsning(&app, &lead).await;
    let (sid, mut q) = survey(&app, &lead, initiative.id, e1).await;
    let travel = QuestionForm {
        kind: "enval".into(),
        text: "Hur tar du dig till skolan?".into(),
        options: "Buss\nCykel\nTill fots".into(),
        ..QuestionForm::default()
    }
    .parse(&[e1])
    .unwrap();
    q.push(
        app::survey::repo::add_question(&app.db, lead.actor, sid, &travel, Utc::now())
            .await
            .unwrap(),
    );
    let w = wave(&app, &lead, sid, -1, 5).await;
    let link = token(&app, &lead, w, false).await;
    let id = initiative.id;
    let page = format!("/satsningar/{id}/enkater/{sid}/oversattning?sprak=ar");
    let mut questions = BTreeMap::new();
    questions.insert(
        format!("q{}", q[0]),
        QuestionTranslationForm {
            low_label: "لا على الإطلاق".into(),
            high_label: "تماماً".into(),
            ..question("أشعر بالأمان في طريقي إلى المدرسة", &[])
        },
    );
    questions.insert(
        format!("q{}", q[3]),
        question("كيف تذهب إلى المدرسة؟", &["حافلة", "دراجة"]),
    );
    let mut arabic = SaveTranslation {
        id,
        enkat: sid,
        sprak: "ar".into(),
        translation: TranslationForm {
            title: "الأمان".into(),
            intro: "شكراً لمساعدتك".into(),
            questions,
        },
    };

    // Act 1: two options for three is refused, with the Swedish count, keeping what was typed.
    let refused = browser.submit(&page, &arabic).await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("lika många svarsalternativ som på svenska (3)"),
        "{html}"
    );
    assert!(
        html.contains("كيف تذهب إلى المدرسة؟"),
        "what was typed is kept"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM survey WHERE title_ar <> ''").await,
        0,
        "nothing saved"
    );
    // Act 2: with three options it is saved (audited).
    arabic.translation.questions.insert(
        format!("q{}", q[3]),
        question("كيف تذهب إلى المدرسة؟", &["حافلة", "دراجة", "مشياً"]),
    );
    let saved = browser.submit(&page, &arabic).await;
    assert_eq!(saved.status(), 303);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_event WHERE object_type = 'survey_translation'"
        )
        .await,
        1
    );

    // Assert: the Arabic page.
    let participant = app.with_new_client();
    let (submission, html) = submission_at(&participant, &format!("/enkat/{link}?sprak=ar")).await;
    assert!(html.contains(RTL_FORM), "{html}");
    for text in [
        "الأمان",
        "أشعر بالأمان في طريقي إلى المدرسة",
        "تماماً",
        "مشياً",
        "السؤال 1 من 4",
        "(إجباري)",
        "نعم",
        "أرسل إجاباتك",
        "Hur många minuter tar vägen?", // not translated: the Swedish text
    ] {
        assert!(html.contains(text), "{text} missing");
    }
    assert!(html.contains("name=\"sprak\" value=\"ar\""));
    assert!(
        html.contains(&format!("href=\"/enkat/{link}?sprak=sv\"")),
        "a plain link back to Swedish"
    );
    // A required answer missing: the message in Arabic, the page still right to left.
    let missing = participant
        .submit(
            &format!("/enkat/{link}?sprak=ar"),
            &post(&link, w, &submission, &[(q[2], "1")], Some("ar")),
        )
        .await;
    assert_eq!(missing.status(), 400);
    let html = missing.text().await.unwrap();
    assert!(html.contains("هذا السؤال يحتاج إلى إجابة."), "{html}");
    assert!(html.contains(RTL_FORM));
    // The same answers in Arabic and in Swedish are stored the same.
    let pairs = [(q[0], "4"), (q[1], "15"), (q[2], "0"), (q[3], "3")];
    let in_arabic = participant
        .submit(
            &format!("/enkat/{link}?sprak=ar"),
            &post(&link, w, &submission, &pairs, Some("ar")),
        )
        .await;
    assert_eq!(in_arabic.status(), 303);
    assert_eq!(in_arabic.headers()["location"], "/enkat/tack?sprak=ar");
    let thanks = participant
        .get("/enkat/tack?sprak=ar")
        .await
        .text()
        .await
        .unwrap();
    assert!(thanks.contains("شكراً على إجاباتك!"));
    assert!(thanks.contains("aria-labelledby=\"tack-rubrik\" lang=\"ar\" dir=\"rtl\""));
    let swede = app.with_new_client();
    let (submission, html) = submission_at(&swede, &format!("/enkat/{link}")).await;
    assert!(html.contains("Fråga 1 av 4") && !html.contains(RTL_FORM));
    let in_swedish = swede
        .submit(
            &format!("/enkat/{link}"),
            &post(&link, w, &submission, &pairs, None),
        )
        .await;
    assert_eq!(in_swedish.status(), 303);
    let stored: Vec<(i64, i64, Option<f64>)> = app::db_read!(&app.db, |pool| {
        sqlx::query_as(
            "SELECT response_id, question_id, number FROM survey_answer ORDER BY response_id, question_id",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    });
    let (first, second): (Vec<_>, Vec<_>) = stored.iter().partition(|r| r.0 == stored[0].0);
    let answers = |rows: &[&(i64, i64, Option<f64>)]| -> Vec<(i64, Option<f64>)> {
        rows.iter().map(|r| (r.1, r.2)).collect()
    };
    assert_eq!(first.len(), 4);
    assert_eq!(answers(&first), answers(&second));
    // English falls back to Swedish where nothing is translated, with English fixed words.
    let english = app.with_new_client();
    let (_, html) = submission_at(&english, &format!("/enkat/{link}?sprak=en")).await;
    let section = &html[html.find("<section").unwrap()..];
    let section = &section[..section.find('>').unwrap()];
    assert!(
        section.contains("lang=\"en\"") && !section.contains("dir="),
        "{section}"
    );
    assert!(html.contains("Question 1 of 4") && html.contains("Send your answers"));
    assert!(html.contains("Jag känner mig trygg på väg till skolan"));
}
