//! The `server` binary itself: start-up errors, the test-mail command, graceful shutdown.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::mail::wait_for_mail;

/// The `server` binary, isolated from the developer's settings.
pub(crate) fn server() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    // Run isolated from any developer utfall.toml and UTFALL_* settings.
    command
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    command.env("UTFALL_CONFIG", "/nonexistent/utfall.toml");
    command
}

#[test]
fn bad_setting_stops_start_with_one_line_naming_the_key() {
    let output = server().env("UTFALL_ADDR", "hemma").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("Ogiltig inställning UTFALL_ADDR"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn unknown_command_shows_usage() {
    let output = server().arg("serva").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Användning"));
}

#[tokio::test]
async fn send_test_mail_writes_to_the_mail_folder() {
    let temp = tempfile::tempdir().unwrap();
    let output = server()
        .args(["send-test-mail", "--to", "processledare@exempel.se"])
        .env("UTFALL_MAIL_DIR", temp.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let raw = wait_for_mail(temp.path(), "processledare@exempel.se").await;
    assert!(String::from_utf8_lossy(&raw).contains("Testmejl"));
}

#[tokio::test]
async fn sigterm_shuts_down_gracefully() {
    let temp = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}/u.db?mode=rwc", temp.path().display());
    let (mut child, url) = start_demo(&database_url, "warn", Stdio::null()).await;
    let health = reqwest::get(format!("{url}/health")).await.unwrap();
    assert_eq!(health.status(), 200);

    // Act
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());

    // Assert: exits cleanly, soon.
    for _ in 0..100 {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().unwrap();
    panic!("server did not stop within 5 s of SIGTERM");
}

/// Starts the server binary in demo mode on `database_url` with log level `log` (its log goes
/// to `stderr`) and returns it and its address once it answers `/health`. SIGTERM is handled
/// only once the server serves, so callers that stop it wait for this.
pub(crate) async fn start_demo(database_url: &str, log: &str, stderr: Stdio) -> (Child, String) {
    let mut child = server()
        .env("UTFALL_ADDR", "127.0.0.1:0")
        .env("DATABASE_URL", database_url)
        .env("UTFALL_DEMO", "true")
        .env("UTFALL_LOG", log)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    // The first line says where it listens.
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .to_string();
    if address.starts_with("http://127.0.0.1:") {
        for _ in 0..100 {
            if reqwest::get(format!("{address}/health")).await.is_ok() {
                return (child, address);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server does not answer ({line})");
}

/// Starts the server on `database_url` in demo mode, stops it with SIGTERM once it answers,
/// and returns what it logged.
async fn demo_start_log(database_url: &str) -> String {
    let (child, _) = start_demo(database_url, "info", Stdio::piped()).await;
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "exit status {}", output.status);
    String::from_utf8_lossy(&output.stderr).to_string()
}

#[tokio::test]
async fn the_start_log_says_whether_demo_data_was_seeded() {
    let temp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/u.db?mode=rwc", temp.path().display());

    let first = demo_start_log(&url).await;
    assert!(first.contains("demodata inlagd"), "{first}");
    assert!(!first.contains("ingen demodata"), "{first}");

    let second = demo_start_log(&url).await;
    assert!(
        second.contains("databasen har redan data; ingen demodata inlagd"),
        "{second}"
    );
}

#[tokio::test]
async fn create_admin_reads_the_password_from_stdin_and_can_log_in() {
    use std::io::Write;
    let temp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/u.db?mode=rwc", temp.path().display());
    let run = |password: &str| {
        let mut child = server()
            .args([
                "create-admin",
                "--email",
                "Processledare@Orebro.se",
                "--name",
                "Pia Processledare",
                "--org-code",
                "1880",
                "--org-name",
                "Örebro kommun",
            ])
            .env("DATABASE_URL", &url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };

    // A common password is refused with a message, and nothing is created.
    let refused = run("password1");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("vanligaste"));

    let created = run("ett långt eget lösenord");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(String::from_utf8_lossy(&created.stdout).contains("Örebro kommun"));

    // Running it again for the same address is a clear error, not a duplicate.
    let again = run("ett långt eget lösenord");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("finns redan"));

    // The new admin logs in to the running app.
    let app = crate::helpers::spawn_app_with(crate::helpers::Backend::Sqlite, |config| {
        config.database_url = url.clone().into();
    })
    .await;
    assert_eq!(
        app.login("processledare@orebro.se", "ett långt eget lösenord")
            .await
            .status(),
        303
    );
    assert_eq!(app.get("/admin/anvandare").await.status(), 200);
}
