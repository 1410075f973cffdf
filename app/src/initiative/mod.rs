//! Satsningar: the register, the status lifecycle and the rules for who runs them together.
//!
//! Rules here are pure functions (unit-tested below); `repo.rs` stores, `api.rs` authorizes.

pub mod api;
pub mod form;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod ui;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::auth::{CurrentUser, Role};
use crate::party::{Party, PartyKind};
use crate::sv::number::{format_sek, parse_sek};

pub use form::{InitiativeForm, InitiativeInput, MAX_NAME_CHARS, MAX_TEXT_CHARS};

/// Uppföljning efter (år): how many years after its end date a satsning's uppföljande
/// utvärdering is due, 1–3 (2 unless chosen otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FollowUpYears(u8);

impl FollowUpYears {
    pub const DEFAULT: FollowUpYears = FollowUpYears(2);
    /// The choices the satsning form offers.
    pub const CHOICES: [u8; 3] = [1, 2, 3];

    pub fn new(years: u8) -> Option<Self> {
        (1..=3).contains(&years).then_some(Self(years))
    }

    /// As typed in the form: "1", "2" or "3"; empty means the default.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "" => Some(Self::DEFAULT),
            t => t.parse().ok().and_then(Self::new),
        }
    }

    /// As stored (the column has a CHECK; anything else reads as the default).
    pub fn from_db(value: i64) -> Self {
        u8::try_from(value)
            .ok()
            .and_then(Self::new)
            .unwrap_or(Self::DEFAULT)
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// The due date after a satsning ending on `end`: the same day `self` years later
    /// (29 February becomes 28 February).
    pub fn due_after(self, end: NaiveDate) -> NaiveDate {
        end.checked_add_months(chrono::Months::new(12 * u32::from(self.0)))
            .unwrap_or(end)
    }
}

impl Default for FollowUpYears {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Status: where a satsning is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Idé
    Idea,
    /// Ansökan
    Application,
    /// Beredning
    Review,
    /// Beslutad
    Decided,
    /// Pågående
    Running,
    /// Avslutad
    Ended,
    /// Uppföljd
    FollowedUp,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Idea,
        Status::Application,
        Status::Review,
        Status::Decided,
        Status::Running,
        Status::Ended,
        Status::FollowedUp,
    ];

    pub fn as_db(self) -> &'static str {
        match self {
            Status::Idea => "ide",
            Status::Application => "ansokan",
            Status::Review => "beredning",
            Status::Decided => "beslutad",
            Status::Running => "pagaende",
            Status::Ended => "avslutad",
            Status::FollowedUp => "uppfoljd",
        }
    }

    pub fn from_db(value: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_db() == value)
    }

    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            Status::Idea => "Idé",
            Status::Application => "Ansökan",
            Status::Review => "Beredning",
            Status::Decided => "Beslutad",
            Status::Running => "Pågående",
            Status::Ended => "Avslutad",
            Status::FollowedUp => "Uppföljd",
        }
    }

    /// The statuses a satsning may move to from this one: the next step forward, and one step
    /// back while the application is still being prepared or reviewed.
    pub fn next(self) -> Vec<Status> {
        match self {
            Status::Idea => vec![Status::Application],
            Status::Application => vec![Status::Review, Status::Idea],
            Status::Review => vec![Status::Decided, Status::Application],
            Status::Decided => vec![Status::Running],
            Status::Running => vec![Status::Ended],
            Status::Ended => vec![Status::FollowedUp],
            Status::FollowedUp => vec![],
        }
    }
}

/// Why a status change is refused, or `None` if allowed. `schema_missing` lists what the
/// utvärderingsschema still lacks (moving to "beslutad" needs a complete schema).
pub fn transition_problem(
    from: Status,
    to: Status,
    user: &CurrentUser,
    is_lead: bool,
    schema_missing: &[String],
) -> Option<String> {
    if !from.next().contains(&to) {
        return Some(format!(
            "En satsning kan inte gå från {} till {}.",
            from.label().to_lowercase(),
            to.label().to_lowercase()
        ));
    }
    let staff = user.has_any(&[Role::Admin, Role::Evaluator]);
    let lead_may = is_lead && to <= Status::Review;
    if !staff && !lead_may {
        return Some("Din roll får inte göra den här statusändringen.".into());
    }
    if to == Status::Decided && !schema_missing.is_empty() {
        return Some(format!(
            "Satsningen kan inte beslutas förrän utvärderingsschemat är komplett. Saknas: {}.",
            schema_missing.join("; ")
        ));
    }
    None
}

/// The samverkan rule: at least two nämnder from different verksamhetsområden, or an idéburen
/// aktör together with at least one nämnd. Kommunala bolag may take part but do not count.
pub fn samverkan_problem(parties: &[Party]) -> Option<&'static str> {
    let boards: Vec<&Party> = parties
        .iter()
        .filter(|p| p.kind == PartyKind::Board)
        .collect();
    let civil = parties.iter().any(|p| p.kind == PartyKind::Civil);
    let mut areas: Vec<&str> = boards.iter().filter_map(|p| p.area.as_deref()).collect();
    areas.sort_unstable();
    areas.dedup();
    let ok = areas.len() >= 2 || (civil && !boards.is_empty());
    (!ok).then_some(
        "Välj minst två nämnder från olika verksamhetsområden, eller en idéburen aktör \
         tillsammans med minst en nämnd.",
    )
}

/// A period outside 2–4 years is allowed but worth a second look; the warning text if so.
pub fn period_warning(start: NaiveDate, end: NaiveDate) -> Option<String> {
    let months = (end.year_month() - start.year_month()).max(0);
    (!(24..=48).contains(&months)).then(|| {
        format!(
            "Perioden är {} månader. Satsningar brukar pågå 2–4 år; kontrollera datumen.",
            months
        )
    })
}

trait YearMonth {
    fn year_month(&self) -> i32;
}

impl YearMonth for NaiveDate {
    fn year_month(&self) -> i32 {
        use chrono::Datelike;
        self.year() * 12 + self.month0() as i32
    }
}

/// Parses "Budget per år": one "ÅR: belopp" per line ("2027: 1 200 000"). Every year must lie
/// within the period, appear once, and the years together may not exceed the total.
pub fn parse_budget_years(
    raw: &str,
    start: NaiveDate,
    end: NaiveDate,
    total: i64,
) -> Result<Vec<(i64, i64)>, String> {
    use chrono::Datelike;
    let mut years: Vec<(i64, i64)> = Vec::new();
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((year, amount)) = line.split_once([':', '=']) else {
            return Err(format!(
                "Skriv varje rad som ÅR: belopp, till exempel 2027: 1 200 000 (rad ”{line}”)."
            ));
        };
        let Ok(year) = year.trim().parse::<i64>() else {
            return Err(format!("\"{}\" är inget årtal.", year.trim()));
        };
        if year < i64::from(start.year()) || year > i64::from(end.year()) {
            return Err(format!("År {year} ligger utanför satsningens period."));
        }
        if years.iter().any(|(y, _)| *y == year) {
            return Err(format!("År {year} står två gånger."));
        }
        let Some(amount) = parse_sek(amount) else {
            return Err(format!(
                "Beloppet för {year} ska vara hela kronor, till exempel 1 200 000."
            ));
        };
        years.push((year, amount));
    }
    let sum: i64 = years.iter().map(|(_, a)| a).sum();
    if sum > total {
        return Err(format!(
            "Åren är tillsammans {}, mer än totalbudgeten {}.",
            format_sek(sum),
            format_sek(total)
        ));
    }
    years.sort_unstable();
    Ok(years)
}

/// Satsning: one row of the register, with what the list and the page show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Initiative {
    pub id: i64,
    pub name: String,
    pub summary: String,
    pub target_group: String,
    pub owner_names: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub budget_sek: i64,
    /// Budget per år: (year, kronor), sorted.
    pub budget_years: Vec<(i64, i64)>,
    pub repayment: bool,
    pub status: Status,
    pub is_example: bool,
    pub parties: Vec<Party>,
    /// Projektledare: (user id, name).
    pub leads: Vec<(i64, String)>,
    /// Uppföljning efter: when its uppföljande utvärdering is due.
    pub follow_up_years: FollowUpYears,
}

impl Initiative {
    /// Avslutad: marked ended (or followed up), or decided and past its end date.
    pub fn has_ended(&self, today: NaiveDate) -> bool {
        self.status >= Status::Ended || (self.status >= Status::Decided && self.end < today)
    }

    /// The day its uppföljande utvärdering is due: the end date plus its follow-up years.
    pub fn follow_up_due(&self) -> NaiveDate {
        self.follow_up_years.due_after(self.end)
    }

    /// Share of the period elapsed on `today`, 0–100.
    pub fn elapsed_percent(&self, today: NaiveDate) -> u8 {
        let total = (self.end - self.start).num_days().max(1);
        let done = (today - self.start).num_days().clamp(0, total);
        ((done * 100) / total) as u8
    }

    /// `true` if `user_id` is one of its projektledare.
    pub fn is_led_by(&self, user_id: i64) -> bool {
        self.leads.iter().any(|(id, _)| *id == user_id)
    }

    /// "2024-01-01 – 2026-12-31".
    pub fn period_text(&self) -> String {
        format!("{} – {}", self.start, self.end)
    }

    /// The parties' names, comma-separated.
    pub fn party_names(&self) -> String {
        let names: Vec<&str> = self.parties.iter().map(|p| p.name.as_str()).collect();
        names.join(", ")
    }

    /// The projektledare's names, comma-separated; "–" when there are none.
    pub fn lead_names(&self) -> String {
        let names: Vec<&str> = self.leads.iter().map(|(_, n)| n.as_str()).collect();
        if names.is_empty() {
            "–".into()
        } else {
            names.join(", ")
        }
    }
}

/// Who may see a satsning: staff roles see all of their organisation's; a projektledare
/// (with no other role) sees those they lead.
pub fn may_view(user: &CurrentUser, initiative: &Initiative) -> bool {
    sees_all(user) || initiative.is_led_by(user.id)
}

/// Whether the user sees every satsning of their organisation (staff roles), not only those
/// they lead.
pub fn sees_all(user: &CurrentUser) -> bool {
    user.has_any(&[Role::Admin, Role::Evaluator, Role::Review, Role::Reader])
}

/// Who may change a satsning's details: admin and utvärderare always; its own projektledare
/// until it is decided (after "beslutad", changes are the evaluation team's).
pub fn may_edit(user: &CurrentUser, initiative: &Initiative) -> bool {
    user.has_any(&[Role::Admin, Role::Evaluator])
        || (initiative.is_led_by(user.id) && initiative.status <= Status::Review)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(id: i64, kind: PartyKind, area: Option<&str>) -> Party {
        Party {
            id,
            name: format!("Part {id}"),
            kind,
            area: area.map(String::from),
        }
    }

    fn user(id: i64, roles: &[Role]) -> CurrentUser {
        CurrentUser {
            id,
            organisation_id: 1,
            name: "T".into(),
            email: "t@x.se".into(),
            roles: roles.to_vec(),
        }
    }

    #[test]
    fn samverkan_needs_two_areas_or_civil_plus_board() {
        let school = party(1, PartyKind::Board, Some("Skola"));
        let school2 = party(2, PartyKind::Board, Some("Skola"));
        let social = party(3, PartyKind::Board, Some("Individ- och familjeomsorg"));
        let club = party(4, PartyKind::Civil, None);
        let company = party(5, PartyKind::Company, None);
        assert!(samverkan_problem(&[school.clone(), social.clone()]).is_none());
        assert!(samverkan_problem(&[club.clone(), school.clone()]).is_none());
        assert!(
            samverkan_problem(&[school.clone(), school2]).is_some(),
            "same area"
        );
        assert!(
            samverkan_problem(std::slice::from_ref(&club)).is_some(),
            "civil alone"
        );
        assert!(
            samverkan_problem(&[school.clone(), company]).is_some(),
            "company does not count"
        );
        assert!(samverkan_problem(&[]).is_some());
    }

    #[test]
    fn lifecycle_allows_only_neighbouring_steps() {
        assert_eq!(Status::Idea.next(), vec![Status::Application]);
        assert!(Status::Review.next().contains(&Status::Application));
        assert!(!Status::Running.next().contains(&Status::Idea));
        assert!(Status::FollowedUp.next().is_empty());
        for status in Status::ALL {
            assert_eq!(Status::from_db(status.as_db()), Some(status));
        }
    }

    #[test]
    fn deciding_needs_staff_and_a_complete_schema() {
        let admin = user(1, &[Role::Admin]);
        let lead = user(2, &[Role::ProjectLead]);
        let missing = vec!["minst ett mål".to_string()];
        assert!(
            transition_problem(Status::Review, Status::Decided, &admin, false, &missing)
                .unwrap()
                .contains("utvärderingsschemat är komplett")
        );
        assert!(transition_problem(Status::Review, Status::Decided, &admin, false, &[]).is_none());
        assert!(transition_problem(Status::Review, Status::Decided, &lead, true, &[]).is_some());
        assert!(transition_problem(Status::Idea, Status::Application, &lead, true, &[]).is_none());
        assert!(transition_problem(Status::Idea, Status::Application, &lead, false, &[]).is_some());
        assert!(transition_problem(Status::Idea, Status::Running, &admin, false, &[]).is_some());
    }

    #[test]
    fn budget_per_year_lies_in_the_period_and_within_the_total() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let (start, end) = (d("2026-08-01"), d("2028-06-30"));
        assert_eq!(
            parse_budget_years("2027: 1 000 000\n\n2026 = 500 000", start, end, 2_000_000),
            Ok(vec![(2026, 500_000), (2027, 1_000_000)])
        );
        assert!(
            parse_budget_years("2029: 1", start, end, 10)
                .unwrap_err()
                .contains("utanför")
        );
        assert!(
            parse_budget_years("2027: 1\n2027: 2", start, end, 10)
                .unwrap_err()
                .contains("två gånger")
        );
        assert!(
            parse_budget_years("2027: 11", start, end, 10)
                .unwrap_err()
                .contains("mer än totalbudgeten")
        );
        assert!(
            parse_budget_years("2027 1000", start, end, 10_000)
                .unwrap_err()
                .contains("ÅR: belopp")
        );
        assert_eq!(parse_budget_years("", start, end, 0), Ok(vec![]));
    }

    #[test]
    fn the_follow_up_is_due_its_years_after_the_end_date() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let years = |raw| FollowUpYears::parse(raw).map(FollowUpYears::get);
        assert_eq!(years(""), Some(2), "two years unless chosen");
        assert_eq!(years(" 3 "), Some(3));
        assert_eq!(years("0"), None);
        assert_eq!(years("4"), None);
        assert_eq!(years("två"), None);
        assert_eq!(FollowUpYears::from_db(9), FollowUpYears::DEFAULT);
        let one = FollowUpYears::new(1).unwrap();
        assert_eq!(one.due_after(d("2019-06-30")), d("2020-06-30"));
        assert_eq!(
            FollowUpYears::DEFAULT.due_after(d("2017-12-31")),
            d("2019-12-31")
        );
        assert_eq!(one.due_after(d("2020-02-29")), d("2021-02-28"));
    }

    #[test]
    fn period_outside_two_to_four_years_is_warned() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(period_warning(d("2015-09-01"), d("2018-08-31")).is_none());
        assert!(period_warning(d("2026-01-01"), d("2026-12-31")).is_some());
        assert!(period_warning(d("2020-01-01"), d("2025-06-30")).is_some());
    }

    #[test]
    fn projektledare_edit_only_their_own_until_decided() {
        let mut initiative = Initiative {
            id: 1,
            name: "X".into(),
            summary: String::new(),
            target_group: String::new(),
            owner_names: String::new(),
            start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            end: NaiveDate::from_ymd_opt(2028, 1, 1).unwrap(),
            budget_sek: 0,
            budget_years: vec![],
            repayment: false,
            status: Status::Application,
            is_example: false,
            parties: vec![],
            leads: vec![(7, "Pia".into())],
            follow_up_years: FollowUpYears::DEFAULT,
        };
        let own = user(7, &[Role::ProjectLead]);
        let other = user(8, &[Role::ProjectLead]);
        assert!(may_edit(&own, &initiative) && may_view(&own, &initiative));
        assert!(!may_edit(&other, &initiative) && !may_view(&other, &initiative));
        initiative.status = Status::Decided;
        assert!(!may_edit(&own, &initiative));
        assert!(may_edit(&user(1, &[Role::Evaluator]), &initiative));
        assert_eq!(
            initiative.elapsed_percent(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()),
            50
        );
    }
}
