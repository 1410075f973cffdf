//! Test harness: `spawn_app()` and friends.

use std::path::PathBuf;

use app::db::Db;
use server::config::Config;
use server::startup::Application;
use tempfile::TempDir;

/// A running app for one test.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    pub db: Db,
    /// Where the app writes mail (folder transport).
    pub mail_dir: PathBuf,
    /// A client with a cookie jar that does not follow redirects (tests look at them).
    pub client: reqwest::Client,
    _temp: Option<TempDir>,
}

/// Which database a test app runs on.
pub enum Backend {
    Sqlite,
    /// A fresh database in the PostgreSQL cluster named by the URL.
    Postgres(String),
}

/// `true` when `make test` runs us: then a missing service is a failure, not a skip.
pub fn strict() -> bool {
    std::env::var("UTFALL_TEST_STRICT").is_ok_and(|v| v == "1")
}

/// Reads a service's environment variable; skips (returns `None`) or fails when it is missing.
pub fn service(var: &str, what: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => Some(value),
        _ if strict() => panic!("{var} saknas: {what} behövs. Kör testerna med `make test`."),
        _ => {
            eprintln!("HOPPAR ÖVER: {var} saknas ({what}); `make test` startar det.");
            None
        }
    }
}

/// The built site (wasm, CSS). `make test` builds it and sets UTFALL_SITE_ROOT.
pub fn site_root() -> PathBuf {
    std::env::var("UTFALL_SITE_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site"))
}

/// A config for a test app: port 0, everything under `temp`.
pub fn test_config(temp: &TempDir, database_url: String) -> Config {
    Config {
        addr: ([127, 0, 0, 1], 0).into(),
        database_url: database_url.into(),
        mail_dir: temp.path().join("mail"),
        site_root: site_root(),
        log: std::env::var("TEST_LOG").unwrap_or_else(|_| "off".into()),
        // A busy 2-core CI machine must not turn slowness into a 408 failure.
        request_timeout: std::time::Duration::from_secs(120),
        // Tests drive the scheduler with their own clock; the outbox worker runs as in
        // production (mails land in `mail_dir`).
        schedules: Default::default(),
        ..Config::default()
    }
}

/// Starts the app on a fresh SQLite file with the demo data (one account per role).
pub async fn spawn_demo_app() -> TestApp {
    spawn_app_with(Backend::Sqlite, |config| config.demo = true).await
}

/// Starts the app on a fresh SQLite file.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(Backend::Sqlite, |_| {}).await
}

/// Starts the app on `backend`, letting the test adjust the config first.
pub async fn spawn_app_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
    start(backend, adjust, std::future::pending()).await.0
}

/// A test's handle on shutting its app down.
pub struct Stopper {
    stop: tokio::sync::oneshot::Sender<()>,
    stopped: tokio::sync::oneshot::Receiver<()>,
}

impl Stopper {
    /// Starts the shutdown (as SIGTERM would); the receiver completes when `run_until` has
    /// returned.
    pub fn stop(self) -> tokio::sync::oneshot::Receiver<()> {
        let _ = self.stop.send(());
        self.stopped
    }
}

/// Starts the app on a fresh SQLite file, to be stopped by the test.
pub async fn spawn_stoppable_app(adjust: impl FnOnce(&mut Config)) -> (TestApp, Stopper) {
    let (stop, stop_requested) = tokio::sync::oneshot::channel();
    let shutdown = async move {
        let _ = stop_requested.await;
    };
    let (app, stopped) = start(Backend::Sqlite, adjust, shutdown).await;
    (app, Stopper { stop, stopped })
}

/// Starts the app; the receiver completes when it has stopped after `shutdown`.
async fn start(
    backend: Backend,
    adjust: impl FnOnce(&mut Config),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> (TestApp, tokio::sync::oneshot::Receiver<()>) {
    let temp = tempfile::tempdir().expect("temp dir");
    let database_url = match backend {
        Backend::Sqlite => format!("sqlite://{}/utfall.db?mode=rwc", temp.path().display()),
        Backend::Postgres(url) => url,
    };
    let mut config = test_config(&temp, database_url);
    adjust(&mut config);
    server::telemetry::init(&config.log);

    // The server runs on its own runtime (like `main`), with big worker stacks, so a test's
    // small single-threaded runtime only drives the test itself. It stops with the process.
    let (ready, started) = std::sync::mpsc::channel();
    let (finished, stopped) = tokio::sync::oneshot::channel();
    let server_config = config.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_stack_size(server::startup::THREAD_STACK_BYTES)
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let application = Application::build(&server_config)
                .await
                .expect("app builds");
            let _ = ready.send((application.port(), application.db().clone()));
            let _ = application.run_until(shutdown).await;
            let _ = finished.send(());
        });
    });
    let (port, db) = started.recv().expect("server started");
    let address = format!("http://127.0.0.1:{port}");

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    let app = TestApp {
        address,
        db,
        mail_dir: config.mail_dir.clone(),
        client,
        _temp: Some(temp),
    };
    (app, stopped)
}

impl TestApp {
    /// Posts the login form (as a browser without JavaScript would).
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_form("/logga-in", &[("epost", email), ("losenord", password)])
            .await
    }

    /// Posts a URL-encoded form.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.client
            .post(format!("{}{path}", self.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("request sent")
    }

    /// The same running app seen by another browser (own cookie jar). Keep the original
    /// alive: it owns the temp folder.
    pub fn with_new_client(&self) -> TestApp {
        TestApp {
            address: self.address.clone(),
            db: self.db.clone(),
            mail_dir: self.mail_dir.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .cookie_store(true)
                .build()
                .unwrap(),
            _temp: None,
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request sent")
    }
}

/// A fresh, empty PostgreSQL database for one test, or `None` (skipped) without PostgreSQL.
pub async fn postgres_database() -> Option<String> {
    let admin_url = service("TEST_DATABASE_URL", "PostgreSQL")?;
    let name = format!("utfall_test_{}", rand_suffix());
    let admin = sqlx::PgPool::connect(&admin_url)
        .await
        .expect("connect to the test PostgreSQL cluster");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin)
        .await
        .expect("create test database");
    admin.close().await;
    let (base, _) = admin_url.rsplit_once('/').expect("URL has a database name");
    Some(format!("{base}/{name}"))
}

/// A short random suffix for unique names.
pub fn rand_suffix() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// A free TCP port on loopback.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Sends a POST whose headers announce `length` bytes of form data but sends only the
/// headers, and returns the status and body of the answer. (Sending megabytes the server has
/// already refused would race with it closing the connection.)
pub async fn post_announcing(app: &TestApp, path: &str, length: usize) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {length}\r\nConnection: close\r\n\r\nnamn=x"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        stream.read_to_end(&mut response),
    )
    .await;
    let text = String::from_utf8_lossy(&response).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

impl TestApp {
    /// The same app, logged in as a demo account in a browser of its own.
    pub async fn as_user(&self, email: &str) -> TestApp {
        let user = self.with_new_client();
        let response = user.login(email, app::demo::DEMO_PASSWORD).await;
        assert_eq!(response.status(), 303, "login as {email}");
        user
    }

    /// The id of the satsning called `name`.
    pub async fn initiative_id(&self, name: &str) -> i64 {
        app::db_read!(&self.db, |pool| {
            sqlx::query_scalar("SELECT id FROM initiative WHERE name = $1")
                .bind(name)
                .fetch_one(pool)
                .await
                .unwrap()
        })
    }
}

/// A form body as a browser sends it, built from a server function's own argument struct
/// (what `#[server]` generates, e.g. `app::schema::api::AddMeasure`): a nested form struct's
/// fields become `arg[field]` (`measure[code]`), a ticked checkbox `ja`; an unticked one and a
/// `None` are left out, as a browser leaves them out.
pub fn form_fields<T: serde::Serialize>(args: &T) -> Vec<(String, String)> {
    fn flatten(name: String, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
        use serde_json::Value;
        let nested = |key: &str| {
            if name.is_empty() {
                key.to_string()
            } else {
                format!("{name}[{key}]")
            }
        };
        match value {
            Value::Null | Value::Bool(false) => {}
            Value::Bool(true) => out.push((name, "ja".into())),
            Value::Number(n) => out.push((name, n.to_string())),
            Value::String(s) => out.push((name, s.clone())),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    flatten(nested(&i.to_string()), item, out);
                }
            }
            Value::Object(fields) => {
                for (key, item) in fields {
                    flatten(nested(key), item, out);
                }
            }
        }
    }
    let mut fields = Vec::new();
    flatten(
        String::new(),
        &serde_json::to_value(args).expect("server-function arguments serialize"),
        &mut fields,
    );
    fields
}

impl TestApp {
    /// Posts a form to `page` as a browser without JavaScript does: the hidden
    /// `_atgard` names server function `F`, the fields come from its arguments.
    pub async fn submit<F>(&self, page: &str, args: &F) -> reqwest::Response
    where
        F: leptos::server_fn::ServerFn + serde::Serialize,
    {
        let mut fields = vec![(app::form::ACTION_FIELD.to_string(), F::PATH.to_string())];
        fields.extend(form_fields(args));
        self.post_pairs(page, &fields).await
    }

    /// Calls server function `F` directly, as hydrated code does.
    pub async fn call<F>(&self, args: &F) -> reqwest::Response
    where
        F: leptos::server_fn::ServerFn + serde::Serialize,
    {
        self.post_pairs(F::PATH, &form_fields(args)).await
    }

    /// Posts owned name/value pairs as a URL-encoded form.
    pub async fn post_pairs(&self, path: &str, fields: &[(String, String)]) -> reqwest::Response {
        let borrowed: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.post_form(path, &borrowed).await
    }
}

/// The text of every element `selector` matches in `page`, ASCII whitespace collapsed to one
/// space (the no-break spaces of Swedish numbers stay).
pub fn texts_of(page: &str, selector: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(page);
    document
        .select(&scraper::Selector::parse(selector).expect("a valid selector"))
        .map(|e| {
            e.text()
                .collect::<Vec<_>>()
                .join(" ")
                .split_ascii_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}
