//! Utfall's integration tests: one binary, one module per area.
//!
//! Each test starts the real server on a free port with its own fresh database. Tests that need
//! PostgreSQL, the SMTP sink or Chromium get them from `make test` (scripts/test.sh); run with
//! plain `cargo test` they say they were skipped, unless `UTFALL_TEST_STRICT=1` (set by
//! `make test`) turns a missing service into a failure.

mod auth;
mod backup;
mod browser;
mod browser_deviations;
mod browser_economics;
mod browser_follow_up;
mod browser_halfyear;
mod browser_outbox;
mod browser_report;
mod browser_schema;
mod browser_start;
mod browser_surveys;
mod builders;
mod cli;
mod connections;
mod dashboards;
mod database;
mod demo;
mod deviations;
mod documents;
mod economics;
mod edge;
mod follow_up;
mod halfyear;
mod helpers;
mod history;
mod initiatives;
mod mail;
mod markup;
mod outbox;
mod parties;
mod probes;
mod reminders;
mod report_files;
mod reporting;
mod schema;
mod schema_edits;
mod sessions;
mod shell;
mod start;
mod survey_durability;
mod survey_jobs;
mod survey_languages;
mod surveys;
mod users;
