//! Numbers the Swedish way: decimal comma, groups of three separated by no-break spaces, a
//! real minus sign in output; whole kronor; dates `ÅÅÅÅ-MM-DD`; and the bounds that keep typing
//! errors out of the database (pure; unit-tested).

use chrono::{Datelike, NaiveDate};

/// The text is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotANumber;

/// The largest magnitude any number in Utfall may have (a count, an amount in kronor, a
/// target): 10¹², a thousand billion. Larger input is refused rather than stored as something
/// that later shows as "inf" or breaks a chart.
pub const MAX_NUMBER: f64 = 1e12;

/// The years a date in Utfall may fall in: no social investment fund starts before 1990 or
/// runs past 2100, and a year outside is a typing error ("0000-01-01", "20266-01-01").
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// Parses a Swedish decimal: "12,5", "1 234,5", "12.5", "12,5 %". Empty is `None`.
pub fn parse_decimal(raw: &str) -> Result<Option<f64>, NotANumber> {
    let cleaned: String = raw
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    // Plain notation only: "1e308", "inf" and "NaN" are numbers to Rust, not to a person.
    let digits = cleaned.strip_prefix('-').unwrap_or(&cleaned);
    if cleaned.matches('.').count() > 1 || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(NotANumber);
    }
    cleaned
        .parse::<f64>()
        .ok()
        .filter(|v| v.abs() <= MAX_NUMBER)
        .map(Some)
        .ok_or(NotANumber)
}

/// The Swedish message for a number [`parse_decimal`] refused.
pub fn number_message(raw: &str) -> &'static str {
    if raw.chars().filter(char::is_ascii_digit).count() > 12 {
        "Talet är för stort: högst 1 000 000 000 000."
    } else {
        "Skriv ett tal, till exempel 12 eller 12,5."
    }
}

/// Formats a decimal the Swedish way for reading: "12,5", "1 234" (rounded to two decimals,
/// no-break spaces between groups, "−" for negatives).
pub fn format_decimal(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    let text = if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded}")
    };
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("−", d));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('\u{a0}');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped},{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A decimal as a spreadsheet or a form field takes it back: every digit, a decimal comma,
/// an ASCII minus, no grouping ("-1234,5"). [`parse_decimal`] reads it back unchanged.
pub fn plain_decimal(value: f64) -> String {
    value.to_string().replace('.', ",")
}

/// Parses a date written `ÅÅÅÅ-MM-DD` within [`YEARS`].
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| YEARS.contains(&d.year()))
}

/// Parses a Swedish amount in kronor: "1 234 567", "1234567", "1 234 567 kr". Whole kronor.
pub fn parse_sek(raw: &str) -> Option<i64> {
    let cleaned: String = raw
        .trim()
        .trim_end_matches("kr")
        .trim_end_matches("SEK")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    let cleaned = cleaned.strip_suffix(",00").unwrap_or(&cleaned);
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_ascii_digit()) || cleaned.len() > 15 {
        return None;
    }
    cleaned.parse().ok()
}

/// Formats kronor the Swedish way: "1 234 567 kr" (no-break spaces between groups).
pub fn format_sek(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    if amount < 0 {
        out.insert(0, '−');
    }
    format!("{out}\u{a0}kr")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_decimals() {
        assert_eq!(parse_decimal("12,5"), Ok(Some(12.5)));
        assert_eq!(parse_decimal("1 234,5"), Ok(Some(1234.5)));
        assert_eq!(parse_decimal("12,5 %"), Ok(Some(12.5)));
        assert_eq!(parse_decimal(" "), Ok(None));
        assert_eq!(parse_decimal("1,2,3"), Err(NotANumber));
        assert_eq!(parse_decimal("tolv"), Err(NotANumber));
        assert_eq!(parse_decimal("-3,5"), Ok(Some(-3.5)));
        assert_eq!(parse_decimal("1 000 000 000 000"), Ok(Some(1e12)));
        for out_of_range in ["1e308", "1E3", "inf", "NaN", "1 000 000 000 001", "0x10"] {
            assert_eq!(
                parse_decimal(out_of_range),
                Err(NotANumber),
                "{out_of_range}"
            );
        }
        assert!(number_message("99999999999999").contains("för stort"));
        assert!(number_message("1e308").starts_with("Skriv ett tal"));
        assert_eq!(format_decimal(1234.5), "1\u{a0}234,5");
        assert_eq!(format_decimal(-3.0), "−3");
    }

    #[test]
    fn plain_decimals_read_back() {
        for value in [0.0, 7.0, 12.5, -3.25, 1234567.125, 1e12] {
            let text = plain_decimal(value);
            assert!(!text.contains('.') && !text.contains('\u{a0}'), "{text}");
            assert_eq!(parse_decimal(&text), Ok(Some(value)), "{text}");
        }
        assert_eq!(plain_decimal(12.5), "12,5");
        assert_eq!(plain_decimal(-7.0), "-7");
    }

    #[test]
    fn dates_within_the_years() {
        let date = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert_eq!(parse_date(" 2026-11-30 "), date("2026-11-30"));
        assert_eq!(parse_date("0000-01-01"), None);
        assert_eq!(parse_date("20266-01-01"), None);
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("30/11/2026"), None);
    }

    #[test]
    fn swedish_amounts_parse_and_format() {
        assert_eq!(parse_sek("1 234 567"), Some(1_234_567));
        assert_eq!(parse_sek("1\u{a0}234\u{a0}567 kr"), Some(1_234_567));
        assert_eq!(parse_sek("2400000,00"), Some(2_400_000));
        assert_eq!(parse_sek("-5"), None);
        assert_eq!(parse_sek("12,5"), None);
        assert_eq!(parse_sek("tusen"), None);
        assert_eq!(format_sek(1_234_567), "1\u{a0}234\u{a0}567\u{a0}kr");
        assert_eq!(format_sek(0), "0\u{a0}kr");
    }
}
