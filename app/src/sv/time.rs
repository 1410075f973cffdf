//! Times as Swedish users read them: local time in Europe/Stockholm (CET/CEST), written
//! "2026-11-25 15:05". Stored times are UTC; only what a person reads is local.

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Stockholm;

/// "2026-11-25 15:05", in Swedish local time (summer time included).
pub fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&Stockholm)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The date in Sweden at `at`: "today" for a page a Swedish user prints.
pub fn local_date(at: DateTime<Utc>) -> chrono::NaiveDate {
    at.with_timezone(&Stockholm).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn winter_is_one_hour_ahead_and_summer_two() {
        assert_eq!(local(utc("2026-11-25T14:05:00Z")), "2026-11-25 15:05");
        assert_eq!(local(utc("2026-07-01T08:00:00Z")), "2026-07-01 10:00");
        // Summer time begins at 01:00 UTC on the last Sunday of March.
        assert_eq!(local(utc("2026-03-29T00:59:00Z")), "2026-03-29 01:59");
        assert_eq!(local(utc("2026-03-29T01:00:00Z")), "2026-03-29 03:00");
    }
}
