//! Utvärderingsschema: mål → aktiviteter → aktivitetsmått och effektmått, indikatorer per mål,
//! ekonomiska effekter. Types, validation and the completeness rule (pure; unit-tested).

pub mod api;
pub mod effect;
pub mod facts;
mod grouping;
pub mod measure;
pub mod measure_form;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
mod repo_effect;
#[cfg(feature = "ssr")]
mod repo_measure;
#[cfg(feature = "ssr")]
mod repo_tree;
pub mod six_columns;
pub mod ui;

pub use effect::EffectForm;
pub use grouping::MeasureGroup;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

pub use measure::{MAX_MILESTONES, MeasureForm, MeasureInput, format_milestones, parse_milestones};

macro_rules! db_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $db:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $($(#[$vdoc])* $variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];
            /// Stored (and form) value.
            pub fn as_db(self) -> &'static str { match self { $($name::$variant => $db,)+ } }
            /// Parses the stored value.
            pub fn from_db(value: &str) -> Option<Self> {
                match value { $($db => Some($name::$variant),)+ _ => None }
            }
            /// Swedish label.
            pub fn label(self) -> &'static str { match self { $($name::$variant => $label,)+ } }
        }
    };
}

db_enum! {
    /// Måttyp: aktivitetsmått, effektmått or indikator.
    MeasureKind {
        /// Aktivitetsmått: shows an activity is running.
        Activity = "aktivitet", "Aktivitetsmått";
        /// Effektmått: shows the activity has its intended effect.
        Effect = "effekt", "Effektmått";
        /// Indikator: a broader measure, comparable with kommun, län, riket.
        Indicator = "indikator", "Indikator";
    }
}

impl MeasureKind {
    /// The letter its codes begin with: A1, A2 … for aktivitetsmått, E1 … for effektmått, I1 …
    /// for indikatorer (as the demo schemas and Örebro's tables number them).
    pub fn code_prefix(self) -> char {
        match self {
            MeasureKind::Activity => 'A',
            MeasureKind::Effect => 'E',
            MeasureKind::Indicator => 'I',
        }
    }

    /// "Nytt aktivitetsmått", "Nytt effektmått", "Ny indikator": the heading of its new form.
    pub fn new_heading(self) -> &'static str {
        match self {
            MeasureKind::Activity => "Nytt aktivitetsmått",
            MeasureKind::Effect => "Nytt effektmått",
            MeasureKind::Indicator => "Ny indikator",
        }
    }
}

/// The next free code of `kind` among the satsning's `codes` (retired measures included, since
/// a code stays taken): one more than the highest number after the kind's letter, so "E1",
/// "E2.1" and "e4" give "E5"; "A1" when the kind has none yet. Codes are compared as stored
/// (upper case).
pub fn next_code<'a>(kind: MeasureKind, codes: impl IntoIterator<Item = &'a str>) -> String {
    let prefix = kind.code_prefix();
    let highest = codes
        .into_iter()
        .filter_map(|code| {
            let rest = code.strip_prefix(prefix)?;
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u32>().ok()
        })
        .max()
        .unwrap_or(0);
    format!("{prefix}{}", highest.saturating_add(1))
}

db_enum! {
    /// Värdetyp.
    ValueType {
        Count = "antal", "Antal";
        Share = "andel", "Andel (%)";
        Amount = "belopp", "Belopp (kr)";
        Scale = "skala", "Skala 1–5";
        YesNo = "janej", "Ja/nej";
    }
}

impl ValueType {
    /// The unit the value type itself gives, so the form does not ask for it again: andel is
    /// "%", belopp "kr", a scale and ja/nej have none. `None` for antal, where the user names
    /// what is counted ("deltagare", "träffar"; "st" when left empty).
    pub fn implied_unit(self) -> Option<&'static str> {
        match self {
            ValueType::Count => None,
            ValueType::Share => Some("%"),
            ValueType::Amount => Some("kr"),
            ValueType::Scale | ValueType::YesNo => Some(""),
        }
    }
}

/// What an antal is counted in when the form leaves the unit empty.
pub const DEFAULT_COUNT_UNIT: &str = "st";

db_enum! {
    /// Frekvens: how often a value is reported.
    Frequency {
        Monthly = "manad", "Månad";
        Quarterly = "kvartal", "Kvartal";
        HalfYearly = "halvar", "Halvår";
        Yearly = "ar", "År";
    }
}

db_enum! {
    /// Riktning: which way is better.
    Direction {
        Higher = "hogre", "Högre är bättre";
        Lower = "lagre", "Lägre är bättre";
        Within = "intervall", "Inom intervall";
    }
}

db_enum! {
    /// Datakälla.
    Source {
        Manual = "manuell", "Manuell rapportering";
        Survey = "enkat", "Enkät";
        Import = "import", "Import";
    }
}

db_enum! {
    /// Tidshorisont för en ekonomisk effekt.
    Horizon {
        Short = "kort", "Kort sikt";
        Long = "lang", "Lång sikt";
    }
}

/// Mått: one measure of the schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    pub id: i64,
    pub kind: MeasureKind,
    pub activity_id: Option<i64>,
    pub goal_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub definition: String,
    pub unit: String,
    pub value_type: ValueType,
    pub frequency: Frequency,
    pub direction: Direction,
    pub baseline: Option<(f64, NaiveDate)>,
    pub target: Option<(f64, NaiveDate)>,
    /// Delmål: intermediate targets between baseline and target, by date.
    pub milestones: Vec<(NaiveDate, f64)>,
    pub tolerance_yellow: Option<f64>,
    pub tolerance_red: Option<f64>,
    /// Intervall (lower, upper) of a measure "inom intervall": on target between the two.
    pub interval: Option<(f64, f64)>,
    pub source: Source,
    /// For indikatorer: source and comparison levels, e.g. "Kolada N00945; kommun, län, riket".
    pub comparison: String,
    pub retired: bool,
    /// Statistiska signaler: the deviation rules' per-measure settings.
    pub signals: Signals,
}

/// A measure's own settings for the statistical deviation signals; the default keeps them on
/// with the configured thresholds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signals {
    /// No statistical signals for this measure (the target rules still apply).
    pub off: bool,
    /// Skift and trend: this many values in a row, instead of the configured length.
    pub run_length: Option<usize>,
}

impl Signals {
    /// The shortest and longest run length a measure may set.
    pub const RUN_LENGTHS: std::ops::RangeInclusive<usize> = 5..=15;
}

/// Aktivitet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub id: i64,
    pub text: String,
}

/// Mål with its activities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub id: i64,
    pub text: String,
    pub target_group: String,
    pub activities: Vec<Activity>,
}

/// Ekonomisk effekt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EconomicEffect {
    pub id: i64,
    pub text: String,
    pub horizon: Horizon,
    /// Benefiting nämnd: (party id, name).
    pub party: Option<(i64, String)>,
    /// Linked effektmått id.
    pub effect_measure_id: Option<i64>,
    pub yearly_sek: i64,
}

/// A whole schema.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Schema {
    pub goals: Vec<Goal>,
    pub measures: Vec<Measure>,
    pub effects: Vec<EconomicEffect>,
}

impl Schema {
    /// Active measures of an activity of `kind`.
    pub fn activity_measures(&self, activity_id: i64, kind: MeasureKind) -> Vec<&Measure> {
        self.measures
            .iter()
            .filter(|m| m.activity_id == Some(activity_id) && m.kind == kind && !m.retired)
            .collect()
    }

    /// Active indikatorer of a goal.
    pub fn indicators(&self, goal_id: i64) -> Vec<&Measure> {
        self.measures
            .iter()
            .filter(|m| m.goal_id == Some(goal_id) && !m.retired)
            .collect()
    }

    /// "Schemat är komplett": what is missing, in Swedish; empty when complete.
    pub fn missing(&self) -> Vec<String> {
        let mut missing = Vec::new();
        if self.goals.is_empty() {
            missing.push("minst ett mål".to_string());
        }
        for (g, goal) in self.goals.iter().enumerate() {
            let goal_name = format!("mål {}", g + 1);
            if goal.activities.is_empty() {
                missing.push(format!("minst en aktivitet för {goal_name}"));
            }
            if self.indicators(goal.id).is_empty() {
                missing.push(format!("minst en indikator för {goal_name}"));
            }
            for (a, activity) in goal.activities.iter().enumerate() {
                let activity_name = format!("aktivitet {}.{}", g + 1, a + 1);
                if self
                    .activity_measures(activity.id, MeasureKind::Activity)
                    .is_empty()
                {
                    missing.push(format!("aktivitetsmått för {activity_name}"));
                }
                let effects = self.activity_measures(activity.id, MeasureKind::Effect);
                if effects.is_empty() {
                    missing.push(format!("effektmått för {activity_name}"));
                }
                for measure in effects {
                    if measure.target.is_none() && measure.interval.is_none() {
                        missing.push(format!("målvärde för effektmått {}", measure.code));
                    }
                }
            }
        }
        if self.effects.is_empty() {
            missing.push("minst en ekonomisk effekt".to_string());
        }
        missing
    }
}

/// The schema at a glance, for the satsning page.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SchemaSummary {
    pub goals: usize,
    pub activities: usize,
    pub activity_measures: usize,
    pub effect_measures: usize,
    pub indicators: usize,
    pub economic_effects: usize,
    /// What "Schemat är komplett" still lacks.
    pub missing: Vec<String>,
}

impl Schema {
    /// Counts of the active parts and what is missing.
    pub fn summary(&self) -> SchemaSummary {
        let active = |kind: MeasureKind| {
            self.measures
                .iter()
                .filter(|m| m.kind == kind && !m.retired)
                .count()
        };
        SchemaSummary {
            goals: self.goals.len(),
            activities: self.goals.iter().map(|g| g.activities.len()).sum(),
            activity_measures: active(MeasureKind::Activity),
            effect_measures: active(MeasureKind::Effect),
            indicators: active(MeasureKind::Indicator),
            economic_effects: self.effects.len(),
            missing: self.missing(),
        }
    }
}

impl SchemaSummary {
    /// "2 mål · 3 aktiviteter · …" in Swedish.
    pub fn counts_text(&self) -> String {
        let part =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        [
            part(self.goals, "mål", "mål"),
            part(self.activities, "aktivitet", "aktiviteter"),
            part(self.activity_measures, "aktivitetsmått", "aktivitetsmått"),
            part(self.effect_measures, "effektmått", "effektmått"),
            part(self.indicators, "indikator", "indikatorer"),
            part(
                self.economic_effects,
                "ekonomisk effekt",
                "ekonomiska effekter",
            ),
        ]
        .join(" · ")
    }
}

/// The six columns of the classic table, for export.
pub const COLUMNS: [&str; 6] = [
    "Mål",
    "Aktivitet",
    "Aktivitetsmått",
    "Effektmått",
    "Indikatorer",
    "Ekonomiska effekter",
];

impl Schema {
    /// The schema flattened to one row per activity (a goal without activities gets one row),
    /// six columns, for CSV and Excel. Each measure carries its facts (unit, utgångsvärde,
    /// målvärde, tolerances, frequency, source: [`Measure::export_line`]); several measures in a
    /// cell are separated by line breaks;
    /// the goal and its indicators repeat on each of the goal's rows so every row stands alone
    /// when sorted or filtered in Excel.
    pub fn export_rows(&self) -> Vec<[String; 6]> {
        let list = |measures: Vec<&Measure>| {
            measures
                .iter()
                .map(|m| m.export_line())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let effects = |measure_ids: &[i64]| {
            self.effects
                .iter()
                .filter(|e| {
                    e.effect_measure_id
                        .is_some_and(|m| measure_ids.contains(&m))
                })
                .map(|e| {
                    format!(
                        "{} ({}, {} kr/år)",
                        e.text,
                        e.horizon.label().to_lowercase(),
                        e.yearly_sek
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        let mut rows = Vec::new();
        for goal in &self.goals {
            let goal_text = if goal.target_group.is_empty() {
                goal.text.clone()
            } else {
                format!("{} (målgrupp: {})", goal.text, goal.target_group)
            };
            let indicators = list(self.indicators(goal.id));
            if goal.activities.is_empty() {
                rows.push([
                    goal_text.clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                    indicators.clone(),
                    String::new(),
                ]);
            }
            for activity in &goal.activities {
                let effect_measures = self.activity_measures(activity.id, MeasureKind::Effect);
                let ids: Vec<i64> = effect_measures.iter().map(|m| m.id).collect();
                rows.push([
                    goal_text.clone(),
                    activity.text.clone(),
                    list(self.activity_measures(activity.id, MeasureKind::Activity)),
                    list(effect_measures),
                    indicators.clone(),
                    effects(&ids),
                ]);
            }
        }
        let linked: Vec<i64> = self.measures.iter().map(|m| m.id).collect();
        let loose: Vec<String> = self
            .effects
            .iter()
            .filter(|e| e.effect_measure_id.is_none_or(|m| !linked.contains(&m)))
            .map(|e| {
                format!(
                    "{} ({}, {} kr/år)",
                    e.text,
                    e.horizon.label().to_lowercase(),
                    e.yearly_sek
                )
            })
            .collect();
        if !loose.is_empty() {
            rows.push([
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                loose.join("\n"),
            ]);
        }
        rows
    }
}

/// Is `value` allowed for `value_type`?
fn value_problem(value_type: ValueType, value: f64) -> Option<&'static str> {
    match value_type {
        ValueType::Count if value < 0.0 || value.fract() != 0.0 => {
            Some("Antal är ett heltal, 0 eller mer.")
        }
        ValueType::Share if !(0.0..=100.0).contains(&value) => {
            Some("Andel anges i procent, mellan 0 och 100.")
        }
        ValueType::Scale if !(1.0..=5.0).contains(&value) => {
            Some("Värdet på skalan ska vara mellan 1 och 5.")
        }
        ValueType::YesNo if value != 0.0 && value != 1.0 => {
            Some("Ja/nej anges som 1 (ja) eller 0 (nej).")
        }
        ValueType::Amount if value < 0.0 => Some("Beloppet kan inte vara negativt."),
        _ => None,
    }
}

/// Longest code.
pub const MAX_CODE_CHARS: usize = 20;
/// Longest name or short text.
pub const MAX_SHORT_CHARS: usize = 200;
/// Longest long text.
pub const MAX_LONG_CHARS: usize = 4000;

/// Validates a short required text (mål, aktivitet, ekonomisk effekt).
pub fn required_text(field: &str, raw: &str, what: &str) -> Result<String, AppError> {
    let text = raw.trim();
    if text.is_empty() {
        Err(AppError::field(field, format!("Skriv {what}.")))
    } else if text.chars().count() > MAX_LONG_CHARS {
        Err(AppError::field(field, "Texten får vara högst 4000 tecken."))
    } else {
        Ok(text.to_string())
    }
}

/// A plain monthly count measure "A{id}" under aktivitet 1, for unit tests: each test
/// changes only the fields it is about (`Measure { kind: …, ..Measure::example(1) }`).
#[cfg(test)]
impl Measure {
    pub(crate) fn example(id: i64) -> Measure {
        Measure {
            id,
            kind: MeasureKind::Activity,
            activity_id: Some(1),
            goal_id: None,
            code: format!("A{id}"),
            name: "Mått".into(),
            definition: String::new(),
            unit: String::new(),
            value_type: ValueType::Count,
            frequency: Frequency::Monthly,
            direction: Direction::Higher,
            baseline: None,
            target: None,
            milestones: Vec::new(),
            tolerance_yellow: None,
            tolerance_red: None,
            interval: None,
            source: Source::Manual,
            comparison: String::new(),
            retired: false,
            signals: Signals::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(
        id: i64,
        kind: MeasureKind,
        activity: Option<i64>,
        goal: Option<i64>,
        target: bool,
    ) -> Measure {
        Measure {
            kind,
            activity_id: activity,
            goal_id: goal,
            code: format!("M{id}"),
            name: "x".into(),
            unit: "st".into(),
            target: target.then(|| (10.0, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())),
            ..Measure::example(id)
        }
    }

    fn complete() -> Schema {
        Schema {
            goals: vec![Goal {
                id: 1,
                text: "Fler elever klarar skolan".into(),
                target_group: "Familjehemsplacerade barn".into(),
                activities: vec![Activity {
                    id: 10,
                    text: "Individuell plan".into(),
                }],
            }],
            measures: vec![
                measure(1, MeasureKind::Activity, Some(10), None, false),
                measure(2, MeasureKind::Effect, Some(10), None, true),
                measure(3, MeasureKind::Indicator, None, Some(1), false),
            ],
            effects: vec![EconomicEffect {
                id: 1,
                text: "Färre placeringar".into(),
                horizon: Horizon::Long,
                party: None,
                effect_measure_id: Some(2),
                yearly_sek: 100,
            }],
        }
    }

    #[test]
    fn complete_schema_lacks_nothing() {
        assert!(complete().missing().is_empty());
    }

    #[test]
    fn completeness_lists_exactly_what_is_missing() {
        assert_eq!(
            Schema::default().missing(),
            ["minst ett mål", "minst en ekonomisk effekt"]
        );
        let mut schema = complete();
        schema.measures.retain(|m| m.kind != MeasureKind::Effect);
        assert_eq!(schema.missing(), ["effektmått för aktivitet 1.1"]);
        let mut schema = complete();
        schema.measures[1].target = None;
        assert_eq!(schema.missing(), ["målvärde för effektmått M2"]);
        let mut schema = complete();
        schema.measures[2].retired = true;
        assert_eq!(schema.missing(), ["minst en indikator för mål 1"]);
        let mut schema = complete();
        schema.goals[0].activities.clear();
        assert_eq!(schema.missing(), ["minst en aktivitet för mål 1"]);
    }

    #[test]
    fn summary_counts_active_parts() {
        let mut schema = complete();
        schema.measures[0].retired = true;
        let summary = schema.summary();
        assert_eq!(
            summary.counts_text(),
            "1 mål · 1 aktivitet · 0 aktivitetsmått · 1 effektmått · 1 indikator · 1 ekonomisk effekt"
        );
        assert_eq!(summary.missing, ["aktivitetsmått för aktivitet 1.1"]);
    }

    #[test]
    fn the_next_code_follows_the_highest_of_its_kind() {
        assert_eq!(next_code(MeasureKind::Activity, []), "A1");
        let codes = ["A1", "E1", "E2.1", "E4", "I1", "EX", "XE9"];
        assert_eq!(next_code(MeasureKind::Effect, codes), "E5");
        assert_eq!(next_code(MeasureKind::Activity, codes), "A2");
        assert_eq!(next_code(MeasureKind::Indicator, codes), "I2");
        assert_eq!(MeasureKind::Indicator.new_heading(), "Ny indikator");
    }

    #[test]
    fn export_rows_follow_the_six_columns() {
        let rows = complete().export_rows();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0][0],
            "Fler elever klarar skolan (målgrupp: Familjehemsplacerade barn)"
        );
        assert_eq!(
            rows[0][2],
            "M1 x (enhet st; utgångsvärde –; målvärde –; tolerans –; månad; manuell rapportering)"
        );
        assert!(
            rows[0][3].starts_with("M2 x (enhet st; utgångsvärde –; målvärde 10 st (2027-01-01);"),
            "{}",
            rows[0][3]
        );
        assert!(rows[0][4].starts_with("M3 x ("));
        assert_eq!(rows[0][5], "Färre placeringar (lång sikt, 100 kr/år)");
    }
}
