//! Demo data ("Exempeldata"), seeded only in demo mode and only into an empty database.
//!
//! The organisation is real (Örebro kommun, kommunkod 1880), with one demo account per role
//! (password [`DEMO_PASSWORD`]), Örebro's förvaltningar as parter, the ten Örebro satsningar
//! from DOMAIN.md (real names, parties and periods; budgets, schemas, values and documents
//! invented) and three fictional ones covering today. Every demo satsning is marked and shown
//! as "Exempeldata", its documents say so on their first line, and the comparison KPIs have
//! invented ids. Demo accounts exist only when demo data is seeded, never otherwise.
//!
//! The ended Örebro satsningar have a history that matches their real periods: idé, ansökan,
//! beredning and beslut in the months before the start, values month by month from start to
//! end, an application and a final report. Everything goes in through the same repositories
//! (and the same validation of forms) as user input. The values are deterministic
//! ([`course`]): one is clearly off target (red), one fictional satsning stopped reporting
//! (late), and the rest follow their target lines. One fictional satsning has an enkät with
//! two waves of invented answers ([`surveys`]), one of its cells below the threshold, and two
//! halvårsredovisningar: one submitted and approved, one draft ([`halfyear`]). The ended
//! Örebro satsning Skolfam has an approved uppföljande utvärdering ([`follow_up`]).

mod course;
mod deviations;
mod economics;
mod fictional;
mod follow_up;
pub use follow_up::SATSNING as DEMO_FOLLOW_UP_SATSNING;
mod halfyear;
pub use halfyear::SATSNING as DEMO_REPORT_SATSNING;
pub mod kolada;
mod orebro;
mod pdf;
mod surveys;
pub use surveys::SATSNING as DEMO_SURVEY_SATSNING;
mod write;

use chrono::{DateTime, Utc};

use crate::auth::Role;
use crate::auth::repo::NewUser;
use crate::db::Db;
use crate::error::AppError;
use crate::initiative::Status;
use crate::organisation::{OrganisationInput, OrganisationKind, repo};
use crate::schema::{Horizon, MeasureKind};

use course::{Course, Reporting};

/// Password of every demo account (printed by `make run`; demo mode only).
pub const DEMO_PASSWORD: &str = "utfall-demo";

/// The demo accounts: one per role.
pub const DEMO_ACCOUNTS: [(&str, &str, Role); 5] = [
    ("admin@exempel.se", "Alva Admin (exempel)", Role::Admin),
    (
        "utvarderare@exempel.se",
        "Ulf Utvärderare (exempel)",
        Role::Evaluator,
    ),
    (
        "beredning@exempel.se",
        "Berit Beredning (exempel)",
        Role::Review,
    ),
    (
        "projektledare@exempel.se",
        "Pia Projektledare (exempel)",
        Role::ProjectLead,
    ),
    ("lasare@exempel.se", "Lars Läsare (exempel)", Role::Reader),
];

/// Seeds the demo data unless the database already holds organisations. Returns whether it
/// seeded, so a restart never duplicates or overwrites anything.
pub async fn seed_if_empty(db: &Db, now: DateTime<Utc>) -> Result<bool, AppError> {
    if repo::count(db).await? > 0 {
        return Ok(false);
    }
    let orebro = OrganisationInput {
        code: "1880".into(),
        name: "Örebro kommun".into(),
        kind: OrganisationKind::Municipality,
    };
    let organisation = repo::create(db, &orebro, now).await?;
    let hash = crate::auth::password::hash(DEMO_PASSWORD.to_string()).await?;
    for (email, name, role) in DEMO_ACCOUNTS {
        let user = NewUser {
            organisation_id: organisation.id,
            name: name.to_string(),
            email: email.to_string(),
            password_hash: hash.clone(),
            roles: vec![role],
        };
        crate::auth::repo::create_user(db, None, &user, now).await?;
    }
    let people = write::People::find(db, organisation.id).await?;
    for (name, kind, area) in orebro::PARTIES {
        crate::party::repo::create(db, organisation.id, name, kind, area, now).await?;
    }
    kolada::seed_comparison(db, people.admin, now).await?;
    for seed in orebro::SATSNINGAR
        .iter()
        .chain(fictional::SATSNINGAR.iter())
    {
        write::satsning(db, &people, seed, now).await?;
    }
    deviations::seed(db, &people, organisation.id, now).await?;
    surveys::seed(db, &people, now).await?;
    economics::seed(db, &people, now).await?;
    halfyear::seed(db, &people, now).await?;
    follow_up::seed(db, &people, now).await?;
    // The reports that came in (late) move their Rapport flags on, as a submission does.
    crate::deviation::repo::sweep(db, &crate::deviation::repo::Settings::default(), now).await?;
    tracing::info!("demodata inlagd: Örebro kommun, demokonton, parter och satsningar");
    Ok(true)
}

/// One demo satsning: its register entry, its utvärderingsschema and how it reported.
pub(crate) struct SatsningSeed {
    pub name: &'static str,
    pub parties: &'static [&'static str],
    pub start: &'static str,
    pub end: &'static str,
    pub budget: i64,
    pub status: Status,
    /// Återföringsmodellen (Örebro applied it to satsningar started before 2019).
    pub repayment: bool,
    /// Led by the demo projektledare (who then reports its values).
    pub led: bool,
    pub summary: &'static str,
    pub schema: Option<SchemaSeed>,
    pub reporting: Reporting,
    /// Its documents: (kind, title) of small generated PDFs.
    pub documents: &'static [(crate::document::DocumentKind, &'static str)],
}

/// A demo utvärderingsschema with one mål.
pub(crate) struct SchemaSeed {
    pub goal: &'static str,
    pub target_group: &'static str,
    pub activities: &'static [ActivitySeed],
    pub indicators: &'static [MeasureSeed],
    pub effect: EffectSeed,
}

/// An aktivitet with its aktivitetsmått and effektmått.
pub(crate) struct ActivitySeed {
    pub text: &'static str,
    pub measures: &'static [MeasureSeed],
}

/// An ekonomisk effekt: text, horizon, the nämnd that gains, the effektmått it follows (code)
/// and kronor per year.
pub(crate) struct EffectSeed {
    pub text: &'static str,
    pub horizon: Horizon,
    pub party: &'static str,
    pub measure: &'static str,
    pub yearly_sek: i64,
}

/// A measure of a demo schema, written as its form would be filled in (Swedish numbers and
/// form values), and how its example values run.
#[derive(Clone, Copy)]
pub(crate) struct MeasureSeed {
    pub kind: MeasureKind,
    pub code: &'static str,
    pub name: &'static str,
    pub unit: &'static str,
    pub value_type: &'static str,
    pub frequency: &'static str,
    pub direction: &'static str,
    /// (value, date)
    pub baseline: (&'static str, &'static str),
    /// (value, date)
    pub target: (&'static str, &'static str),
    /// (yellow, red)
    pub tolerances: (&'static str, &'static str),
    pub source: &'static str,
    pub comparison: Comparison,
    pub course: Course,
}

impl MeasureSeed {
    /// The measure's form as a user would fill it in, validated like theirs.
    fn input(&self) -> Result<crate::schema::MeasureInput, AppError> {
        let comparison = match self.comparison {
            Comparison::None => String::new(),
            Comparison::Text(text) => text.to_string(),
            Comparison::Kpi(id) => kolada::source_text(id),
        };
        crate::schema::MeasureInput::parse(&crate::schema::MeasureForm {
            code: self.code.into(),
            name: self.name.into(),
            unit: self.unit.into(),
            value_type: self.value_type.into(),
            frequency: self.frequency.into(),
            direction: self.direction.into(),
            baseline: self.baseline.0.into(),
            baseline_date: self.baseline.1.into(),
            target: self.target.0.into(),
            target_date: self.target.1.into(),
            tolerance_yellow: self.tolerances.0.into(),
            tolerance_red: self.tolerances.1.into(),
            source: self.source.into(),
            comparison,
            ..crate::schema::MeasureForm::default()
        })
    }
}

/// What an indicator is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Comparison {
    None,
    /// A source text naming no KPI.
    Text(&'static str),
    /// One of the invented example KPIs of [`kolada::EXAMPLE_KPIS`], by id.
    Kpi(&'static str),
}

/// An aktivitetsmått counted by hand every month; fill in code, name, unit and course.
pub(crate) const ACTIVITY: MeasureSeed = MeasureSeed {
    kind: MeasureKind::Activity,
    code: "",
    name: "",
    unit: "",
    value_type: "antal",
    frequency: "manad",
    direction: "hogre",
    baseline: ("", ""),
    target: ("", ""),
    tolerances: ("", ""),
    source: "manuell",
    comparison: Comparison::None,
    course: Course::Unreported,
};

/// An effektmått reported by hand, a share where higher is better; fill in the rest.
pub(crate) const EFFECT: MeasureSeed = MeasureSeed {
    kind: MeasureKind::Effect,
    unit: "%",
    value_type: "andel",
    ..ACTIVITY
};

/// An indikator imported once a year, a share where higher is better; fill in the rest.
pub(crate) const INDICATOR: MeasureSeed = MeasureSeed {
    kind: MeasureKind::Indicator,
    unit: "%",
    value_type: "andel",
    frequency: "ar",
    source: "import",
    ..ACTIVITY
};

#[cfg(test)]
mod tests {
    use super::course::reports;
    use super::*;
    use crate::light::Light;
    use crate::report::Period;
    use crate::schema::{Activity, EconomicEffect, Goal, Measure, Schema};
    use chrono::NaiveDate;

    fn all() -> impl Iterator<Item = &'static SatsningSeed> {
        orebro::SATSNINGAR
            .iter()
            .chain(fictional::SATSNINGAR.iter())
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// `seed`'s schema as the database would hold it (ids by position), each measure with its
    /// course.
    fn schema_of(seed: &SchemaSeed) -> (Schema, Vec<(Measure, Course)>) {
        let measure = |id: i64, activity: Option<i64>, m: &MeasureSeed| {
            let input = m.input().unwrap_or_else(|e| panic!("{}: {e:?}", m.code));
            let measure = Measure {
                id,
                kind: m.kind,
                activity_id: activity,
                goal_id: activity.is_none().then_some(1),
                code: input.code,
                name: input.name,
                definition: input.definition,
                unit: input.unit,
                value_type: input.value_type,
                frequency: input.frequency,
                direction: input.direction,
                baseline: input.baseline,
                target: input.target,
                milestones: input.milestones,
                tolerance_yellow: input.tolerance_yellow,
                tolerance_red: input.tolerance_red,
                interval: input.interval,
                source: input.source,
                comparison: input.comparison,
                retired: false,
                signals: input.signals,
            };
            (measure, m.course)
        };
        let mut measures = Vec::new();
        let mut activities = Vec::new();
        for (a, activity) in seed.activities.iter().enumerate() {
            let activity_id = 10 + a as i64;
            activities.push(Activity {
                id: activity_id,
                text: activity.text.into(),
            });
            for m in activity.measures {
                measures.push(measure(measures.len() as i64 + 100, Some(activity_id), m));
            }
        }
        for m in seed.indicators {
            measures.push(measure(measures.len() as i64 + 100, None, m));
        }
        let effect_measure = measures
            .iter()
            .find(|(m, _)| m.code == seed.effect.measure)
            .map(|(m, _)| m.id);
        let schema = Schema {
            goals: vec![Goal {
                id: 1,
                text: seed.goal.into(),
                target_group: seed.target_group.into(),
                activities,
            }],
            measures: measures.iter().map(|(m, _)| m.clone()).collect(),
            effects: vec![EconomicEffect {
                id: 1,
                text: seed.effect.text.into(),
                horizon: seed.effect.horizon,
                party: None,
                effect_measure_id: effect_measure,
                yearly_sek: seed.effect.yearly_sek,
            }],
        };
        (schema, measures)
    }

    #[test]
    fn every_demo_satsning_passes_the_rules_user_input_passes() {
        let parties: Vec<crate::party::Party> = orebro::PARTIES
            .iter()
            .enumerate()
            .map(|(i, (name, kind, area))| crate::party::Party {
                id: i as i64 + 1,
                name: name.to_string(),
                kind: *kind,
                area: area.map(str::to_string),
            })
            .collect();
        for seed in all() {
            let form = crate::initiative::InitiativeForm {
                name: seed.name.into(),
                start: seed.start.into(),
                end: seed.end.into(),
                budget: seed.budget.to_string(),
                parties: parties
                    .iter()
                    .filter(|p| seed.parties.contains(&p.name.as_str()))
                    .map(|p| p.id)
                    .collect(),
                ..Default::default()
            };
            assert_eq!(
                form.parties.len(),
                seed.parties.len(),
                "{}: parties",
                seed.name
            );
            let parsed = crate::initiative::InitiativeInput::parse(&form, &parties);
            assert!(parsed.is_ok(), "{}: {:?}", seed.name, parsed.err());
            if let Some(schema) = &seed.schema {
                let (schema, _) = schema_of(schema);
                assert_eq!(schema.missing(), Vec::<String>::new(), "{}", seed.name);
                for m in &schema.measures {
                    if m.kind != MeasureKind::Activity && m.target.is_some() {
                        assert!(m.baseline.is_some(), "{} {}: baseline", seed.name, m.code);
                        assert!(
                            m.tolerance_red.is_some(),
                            "{} {}: tolerances",
                            seed.name,
                            m.code
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_ended_orebro_satsningar_report_over_their_real_periods_with_the_planned_lights() {
        let red = "Utomhuspedagogikens inverkan på lärande";
        let yellow = "Specialpedagogisk kompetensutveckling";
        let long_after = date("2030-01-01");
        for seed in &orebro::SATSNINGAR {
            assert_eq!(seed.status, Status::Ended, "{}", seed.name);
            let (_, measures) = schema_of(seed.schema.as_ref().expect("a schema"));
            let months =
                crate::report::reporting_months(date(seed.start), date(seed.end), long_after);
            let reports = reports(seed.name, &seed.reporting, &measures, &months, false);
            assert_eq!(
                reports.len() + seed.reporting.skipped.len(),
                months.len(),
                "{}: every month but the skipped ones",
                seed.name
            );
            // Each measure's last value, judged as the portfolio judges it.
            let mut worst = Light::Unknown;
            for (m, _) in &measures {
                let latest: Option<(Period, f64)> = reports
                    .iter()
                    .flat_map(|r| r.entries.iter().map(move |e| (r.period, e)))
                    .filter(|(_, e)| e.0 == m.id)
                    .filter_map(|(p, e)| e.1.map(|v| (p, v)))
                    .next_back();
                let (period, value) = latest.unwrap_or_else(|| panic!("{} {}", seed.name, m.code));
                let light = crate::dashboard::measure_light(m, Some((period.last_day(), value)));
                if m.target.is_some() {
                    assert_ne!(light, Light::Unknown, "{} {}", seed.name, m.code);
                }
                worst = worst.max(light);
            }
            let planned = match seed.name {
                n if n == red => Light::Red,
                n if n == yellow => Light::Yellow,
                _ => Light::Green,
            };
            assert_eq!(worst, planned, "{}", seed.name);
        }
    }

    #[test]
    fn documents_say_they_are_examples() {
        for seed in all() {
            for (_, title) in seed.documents {
                let bytes = write::document_text(seed, title);
                assert_eq!(
                    crate::document::sniff(&bytes),
                    Some(crate::document::FileType::Pdf)
                );
                assert!(
                    bytes.windows(11).any(|w| w == b"EXEMPELDATA"),
                    "{}",
                    seed.name
                );
                assert!(bytes.len() < 8_000, "{}: {} bytes", seed.name, bytes.len());
            }
        }
        assert!(orebro::SATSNINGAR.iter().all(|s| s.documents.len() == 2));
    }
}
