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

/// "1 dag", "15 dagar".
pub fn days(n: i64) -> String {
    if n.abs() == 1 {
        format!("{n} dag")
    } else {
        format!("{n} dagar")
    }
}

/// "10 december", for dates in the current year's context.
pub fn day_and_month(date: NaiveDate) -> String {
    format!("{} {}", date.day(), MONTHS[date.month0() as usize])
}

/// A "since" date of a page's query (`?sedan=ÅÅÅÅ-MM-DD`): `raw` if given, else `lookback_days`
/// before `today`. A date not yet come or not a date is refused with a Swedish message (a 400);
/// the field is a date picker, so that is rare.
pub fn since(
    raw: Option<&str>,
    today: NaiveDate,
    lookback_days: i64,
) -> Result<NaiveDate, crate::error::AppError> {
    use crate::error::AppError;
    let raw = raw.map(str::trim).filter(|r| !r.is_empty());
    let Some(raw) = raw else {
        return Ok(today - chrono::Duration::days(lookback_days));
    };
    match crate::sv::number::parse_date(raw) {
        Some(date) if date <= today => Ok(date),
        Some(_) => Err(AppError::BadRequest(
            "Välj ett datum som redan har varit.".into(),
        )),
        None => Err(AppError::BadRequest(
            "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-11-10.".into(),
        )),
    }
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
