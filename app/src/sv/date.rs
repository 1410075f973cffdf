//! Swedish dates as people write them: "10 december 2026", "november 2026".

use chrono::{Datelike, NaiveDate};

/// The months' Swedish names, lower case as Swedish writes them.
pub const MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];

/// "10 december 2026".
pub fn long_date(date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// "10 december", for dates in the current year's context.
pub fn day_and_month(date: NaiveDate) -> String {
    format!("{} {}", date.day(), MONTHS[date.month0() as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_the_swedish_way() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(long_date(date), "1 december 2026");
        assert_eq!(day_and_month(date), "1 december");
    }
}
