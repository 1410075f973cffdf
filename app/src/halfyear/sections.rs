//! The half-year report's sections, assembled from plain data (pure; unit-tested below). Each
//! section is one function over [`Facts`] registered once in [`SECTIONS`]; a new section (the
//! economics, say) is one function, one [`SectionBody`] variant with its view, and one line
//! there — the report, its snapshot and its review pick it up without a rewrite.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::HalfYear;
use crate::chart::ChartData;
use crate::economics::actual::{ActualCost, COST_TYPES};
use crate::report::{MonthStatus, Period, Rules};
use crate::schema::{MeasureKind, Schema, ValueType};
use crate::survey::Cell;

/// A flag as the report reads it: its texts and its history with Swedish local dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlagFacts {
    pub id: i64,
    /// "Utanför mål".
    pub rule: String,
    /// "E1 Andel i arbete", when the flag concerns a measure.
    pub measure: Option<String>,
    /// "Gul" / "Röd".
    pub severity: String,
    /// "Ny", "Förklarad", …
    pub status: String,
    /// What the rule found, with its numbers.
    pub finding: String,
    pub reason: String,
    pub planned_action: String,
    /// The beredningsgrupp's decision and comment.
    pub decision: Option<String>,
    pub decision_comment: String,
    /// (local date, stored kind: oppnad, ateroppnad, forklarad, hanterad, stangd, …).
    pub events: Vec<(NaiveDate, String)>,
}

/// One wave of a survey with its results, already suppressed by `survey` as always.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaveFacts {
    pub name: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    /// (question, its cell in this wave).
    pub results: Vec<(String, Cell)>,
}

/// A survey of the satsning with its waves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyFacts {
    pub id: i64,
    pub title: String,
    pub waves: Vec<WaveFacts>,
}

/// Everything the sections are assembled from (the repository reads it; tests build it).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub half: Option<HalfYear>,
    pub today: Option<NaiveDate>,
    pub rules: Rules,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub budget_sek: i64,
    /// Budget per år: (year, kronor).
    pub budget_years: Vec<(i64, i64)>,
    pub schema: Schema,
    /// Measure id → values in month order (any months; the sections pick the half-year's).
    pub series: HashMap<i64, Vec<(Period, f64)>>,
    /// The half-year's reporting months with their status.
    pub months: Vec<(Period, MonthStatus)>,
    /// Flags with anything in their history (any time; the section picks the half-year's).
    pub flags: Vec<FlagFacts>,
    pub surveys: Vec<SurveyFacts>,
    pub costs: Vec<ActualCost>,
}

impl Facts {
    fn half(&self) -> HalfYear {
        self.half.unwrap_or_else(|| HalfYear::of(NaiveDate::MIN))
    }

    /// The half-year's months the satsning reports (within its period and not in the future).
    fn reporting_months(&self) -> Vec<Period> {
        self.months.iter().map(|(p, _)| *p).collect()
    }

    fn in_half(&self, date: NaiveDate) -> bool {
        let half = self.half();
        date >= half.first_day() && date <= half.last_day()
    }
}

/// One measure in the report: its numbers in the half-year, target, and chart data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureBlock {
    pub measure_id: i64,
    /// "E1 Andel i arbete".
    pub title: String,
    /// "Effektmått".
    pub kind: String,
    /// The mål (and aktivitet) it belongs to.
    pub place: String,
    /// The measure's target: "60 % (31 december 2027)".
    pub target: Option<String>,
    /// The half-year's last value with its month: "62,5 % (december 2026)".
    pub latest: Option<String>,
    /// The target line at that month.
    pub target_then: Option<String>,
    /// For aktivitetsmått counting or summing: the half-year's total ("42 träffar").
    pub sum: Option<String>,
    /// Values reported / periods due in the half-year.
    pub reported: usize,
    pub due: usize,
    /// The chart over the half-year's due periods (drawn as SVG when shown; the table
    /// alternative is built from the same data).
    pub chart: ChartData,
}

/// Reporting completeness in the half-year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletenessBlock {
    /// (month label, status label, status class).
    pub months: Vec<(String, String, String)>,
    /// Months past their due date, and those of them marked inrapporterad.
    pub due: usize,
    pub reported: usize,
    pub percent: Option<u8>,
}

/// A flag in the report, with what happened to it in the half-year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviationItem {
    pub id: i64,
    /// "Utanför mål – E1 Andel i arbete".
    pub title: String,
    pub severity: String,
    pub status: String,
    pub finding: String,
    /// "öppnad 3 november 2026, förklarad 10 november 2026".
    pub happened: String,
    pub reason: String,
    pub planned_action: String,
    pub decision: Option<String>,
}

/// The flags opened, explained and closed in the half-year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviationBlock {
    pub opened: usize,
    pub explained: usize,
    pub closed: usize,
    pub items: Vec<DeviationItem>,
}

/// A survey's results in the half-year's waves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyBlock {
    pub id: i64,
    pub title: String,
    /// (wave "Efter (1 september – 30 september 2026)", [(question, result text)]).
    pub waves: Vec<(String, Vec<(String, String)>)>,
}

/// One year's costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostYear {
    pub year: i32,
    pub budget_sek: Option<i64>,
    /// Per cost type, in [`COST_TYPES`] order: (label, amount).
    pub by_type: Vec<(String, Option<i64>)>,
    pub total_sek: i64,
}

/// Costs to date per year against the budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostBlock {
    pub years: Vec<CostYear>,
    pub budget_sek: i64,
    /// The budget of the years up to and including the half-year's.
    pub budget_to_date_sek: i64,
    pub spent_sek: i64,
}

/// What a section holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SectionBody {
    Measures(Vec<MeasureBlock>),
    Completeness(CompletenessBlock),
    Deviations(DeviationBlock),
    Surveys(Vec<SurveyBlock>),
    Costs(CostBlock),
}

/// One assembled section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Stable id ("matt"): anchors, review comments and snapshots name it.
    pub id: String,
    pub title: String,
    pub body: SectionBody,
}

/// A registered section: its id, heading and the function assembling it.
pub struct SectionDef {
    pub id: &'static str,
    pub title: &'static str,
    pub build: fn(&Facts) -> SectionBody,
}

/// Every section, in the report's order.
pub const SECTIONS: &[SectionDef] = &[
    SectionDef {
        id: "matt",
        title: "Mått och värden",
        build: measures,
    },
    SectionDef {
        id: "rapportering",
        title: "Rapportering",
        build: completeness,
    },
    SectionDef {
        id: "avvikelser",
        title: "Avvikelser under halvåret",
        build: deviations,
    },
    SectionDef {
        id: "enkater",
        title: "Enkäter",
        build: surveys,
    },
    SectionDef {
        id: "kostnader",
        title: "Kostnader",
        build: costs,
    },
];

/// The report's sections from `facts`, in [`SECTIONS`] order.
pub fn assemble(facts: &Facts) -> Vec<Section> {
    SECTIONS
        .iter()
        .map(|def| Section {
            id: def.id.to_string(),
            title: def.title.to_string(),
            body: (def.build)(facts),
        })
        .collect()
}

/// The ids of every registered section.
pub fn section_ids() -> Vec<String> {
    SECTIONS.iter().map(|s| s.id.to_string()).collect()
}

/// Where a measure sits in the schema: "Mål: … · Aktivitet: …".
fn place(schema: &Schema, measure: &crate::schema::Measure) -> String {
    let goal_of_activity = |activity: i64| {
        schema.goals.iter().find_map(|g| {
            g.activities
                .iter()
                .find(|a| a.id == activity)
                .map(|a| (g, a))
        })
    };
    match (
        measure.activity_id.and_then(goal_of_activity),
        measure.goal_id,
    ) {
        (Some((goal, activity)), _) => format!("{} · {}", goal.text, activity.text),
        (None, Some(goal)) => schema
            .goals
            .iter()
            .find(|g| g.id == goal)
            .map_or_else(String::new, |g| g.text.clone()),
        _ => String::new(),
    }
}

/// Mått och värden: every measure in use (and a retired one with values in the half-year),
/// its values over the half-year's due periods, its target and chart; aktivitetsmått that
/// count or sum also get the half-year's total.
pub fn measures(facts: &Facts) -> SectionBody {
    SectionBody::Measures(measure_blocks(
        &facts.schema,
        &facts.series,
        &facts.reporting_months(),
    ))
}

/// The measure blocks of `schema` over `months` (each measure's due periods among them): the
/// half-year report's, and the uppföljande utvärdering's effects after the end.
pub fn measure_blocks(
    schema: &Schema,
    series: &HashMap<i64, Vec<(Period, f64)>>,
    months: &[Period],
) -> Vec<MeasureBlock> {
    let mut blocks = Vec::new();
    for m in &schema.measures {
        let periods = crate::report::chart::measure_periods(m, months);
        let values: Vec<(Period, f64)> = series
            .get(&m.id)
            .map(|v| {
                v.iter()
                    .filter(|(p, _)| periods.contains(p))
                    .copied()
                    .collect()
            })
            .unwrap_or_default();
        if m.retired && values.is_empty() {
            continue;
        }
        let latest = values.last().copied();
        let sums = m.kind == MeasureKind::Activity
            && matches!(m.value_type, ValueType::Count | ValueType::Amount);
        let sum = (sums && !values.is_empty()).then(|| {
            let total: f64 = values.iter().map(|(_, v)| v).sum();
            crate::report::with_unit(m, total)
        });
        blocks.push(MeasureBlock {
            measure_id: m.id,
            title: format!("{} {}", m.code, m.name),
            kind: m.kind.label().to_string(),
            place: place(schema, m),
            target: m.target.map(|(v, date)| {
                format!(
                    "{} ({})",
                    crate::report::with_unit(m, v),
                    crate::sv::date::long_date(date)
                )
            }),
            latest: latest
                .map(|(p, v)| format!("{} ({})", crate::report::with_unit(m, v), p.label())),
            target_then: latest.and_then(|(p, _)| crate::report::target_text(m, p)),
            sum,
            reported: values.len(),
            due: periods.len(),
            chart: crate::report::chart::chart_data(m, &periods, &values),
        });
    }
    blocks
}

/// Rapportering: the half-year's months with their status, and completeness as the reporting
/// counts it (months marked inrapporterad among those past their due date).
pub fn completeness(facts: &Facts) -> SectionBody {
    let today = facts.today.unwrap_or(NaiveDate::MIN);
    let due: Vec<&(Period, MonthStatus)> = facts
        .months
        .iter()
        .filter(|(p, _)| facts.rules.is_overdue(*p, today))
        .collect();
    let reported = due
        .iter()
        .filter(|(_, s)| *s == MonthStatus::Reported)
        .count();
    SectionBody::Completeness(CompletenessBlock {
        months: facts
            .months
            .iter()
            .map(|(p, s)| (p.label(), s.label().to_string(), s.class().to_string()))
            .collect(),
        due: due.len(),
        reported,
        percent: crate::report::completeness(&facts.months, &facts.rules, today),
    })
}

/// What happened to a flag in the half-year, in words.
fn happened(facts: &Facts, flag: &FlagFacts) -> Vec<(NaiveDate, &'static str)> {
    flag.events
        .iter()
        .filter(|(on, _)| facts.in_half(*on))
        .filter_map(|(on, kind)| {
            let word = match kind.as_str() {
                "oppnad" => "öppnad",
                "ateroppnad" => "öppnad igen",
                "forklarad" => "förklarad",
                "hanterad" => "hanterad",
                "stangd" => "stängd",
                _ => return None,
            };
            Some((*on, word))
        })
        .collect()
}

/// Avvikelser under halvåret: the flags opened, explained or closed in it, with the
/// projektledare's explanation and the beredningsgrupp's decision.
pub fn deviations(facts: &Facts) -> SectionBody {
    let mut block = DeviationBlock {
        opened: 0,
        explained: 0,
        closed: 0,
        items: Vec::new(),
    };
    for flag in &facts.flags {
        let events = happened(facts, flag);
        if events.is_empty() {
            continue;
        }
        let has = |word: &str| events.iter().any(|(_, w)| *w == word);
        block.opened += usize::from(has("öppnad") || has("öppnad igen"));
        block.explained += usize::from(has("förklarad"));
        block.closed += usize::from(has("stängd"));
        let happened: Vec<String> = events
            .iter()
            .map(|(on, word)| format!("{word} {}", crate::sv::date::long_date(*on)))
            .collect();
        block.items.push(DeviationItem {
            id: flag.id,
            title: match &flag.measure {
                Some(m) => format!("{} – {m}", flag.rule),
                None => flag.rule.clone(),
            },
            severity: flag.severity.clone(),
            status: flag.status.clone(),
            finding: flag.finding.clone(),
            happened: happened.join(", "),
            reason: flag.reason.clone(),
            planned_action: flag.planned_action.clone(),
            decision: flag.decision.as_ref().map(|d| {
                if flag.decision_comment.is_empty() {
                    d.clone()
                } else {
                    format!("{d}: {}", flag.decision_comment)
                }
            }),
        });
    }
    SectionBody::Deviations(block)
}

/// A result cell in words; a suppressed cell says why, as the survey pages do.
fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Suppressed { .. } => cell.suppressed_reason().unwrap_or_default(),
        Cell::Shown { n, counts, mean } => {
            let mut parts = vec![format!("n = {n}")];
            if let Some(mean) = mean {
                parts.push(format!(
                    "medelvärde {}",
                    crate::sv::number::format_decimal(crate::report::round_to(*mean, 1))
                ));
            }
            let shown: Vec<String> = counts
                .iter()
                .map(|(label, count)| match count {
                    Some(c) => format!("{label}: {c}"),
                    None => format!("{label}: döljs"),
                })
                .collect();
            if !shown.is_empty() {
                parts.push(shown.join(", "));
            }
            parts.join("; ")
        }
        Cell::Texts { n, .. } => format!("{n} fritextsvar (se enkätens resultatsida)"),
    }
}

/// Enkäter: the satsning's surveys with a wave open during the half-year, each question's
/// result as the survey shows it (hidden below the threshold).
pub fn surveys(facts: &Facts) -> SectionBody {
    let half = facts.half();
    SectionBody::Surveys(
        facts
            .surveys
            .iter()
            .filter_map(|s| {
                let waves: Vec<(String, Vec<(String, String)>)> = s
                    .waves
                    .iter()
                    .filter(|w| w.opens_on <= half.last_day() && w.closes_on >= half.first_day())
                    .map(|w| {
                        (
                            format!(
                                "{} ({} – {})",
                                w.name,
                                crate::sv::date::long_date(w.opens_on),
                                crate::sv::date::long_date(w.closes_on)
                            ),
                            w.results
                                .iter()
                                .map(|(q, cell)| (q.clone(), cell_text(cell)))
                                .collect(),
                        )
                    })
                    .collect();
                (!waves.is_empty()).then(|| SurveyBlock {
                    id: s.id,
                    title: s.title.clone(),
                    waves,
                })
            })
            .collect(),
    )
}

/// Kostnader: the actual costs per year and cost type from the satsning's first year to the
/// half-year's, each year against its budget, and spent to date against the whole budget.
pub fn costs(facts: &Facts) -> SectionBody {
    let half = facts.half();
    let first = facts.start.map_or(half.year(), |d| {
        use chrono::Datelike;
        d.year()
    });
    let mut by_key: BTreeMap<(i32, &str), i64> = BTreeMap::new();
    for c in &facts.costs {
        *by_key.entry((c.year, c.cost_type.as_str())).or_insert(0) += c.amount_sek;
    }
    let budget_of = |year: i32| {
        facts
            .budget_years
            .iter()
            .find(|(y, _)| *y == i64::from(year))
            .map(|(_, a)| *a)
    };
    let years: Vec<CostYear> = (first..=half.year())
        .map(|year| {
            let by_type: Vec<(String, Option<i64>)> = COST_TYPES
                .iter()
                .map(|(kind, label)| (label.to_string(), by_key.get(&(year, *kind)).copied()))
                .collect();
            CostYear {
                year,
                budget_sek: budget_of(year),
                total_sek: by_type.iter().filter_map(|(_, a)| *a).sum(),
                by_type,
            }
        })
        .collect();
    SectionBody::Costs(CostBlock {
        budget_to_date_sek: years.iter().filter_map(|y| y.budget_sek).sum(),
        spent_sek: crate::economics::actual::spent_to_date(&facts.costs),
        budget_sek: facts.budget_sek,
        years,
    })
}

/// The years the cost table offers: the satsning's first year to the half-year's.
pub fn cost_years(start: NaiveDate, half: HalfYear) -> Vec<i32> {
    use chrono::Datelike;
    (start.year()..=half.year()).collect()
}

/// A digest of each section's content, to tell whether the live data still match a snapshot.
#[cfg(feature = "ssr")]
pub fn digests(sections: &[Section]) -> BTreeMap<String, String> {
    use sha2::{Digest, Sha256};
    sections
        .iter()
        .map(|s| {
            let json = serde_json::to_string(&s.body).unwrap_or_default();
            let hash = Sha256::digest(json.as_bytes());
            let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
            (s.id.clone(), hex)
        })
        .collect()
}

/// The titles of the sections whose live data differ from the snapshot's.
pub fn changed_since(
    snapshot: &BTreeMap<String, String>,
    live: &BTreeMap<String, String>,
    sections: &[Section],
) -> Vec<String> {
    sections
        .iter()
        .filter(|s| snapshot.get(&s.id) != live.get(&s.id))
        .map(|s| s.title.clone())
        .collect()
}

/// One section whose data have changed since the report was submitted: as submitted and now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangedSection {
    pub submitted: Section,
    pub current: Section,
}

/// A submitted `snapshot` (its sections and their digests) against the `live` assembly: the
/// sections whose data differ, as submitted and now, and the headings of those that do not
/// (in the report's order; a section the live report no longer has is left out).
#[cfg(feature = "ssr")]
pub fn compare(
    snapshot: &BTreeMap<String, String>,
    submitted: &[Section],
    live: &[Section],
) -> (Vec<ChangedSection>, Vec<String>) {
    let digests = digests(live);
    let (mut changed, mut unchanged) = (Vec::new(), Vec::new());
    for section in submitted {
        if snapshot.get(&section.id) == digests.get(&section.id) {
            unchanged.push(section.title.clone());
        } else if let Some(current) = live.iter().find(|s| s.id == section.id) {
            changed.push(ChangedSection {
                submitted: section.clone(),
                current: current.clone(),
            });
        }
    }
    (changed, unchanged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Activity, Direction, Goal, Measure};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn p(y: i32, m: u32) -> Period {
        Period::new(y, m).unwrap()
    }

    /// A satsning from 2026-03 with an aktivitetsmått A1 (träffar, monthly) and an effektmått
    /// E1 (andel, quarterly, target 60 %), values from March to December, in 2026-H2 on
    /// 2027-01-15 (H2 reported up to November; December not yet due).
    fn fixture() -> Facts {
        let a1 = Measure {
            id: 1,
            kind: MeasureKind::Activity,
            activity_id: Some(10),
            code: "A1".into(),
            name: "Träffar".into(),
            unit: "träffar".into(),
            value_type: ValueType::Count,
            ..Measure::example(1)
        };
        let e1 = Measure {
            id: 2,
            kind: MeasureKind::Effect,
            activity_id: Some(10),
            code: "E1".into(),
            name: "Andel i arbete".into(),
            unit: "%".into(),
            value_type: ValueType::Share,
            frequency: crate::schema::Frequency::Quarterly,
            direction: Direction::Higher,
            baseline: Some((40.0, day(2026, 3, 1))),
            target: Some((60.0, day(2027, 12, 31))),
            ..Measure::example(2)
        };
        let schema = Schema {
            goals: vec![Goal {
                id: 5,
                text: "Fler i arbete".into(),
                target_group: String::new(),
                activities: vec![Activity {
                    id: 10,
                    text: "Coachning".into(),
                }],
            }],
            measures: vec![a1, e1],
            effects: Vec::new(),
        };
        let mut series = HashMap::new();
        series.insert(
            1,
            (3..=12)
                .map(|m| (p(2026, m), f64::from(m)))
                .collect::<Vec<_>>(),
        );
        series.insert(
            2,
            vec![(p(2026, 6), 45.0), (p(2026, 9), 48.0), (p(2026, 12), 50.0)],
        );
        let months = (7..=12)
            .map(|m| {
                let status = match m {
                    8 => MonthStatus::Locked,
                    12 => MonthStatus::Started,
                    _ => MonthStatus::Reported,
                };
                (p(2026, m), status)
            })
            .collect();
        Facts {
            half: HalfYear::parse("2026-H2"),
            today: Some(day(2027, 1, 5)),
            rules: Rules::default(),
            start: Some(day(2026, 3, 1)),
            end: Some(day(2028, 2, 29)),
            budget_sek: 3_000_000,
            budget_years: vec![(2026, 1_000_000), (2027, 1_200_000)],
            schema,
            series,
            months,
            flags: vec![
                FlagFacts {
                    id: 7,
                    rule: "Utanför mål".into(),
                    measure: Some("E1 Andel i arbete".into()),
                    severity: "Röd".into(),
                    status: "Förklarad".into(),
                    finding: "Värdet 48 % …".into(),
                    reason: "Färre remisser".into(),
                    planned_action: "Fler informationsträffar".into(),
                    decision: None,
                    decision_comment: String::new(),
                    events: vec![
                        (day(2026, 10, 5), "oppnad".into()),
                        (day(2026, 10, 12), "forklarad".into()),
                    ],
                },
                FlagFacts {
                    id: 3,
                    rule: "Saknas/försenad".into(),
                    measure: None,
                    severity: "Gul".into(),
                    status: "Stängd".into(),
                    finding: "…".into(),
                    reason: String::new(),
                    planned_action: String::new(),
                    decision: None,
                    decision_comment: String::new(),
                    events: vec![
                        (day(2026, 4, 11), "oppnad".into()),
                        (day(2026, 5, 2), "stangd".into()),
                    ],
                },
            ],
            surveys: vec![SurveyFacts {
                id: 4,
                title: "Hur går det?".into(),
                waves: vec![
                    WaveFacts {
                        name: "Före".into(),
                        opens_on: day(2026, 3, 1),
                        closes_on: day(2026, 3, 31),
                        results: vec![("Trivs du?".into(), Cell::Suppressed { min: 5 })],
                    },
                    WaveFacts {
                        name: "Efter".into(),
                        opens_on: day(2026, 11, 1),
                        closes_on: day(2026, 11, 30),
                        results: vec![
                            (
                                "Trivs du?".into(),
                                Cell::Shown {
                                    n: 10,
                                    counts: vec![("Ja".into(), Some(7)), ("Nej".into(), None)],
                                    mean: None,
                                },
                            ),
                            ("Berätta".into(), Cell::Suppressed { min: 10 }),
                        ],
                    },
                ],
            }],
            costs: vec![
                ActualCost {
                    year: 2026,
                    cost_type: "personal".into(),
                    amount_sek: 800_000,
                },
                ActualCost {
                    year: 2026,
                    cost_type: "lokaler".into(),
                    amount_sek: 50_000,
                },
            ],
        }
    }

    fn body<'a>(sections: &'a [Section], id: &str) -> &'a SectionBody {
        &sections.iter().find(|s| s.id == id).unwrap().body
    }

    #[test]
    fn every_registered_section_is_assembled_in_order() {
        let sections = assemble(&fixture());
        let ids: Vec<&str> = sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            ["matt", "rapportering", "avvikelser", "enkater", "kostnader"]
        );
    }

    #[test]
    fn measures_show_the_half_years_months_values_sums_and_targets() {
        let sections = assemble(&fixture());
        let SectionBody::Measures(blocks) = body(&sections, "matt") else {
            panic!()
        };
        assert_eq!(blocks.len(), 2);
        let a1 = &blocks[0];
        assert_eq!(a1.title, "A1 Träffar");
        assert_eq!(a1.place, "Fler i arbete · Coachning");
        assert_eq!(
            a1.chart.labels,
            ["jul 26", "aug 26", "sep 26", "okt 26", "nov 26", "dec 26"],
            "only the half-year's months"
        );
        assert_eq!(a1.chart.actual[0], Some(7.0));
        assert_eq!((a1.reported, a1.due), (6, 6));
        assert_eq!(
            a1.sum.as_deref(),
            Some("57 träffar"),
            "7 + 8 + … + 12, not the spring's values"
        );
        let e1 = &blocks[1];
        assert_eq!(
            e1.chart.labels,
            ["sep 26", "dec 26"],
            "quarterly: its due months"
        );
        assert_eq!(e1.chart.actual, vec![Some(48.0), Some(50.0)]);
        assert_eq!(e1.sum, None, "a share is not summed");
        assert_eq!(e1.latest.as_deref(), Some("50 % (december 2026)"));
        assert_eq!(e1.target.as_deref(), Some("60 % (31 december 2027)"));
        assert!(
            e1.chart.target.iter().all(Option::is_some),
            "the target line"
        );
    }

    #[test]
    fn completeness_counts_the_months_past_due() {
        let sections = assemble(&fixture());
        let SectionBody::Completeness(c) = body(&sections, "rapportering") else {
            panic!()
        };
        assert_eq!(c.months.len(), 6);
        // On 5 January December is not yet due: July–November are, one of them locked.
        assert_eq!((c.due, c.reported, c.percent), (5, 4, Some(80)));
        assert_eq!(c.months[1].1, "Låst, aldrig rapporterad");
    }

    #[test]
    fn deviations_are_those_with_something_in_the_half_year() {
        let sections = assemble(&fixture());
        let SectionBody::Deviations(d) = body(&sections, "avvikelser") else {
            panic!()
        };
        assert_eq!(
            d.items.len(),
            1,
            "the spring's flag is not in the autumn's report"
        );
        assert_eq!((d.opened, d.explained, d.closed), (1, 1, 0));
        let item = &d.items[0];
        assert_eq!(item.title, "Utanför mål – E1 Andel i arbete");
        assert_eq!(
            item.happened,
            "öppnad 5 oktober 2026, förklarad 12 oktober 2026"
        );
        assert_eq!(item.reason, "Färre remisser");
    }

    #[test]
    fn surveys_show_the_half_years_waves_suppressed_as_always() {
        let sections = assemble(&fixture());
        let SectionBody::Surveys(s) = body(&sections, "enkater") else {
            panic!()
        };
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].waves.len(), 1, "only the wave open in the half-year");
        let (_, lines) = &s[0].waves[0];
        assert_eq!(lines[0].1, "n = 10; Ja: 7, Nej: döljs");
        assert!(lines[1].1.starts_with("Döljs: färre än 10 svar"));
    }

    #[test]
    fn costs_sum_per_year_against_the_budget() {
        let sections = assemble(&fixture());
        let SectionBody::Costs(c) = body(&sections, "kostnader") else {
            panic!()
        };
        assert_eq!(c.years.len(), 1, "2026 only: the half-year is in 2026");
        assert_eq!(c.years[0].total_sek, 850_000);
        assert_eq!(c.years[0].budget_sek, Some(1_000_000));
        assert_eq!(
            c.years[0].by_type[0],
            ("Personal".to_string(), Some(800_000))
        );
        assert_eq!((c.spent_sek, c.budget_to_date_sek), (850_000, 1_000_000));
    }

    #[test]
    fn a_changed_value_shows_as_newer_data_in_its_section_only() {
        let facts = fixture();
        let before = assemble(&facts);
        let mut corrected = facts.clone();
        corrected.series.get_mut(&1).unwrap()[5].1 = 99.0;
        let after = assemble(&corrected);
        let changed = changed_since(&digests(&before), &digests(&after), &after);
        assert_eq!(changed, ["Mått och värden"]);
        assert!(changed_since(&digests(&before), &digests(&before), &before).is_empty());
    }

    #[test]
    #[cfg(feature = "ssr")]
    fn the_comparison_pairs_a_changed_section_and_names_the_others() {
        let facts = fixture();
        let before = assemble(&facts);
        let mut corrected = facts.clone();
        corrected.series.get_mut(&1).unwrap()[5].1 = 99.0;
        let after = assemble(&corrected);
        let (changed, unchanged) = compare(&digests(&before), &before, &after);
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0].submitted, before[0]);
        assert_eq!(changed[0].current, after[0]);
        assert_eq!(unchanged.len(), before.len() - 1);
        assert!(!unchanged.contains(&"Mått och värden".to_string()));
        let (none, all) = compare(&digests(&before), &before, &before);
        assert!(none.is_empty());
        assert_eq!(all.len(), before.len());
    }
}
