//! Demo data ("Exempeldata"), seeded only in demo mode and only into an empty database.
//!
//! The organisation is real (Örebro kommun, kommunkod 1880), with one demo account per role
//! (password [`DEMO_PASSWORD`]), Örebro's förvaltningar as parter, the ten Örebro satsningar
//! from DOMAIN.md (real names, parties and periods; budgets invented) and three fictional
//! ones covering today. Every demo satsning is marked and shown as "Exempeldata". Demo accounts exist only
//! when demo data is seeded, never otherwise.

use chrono::{DateTime, Utc};

use crate::auth::Role;
use crate::auth::repo::NewUser;
use crate::db::Db;
use crate::error::AppError;
use crate::initiative::{InitiativeForm, InitiativeInput, Status};
use crate::organisation::{OrganisationInput, OrganisationKind, repo};
use crate::party::PartyKind;
use crate::schema::{Horizon, MeasureForm, MeasureInput, MeasureKind};

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
    let lead_id = crate::auth::repo::find_for_login(db, "projektledare@exempel.se")
        .await?
        .map(|row| row.id);
    seed_initiatives(db, organisation.id, lead_id, now).await?;
    let admin_id = crate::auth::repo::find_for_login(db, "admin@exempel.se")
        .await?
        .map(|row| row.id)
        .ok_or(AppError::Internal)?;
    let actor = crate::audit::Actor {
        user_id: admin_id,
        organisation_id: organisation.id,
    };
    for seed in SCHEMAS {
        seed_schema(db, actor, &seed, now).await?;
    }
    if let Some(lead_id) = lead_id {
        let lead = crate::audit::Actor {
            user_id: lead_id,
            organisation_id: organisation.id,
        };
        for name in [
            "Läxhjälp i Vivalla (fiktiv)",
            "Tidigt stöd för unga vuxna (fiktiv)",
        ] {
            seed_values(db, lead, name, now).await?;
        }
        seed_comparison(db, actor, now).await?;
    }
    tracing::info!("demodata inlagd: Örebro kommun, demokonton, parter och satsningar");
    Ok(true)
}

/// Örebro's förvaltningar (DOMAIN.md) with their verksamhetsområde, and civil actors.
const PARTIES: [(&str, PartyKind, Option<&str>); 12] = [
    (
        "Förvaltningen förskola och skola",
        PartyKind::Board,
        Some("Skola"),
    ),
    (
        "Gymnasieförvaltningen",
        PartyKind::Board,
        Some("Gymnasieskola"),
    ),
    (
        "Socialförvaltningen",
        PartyKind::Board,
        Some("Individ- och familjeomsorg"),
    ),
    (
        "Förvaltningen för utbildning, försörjning och arbete",
        PartyKind::Board,
        Some("Arbetsmarknad"),
    ),
    (
        "Förvaltningen för funktionshindrade",
        PartyKind::Board,
        Some("Funktionsnedsättning"),
    ),
    (
        "Vård- och omsorgsförvaltningen",
        PartyKind::Board,
        Some("Vård och omsorg"),
    ),
    (
        "Kommunstyrelseförvaltningen (Centralt skolstöd)",
        PartyKind::Board,
        Some("Kommunövergripande"),
    ),
    (
        "Kultur- och fritidsförvaltningen",
        PartyKind::Board,
        Some("Kultur och fritid"),
    ),
    (
        "Försörjningsstöd",
        PartyKind::Board,
        Some("Ekonomiskt bistånd"),
    ),
    ("Kultivera", PartyKind::Board, Some("Kultur")),
    ("RF-SISU Örebro län", PartyKind::Civil, None),
    ("Vivalla IK (fiktiv förening)", PartyKind::Civil, None),
];

/// (name, parties, start, end, budget, status, led by the demo projektledare, description)
type Seed = (
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    i64,
    Status,
    bool,
    &'static str,
);

/// The ten Örebro satsningar (real names, parties and periods; budgets invented) and three
/// fictional ones whose periods cover today, so monthly reporting has something to do.
const INITIATIVES: [Seed; 13] = [
    (
        "Seniorpuls",
        &["Vård- och omsorgsförvaltningen", "RF-SISU Örebro län"],
        "2020-09-01",
        "2023-08-31",
        4_200_000,
        Status::Ended,
        false,
        "Fysisk aktivitet och gemenskap för äldre, i samarbete med idrottsrörelsen.",
    ),
    (
        "Bryggan – från destruktiv frånvaro till måluppfyllelse",
        &[
            "Kommunstyrelseförvaltningen (Centralt skolstöd)",
            "Förvaltningen förskola och skola",
            "Socialförvaltningen",
            "Förvaltningen för utbildning, försörjning och arbete",
        ],
        "2017-01-09",
        "2020-06-12",
        9_800_000,
        Status::Ended,
        false,
        "Tidiga, samordnade insatser för elever med problematisk skolfrånvaro.",
    ),
    (
        "Brobyggare i Vivalla och Baronbackarna",
        &[
            "Förvaltningen förskola och skola",
            "Socialförvaltningen",
            "Förvaltningen för utbildning, försörjning och arbete",
        ],
        "2016-08-15",
        "2019-06-14",
        6_500_000,
        Status::Ended,
        false,
        "Brobyggare mellan skola, familjer och samhälle i två partnerskapsområden.",
    ),
    (
        "Skolfam",
        &["Förvaltningen förskola och skola", "Socialförvaltningen"],
        "2016-06-01",
        "2019-06-30",
        5_400_000,
        Status::Ended,
        false,
        "Bättre skolresultat för familjehemsplacerade barn.",
    ),
    (
        "NP Resurs och Samverkan",
        &[
            "Gymnasieförvaltningen",
            "Förvaltningen för funktionshindrade",
        ],
        "2015-09-01",
        "2018-08-31",
        7_100_000,
        Status::Ended,
        false,
        "Samordnat stöd för 15–25-åringar med neuropsykiatriska svårigheter.",
    ),
    (
        "Utomhuspedagogikens inverkan på lärande",
        &[
            "Kommunstyrelseförvaltningen (Centralt skolstöd)",
            "Förvaltningen förskola och skola",
        ],
        "2016-08-15",
        "2018-08-31",
        2_300_000,
        Status::Ended,
        false,
        "Undervisning utomhus och dess effekt på elevernas lärande.",
    ),
    (
        "Specialpedagogisk kompetensutveckling",
        &[
            "Förvaltningen förskola och skola",
            "Kommunstyrelseförvaltningen (Centralt skolstöd)",
            "Förvaltningen för funktionshindrade",
        ],
        "2015-01-01",
        "2018-04-30",
        8_000_000,
        Status::Ended,
        false,
        "Kompetensutveckling i specialpedagogik för förskola och skola.",
    ),
    (
        "Samverkan för teckenspråkiga (SöT)",
        &["Försörjningsstöd", "Kultivera"],
        "2014-04-01",
        "2017-04-01",
        3_100_000,
        Status::Ended,
        false,
        "Vägar till arbete och studier för teckenspråkiga vuxna.",
    ),
    (
        "Team Oxhagen",
        &[
            "Socialförvaltningen",
            "Förvaltningen förskola och skola",
            "Förvaltningen för funktionshindrade",
            "Förvaltningen för utbildning, försörjning och arbete",
        ],
        "2015-01-01",
        "2017-12-31",
        6_900_000,
        Status::Ended,
        false,
        "Ett gemensamt team för familjer i Oxhagen.",
    ),
    (
        "El Sistema",
        &[
            "Förvaltningen förskola och skola",
            "Kultur- och fritidsförvaltningen",
        ],
        "2015-01-01",
        "2017-12-31",
        4_700_000,
        Status::Ended,
        false,
        "Orkesterverksamhet som social och pedagogisk metod.",
    ),
    (
        "Läxhjälp i Vivalla (fiktiv)",
        &[
            "Förvaltningen förskola och skola",
            "Vivalla IK (fiktiv förening)",
        ],
        "2025-08-01",
        "2028-06-30",
        2_800_000,
        Status::Running,
        true,
        "Fiktiv satsning för demonstration: läxhjälp och idrott efter skoltid.",
    ),
    (
        "Tidigt stöd för unga vuxna (fiktiv)",
        &[
            "Socialförvaltningen",
            "Förvaltningen för utbildning, försörjning och arbete",
        ],
        "2026-01-01",
        "2028-12-31",
        5_600_000,
        Status::Running,
        true,
        "Fiktiv satsning för demonstration: samordnat stöd till unga vuxna som varken arbetar eller studerar.",
    ),
    (
        "Familjecentral Brickebacken (fiktiv idé)",
        &["Socialförvaltningen", "Vård- och omsorgsförvaltningen"],
        "2027-08-01",
        "2030-07-31",
        0,
        Status::Idea,
        true,
        "Fiktiv idé för demonstration: en familjecentral med öppen förskola, barnhälsovård och socialtjänst.",
    ),
];

async fn seed_initiatives(
    db: &Db,
    organisation_id: i64,
    lead_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for (name, kind, area) in PARTIES {
        crate::party::repo::create(db, organisation_id, name, kind, area, now).await?;
    }
    let parties = crate::party::repo::list(db, organisation_id).await?;
    for (name, party_names, start, end, budget, status, led, summary) in INITIATIVES {
        let form = InitiativeForm {
            name: name.into(),
            summary: summary.into(),
            start: start.into(),
            end: end.into(),
            budget: budget.to_string(),
            parties: parties
                .iter()
                .filter(|p| party_names.contains(&p.name.as_str()))
                .map(|p| p.id)
                .collect(),
            leads: lead_id.filter(|_| led).into_iter().collect(),
            ..InitiativeForm::default()
        };
        // The demo data passes the same rules as user input.
        let input = InitiativeInput::parse(&form, &parties)?;
        crate::initiative::repo::create(db, None, organisation_id, &input, status, true, now)
            .await?;
    }
    Ok(())
}

/// A measure in a demo schema: (kind, code, name, unit, value type, frequency, direction,
/// baseline (value, date), target (value, date), source, comparison).
type MeasureSeed = (
    MeasureKind,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    (&'static str, &'static str),
    (&'static str, &'static str),
    &'static str,
    &'static str,
);

/// A demo schema with one goal: (satsning, goal, målgrupp, [(activity, measures)],
/// indicators, economic effect (text, horizon, party, linked code, SEK per year)).
struct SchemaSeed {
    initiative: &'static str,
    goal: &'static str,
    target_group: &'static str,
    activities: &'static [(&'static str, &'static [MeasureSeed])],
    indicators: &'static [MeasureSeed],
    effect: (&'static str, Horizon, &'static str, &'static str, i64),
}

use MeasureKind::{Activity as Act, Effect as Eff, Indicator as Ind};

/// Example schemas (written for this app; values invented) for three Örebro satsningar and
/// the two fictional ongoing ones, so reporting and dashboards have something to show.
const SCHEMAS: [SchemaSeed; 5] = [
    SchemaSeed {
        initiative: "Skolfam",
        goal: "Familjehemsplacerade barn når kunskapsmålen i skolan",
        target_group: "Familjehemsplacerade barn i grundskolan",
        activities: &[
            (
                "Kartläggning av varje barns skolsituation och en individuell plan",
                &[
                    (
                        Act,
                        "A1",
                        "Genomförda kartläggningar",
                        "kartläggningar",
                        "antal",
                        "manad",
                        "hogre",
                        ("", ""),
                        ("", ""),
                        "manuell",
                        "",
                    ),
                    (
                        Eff,
                        "E1",
                        "Andel barn med godkända betyg i alla ämnen",
                        "%",
                        "andel",
                        "halvar",
                        "hogre",
                        ("45", "2016-06-30"),
                        ("70", "2019-06-30"),
                        "manuell",
                        "",
                    ),
                ],
            ),
            (
                "Stöd i skolarbetet av specialpedagog",
                &[
                    (
                        Act,
                        "A2",
                        "Stödtimmar med specialpedagog",
                        "timmar",
                        "antal",
                        "manad",
                        "hogre",
                        ("", ""),
                        ("", ""),
                        "manuell",
                        "",
                    ),
                    (
                        Eff,
                        "E2",
                        "Andel barn som får det stöd de behöver",
                        "%",
                        "andel",
                        "halvar",
                        "hogre",
                        ("50", "2016-06-30"),
                        ("80", "2019-06-30"),
                        "enkat",
                        "",
                    ),
                ],
            ),
        ],
        indicators: &[(
            Ind,
            "I1",
            "Behörighet till gymnasiet",
            "%",
            "andel",
            "ar",
            "hogre",
            ("", ""),
            ("", ""),
            "import",
            "Kolada; kommun, län, riket",
        )],
        effect: (
            "Minskade kostnader för särskilt stöd och omplaceringar",
            Horizon::Long,
            "Socialförvaltningen",
            "E1",
            450_000,
        ),
    },
    SchemaSeed {
        initiative: "NP Resurs och Samverkan",
        goal: "Unga med neuropsykiatriska svårigheter fullföljer gymnasiet eller får arbete",
        target_group: "Unga 15–25 år med neuropsykiatrisk problematik",
        activities: &[(
            "Samordnad individuell plan med en gemensam resursperson",
            &[
                (
                    Act,
                    "A1",
                    "Ärenden med samordnad plan",
                    "ärenden",
                    "antal",
                    "manad",
                    "hogre",
                    ("", ""),
                    ("", ""),
                    "manuell",
                    "",
                ),
                (
                    Eff,
                    "E1",
                    "Andel i studier eller arbete efter 12 månader",
                    "%",
                    "andel",
                    "halvar",
                    "hogre",
                    ("40", "2015-09-01"),
                    ("65", "2018-08-31"),
                    "manuell",
                    "",
                ),
            ],
        )],
        indicators: &[(
            Ind,
            "I1",
            "Unga 16–24 år som varken arbetar eller studerar",
            "%",
            "andel",
            "ar",
            "lagre",
            ("", ""),
            ("", ""),
            "import",
            "Kolada; kommun, län, riket",
        )],
        effect: (
            "Minskat försörjningsstöd",
            Horizon::Long,
            "Förvaltningen för utbildning, försörjning och arbete",
            "E1",
            600_000,
        ),
    },
    SchemaSeed {
        initiative: "Bryggan – från destruktiv frånvaro till måluppfyllelse",
        goal: "Elever med problematisk frånvaro kommer tillbaka till skolan",
        target_group: "Elever i årskurs 4–9 med hög frånvaro",
        activities: &[(
            "Tidig kartläggning och samordnad insats kring eleven",
            &[
                (
                    Act,
                    "A1",
                    "Elever i insatsen",
                    "elever",
                    "antal",
                    "manad",
                    "hogre",
                    ("", ""),
                    ("", ""),
                    "manuell",
                    "",
                ),
                (
                    Eff,
                    "E1",
                    "Andel elever med frånvaro under 15 %",
                    "%",
                    "andel",
                    "manad",
                    "hogre",
                    ("20", "2017-01-31"),
                    ("60", "2020-06-12"),
                    "manuell",
                    "",
                ),
            ],
        )],
        indicators: &[(
            Ind,
            "I1",
            "Elever i årskurs 9 behöriga till yrkesprogram",
            "%",
            "andel",
            "ar",
            "hogre",
            ("", ""),
            ("", ""),
            "import",
            "Kolada; kommun, län, riket",
        )],
        effect: (
            "Färre placeringar i särskild undervisningsgrupp",
            Horizon::Short,
            "Förvaltningen förskola och skola",
            "E1",
            800_000,
        ),
    },
    SchemaSeed {
        initiative: "Läxhjälp i Vivalla (fiktiv)",
        goal: "Fler elever i Vivalla når godkända betyg",
        target_group: "Elever i årskurs 4–9 i Vivalla",
        activities: &[(
            "Läxhjälp tre kvällar i veckan",
            &[
                (
                    Act,
                    "A1",
                    "Deltagartillfällen",
                    "tillfällen",
                    "antal",
                    "manad",
                    "hogre",
                    ("", ""),
                    ("", ""),
                    "manuell",
                    "",
                ),
                (
                    Eff,
                    "E1",
                    "Andel deltagare som lämnar in läxor i tid",
                    "%",
                    "andel",
                    "manad",
                    "hogre",
                    ("50", "2025-08-31"),
                    ("80", "2028-06-30"),
                    "manuell",
                    "",
                ),
            ],
        )],
        indicators: &[(
            Ind,
            "I1",
            "Behörighet till gymnasiet",
            "%",
            "andel",
            "ar",
            "hogre",
            ("", ""),
            ("", ""),
            "import",
            "Exempel-KPI X00001 (påhittad); kommun, län, riket",
        )],
        effect: (
            "Minskat behov av särskilt stöd",
            Horizon::Short,
            "Förvaltningen förskola och skola",
            "E1",
            300_000,
        ),
    },
    SchemaSeed {
        initiative: "Tidigt stöd för unga vuxna (fiktiv)",
        goal: "Unga vuxna kommer i arbete eller studier",
        target_group: "Unga vuxna 20–25 år som varken arbetar eller studerar",
        activities: &[(
            "Personligt stöd av en coach",
            &[
                (
                    Act,
                    "A1",
                    "Coachningssamtal",
                    "samtal",
                    "antal",
                    "manad",
                    "hogre",
                    ("", ""),
                    ("", ""),
                    "manuell",
                    "",
                ),
                (
                    Eff,
                    "E1",
                    "Deltagare i arbete eller studier",
                    "personer",
                    "antal",
                    "manad",
                    "hogre",
                    ("0", "2026-01-31"),
                    ("40", "2028-12-31"),
                    "manuell",
                    "",
                ),
            ],
        )],
        indicators: &[(
            Ind,
            "I1",
            "Unga vuxna med försörjningsstöd",
            "%",
            "andel",
            "ar",
            "lagre",
            ("", ""),
            ("", ""),
            "import",
            "Kolada; kommun, län, riket",
        )],
        effect: (
            "Minskat försörjningsstöd",
            Horizon::Long,
            "Förvaltningen för utbildning, försörjning och arbete",
            "E1",
            1_200_000,
        ),
    },
];

fn measure_input(seed: &MeasureSeed) -> Result<MeasureInput, AppError> {
    let (
        _,
        code,
        name,
        unit,
        value_type,
        frequency,
        direction,
        baseline,
        target,
        source,
        comparison,
    ) = *seed;
    MeasureInput::parse(&MeasureForm {
        code: code.into(),
        name: name.into(),
        unit: unit.into(),
        value_type: value_type.into(),
        frequency: frequency.into(),
        direction: direction.into(),
        baseline: baseline.0.into(),
        baseline_date: baseline.1.into(),
        target: target.0.into(),
        target_date: target.1.into(),
        source: source.into(),
        comparison: comparison.into(),
        ..MeasureForm::default()
    })
}

async fn seed_schema(
    db: &Db,
    actor: crate::audit::Actor,
    seed: &SchemaSeed,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use crate::schema::repo::{self as schema, EffectInput, Parent};
    let initiative_id: i64 = crate::db_read!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM initiative WHERE organisation_id = $1 AND name = $2")
            .bind(actor.organisation_id)
            .bind(seed.initiative)
            .fetch_one(pool)
            .await
    })?;
    let goal =
        schema::add_goal(db, actor, initiative_id, seed.goal, seed.target_group, now).await?;
    let mut effect_measure = None;
    for (text, measures) in seed.activities {
        let activity = schema::add_activity(db, actor, initiative_id, goal, text, now).await?;
        for m in *measures {
            let id = schema::add_measure(
                db,
                actor,
                initiative_id,
                m.0,
                Parent::Activity(activity),
                &measure_input(m)?,
                now,
            )
            .await?;
            if m.1 == seed.effect.3 {
                effect_measure = Some(id);
            }
        }
    }
    for m in seed.indicators {
        schema::add_measure(
            db,
            actor,
            initiative_id,
            m.0,
            Parent::Goal(goal),
            &measure_input(m)?,
            now,
        )
        .await?;
    }
    let parties = crate::party::repo::list(db, actor.organisation_id).await?;
    let effect = EffectInput {
        text: seed.effect.0.into(),
        horizon: seed.effect.1,
        party_id: parties
            .iter()
            .find(|p| p.name == seed.effect.2)
            .map(|p| p.id),
        effect_measure_id: effect_measure,
        yearly_sek: seed.effect.4,
    };
    schema::add_effect(db, actor, initiative_id, &effect, now).await?;
    Ok(())
}

/// Reported values for the past months of a running demo satsning, as its projektledare would
/// have entered them: most months marked complete, one month skipped, last month begun but not
/// marked, and an effektmått that falls below its target line now and then.
async fn seed_values(
    db: &Db,
    lead: crate::audit::Actor,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use crate::report::repo::{Entry, MonthSave};
    let initiative = crate::initiative::repo::list(db, lead.organisation_id)
        .await?
        .into_iter()
        .find(|i| i.name == name)
        .ok_or(AppError::Internal)?;
    let schema = crate::schema::repo::load(db, initiative.id).await?;
    let today = now.date_naive();
    let current = crate::report::Period::of(today);
    let months: Vec<_> = crate::report::reporting_months(initiative.start, initiative.end, today)
        .into_iter()
        .filter(|p| *p < current)
        .collect();
    let last = months.len().saturating_sub(1);
    for (i, period) in months.into_iter().enumerate() {
        if i == 2 {
            continue; // a month nobody reported
        }
        let entries: Vec<Entry> = crate::report::month::due_measures(&schema, period)
            .into_iter()
            .map(|m| {
                let n = i as f64;
                let value = match (m.kind, m.value_type) {
                    (crate::schema::MeasureKind::Activity, _) => 20.0 + ((i * 7) % 11) as f64,
                    (_, crate::schema::ValueType::Share) => {
                        // Rising towards the target, with a dip every fifth month.
                        let dip = if i % 5 == 4 { 12.0 } else { 0.0 };
                        (52.0 + 1.2 * n - dip).clamp(0.0, 100.0).round()
                    }
                    _ => (n / 2.0).floor() + if i % 4 == 3 { 0.0 } else { 1.0 },
                };
                let comment = if i % 5 == 4 {
                    "Sjukdom i personalgruppen, färre tillfällen än planerat.".to_string()
                } else {
                    String::new()
                };
                Entry {
                    measure_id: m.id,
                    value: Some(value),
                    comment,
                }
            })
            .collect();
        let month = MonthSave {
            period,
            entries: &entries,
            reason: None,
            submit: i != last,
        };
        crate::report::repo::save(db, lead, initiative.id, month, now).await?;
    }
    Ok(())
}

/// Invented comparison values for the example KPI X00001 (Örebro kommun, Örebro län, riket),
/// and the Läxhjälp target group's own yearly value, so the indicator comparison has
/// something to show. Clearly example data: the KPI id is not a real Kolada id.
async fn seed_comparison(
    db: &Db,
    actor: crate::audit::Actor,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use crate::indicator::KoladaValue;
    let mut values = Vec::new();
    for (municipality, start) in [("1880", 68.0), ("0018", 72.0), ("0000", 76.0)] {
        for (i, year) in (2021..=2025).enumerate() {
            values.push(KoladaValue {
                kpi: "X00001".into(),
                municipality: municipality.into(),
                year,
                gender: "T".into(),
                value: Some(start + 1.1 * i as f64),
            });
        }
    }
    crate::indicator::repo::import(db, actor, "exempeldata-kolada.json", &values, now).await?;
    // Names for the comparison chart: its title (the KPI) and its lines (the levels).
    use crate::indicator::{KoladaName, NameKind};
    let names = [
        (
            NameKind::Kpi,
            "X00001",
            "Behöriga till gymnasiet, andel (%) (påhittat exempel)",
        ),
        (NameKind::Municipality, "1880", "Örebro"),
        (NameKind::Municipality, "0018", "Örebro län"),
        (NameKind::Municipality, "0000", "Riket"),
    ]
    .map(|(kind, code, name)| KoladaName {
        kind,
        code: code.into(),
        name: name.into(),
    });
    crate::indicator::repo::import_names(db, actor, "exempeldata-kolada-namn.json", &names, now)
        .await?;
    let initiative = crate::initiative::repo::list(db, actor.organisation_id)
        .await?
        .into_iter()
        .find(|i| i.name == "Läxhjälp i Vivalla (fiktiv)")
        .ok_or(AppError::Internal)?;
    let schema = crate::schema::repo::load(db, initiative.id).await?;
    let Some(indicator) = schema.measures.iter().find(|m| m.code == "I1") else {
        return Ok(());
    };
    let december = crate::report::Period::new(2025, 12).ok_or(AppError::Internal)?;
    let entries = [crate::report::repo::Entry {
        measure_id: indicator.id,
        value: Some(58.0),
        comment: String::new(),
    }];
    let month = crate::report::repo::MonthSave {
        period: december,
        entries: &entries,
        reason: None,
        submit: false,
    };
    crate::report::repo::save(db, actor, initiative.id, month, now).await?;
    Ok(())
}
