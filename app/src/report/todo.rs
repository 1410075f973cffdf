//! Att göra: which of a satsning's months its projektledare still has to report, and by when.
//! Pure; the start page asks it for each satsning the projektledare leads.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::month::MonthMarks;
use super::{Period, Rules};

/// How pressing a month is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Urgency {
    /// Past its due date, still open until it locks.
    Late,
    /// The month is over and its due date still ahead.
    Due,
}

/// One month to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToDo {
    pub period: Period,
    pub urgency: Urgency,
    /// Values are saved but the month is not marked as inrapporterad.
    pub started: bool,
    pub due: NaiveDate,
    /// The last day the projektledare can change it.
    pub open_until: NaiveDate,
}

/// The months of `months` that satsning `initiative_id` still has to report on `today`: ended,
/// not marked as inrapporterad and not locked; late ones first, then by due date. The running
/// month is not listed (it cannot be complete yet).
pub fn to_do(
    rules: &Rules,
    marks: &MonthMarks,
    initiative_id: i64,
    months: &[Period],
    today: NaiveDate,
) -> Vec<ToDo> {
    let running = Period::of(today);
    let mut list: Vec<ToDo> = months
        .iter()
        .copied()
        .filter(|p| *p < running)
        .filter(|p| !marks.submitted.contains(&(initiative_id, *p)))
        .filter(|p| !rules.is_locked(*p, today))
        .map(|period| ToDo {
            period,
            urgency: if rules.is_overdue(period, today) {
                Urgency::Late
            } else {
                Urgency::Due
            },
            started: marks.started.contains(&(initiative_id, period)),
            due: rules.due_date(period),
            open_until: rules.lock_date(period),
        })
        .collect();
    list.sort_by_key(|t| (t.urgency, t.due));
    list
}

/// The next month to report after those in `months` (the running one): when it is due.
pub fn next_due(rules: &Rules, today: NaiveDate) -> (Period, NaiveDate) {
    let running = Period::of(today);
    (running, rules.due_date(running))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn month(y: i32, m: u32) -> Period {
        Period::new(y, m).unwrap()
    }

    #[test]
    fn lists_open_months_late_first_and_leaves_out_done_locked_and_running() {
        let rules = Rules::default(); // due the 10th, locked after the 20th of the next month
        let months = Period::range(month(2026, 8), month(2026, 12));
        let mut marks = MonthMarks::default();
        marks.submitted.insert((1, month(2026, 9)));
        marks.started.insert((1, month(2026, 11)));
        marks.started.insert((1, month(2026, 12)));
        // 15 December: August and October locked (after 20 Sep and 20 Nov), September reported,
        // November past its due date (10 Dec) but open until 20 Dec; December running.
        let today = date(2026, 12, 15);
        let list = to_do(&rules, &marks, 1, &months, today);
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(list[0].period, month(2026, 11));
        assert_eq!(list[0].urgency, Urgency::Late);
        assert!(list[0].started);
        assert_eq!(list[0].open_until, date(2026, 12, 20));

        // 5 December: October locked, November due on the 10th and not started.
        let mut marks = MonthMarks::default();
        marks.submitted.insert((1, month(2026, 10)));
        let list = to_do(&rules, &marks, 1, &months, date(2026, 12, 5));
        assert_eq!(
            list.iter().map(|t| t.period).collect::<Vec<_>>(),
            [month(2026, 11)]
        );
        assert_eq!((list[0].urgency, list[0].started), (Urgency::Due, false));
        assert_eq!(list[0].due, date(2026, 12, 10));

        // 15 November: October is late for satsning 2; satsning 1 has reported it.
        let late = to_do(&rules, &marks, 2, &months, date(2026, 11, 15));
        assert_eq!(
            late.iter().map(|t| t.period).collect::<Vec<_>>(),
            [month(2026, 10)]
        );
        assert!(to_do(&rules, &marks, 1, &months, date(2026, 11, 15)).is_empty());
    }

    #[test]
    fn late_months_come_before_due_ones() {
        let rules = Rules {
            due_day: 5,
            lock_day: 28,
        };
        let months = Period::range(month(2026, 10), month(2026, 12));
        let list = to_do(
            &rules,
            &MonthMarks::default(),
            1,
            &months,
            date(2026, 11, 20),
        );
        // October: due 5 Nov (late), open until 28 Nov; November is running.
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].urgency, Urgency::Late);
        let (next, due) = next_due(&rules, date(2026, 11, 20));
        assert_eq!((next, due), (month(2026, 11), date(2026, 12, 5)));
    }
}
