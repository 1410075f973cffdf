//! Swedish conventions for numbers, amounts, dates and CSV files, in one place so that every
//! concept (schema, reporting, indicators, dashboards, charts, exports) reads and writes them
//! the same way:
//!
//! - [`number`]: decimals with a decimal comma and no-break-space grouping ("1 234,5"),
//!   whole kronor ("1 234 567 kr"), ISO dates within [`number::YEARS`], and the bounds every
//!   number in Utfall keeps ([`number::MAX_NUMBER`]).
//! - [`date`]: "10 december 2026" and the months' names.
//! - [`time`] (server only): local time in Europe/Stockholm, "2026-11-25 15:05".
//! - [`csv`] (server only): CSV as Swedish Excel reads and writes it — UTF-8 with a BOM or
//!   Windows-1252, `;` between cells (`,` accepted on input), CRLF, decimal comma, texts
//!   defused against formulas — as a thin layer over the `csv` crate.
//!
//! Pure code: no I/O, no database, no clock.

pub mod date;
pub mod number;

#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod time;
