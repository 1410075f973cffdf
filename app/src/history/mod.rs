//! Historik: the audit trail as people read it — one object's history (`/historik/{typ}/{id}`).
//! What is recorded, and how, is `crate::audit`; this concept only shows it, so recording
//! (used by every concept, auth included) never depends on the pages that need a login.

pub mod ui;
