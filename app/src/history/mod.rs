//! Historik: the audit trail as people read it — one object's history (`/historik/{typ}/{id}`)
//! and the Händelselogg of the whole organisation (`/historik`), with names instead of ids,
//! Swedish formats and local time. What is recorded, and how, is `crate::audit`; this concept
//! only shows it, so recording (used by every concept, auth included) never depends on pages.

pub mod api;
#[cfg(feature = "ssr")]
pub mod describe;
pub mod ui;
