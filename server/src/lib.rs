//! Utfall's server: configuration, start-up, telemetry, the HTTP router and the CLI commands.

pub mod access;
pub mod auth;
pub mod cli;
pub mod config;
pub mod documents;
pub mod edge;
pub mod exports;
pub mod forms;
pub mod indicator_imports;
pub mod outbox;
pub mod report_files;
pub mod scheduler;
pub mod security;
pub mod serve;
pub mod startup;
pub mod surveys;
pub mod telemetry;
pub mod unit_cost_exports;
pub mod unit_cost_imports;
pub mod uploads;
pub mod value_exports;
pub mod value_imports;
