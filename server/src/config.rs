//! Configuration: built-in defaults, then an optional `utfall.toml`, then the environment.
//!
//! Every key is listed once in [`KEYS`] with its file name and environment name, and parsed by
//! one function, so the file and the environment can never disagree about what a value means.
//! A bad value stops the start with one line naming the key (Swedish / English), not a panic.
//! `.env.example` documents every key.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

/// The running configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://…` (embedded, default) or `postgres://…`. May hold a password.
    pub database_url: SecretString,
    /// Socket address to listen on.
    pub addr: SocketAddr,
    /// The address users reach the service at, used in e-mail links and for cookies.
    pub base_url: String,
    /// Seed demo data into an empty database at start.
    pub demo: bool,
    /// SMTP server; `None` writes mails as files into `mail_dir`.
    pub smtp_url: Option<SecretString>,
    /// Sender of every e-mail.
    pub mail_from: String,
    /// Where mails go when no SMTP server is configured.
    pub mail_dir: PathBuf,
    /// Folder with the built site (`pkg/` with wasm, JS and CSS).
    pub site_root: PathBuf,
    /// Log filter, `tracing` syntax.
    pub log: String,
    /// Connections per instance (PostgreSQL) or read connections (SQLite).
    pub db_max_connections: u32,
    /// A request taking longer is answered 408.
    pub request_timeout: Duration,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Largest document upload.
    pub max_upload_bytes: usize,
    /// A month's values are due on this day of the following month.
    pub report_due_day: u32,
    /// After this day of the following month a month is locked for projektledare.
    pub report_lock_day: u32,
    /// Survey results resting on fewer answers are suppressed.
    pub survey_min_n: u64,
    /// The same for free-text answers.
    pub survey_min_n_text: u64,
    /// A code wave closing soon with fewer than this share (per cent) of its codes used gets
    /// a reminder to the satsning's projektledare.
    pub survey_low_response_percent: u32,
    /// The secret of panel surveys' pseudonyms (≥ 32 characters; none: no panel surveys).
    /// Every instance must have the same; changing it breaks the pairing of earlier answers.
    pub survey_panel_secret: Option<SecretString>,
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// A session ends this long after login, whatever happens.
    pub session_max: Duration,
    /// How long an instance trusts a session it validated without asking the database again
    /// (1 s; not configurable from outside, tests raise it to prove the notifications).
    pub session_cache: Duration,
    /// Login attempts allowed per client address and minute (then 429).
    pub login_attempts_per_minute: u32,
    /// A client must send its complete request head within this time, or the connection is
    /// closed; it also closes keep-alive connections that stay idle this long.
    pub header_read_timeout: Duration,
    /// Open connections allowed from one client address (IPv6: one /64); more get 503.
    pub max_connections_per_client: usize,
    /// At shutdown, in-flight requests get this long to finish; then connections are dropped.
    pub shutdown_grace: Duration,
    /// The deviation rules' thresholds (`UTFALL_DEVIATION_*`).
    pub deviation: app::deviation::Thresholds,
    /// Each scheduled job's cron expression (the reminder types of `app::reminder::TYPES` and
    /// `scheduler::UPKEEP`), by id; empty = off.
    /// Keys `UTFALL_CRON_<ID>` / `cron_<id>`.
    pub schedules: std::collections::BTreeMap<&'static str, String>,
    /// The time zone cron expressions are read in.
    pub schedule_time_zone: chrono_tz::Tz,
    /// Run the outbox worker and the scheduler in this instance (off: it only serves pages).
    pub background_jobs: bool,
    /// The real discount rate of a new economic calculation, per cent (`UTFALL_DISCOUNT_RATE`).
    pub discount_rate_percent: f64,
    /// When the half-year reports are due (`UTFALL_HALFYEAR_DUE_H1` / `…_H2`, "MM-DD").
    pub halfyear_due: app::halfyear::DueDates,
    /// Folder with DejaVuSans.ttf and DejaVuSans-Bold.ttf, the font of the half-year reports'
    /// Word charts and PDF (`UTFALL_REPORT_FONT_DIR`; Debian's fonts-dejavu-core by default).
    pub report_font_dir: PathBuf,
}

impl Default for Config {
    fn default() -> Self {
        let addr: SocketAddr = ([127, 0, 0, 1], 3000).into();
        Self {
            database_url: SecretString::from("sqlite://data/utfall.db?mode=rwc"),
            addr,
            base_url: format!("http://{addr}"),
            demo: false,
            smtp_url: None,
            mail_from: "Utfall <utfall@localhost>".into(),
            mail_dir: PathBuf::from("data/mail"),
            site_root: PathBuf::from("target/site"),
            log: "info,tower_http=info,sqlx=warn".into(),
            db_max_connections: 8,
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 2 * 1024 * 1024,
            max_upload_bytes: 20 * 1024 * 1024,
            report_due_day: 10,
            report_lock_day: 20,
            survey_min_n: 5,
            survey_min_n_text: 10,
            survey_low_response_percent: 50,
            survey_panel_secret: None,
            session_idle: Duration::from_secs(60 * 60),
            session_max: Duration::from_secs(12 * 60 * 60),
            session_cache: Duration::from_secs(1),
            login_attempts_per_minute: 10,
            header_read_timeout: Duration::from_secs(10),
            max_connections_per_client: 64,
            shutdown_grace: Duration::from_secs(10),
            deviation: app::deviation::Thresholds::default(),
            schedules: crate::scheduler::schedule_defaults()
                .map(|(id, cron)| (id, cron.to_string()))
                .collect(),
            schedule_time_zone: chrono_tz::Europe::Stockholm,
            background_jobs: true,
            discount_rate_percent: app::economics::calc::DEFAULT_DISCOUNT_RATE_PERCENT,
            halfyear_due: app::halfyear::DueDates::default(),
            report_font_dir: PathBuf::from("/usr/share/fonts/truetype/dejavu"),
        }
    }
}

/// A setting that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Ogiltig inställning {key}: {message}")]
pub struct ConfigError {
    /// The key as the user wrote it (environment name or file key).
    pub key: String,
    /// What is wrong, Swedish first, then English.
    pub message: String,
}

/// A configuration key: its name in `utfall.toml` and in the environment.
struct Key {
    file: &'static str,
    env: &'static str,
}

const KEYS: &[Key] = &[
    Key {
        file: "deviation_shift_length",
        env: "UTFALL_DEVIATION_SHIFT_LENGTH",
    },
    Key {
        file: "deviation_trend_length",
        env: "UTFALL_DEVIATION_TREND_LENGTH",
    },
    Key {
        file: "deviation_provisional_below",
        env: "UTFALL_DEVIATION_PROVISIONAL_BELOW",
    },
    Key {
        file: "deviation_direction_periods",
        env: "UTFALL_DEVIATION_DIRECTION_PERIODS",
    },
    Key {
        file: "deviation_report_red_days",
        env: "UTFALL_DEVIATION_REPORT_RED_DAYS",
    },
    Key {
        file: "report_due_day",
        env: "UTFALL_REPORT_DUE_DAY",
    },
    Key {
        file: "report_lock_day",
        env: "UTFALL_REPORT_LOCK_DAY",
    },
    Key {
        file: "survey_min_n",
        env: "UTFALL_SURVEY_MIN_N",
    },
    Key {
        file: "survey_min_n_text",
        env: "UTFALL_SURVEY_MIN_N_TEXT",
    },
    Key {
        file: "survey_low_response_percent",
        env: "UTFALL_SURVEY_LOW_RESPONSE_PERCENT",
    },
    Key {
        file: "survey_panel_secret",
        env: "UTFALL_SURVEY_PANEL_SECRET",
    },
    Key {
        file: "database_url",
        env: "DATABASE_URL",
    },
    Key {
        file: "addr",
        env: "UTFALL_ADDR",
    },
    Key {
        file: "base_url",
        env: "UTFALL_BASE_URL",
    },
    Key {
        file: "demo",
        env: "UTFALL_DEMO",
    },
    Key {
        file: "smtp_url",
        env: "UTFALL_SMTP_URL",
    },
    Key {
        file: "mail_from",
        env: "UTFALL_MAIL_FROM",
    },
    Key {
        file: "mail_dir",
        env: "UTFALL_MAIL_DIR",
    },
    Key {
        file: "site_root",
        env: "UTFALL_SITE_ROOT",
    },
    Key {
        file: "log",
        env: "UTFALL_LOG",
    },
    Key {
        file: "db_max_connections",
        env: "UTFALL_DB_MAX_CONNECTIONS",
    },
    Key {
        file: "request_timeout_secs",
        env: "UTFALL_REQUEST_TIMEOUT_SECS",
    },
    Key {
        file: "max_body_bytes",
        env: "UTFALL_MAX_BODY_BYTES",
    },
    Key {
        file: "max_upload_bytes",
        env: "UTFALL_MAX_UPLOAD_BYTES",
    },
    Key {
        file: "session_idle_minutes",
        env: "UTFALL_SESSION_IDLE_MINUTES",
    },
    Key {
        file: "session_max_hours",
        env: "UTFALL_SESSION_MAX_HOURS",
    },
    Key {
        file: "login_attempts_per_minute",
        env: "UTFALL_LOGIN_ATTEMPTS_PER_MINUTE",
    },
    Key {
        file: "header_read_timeout_secs",
        env: "UTFALL_HEADER_READ_TIMEOUT_SECS",
    },
    Key {
        file: "max_connections_per_client",
        env: "UTFALL_MAX_CONNECTIONS_PER_CLIENT",
    },
    Key {
        file: "shutdown_grace_secs",
        env: "UTFALL_SHUTDOWN_GRACE_SECS",
    },
    Key {
        file: "schedule_time_zone",
        env: "UTFALL_SCHEDULE_TIME_ZONE",
    },
    Key {
        file: "background_jobs",
        env: "UTFALL_BACKGROUND_JOBS",
    },
    Key {
        file: "discount_rate",
        env: "UTFALL_DISCOUNT_RATE",
    },
    Key {
        file: "halfyear_due_h1",
        env: "UTFALL_HALFYEAR_DUE_H1",
    },
    Key {
        file: "halfyear_due_h2",
        env: "UTFALL_HALFYEAR_DUE_H2",
    },
    Key {
        file: "report_font_dir",
        env: "UTFALL_REPORT_FONT_DIR",
    },
];

/// The reminder type a schedule key names: `cron_<id>` in the file, `UTFALL_CRON_<ID>` in the
/// environment.
fn schedule_key(name: &str) -> Option<&'static str> {
    let id = name
        .strip_prefix("cron_")
        .or_else(|| name.strip_prefix("UTFALL_CRON_"))?
        .to_ascii_lowercase();
    crate::scheduler::schedule_defaults()
        .find(|(known, _)| *known == id)
        .map(|(known, _)| known)
}

/// Environment variables that are read but are not ours to warn about.
const OTHER_ENV: &[&str] = &["UTFALL_CONFIG"];

impl Config {
    /// Reads `utfall.toml` (or the file named by `UTFALL_CONFIG`) if present, then the process
    /// environment. Returns the warnings (unknown keys) to log once logging is up.
    pub fn load() -> Result<(Config, Vec<String>), ConfigError> {
        let path = std::env::var("UTFALL_CONFIG").unwrap_or_else(|_| "utfall.toml".into());
        let file = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(ConfigError {
                    key: path,
                    message: format!("filen kunde inte läsas / could not read the file: {e}"),
                });
            }
        };
        Config::from_sources(file.as_deref(), std::env::vars())
    }

    /// Builds the configuration from file text and environment pairs (testable without I/O).
    pub fn from_sources(
        file: Option<&str>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<(Config, Vec<String>), ConfigError> {
        let mut config = Config::default();
        let mut base_url_set = false;
        let mut warnings = Vec::new();

        if let Some(text) = file {
            let table: toml::Table = text.parse().map_err(|e: toml::de::Error| ConfigError {
                key: "utfall.toml".into(),
                message: format!(
                    "filen är inte giltig TOML / not valid TOML: {}",
                    e.message()
                ),
            })?;
            for (name, value) in table {
                if let Some(id) = schedule_key(&name)
                    && name.starts_with("cron_")
                {
                    let raw = value.as_str().map(str::to_string).unwrap_or_default();
                    config.set_schedule(id, &name, &raw)?;
                    continue;
                }
                let Some(key) = KEYS.iter().find(|k| k.file == name) else {
                    return Err(ConfigError {
                        key: name,
                        message: "okänd nyckel i utfall.toml / unknown key".into(),
                    });
                };
                let raw = match value {
                    toml::Value::String(s) => s,
                    other => other.to_string(),
                };
                base_url_set |= key.env == "UTFALL_BASE_URL";
                config.apply(key.env, key.file, &raw)?;
            }
        }

        // The legacy cargo-leptos name for the site folder, so `cargo leptos watch` just works.
        let mut env: Vec<(String, String)> = env.into_iter().collect();
        if let Some((_, root)) = env.iter().find(|(k, _)| k == "LEPTOS_SITE_ROOT").cloned()
            && !env.iter().any(|(k, _)| k == "UTFALL_SITE_ROOT")
        {
            env.push(("UTFALL_SITE_ROOT".into(), root));
        }
        for (name, raw) in env {
            if let Some(key) = KEYS.iter().find(|k| k.env == name) {
                base_url_set |= key.env == "UTFALL_BASE_URL";
                config.apply(key.env, key.env, &raw)?;
            } else if let Some(id) = schedule_key(&name)
                && name.starts_with("UTFALL_CRON_")
            {
                config.set_schedule(id, &name, &raw)?;
            } else if name.starts_with("UTFALL_") && !OTHER_ENV.contains(&name.as_str()) {
                warnings.push(format!(
                    "okänd inställning {name} ignoreras / unknown setting ignored"
                ));
            }
        }

        if !base_url_set {
            config.base_url = format!("http://{}", config.addr);
        }
        if config.report_lock_day < config.report_due_day {
            return Err(ConfigError {
                key: "report_lock_day".into(),
                message: format!(
                    "låsdagen ({}) får inte komma före sista rapportdagen ({}) / the lock day must not come before the due day",
                    config.report_lock_day, config.report_due_day
                ),
            });
        }
        Ok((config, warnings))
    }

    /// Sets reminder type `id`'s schedule: a cron expression (checked here), blank = off.
    fn set_schedule(
        &mut self,
        id: &'static str,
        shown: &str,
        raw: &str,
    ) -> Result<(), ConfigError> {
        let raw = raw.trim();
        crate::scheduler::parse_schedule(raw).map_err(|message| ConfigError {
            key: shown.to_string(),
            message,
        })?;
        self.schedules.insert(id, raw.to_string());
        Ok(())
    }

    /// Parses one raw value into its field. `shown` is the key name the user wrote.
    fn apply(&mut self, env: &str, shown: &str, raw: &str) -> Result<(), ConfigError> {
        let fail = |message: String| ConfigError {
            key: shown.to_string(),
            message,
        };
        let raw = raw.trim();
        match env {
            "DATABASE_URL" => {
                if !(raw.starts_with("sqlite:")
                    || raw.starts_with("postgres:")
                    || raw.starts_with("postgresql:"))
                {
                    return Err(fail(
                        "ska börja med sqlite:// eller postgres:// / must start with sqlite:// or postgres://"
                            .into(),
                    ));
                }
                self.database_url = SecretString::from(raw.to_string());
            }
            "UTFALL_ADDR" => {
                self.addr = raw.parse().map_err(|_| {
                    fail(format!(
                        "\"{raw}\" är ingen adress med port, t.ex. 127.0.0.1:3000 / not a socket address"
                    ))
                })?;
            }
            "UTFALL_BASE_URL" => {
                let url = raw.trim_end_matches('/');
                if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() < 10 {
                    return Err(fail(format!(
                        "\"{raw}\" ska vara en webbadress som börjar med http:// eller https:// / must be an http(s) URL"
                    )));
                }
                self.base_url = url.to_string();
            }
            "UTFALL_DEMO" => {
                self.demo = parse_bool(raw).ok_or_else(|| {
                    fail(format!(
                        "\"{raw}\" ska vara true eller false / must be true or false"
                    ))
                })?
            }
            "UTFALL_SURVEY_PANEL_SECRET" => {
                let min = app::survey::panel::MIN_SECRET_CHARS;
                self.survey_panel_secret = if raw.is_empty() {
                    None
                } else if raw.chars().count() >= min {
                    Some(SecretString::from(raw.to_string()))
                } else {
                    return Err(fail(format!(
                        "ska vara minst {min} tecken / must be at least {min} characters"
                    )));
                };
            }
            "UTFALL_SMTP_URL" => {
                self.smtp_url = if raw.is_empty() {
                    None
                } else if raw.starts_with("smtp://") || raw.starts_with("smtps://") {
                    Some(SecretString::from(raw.to_string()))
                } else {
                    return Err(fail(
                        "ska börja med smtp:// eller smtps:// / must start with smtp:// or smtps://"
                            .into(),
                    ));
                };
            }
            "UTFALL_MAIL_FROM" => {
                if !raw.contains('@') {
                    return Err(fail(format!(
                        "\"{raw}\" är ingen e-postadress / not an e-mail address"
                    )));
                }
                self.mail_from = raw.to_string();
            }
            "UTFALL_MAIL_DIR" => {
                self.mail_dir = non_empty_path(raw).ok_or_else(|| fail(empty()))?
            }
            "UTFALL_SITE_ROOT" => {
                self.site_root = non_empty_path(raw).ok_or_else(|| fail(empty()))?
            }
            "UTFALL_LOG" => {
                tracing_subscriber::EnvFilter::try_new(raw)
                    .map_err(|e| fail(format!("ogiltigt loggfilter / invalid log filter: {e}")))?;
                self.log = raw.to_string();
            }
            "UTFALL_DB_MAX_CONNECTIONS" => {
                self.db_max_connections = parse_in_range(raw, 1, 1000).map_err(fail)? as u32
            }
            "UTFALL_REQUEST_TIMEOUT_SECS" => {
                self.request_timeout =
                    Duration::from_secs(parse_in_range(raw, 1, 3600).map_err(fail)?)
            }
            "UTFALL_MAX_BODY_BYTES" => {
                self.max_body_bytes =
                    parse_in_range(raw, 1024, 1024 * 1024 * 1024).map_err(fail)? as usize
            }
            "UTFALL_MAX_UPLOAD_BYTES" => {
                self.max_upload_bytes =
                    parse_in_range(raw, 1024, 1024 * 1024 * 1024).map_err(fail)? as usize
            }
            "UTFALL_SESSION_IDLE_MINUTES" => {
                self.session_idle =
                    Duration::from_secs(60 * parse_in_range(raw, 1, 24 * 60).map_err(fail)?)
            }
            "UTFALL_SESSION_MAX_HOURS" => {
                self.session_max =
                    Duration::from_secs(3600 * parse_in_range(raw, 1, 24 * 30).map_err(fail)?)
            }
            "UTFALL_LOGIN_ATTEMPTS_PER_MINUTE" => {
                self.login_attempts_per_minute =
                    parse_in_range(raw, 1, 10_000).map_err(fail)? as u32
            }
            "UTFALL_HEADER_READ_TIMEOUT_SECS" => {
                self.header_read_timeout =
                    Duration::from_secs(parse_in_range(raw, 1, 600).map_err(fail)?)
            }
            "UTFALL_MAX_CONNECTIONS_PER_CLIENT" => {
                self.max_connections_per_client =
                    parse_in_range(raw, 1, 1_000_000).map_err(fail)? as usize
            }
            "UTFALL_SHUTDOWN_GRACE_SECS" => {
                self.shutdown_grace =
                    Duration::from_secs(parse_in_range(raw, 0, 3600).map_err(fail)?)
            }
            "UTFALL_DEVIATION_SHIFT_LENGTH" => {
                self.deviation.shift_length = parse_in_range(raw, 3, 50).map_err(fail)? as usize
            }
            "UTFALL_DEVIATION_TREND_LENGTH" => {
                self.deviation.trend_length = parse_in_range(raw, 3, 50).map_err(fail)? as usize
            }
            "UTFALL_DEVIATION_PROVISIONAL_BELOW" => {
                self.deviation.provisional_below =
                    parse_in_range(raw, 2, 100).map_err(fail)? as usize
            }
            "UTFALL_DEVIATION_DIRECTION_PERIODS" => {
                self.deviation.direction_periods =
                    parse_in_range(raw, 2, 60).map_err(fail)? as usize
            }
            "UTFALL_DEVIATION_REPORT_RED_DAYS" => {
                self.deviation.report_red_after_days =
                    parse_in_range(raw, 1, 365).map_err(fail)? as i64
            }
            "UTFALL_REPORT_DUE_DAY" => {
                self.report_due_day = parse_in_range(raw, 1, 28).map_err(fail)? as u32
            }
            "UTFALL_REPORT_LOCK_DAY" => {
                self.report_lock_day = parse_in_range(raw, 1, 31).map_err(fail)? as u32
            }
            "UTFALL_SURVEY_MIN_N" => {
                self.survey_min_n = parse_in_range(raw, 3, 100).map_err(fail)?
            }
            "UTFALL_SURVEY_MIN_N_TEXT" => {
                self.survey_min_n_text = parse_in_range(raw, 3, 100).map_err(fail)?
            }
            "UTFALL_SURVEY_LOW_RESPONSE_PERCENT" => {
                self.survey_low_response_percent = parse_in_range(raw, 1, 100).map_err(fail)? as u32
            }
            "UTFALL_BACKGROUND_JOBS" => {
                self.background_jobs = parse_bool(raw).ok_or_else(|| {
                    fail(format!(
                        "\"{raw}\" ska vara true eller false / must be true or false"
                    ))
                })?
            }
            "UTFALL_SCHEDULE_TIME_ZONE" => {
                self.schedule_time_zone = raw.parse().map_err(|_| {
                    fail(format!(
                        "\"{raw}\" är ingen tidszon i IANA-databasen, t.ex. Europe/Stockholm / not an IANA time zone"
                    ))
                })?
            }
            "UTFALL_DISCOUNT_RATE" => {
                self.discount_rate_percent = parse_percent(raw, 20.0).map_err(fail)?
            }
            "UTFALL_HALFYEAR_DUE_H1" => {
                self.halfyear_due.h1 = parse_month_day(raw).map_err(fail)?
            }
            "UTFALL_HALFYEAR_DUE_H2" => {
                self.halfyear_due.h2 = parse_month_day(raw).map_err(fail)?
            }
            "UTFALL_REPORT_FONT_DIR" => {
                self.report_font_dir = non_empty_path(raw).ok_or_else(|| fail(empty()))?
            }
            other => unreachable!("key {other} is listed in KEYS but not parsed"),
        }
        Ok(())
    }

    /// The database URL, for connecting only (never log it).
    pub fn database_url(&self) -> &str {
        self.database_url.expose_secret()
    }

    /// `true` when users reach the service over https (secure cookies, HSTS).
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

fn parse_bool(raw: &str) -> Option<bool> {
    match raw.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "ja" | "on" => Some(true),
        "0" | "false" | "no" | "nej" | "off" | "" => Some(false),
        _ => None,
    }
}

fn parse_in_range(raw: &str, min: u64, max: u64) -> Result<u64, String> {
    match raw.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "\"{raw}\" ska vara ett heltal mellan {min} och {max} / must be an integer in {min}..={max}"
        )),
    }
}

/// A day of the year as "MM-DD" that exists every year ("08-31"; not "02-29").
fn parse_month_day(raw: &str) -> Result<(u32, u32), String> {
    app::halfyear::parse_month_day(raw).ok_or_else(|| {
        format!(
            "\"{raw}\" ska vara månad och dag som MM-DD, t.ex. 08-31 / must be a month and day as MM-DD"
        )
    })
}

/// A per-cent figure from 0 to `max`, with a decimal point or comma ("3.5", "3,5").
fn parse_percent(raw: &str, max: f64) -> Result<f64, String> {
    match raw.trim().replace(',', ".").parse::<f64>() {
        Ok(n) if n.is_finite() && (0.0..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "\"{raw}\" ska vara en procentsats mellan 0 och {max}, t.ex. 3.5 / must be a percentage in 0..={max}"
        )),
    }
}

fn non_empty_path(raw: &str) -> Option<PathBuf> {
    (!raw.is_empty()).then(|| PathBuf::from(raw))
}

fn empty() -> String {
    "får inte vara tom / must not be empty".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_serve_sqlite_on_port_3000() {
        let (config, warnings) = Config::from_sources(None, env(&[])).unwrap();
        assert_eq!(config.database_url(), "sqlite://data/utfall.db?mode=rwc");
        assert_eq!(config.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.base_url, "http://127.0.0.1:3000");
        assert!(!config.demo);
        assert!(config.smtp_url.is_none());
        assert!(warnings.is_empty());
    }

    #[test]
    fn schedules_default_to_the_types_own_and_can_be_changed_or_turned_off() {
        let (config, _) = Config::from_sources(None, env(&[])).unwrap();
        assert_eq!(config.schedules["weekly_digest"], "0 0 7 * * Mon");
        assert_eq!(config.schedule_time_zone, chrono_tz::Europe::Stockholm);
        let file = "cron_weekly_digest = \"0 30 8 * * Tue\"\n";
        let (config, warnings) = Config::from_sources(
            Some(file),
            env(&[
                ("UTFALL_CRON_MONTHLY_REPORTING", ""),
                ("UTFALL_SCHEDULE_TIME_ZONE", "Europe/Helsinki"),
            ]),
        )
        .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.schedules["weekly_digest"], "0 30 8 * * Tue");
        assert_eq!(config.schedules["monthly_reporting"], "");
        assert_eq!(config.schedule_time_zone, chrono_tz::Europe::Helsinki);
    }

    #[test]
    fn a_bad_schedule_names_its_key() {
        let error =
            Config::from_sources(None, env(&[("UTFALL_CRON_WEEKLY_DIGEST", "varje måndag")]))
                .unwrap_err();
        assert_eq!(error.key, "UTFALL_CRON_WEEKLY_DIGEST");
        let error =
            Config::from_sources(None, env(&[("UTFALL_SCHEDULE_TIME_ZONE", "Europe/Örebro")]))
                .unwrap_err();
        assert_eq!(error.key, "UTFALL_SCHEDULE_TIME_ZONE");
        // An unknown reminder type is an unknown setting, as any other.
        let (_, warnings) =
            Config::from_sources(None, env(&[("UTFALL_CRON_SURVEYS", "0 0 7 * * *")])).unwrap();
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn half_year_due_dates_default_and_read_month_and_day() {
        let (config, _) = Config::from_sources(None, env(&[])).unwrap();
        assert_eq!(config.halfyear_due, app::halfyear::DueDates::default());
        let (config, warnings) = Config::from_sources(
            Some("halfyear_due_h1 = \"09-15\"\n"),
            env(&[("UTFALL_HALFYEAR_DUE_H2", "03-01")]),
        )
        .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.halfyear_due.h1, (9, 15));
        assert_eq!(config.halfyear_due.h2, (3, 1));
        let error =
            Config::from_sources(None, env(&[("UTFALL_HALFYEAR_DUE_H2", "02-29")])).unwrap_err();
        assert_eq!(error.key, "UTFALL_HALFYEAR_DUE_H2");
    }

    #[test]
    fn environment_overrides_file() {
        let file = "addr = \"127.0.0.1:4000\"\ndemo = true\n";
        let (config, _) =
            Config::from_sources(Some(file), env(&[("UTFALL_ADDR", "127.0.0.1:5000")])).unwrap();
        assert_eq!(config.addr.port(), 5000);
        assert!(config.demo);
        assert_eq!(config.base_url, "http://127.0.0.1:5000");
    }

    #[test]
    fn bad_value_names_the_key() {
        let error = Config::from_sources(None, env(&[("UTFALL_ADDR", "hemma")])).unwrap_err();
        assert_eq!(error.key, "UTFALL_ADDR");
        assert!(
            error
                .to_string()
                .starts_with("Ogiltig inställning UTFALL_ADDR")
        );

        let error = Config::from_sources(Some("demo = \"kanske\""), env(&[])).unwrap_err();
        assert_eq!(error.key, "demo");
    }

    #[test]
    fn unknown_file_key_is_an_error_and_unknown_env_key_a_warning() {
        let error = Config::from_sources(Some("adr = \"x\""), env(&[])).unwrap_err();
        assert_eq!(error.key, "adr");
        let (_, warnings) = Config::from_sources(None, env(&[("UTFALL_ADRESS", "x")])).unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("UTFALL_ADRESS"));
    }

    #[test]
    fn database_url_scheme_is_checked() {
        let error = Config::from_sources(None, env(&[("DATABASE_URL", "mysql://x")])).unwrap_err();
        assert_eq!(error.key, "DATABASE_URL");
    }

    #[test]
    fn cargo_leptos_site_root_is_honoured() {
        let (config, _) =
            Config::from_sources(None, env(&[("LEPTOS_SITE_ROOT", "/tmp/site")])).unwrap();
        assert_eq!(config.site_root, PathBuf::from("/tmp/site"));
    }

    /// Every setting `.env.example` documents is read, none is warned about as unknown.
    #[test]
    fn every_documented_key_is_accepted() {
        let documented: Vec<(String, String)> = include_str!("../../.env.example")
            .lines()
            .filter(|line| !line.trim_start().starts_with('#'))
            .filter_map(|line| line.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.to_string()))
            .collect();
        assert!(documented.len() >= 15, "{documented:?}");
        let (_, warnings) = Config::from_sources(None, documented.clone()).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        // …and the file accepts the same keys (lower case, without UTFALL_).
        for (name, value) in &documented {
            let file_key = name.trim_start_matches("UTFALL_").to_ascii_lowercase();
            let file = format!("{file_key} = {value:?}");
            assert!(
                Config::from_sources(Some(&file), env(&[])).is_ok(),
                "{file}"
            );
        }
    }

    #[test]
    fn documented_limits_take_effect() {
        let (config, _) = Config::from_sources(
            None,
            env(&[
                ("UTFALL_MAX_UPLOAD_BYTES", "4096"),
                ("UTFALL_SESSION_IDLE_MINUTES", "5"),
                ("UTFALL_SESSION_MAX_HOURS", "2"),
                ("UTFALL_LOGIN_ATTEMPTS_PER_MINUTE", "3"),
            ]),
        )
        .unwrap();
        assert_eq!(config.max_upload_bytes, 4096);
        assert_eq!(config.session_idle, Duration::from_secs(5 * 60));
        assert_eq!(config.session_max, Duration::from_secs(2 * 3600));
        assert_eq!(config.login_attempts_per_minute, 3);
    }

    #[test]
    fn connection_limits_are_read_and_checked() {
        let (config, _) = Config::from_sources(None, env(&[])).unwrap();
        assert_eq!(config.header_read_timeout, Duration::from_secs(10));
        assert_eq!(config.max_connections_per_client, 64);
        assert_eq!(config.shutdown_grace, Duration::from_secs(10));

        let file = "header_read_timeout_secs = 5\nshutdown_grace_secs = 0\n";
        let (config, _) = Config::from_sources(
            Some(file),
            env(&[("UTFALL_MAX_CONNECTIONS_PER_CLIENT", "500")]),
        )
        .unwrap();
        assert_eq!(config.header_read_timeout, Duration::from_secs(5));
        assert_eq!(config.shutdown_grace, Duration::ZERO);
        assert_eq!(config.max_connections_per_client, 500);

        // No header timeout at all would bring back the stalled-client problem.
        let error = Config::from_sources(None, env(&[("UTFALL_HEADER_READ_TIMEOUT_SECS", "0")]))
            .unwrap_err();
        assert_eq!(error.key, "UTFALL_HEADER_READ_TIMEOUT_SECS");
        let error = Config::from_sources(None, env(&[("UTFALL_MAX_CONNECTIONS_PER_CLIENT", "0")]))
            .unwrap_err();
        assert_eq!(error.key, "UTFALL_MAX_CONNECTIONS_PER_CLIENT");
    }

    #[test]
    fn secrets_are_not_printed_by_debug() {
        let (config, _) = Config::from_sources(
            None,
            env(&[("DATABASE_URL", "postgres://utfall:hemligt@db/utfall")]),
        )
        .unwrap();
        assert!(!format!("{config:?}").contains("hemligt"));
    }

    #[test]
    fn the_panel_secret_is_long_or_refused_and_never_printed() {
        let (config, _) = Config::from_sources(None, env(&[])).unwrap();
        assert!(config.survey_panel_secret.is_none());
        let long = "panelhemligheten-0123456789-abcdefghij";
        let (config, _) =
            Config::from_sources(None, env(&[("UTFALL_SURVEY_PANEL_SECRET", long)])).unwrap();
        assert_eq!(
            config
                .survey_panel_secret
                .as_ref()
                .map(|s| s.expose_secret()),
            Some(long)
        );
        assert!(!format!("{config:?}").contains("panelhemligheten"));
        let error =
            Config::from_sources(None, env(&[("UTFALL_SURVEY_PANEL_SECRET", "kort")])).unwrap_err();
        assert_eq!(error.key, "UTFALL_SURVEY_PANEL_SECRET");
    }
}
