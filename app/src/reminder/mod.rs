//! Påminnelser: the reminder e-mails Utfall sends on a schedule, and who gets which.
//!
//! Each reminder type is one entry in [`TYPES`]: its id (config key `UTFALL_CRON_<ID>`,
//! preference), its Swedish name, its default cron schedule and its job body. A job body is a
//! plain `async fn(&Db, &ReminderEnv, now)` (in `jobs.rs`) that finds who should be reminded of
//! what, composes the mails (`mails.rs`, pure) and queues them in the outbox under
//! idempotency keys, so running it twice sends nothing twice.
//!
//! **Adding a type** (half-year reports #17; surveys #15 added `survey_low_response`): write its job
//! body in `jobs.rs` and add one [`ReminderType`] to [`TYPES`]. The scheduler, the setting
//! `UTFALL_CRON_<ID>`, the profile's on/off choice and the Utskick filter follow from the entry.
//! A new section of the weekly digest is one function in `jobs.rs` and one line in
//! `jobs::DIGEST_SECTIONS`.
//!
//! The Utskick page (the outbox as admin sees it) lives here too: it names mails by their
//! reminder type, and the outbox itself sits below `auth` in the layers.

pub mod api;
#[cfg(feature = "ssr")]
pub mod jobs;
pub mod mails;
#[cfg(feature = "ssr")]
pub mod repo;
pub mod ui;

use serde::{Deserialize, Serialize};

/// A reminder type's job body.
#[cfg(feature = "ssr")]
pub type JobBody =
    for<'a> fn(
        &'a crate::db::Db,
        &'a ReminderEnv,
        chrono::DateTime<chrono::Utc>,
    ) -> futures::future::BoxFuture<'a, Result<usize, crate::error::AppError>>;

/// Påminnelsetyp: one kind of scheduled reminder mail.
pub struct ReminderType {
    /// English id: config key suffix, preference and outbox kind.
    pub id: &'static str,
    /// Swedish name, as the profile and the Utskick page show it.
    pub label: &'static str,
    /// Who gets it and when, for the profile page.
    pub description: &'static str,
    /// Cron expression used when the configuration does not set one (`sec min hour day month
    /// weekday`, read in `UTFALL_SCHEDULE_TIME_ZONE`).
    pub default_cron: &'static str,
    #[cfg(feature = "ssr")]
    pub run: JobBody,
}

/// Every reminder type. One entry per type; see the module comment.
pub const TYPES: &[ReminderType] = &[
    ReminderType {
        id: MONTHLY_REPORTING,
        label: "Påminnelse om månadsrapportering",
        description: "Till projektledare: när en månad snart ska vara inrapporterad och när den är försenad, bara om något saknas.",
        // Every morning; the job itself decides whether a month is due soon or late.
        default_cron: "0 0 8 * * *",
        #[cfg(feature = "ssr")]
        run: jobs::monthly_reporting_job,
    },
    ReminderType {
        id: WEEKLY_DIGEST,
        label: "Veckobrev till beredningsgruppen",
        description: "Till beredningsgruppen varje måndag: nya och ändrade avvikelser, försenade månader och vad som rapporterats in under veckan. Inget mejl när inget har hänt.",
        default_cron: "0 0 7 * * Mon",
        #[cfg(feature = "ssr")]
        run: jobs::weekly_digest_job,
    },
    ReminderType {
        id: SURVEY_LOW_RESPONSE,
        label: "Enkät med låg svarsfrekvens",
        description: "Till projektledare: när ett utskick med koder stänger inom tre dagar och för få av koderna har använts.",
        // Every morning; the job looks for code waves closing within three days.
        default_cron: "0 30 8 * * *",
        #[cfg(feature = "ssr")]
        run: jobs::survey_low_response_job,
    },
    ReminderType {
        id: HALF_YEAR_REPORT,
        label: "Påminnelse om halvårsredovisning",
        description: "Till projektledare: 30, 14 och 7 dagar innan halvårsredovisningen ska vara inskickad, och när den är försenad. Inget mejl när den redan är inskickad.",
        // Every morning; the job decides which reminder (if any) is due that day.
        default_cron: "0 15 8 * * *",
        #[cfg(feature = "ssr")]
        run: jobs::half_year_report_job,
    },
    ReminderType {
        id: FOLLOW_UP_DUE,
        label: "Påminnelse om uppföljande utvärdering",
        description: "Till projektledare och utvärderingsteamet: 30, 14 och 7 dagar innan den uppföljande utvärderingen av en avslutad satsning ska vara inskickad, och när den är försenad. Inget mejl när den redan är inskickad.",
        // Every morning; the job decides which reminder (if any) is due that day.
        default_cron: "0 20 8 * * *",
        #[cfg(feature = "ssr")]
        run: jobs::follow_up_due_job,
    },
    ReminderType {
        id: FLAG_EXPLAINED,
        label: "Avvikelse förklarad",
        description: "Till beredningsgruppen: ett mejl när en projektledare har förklarat en avvikelse, med förklaringen och en länk för beslut.",
        // Every five minutes: the notice follows the explanation closely.
        default_cron: "0 */5 * * * *",
        #[cfg(feature = "ssr")]
        run: jobs::flag_explained_job,
    },
];

pub const MONTHLY_REPORTING: &str = "monthly_reporting";
pub const WEEKLY_DIGEST: &str = "weekly_digest";
pub const FLAG_EXPLAINED: &str = "flag_explained";
pub const SURVEY_LOW_RESPONSE: &str = "survey_low_response";
pub const HALF_YEAR_REPORT: &str = "half_year_report";
pub const FOLLOW_UP_DUE: &str = "follow_up_due";

/// The type with `id`, if any.
pub fn reminder_type(id: &str) -> Option<&'static ReminderType> {
    TYPES.iter().find(|t| t.id == id)
}

/// The Swedish name of an outbox kind: a reminder type or the password mail.
pub fn kind_label(kind: &str) -> &str {
    if kind == crate::outbox::KIND_PASSWORD_LINK {
        return "Lösenordslänk";
    }
    reminder_type(kind).map_or(kind, |t| t.label)
}

/// What the job bodies need from the configuration.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone)]
pub struct ReminderEnv {
    /// Links in mails start here.
    pub base_url: crate::mail::BaseUrl,
    /// Due and lock days of monthly reporting.
    pub rules: crate::report::Rules,
    /// The calendar the reminders' "today" is read in.
    pub time_zone: chrono_tz::Tz,
    /// A code wave closing soon with fewer than this share (per cent) of its codes used is
    /// "low" (`UTFALL_SURVEY_LOW_RESPONSE_PERCENT`).
    pub survey_low_response_percent: u32,
    /// When the half-year reports are due (`UTFALL_HALFYEAR_DUE_H1` / `…_H2`).
    pub half_year_due: crate::report::half::DueDates,
}

/// Days before a month's due date its reminder goes out.
pub const DAYS_BEFORE_DUE: i64 = 3;

/// Days before a half-year report's due date its reminders go out, earliest first.
pub const HALF_YEAR_DAYS_BEFORE: [i64; 3] = [30, 14, 7];

/// An overdue half-year report is reminded of once, if the job runs within this many days
/// after the due date (after that the deviation flag and the weekly digest carry it).
pub const HALF_YEAR_OVERDUE_WITHIN_DAYS: i64 = 30;

/// Days before a code wave closes that a low response rate is reminded of.
pub const DAYS_BEFORE_CLOSE: i64 = 3;

/// One user's reminder settings: (type id, on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub on: Vec<(String, bool)>,
}

impl Settings {
    /// Every type on, except those in `off`.
    pub fn from_off(off: &[String]) -> Settings {
        Settings {
            on: TYPES
                .iter()
                .map(|t| (t.id.to_string(), !off.iter().any(|o| o == t.id)))
                .collect(),
        }
    }
}

/// The profile's reminder form, posted as `settings[...]`: one checkbox per type,
/// `settings[on][weekly_digest]=ja`; `settings[sent]` is always there, so a form with every
/// box cleared still arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    pub sent: String,
    #[serde(default)]
    pub on: std::collections::BTreeMap<String, String>,
}

impl SettingsForm {
    /// The known types the form turns off (unknown names are ignored).
    pub fn off(&self) -> Vec<String> {
        TYPES
            .iter()
            .filter(|t| !self.on.contains_key(t.id))
            .map(|t| t.id.to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_ids_are_unique_and_fit_a_config_key() {
        for (n, t) in TYPES.iter().enumerate() {
            assert!(TYPES[..n].iter().all(|o| o.id != t.id), "{}", t.id);
            assert!(
                t.id.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                t.id
            );
        }
    }

    #[test]
    fn a_cleared_box_turns_its_type_off() {
        let mut form = SettingsForm::default();
        form.on.insert(WEEKLY_DIGEST.into(), "ja".into());
        form.on.insert("okand".into(), "ja".into());
        assert_eq!(
            form.off(),
            vec![
                MONTHLY_REPORTING.to_string(),
                SURVEY_LOW_RESPONSE.to_string(),
                HALF_YEAR_REPORT.to_string(),
                FOLLOW_UP_DUE.to_string(),
                FLAG_EXPLAINED.to_string()
            ]
        );
        let settings = Settings::from_off(&form.off());
        assert_eq!(
            settings.on,
            vec![
                (MONTHLY_REPORTING.to_string(), false),
                (WEEKLY_DIGEST.to_string(), true),
                (SURVEY_LOW_RESPONSE.to_string(), false),
                (HALF_YEAR_REPORT.to_string(), false),
                (FOLLOW_UP_DUE.to_string(), false),
                (FLAG_EXPLAINED.to_string(), false)
            ]
        );
        assert_eq!(kind_label("password_link"), "Lösenordslänk");
        assert_eq!(
            kind_label(WEEKLY_DIGEST),
            "Veckobrev till beredningsgruppen"
        );
    }
}
