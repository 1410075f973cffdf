//! Swedish conventions for numbers, amounts and dates, in one place so that every
//! concept (schema, reporting, indicators, dashboards, charts, exports) reads and writes them
//! the same way:
//!
//! - [`number`]: decimals with a decimal comma and no-break-space grouping ("1 234,5"),
//!   whole kronor ("1 234 567 kr"), ISO dates within [`number::YEARS`], and the bounds every
//!   number in Utfall keeps ([`number::MAX_NUMBER`]).
//!
//! Pure code: no I/O, no database, no clock.

pub mod number;
