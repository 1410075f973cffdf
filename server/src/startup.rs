//! Building and running the application: database, mail, router, listener, shutdown.

use std::future::Future;

use anyhow::Context as _;
use app::db::{Db, DbOptions};
use app::mail::{BaseUrl, Mailer};
use app::{App, shell};
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use secrecy::ExposeSecret;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use std::sync::Arc;

use app::auth::session::SessionPolicy;

use crate::auth::{self, CookieSettings, LoginThrottle};
use crate::config::Config;
use crate::security;
use crate::serve::{self, Limits};
use crate::{
    documents, edge, exports, forms, indicator_imports, surveys, unit_cost_exports,
    unit_cost_imports, value_exports, value_imports,
};

/// Stack size of the server's worker threads (see `main.rs`).
pub const THREAD_STACK_BYTES: usize = 16 * 1024 * 1024;

/// Shared by every request handler.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub mailer: Mailer,
    pub sessions: SessionPolicy,
    pub cookies: CookieSettings,
    pub throttle: Arc<LoginThrottle>,
    pub base_url: BaseUrl,
    pub max_upload_bytes: usize,
    pub reporting: app::report::Rules,
    pub deviation: app::deviation::Thresholds,
    pub portfolio_cache: app::dashboard::cache::PortfolioCache,
    /// Rings the outbox worker after mail was queued.
    pub outbox_wake: app::outbox::Wake,
    /// Small-cell limits for survey results.
    pub survey: app::survey::Thresholds,
    /// Failed look-ups of survey codes per address.
    pub survey_guesses: Arc<crate::surveys::GuessThrottle>,
    /// The secret panel pseudonyms are made with (none: no panel surveys).
    pub survey_panel: app::survey::panel::PanelKey,
    /// Stores participants' responses (group commit on SQLite).
    pub survey_writer: app::survey::writer::ResponseWriter,
    /// The defaults of a new economic calculation.
    pub economics: app::economics::Defaults,
    /// When the half-year reports are due.
    pub halfyear_due: app::halfyear::DueDates,
    /// Sessions this instance validated within the last second.
    pub session_cache: app::auth::session::SessionCache,
    /// The font of the half-year reports' Word and PDF files (none: they answer 503).
    pub report_fonts: Option<Arc<crate::report_files::fonts::ReportFonts>>,
}

impl AppState {
    /// What the deviation evaluation needs: its thresholds and the reporting and report deadlines.
    pub fn deviation_settings(&self) -> app::deviation::repo::Settings {
        app::deviation::repo::Settings {
            thresholds: self.deviation,
            reporting: self.reporting,
            half_year_due: self.halfyear_due,
        }
    }

    /// What every page render and server function finds in its Leptos context.
    pub fn provide_contexts(&self) -> impl Fn() + Clone + Send + Sync + 'static {
        let (db, mailer, base_url, reporting, portfolio_cache, survey) = (
            self.db.clone(),
            self.mailer.clone(),
            self.base_url.clone(),
            self.reporting,
            self.portfolio_cache.clone(),
            self.survey,
        );
        let survey_writer = self.survey_writer.clone();
        let survey_panel = self.survey_panel.clone();
        // Every value change evaluates the satsning's deviation flags right after its commit.
        let after_values = app::deviation::repo::after_values(self.deviation_settings());
        let outbox_wake = self.outbox_wake.clone();
        let economics = self.economics;
        let halfyear_due = self.halfyear_due;
        let session_cache = self.session_cache.clone();
        move || {
            provide_context(session_cache.clone());
            provide_context(economics);
            provide_context(halfyear_due);
            provide_context(outbox_wake.clone());
            provide_context(db.clone());
            provide_context(mailer.clone());
            provide_context(base_url.clone());
            provide_context(reporting);
            provide_context(portfolio_cache.clone());
            provide_context(after_values.clone());
            provide_context(survey);
            provide_context(survey_writer.clone());
            provide_context(survey_panel.clone());
        }
    }
}

/// A built application, bound to its port but not yet serving.
pub struct Application {
    listener: TcpListener,
    router: Router,
    limits: Limits,
    db: Db,
    port: u16,
    mailer: Mailer,
    outbox_wake: app::outbox::Wake,
    jobs: Vec<crate::scheduler::Job>,
    time_zone: chrono_tz::Tz,
    background_jobs: bool,
    session_cache: app::auth::session::SessionCache,
}

impl Application {
    /// Opens the database (running migrations), seeds demo data if asked, prepares mail and
    /// the router, and binds the listener. Port 0 picks a free port (tests).
    pub async fn build(config: &Config) -> anyhow::Result<Application> {
        let db = Db::connect(
            config.database_url(),
            &DbOptions {
                max_connections: config.db_max_connections,
            },
        )
        .await?;
        tracing::info!(backend = db.backend(), "database ready");

        if config.demo {
            // Timed, so a slower seed (and a slower `make run`) shows in the log.
            let started = std::time::Instant::now();
            let seeded = app::demo::seed_if_empty(&db, chrono::Utc::now())
                .await
                .context("demodata kunde inte läggas in / could not seed demo data")?;
            if seeded {
                let millis = started.elapsed().as_millis() as u64;
                tracing::info!(millis, "demoläge: demodata inlagd");
            } else {
                tracing::info!("demoläge: databasen har redan data; ingen demodata inlagd");
            }
        }

        let mailer = build_mailer(config)?;
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("UTFALL_ADDR: kan inte lyssna på {}", config.addr))?;
        let port = listener.local_addr()?.port();
        let outbox_wake = app::outbox::Wake::default();
        let session_cache = app::auth::session::SessionCache::new(config.session_cache);
        let router = router(
            config,
            db.clone(),
            mailer.clone(),
            outbox_wake.clone(),
            session_cache.clone(),
        );
        let jobs = crate::scheduler::jobs(config);
        let limits = Limits {
            header_read_timeout: config.header_read_timeout,
            max_connections_per_client: config.max_connections_per_client,
            shutdown_grace: config.shutdown_grace,
            https: config.is_https(),
        };
        Ok(Application {
            listener,
            router,
            limits,
            db,
            port,
            mailer,
            outbox_wake,
            jobs,
            time_zone: config.schedule_time_zone,
            background_jobs: config.background_jobs,
            session_cache,
        })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The database, for tests that arrange data directly.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Serves until SIGTERM or Ctrl-C, then finishes in-flight requests and closes the database.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish for at most
    /// `UTFALL_SHUTDOWN_GRACE_SECS` and drops what is left (see [`serve`]).
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let db = self.db.clone();
        // The background work lives as long as the server: the outbox worker and the
        // scheduler stop before the database closes.
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let mut background = Vec::new();
        if let Db::Postgres(pool) = &db {
            background.push(crate::auth::forget_revoked_sessions(
                pool.clone(),
                self.session_cache.clone(),
                stopped.clone(),
            ));
        }
        if self.background_jobs {
            background.push(crate::outbox::spawn(
                db.clone(),
                self.mailer.clone(),
                self.outbox_wake.clone(),
                stopped.clone(),
            ));
            background.push(crate::scheduler::spawn(
                db.clone(),
                self.jobs,
                self.time_zone,
                self.outbox_wake.clone(),
                stopped,
            ));
        }
        tracing::info!(port = self.port, "Utfall lyssnar");
        serve::serve(self.listener, self.router, self.limits, shutdown).await;
        let _ = stop.send(true);
        for task in background {
            // A mail being sent or a job running gets a moment; then it is dropped (the
            // outbox lease and the job's idempotency keys make a later retry safe).
            let abort = task.abort_handle();
            if tokio::time::timeout(std::time::Duration::from_secs(5), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
        db.close().await;
        tracing::info!("Utfall har stängts");
        Ok(())
    }
}

/// The mail transport the configuration asks for: SMTP, or the mail folder.
pub fn build_mailer(config: &Config) -> anyhow::Result<Mailer> {
    Ok(match &config.smtp_url {
        Some(url) => Mailer::smtp(url.expose_secret(), &config.mail_from)?,
        None => Mailer::folder(&config.mail_dir, &config.mail_from)?,
    })
}

/// The complete HTTP surface: Leptos pages and server functions, probes, static files.
pub fn router(
    config: &Config,
    db: Db,
    mailer: Mailer,
    outbox_wake: app::outbox::Wake,
    session_cache: app::auth::session::SessionCache,
) -> Router {
    let leptos_options = LeptosOptions::builder()
        .output_name("utfall")
        .site_root(config.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(config.addr)
        .build();
    let state = AppState {
        leptos_options: leptos_options.clone(),
        db: db.clone(),
        mailer: mailer.clone(),
        sessions: auth::policy(config),
        cookies: CookieSettings {
            secure: config.is_https(),
        },
        throttle: Arc::new(LoginThrottle::new(config.login_attempts_per_minute)),
        base_url: BaseUrl(config.base_url.clone()),
        max_upload_bytes: config.max_upload_bytes,
        reporting: app::report::Rules {
            due_day: config.report_due_day,
            lock_day: config.report_lock_day,
        },
        deviation: config.deviation,
        portfolio_cache: Default::default(),
        outbox_wake,
        survey: app::survey::Thresholds {
            min_n: config.survey_min_n,
            min_n_text: config.survey_min_n_text,
        },
        survey_guesses: Default::default(),
        survey_panel: match &config.survey_panel_secret {
            Some(secret) => app::survey::panel::PanelKey::new(secret.expose_secret()),
            None => Default::default(),
        },
        survey_writer: app::survey::writer::ResponseWriter::start(db.clone()),
        economics: app::economics::Defaults {
            discount_rate_percent: config.discount_rate_percent,
        },
        halfyear_due: config.halfyear_due,
        session_cache,
        report_fonts: match crate::report_files::fonts::ReportFonts::load(&config.report_font_dir) {
            Ok(fonts) => Some(Arc::new(fonts)),
            Err(error) => {
                tracing::warn!(%error, "half-year reports cannot be downloaded as Word or PDF");
                None
            }
        },
    };
    let context = state.provide_contexts();
    let routes = route_list();
    let https = config.is_https();

    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .route("/logga-in", post(auth::login))
        .route("/logga-ut", post(auth::logout))
        .route("/enhetskostnader.csv", get(unit_cost_exports::register_csv))
        .route(
            "/enhetskostnader.xlsx",
            get(unit_cost_exports::register_xlsx),
        )
        .route(
            "/satsningar/{id}/halvar/{halvar}/redovisning.docx",
            get(crate::report_files::report_docx),
        )
        .route(
            "/satsningar/{id}/halvar/{halvar}/redovisning.pdf",
            get(crate::report_files::report_pdf),
        )
        .route("/satsningar/{id}/schema.csv", get(exports::schema_csv))
        .route("/satsningar/{id}/schema.xlsx", get(exports::schema_xlsx))
        .route(
            "/satsningar/{id}/varden.csv",
            get(value_exports::initiative_csv),
        )
        .route(
            "/satsningar/{id}/varden.xlsx",
            get(value_exports::initiative_xlsx),
        )
        .route("/satsningar/varden.csv", get(value_exports::all_csv))
        .route("/satsningar/varden.xlsx", get(value_exports::all_xlsx))
        .route("/satsningar/{id}/dokument/{doc}", get(documents::download))
        .route(
            "/satsningar/{id}/enkater/{enkat}/resultat.csv",
            get(surveys::results_csv),
        )
        .route(
            "/satsningar/{id}/enkater/{enkat}/resultat.xlsx",
            get(surveys::results_xlsx),
        )
        .route(
            "/satsningar/{id}/enkater/{enkat}/utskick/{vag}/lank",
            post(surveys::new_link),
        )
        .route(
            "/satsningar/{id}/enkater/{enkat}/utskick/{vag}/koder",
            post(surveys::new_codes),
        )
        .route(
            "/satsningar/{id}/enkater/{enkat}/panelkoder",
            post(surveys::new_panel_codes),
        )
        .method_not_allowed_fallback(forms::form_post)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .layer(axum::middleware::from_fn({
            let max_body_bytes = config.max_body_bytes;
            move |request, next| edge::server_functions(max_body_bytes, request, next)
        }))
        // Every route so far takes small bodies; uploads, added next, get their own limit.
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .route(
            "/satsningar/{id}/dokument",
            post(documents::upload)
                .layer::<_, std::convert::Infallible>(DefaultBodyLimit::max(
                    config.max_upload_bytes,
                ))
                .layer(RequestBodyLimitLayer::new(
                    config.max_upload_bytes + 64 * 1024,
                )),
        )
        .route(
            "/indikatorer/fil",
            post(indicator_imports::upload)
                .layer::<_, std::convert::Infallible>(DefaultBodyLimit::max(
                    config.max_upload_bytes,
                ))
                .layer(RequestBodyLimitLayer::new(
                    config.max_upload_bytes + 64 * 1024,
                )),
        )
        .route(
            "/enhetskostnader/import/fil",
            post(unit_cost_imports::upload)
                .layer::<_, std::convert::Infallible>(DefaultBodyLimit::max(
                    config.max_upload_bytes,
                ))
                .layer(RequestBodyLimitLayer::new(
                    config.max_upload_bytes + 64 * 1024,
                )),
        )
        .route(
            "/satsningar/{id}/import/fil",
            post(value_imports::upload)
                .layer::<_, std::convert::Infallible>(DefaultBodyLimit::max(
                    config.max_upload_bytes,
                ))
                .layer(RequestBodyLimitLayer::new(
                    config.max_upload_bytes + 64 * 1024,
                )),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::enforce_page_access,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::load_user,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            surveys::guard,
        ))
        .layer(axum::middleware::from_fn(security::refuse_cross_site))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(axum::middleware::from_fn(security::swedish_limits))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn(move |request, next| {
            security::security_headers(https, request, next)
        }))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// The span of one request in the logs: method and path, with a survey participant's token
/// left out (`/enkat/…`), and never the query string.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::debug_span!(
        "request",
        method = %request.method(),
        path = %app::survey::loggable_path(request.uri().path()),
        version = ?request.version(),
    )
}

/// The app's routes, generated once per process. Generating them runs the app with resource
/// loading suppressed through a process-wide flag (leptos_server), so a resource that starts
/// loading meanwhile in another app instance of the same process never finishes
/// (leptos-rs/leptos#4773). A server builds its router once, but the tests build many.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Liveness: the process answers.
async fn health() -> impl IntoResponse {
    no_store("ok")
}

/// Readiness: the database answers. A load balancer takes the instance out of rotation on 503.
async fn ready(State(db): State<Db>) -> Response {
    if db.ping().await {
        no_store("ok").into_response()
    } else {
        let mut response = no_store("databasen svarar inte").into_response();
        *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        response
    }
}

fn no_store(body: &'static str) -> impl IntoResponse {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
}

/// A panic anywhere becomes a calm Swedish page; the details go to the log only.
fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        PANIC_PAGE,
    )
        .into_response()
}

const PANIC_PAGE: &str = "<!DOCTYPE html><html lang=\"sv\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Något gick fel – Utfall</title><link rel=\"stylesheet\" href=\"/pkg/utfall.css\"></head>\
<body><main id=\"innehall\" class=\"page\"><h1>Något gick fel</h1>\
<p>Sidan kunde inte visas just nu. Försök igen om en stund. Om felet finns kvar, kontakta processledaren.</p>\
<p><a href=\"/\">Till startsidan</a></p></main></body></html>";

/// Completes on SIGTERM (systemd, Kubernetes, a load balancer draining) or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "could not listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("avslutningssignal mottagen, stänger när pågående förfrågningar är klara");
}
