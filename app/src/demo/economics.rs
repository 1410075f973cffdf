//! Demo economics, all of it Exempeldata: a register of invented unit costs over the six areas
//! and three price years, a price index near KPI's yearly averages (1980 = 100; rounded, not
//! SCB's series), and a complete calculation for Skolfam. Written through the repositories, so
//! it passes the same rules as typed input and is audited like it.

use chrono::{DateTime, Utc};

use super::write::People;
use crate::db::Db;
use crate::economics::repayment::RepaymentInput;
use crate::economics::{EffectRow, Internal, UnitCostInput};
use crate::error::AppError;

/// KPI-like index per year (invented example values close to the published yearly averages).
const INDEX: [(i32, f64); 13] = [
    (2013, 314.1),
    (2014, 313.5),
    (2015, 313.4),
    (2016, 316.4),
    (2017, 322.1),
    (2018, 328.4),
    (2019, 334.5),
    (2020, 335.0),
    (2021, 343.2),
    (2022, 370.1),
    (2023, 399.8),
    (2024, 410.5),
    (2025, 414.0),
];

/// (post, area, unit, source, cost in 2024, comment). Each post gets 2022, 2023 and 2024 rows,
/// the earlier years' costs about what KPI gives back from 2024 (rounded down, as Örebro's
/// published costs are).
const POSTS: [(&str, &str, &str, &str, i64, &str); 20] = [
    (
        "Elev i grundskola",
        "skola",
        "per elev och år",
        "SIRIS",
        118_000,
        "Kommunens bruttokostnad för grundskolan delad med antal elever.",
    ),
    (
        "Elev i grundsärskola",
        "skola",
        "per elev och år",
        "SIRIS",
        560_000,
        "Bruttokostnad för grundsärskolan delad med antal elever.",
    ),
    (
        "Gymnasieelev, introduktionsprogram",
        "skola",
        "per elev och år",
        "SIRIS",
        165_000,
        "Kostnad för introduktionsprogrammen delad med antal elever.",
    ),
    (
        "Särskilt stöd, elevassistent",
        "skola",
        "per elev och år",
        "Ekonomisystemet",
        280_000,
        "Lön och sociala avgifter för en heltidsassistent.",
    ),
    (
        "Daglig verksamhet LSS",
        "funktionsnedsattning",
        "per person och år",
        "KPB",
        265_000,
        "KPB: kostnad per brukare i daglig verksamhet.",
    ),
    (
        "Bostad med särskild service LSS, vuxen",
        "funktionsnedsattning",
        "per person och år",
        "KPB",
        1_150_000,
        "KPB: kostnad per boende.",
    ),
    (
        "Personlig assistans, kommunal del",
        "funktionsnedsattning",
        "per timme",
        "Ekonomisystemet",
        340,
        "Kommunens kostnad per utförd timme.",
    ),
    (
        "Korttidsvistelse LSS",
        "funktionsnedsattning",
        "per dygn",
        "KPB",
        6_900,
        "KPB: kostnad per dygn.",
    ),
    (
        "Placering HVB, barn",
        "ifo",
        "per dygn",
        "KPB",
        4_100,
        "Genomsnittlig dygnskostnad för externa HVB-placeringar.",
    ),
    (
        "Familjehemsplacering, barn",
        "ifo",
        "per år",
        "KPB",
        420_000,
        "Arvode, omkostnader och handläggning per placerat barn och år.",
    ),
    (
        "Utredning barn och unga",
        "ifo",
        "per ärende",
        "Ekonomisystemet",
        58_000,
        "Handläggartid för en utredning enligt SoL 11:1.",
    ),
    (
        "Försörjningsstöd",
        "ifo",
        "per hushåll och månad",
        "Ekonomisystemet",
        9_800,
        "Utbetalt försörjningsstöd delat med antal hushåll och månader.",
    ),
    (
        "Särskilt boende för äldre",
        "vard_omsorg",
        "per plats och år",
        "KPB",
        1_020_000,
        "KPB: kostnad per plats.",
    ),
    (
        "Hemtjänst",
        "vard_omsorg",
        "per timme",
        "KPB",
        560,
        "KPB: kostnad per beviljad timme.",
    ),
    (
        "Korttidsplats, äldre",
        "vard_omsorg",
        "per dygn",
        "KPB",
        3_300,
        "KPB: kostnad per dygn.",
    ),
    (
        "Arbetsmarknadsanställning",
        "arbetsmarknad",
        "per person och år",
        "Ekonomisystemet",
        240_000,
        "Lönekostnad efter statligt stöd.",
    ),
    (
        "Arbetsmarknadsinsats, coachning",
        "arbetsmarknad",
        "per deltagare",
        "Ekonomisystemet",
        38_000,
        "Kostnad för ett halvårs coachning.",
    ),
    (
        "Utebliven skatteintäkt, arbetslös ung vuxen",
        "arbetsmarknad",
        "per person och år",
        "Egen beräkning",
        95_000,
        "Kommunalskatt på en medianinkomst för 20–24-åringar.",
    ),
    (
        "Klotter, sanering",
        "skadegorelse",
        "per kvadratmeter",
        "Ekonomisystemet",
        450,
        "Tekniska förvaltningens kostnad per sanerad kvadratmeter.",
    ),
    (
        "Skadegörelse i skolor",
        "skadegorelse",
        "per händelse",
        "Ekonomisystemet",
        14_000,
        "Genomsnittlig reparationskostnad per anmäld händelse.",
    ),
];

/// Seeds the register, the index and Skolfam's calculation.
pub async fn seed(db: &Db, people: &People, now: DateTime<Utc>) -> Result<(), AppError> {
    let by = people.evaluator;
    for (year, value) in INDEX {
        crate::economics::repo::set_index(db, by, year, value, true, now).await?;
    }
    let index = |year: i32| {
        INDEX
            .iter()
            .find(|(y, _)| *y == year)
            .map_or(1.0, |(_, v)| *v)
    };
    for (post, area, unit, source, cost_2024, comment) in POSTS {
        for year in [2022, 2023, 2024] {
            let cost = (cost_2024 as f64 * index(year) / index(2024)).floor() as i64;
            let input = UnitCostInput {
                post: post.into(),
                area: area.into(),
                unit: unit.into(),
                cost_sek: cost,
                price_year: year,
                source: source.into(),
                comment: comment.into(),
                internal: Internal {
                    volume: Some((cost_2024 % 997 + 40) as f64),
                    overhead_percent: Some(8.0 + (cost_2024 % 5) as f64),
                },
            };
            crate::economics::repo::add_unit_cost(db, by, &input, true, now).await?;
        }
    }
    skolfam(db, people, now).await
}

/// Skolfam's calculation in 2016's prices (its budget's year), at 3,5 %.
async fn skolfam(db: &Db, people: &People, now: DateTime<Utc>) -> Result<(), AppError> {
    let organisation_id = people.admin.organisation_id;
    let Some(initiative) = crate::initiative::repo::list(db, organisation_id)
        .await?
        .into_iter()
        .find(|i| i.name == "Skolfam")
    else {
        return Ok(());
    };
    let costs = crate::economics::repo::unit_costs(db, organisation_id, false).await?;
    let cost_id = |post: &str| {
        costs
            .iter()
            .find(|c| c.post == post && c.price_year == 2024)
            .map(|c| c.id)
            .ok_or(AppError::Internal)
    };
    let party = |name: &str| {
        initiative
            .parties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.id)
    };
    let schema = crate::schema::repo::load(db, initiative.id).await?;
    let effect = schema.effects.first().map(|e| e.id);
    crate::economics::repo::save_settings(db, people.evaluator, initiative.id, 2016, 3.5, now)
        .await?;
    let rows = [
        (
            "Färre sammanbrott och omplaceringar i familjehem",
            effect,
            cost_id("Familjehemsplacering, barn")?,
            party("Socialförvaltningen"),
            2.0,
            2017,
            (25.0, 20.0, 0.0, 10.0),
        ),
        (
            "Färre elever på introduktionsprogram efter årskurs 9",
            None,
            cost_id("Gymnasieelev, introduktionsprogram")?,
            party("Förvaltningen förskola och skola"),
            4.0,
            2019,
            (30.0, 20.0, 0.0, 5.0),
        ),
        (
            "Mindre behov av elevassistent",
            None,
            cost_id("Särskilt stöd, elevassistent")?,
            party("Förvaltningen förskola och skola"),
            3.0,
            2018,
            (40.0, 25.0, 10.0, 10.0),
        ),
    ];
    for (name, economic_effect_id, unit_cost_id, party_id, reduction, start_year, shares) in rows {
        let (deadweight, attribution, displacement, drop_off) = shares;
        let row = EffectRow {
            id: 0,
            name: name.into(),
            economic_effect_id,
            unit_cost_id,
            party_id,
            reduction_per_year: reduction,
            start_year,
            deadweight_percent: deadweight,
            attribution_percent: attribution,
            displacement_percent: displacement,
            drop_off_percent: drop_off,
        };
        crate::economics::repo::add_effect_row(db, people.evaluator, initiative.id, &row, now)
            .await?;
    }
    // Återföring: a plan for the two nämnder, the first years paid (one of them in part).
    let plan = [
        ("Socialförvaltningen", 2020, 400_000, Some(400_000)),
        ("Socialförvaltningen", 2021, 400_000, Some(400_000)),
        ("Socialförvaltningen", 2022, 400_000, None),
        (
            "Förvaltningen förskola och skola",
            2020,
            300_000,
            Some(250_000),
        ),
        ("Förvaltningen förskola och skola", 2021, 300_000, None),
    ];
    for (name, year, planned, paid) in plan {
        let Some(party_id) = party(name) else {
            continue;
        };
        let line = |amount_sek, note: &str| RepaymentInput {
            party_id,
            year,
            amount_sek,
            note: note.into(),
        };
        crate::economics::repo::set_plan(
            db,
            people.evaluator,
            initiative.id,
            &line(planned, ""),
            now,
        )
        .await?;
        if let Some(paid) = paid {
            let note = "Exempeldata: återbetalt vid helårsbokslutet";
            crate::economics::repo::add_payment(
                db,
                people.evaluator,
                initiative.id,
                &line(paid, note),
                now,
            )
            .await?;
        }
    }
    Ok(())
}
