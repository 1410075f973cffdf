//! Halvår: the calendar of the half-year reports (H1 January–June, H2 July–December) and
//! their due dates. Here, below `deviation` and `halfyear`, because the deviation rule
//! *Rapport* and the reminders read the same calendar as the reports themselves.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::Period;

/// Halvår: H1 (January–June) or H2 (July–December) of a year, written "2026-H2".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct HalfYear {
    year: i32,
    half: u8,
}

impl HalfYear {
    pub fn new(year: i32, half: u8) -> Option<Self> {
        (crate::sv::number::YEARS.contains(&year) && (half == 1 || half == 2))
            .then_some(Self { year, half })
    }

    /// The half-year of a day.
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            half: if date.month() <= 6 { 1 } else { 2 },
        }
    }

    /// "2026-H2" (as URLs write it); anything else is `None`.
    pub fn parse(raw: &str) -> Option<Self> {
        let (year, half) = raw.trim().split_once("-H")?;
        if year.len() != 4 || half.len() != 1 {
            return None;
        }
        Self::new(year.parse().ok()?, half.parse().ok()?)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// 1 or 2.
    pub fn half(self) -> u8 {
        self.half
    }

    /// The six months, in order.
    pub fn months(self) -> Vec<Period> {
        let first = if self.half == 1 { 1 } else { 7 };
        (first..first + 6)
            .filter_map(|m| Period::new(self.year, m))
            .collect()
    }

    pub fn first_day(self) -> NaiveDate {
        self.months()[0].first_day()
    }

    pub fn last_day(self) -> NaiveDate {
        self.months()[5].last_day()
    }

    pub fn next(self) -> Self {
        if self.half == 1 {
            Self {
                year: self.year,
                half: 2,
            }
        } else {
            Self {
                year: self.year + 1,
                half: 1,
            }
        }
    }

    /// "juli–december 2026".
    pub fn label(self) -> String {
        let first = if self.half == 1 { 0 } else { 6 };
        format!(
            "{}–{} {}",
            crate::sv::date::MONTHS[first],
            crate::sv::date::MONTHS[first + 5],
            self.year
        )
    }
}

impl std::fmt::Display for HalfYear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-H{}", self.year, self.half)
    }
}

/// The half-years a satsning reports on by `today`: from the one it starts in to the one it
/// ends in, but none that has not begun.
pub fn report_halves(start: NaiveDate, end: NaiveDate, today: NaiveDate) -> Vec<HalfYear> {
    let last = HalfYear::of(end.min(today));
    let mut out = Vec::new();
    let mut at = HalfYear::of(start);
    while at <= last {
        out.push(at);
        at = at.next();
    }
    out
}

/// Sista dag för halvårsredovisningen: H1 on a day of the same year (default 31 August), H2 on
/// a day of the next year (default 28 February). `UTFALL_HALFYEAR_DUE_H1` / `…_H2`, "MM-DD".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueDates {
    /// (month, day) in the same year.
    pub h1: (u32, u32),
    /// (month, day) in the next year.
    pub h2: (u32, u32),
}

impl Default for DueDates {
    fn default() -> Self {
        Self {
            h1: (8, 31),
            h2: (2, 28),
        }
    }
}

impl DueDates {
    /// The day `half`'s report is due.
    pub fn due(&self, half: HalfYear) -> NaiveDate {
        let ((month, day), year) = if half.half == 1 {
            (self.h1, half.year)
        } else {
            (self.h2, half.year + 1)
        };
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or_else(|| half.last_day())
    }
}

/// "08-31" as (8, 31): a month and a day that exist in every year (so not 02-29).
pub fn parse_month_day(raw: &str) -> Option<(u32, u32)> {
    let (month, day) = raw.trim().split_once('-')?;
    if month.len() != 2 || day.len() != 2 {
        return None;
    }
    let (month, day): (u32, u32) = (month.parse().ok()?, day.parse().ok()?);
    // 2025 is not a leap year: a day valid then is valid every year.
    NaiveDate::from_ymd_opt(2025, month, day).map(|_| (month, day))
}

/// Whole days past `due`: on the day it was submitted, or today while it is not; `None` when
/// not late.
pub fn days_late(due: NaiveDate, submitted_on: Option<NaiveDate>, today: NaiveDate) -> Option<i64> {
    let days = (submitted_on.unwrap_or(today) - due).num_days();
    (days > 0).then_some(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_half_year_is_six_months_written_as_in_the_url() {
        let h2 = HalfYear::parse("2026-H2").unwrap();
        assert_eq!(h2.to_string(), "2026-H2");
        assert_eq!(h2.months().len(), 6);
        assert_eq!(h2.months()[0].to_string(), "2026-07");
        assert_eq!(h2.last_day(), day(2026, 12, 31));
        assert_eq!(h2.label(), "juli–december 2026");
        assert_eq!(HalfYear::of(day(2026, 6, 30)).to_string(), "2026-H1");
        assert_eq!(h2.next().to_string(), "2027-H1");
        for bad in [
            "2026-H3", "2026H2", "26-H1", "2026-H", "", "2026-h2", "1900-H1",
        ] {
            assert_eq!(HalfYear::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn due_dates_default_to_the_end_of_august_and_february_next_year() {
        let due = DueDates::default();
        assert_eq!(
            due.due(HalfYear::parse("2026-H1").unwrap()),
            day(2026, 8, 31)
        );
        assert_eq!(
            due.due(HalfYear::parse("2026-H2").unwrap()),
            day(2027, 2, 28)
        );
        assert_eq!(parse_month_day("09-15"), Some((9, 15)));
        assert_eq!(parse_month_day("02-29"), None, "not every year has it");
        assert_eq!(parse_month_day("13-01"), None);
        assert_eq!(parse_month_day("8-31"), None);
    }

    #[test]
    fn days_late_count_to_the_submission_or_today() {
        let due = day(2026, 8, 31);
        assert_eq!(days_late(due, None, day(2026, 8, 31)), None);
        assert_eq!(days_late(due, None, day(2026, 9, 10)), Some(10));
        assert_eq!(
            days_late(due, Some(day(2026, 9, 2)), day(2026, 12, 1)),
            Some(2)
        );
        assert_eq!(
            days_late(due, Some(day(2026, 8, 1)), day(2026, 12, 1)),
            None
        );
    }
}
