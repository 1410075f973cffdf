//! The connection layer, seen by raw TCP clients: stalled and slow request heads, the
//! per-client connection limit, shutdown in bounded time, over-long addresses and headers.
//!
//! Timeouts in these tests are set short and checked with generous slack: they assert that a
//! connection IS closed (or an answer DOES arrive) in bounded time, not how fast.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{Backend, TestApp, spawn_app_with, spawn_stoppable_app};

/// Slack for "soon" on a busy 2-core CI machine.
const SLACK: Duration = Duration::from_secs(10);

fn host(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_string()
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(host(app)).await.expect("connect")
}

/// Reads until the server closes the connection. `None` if it is still open after `limit`.
/// A reset counts as closed (the server dropped the connection).
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let mut chunk = [0u8; 8192];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(received),
            Ok(Ok(n)) => received.extend_from_slice(&chunk[..n]),
        }
    }
}

/// An HTTP answer as read off the wire.
#[derive(Debug)]
struct Answer {
    status: u16,
    /// Header lines, names lower-cased.
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn parse(raw: &[u8]) -> Answer {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|line| line.split(' ').nth(1))
            .and_then(|code| code.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Answer {
            status,
            headers,
            body: body.to_string(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `request` on a new connection and reads the answer until the server closes.
async fn exchange(app: &TestApp, request: &[u8]) -> Answer {
    let mut stream = connect(app).await;
    stream.write_all(request).await.expect("request sent");
    let raw = read_until_closed(&mut stream, SLACK)
        .await
        .expect("the server answers and closes");
    Answer::parse(&raw)
}

fn get(host: &str, target: &str, extra_headers: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: {host}\r\n{extra_headers}Connection: close\r\n\r\n")
        .into_bytes()
}

#[tokio::test]
async fn a_client_that_stalls_in_its_request_head_is_disconnected() {
    // Arrange: a 1 s header timeout; the request timeout (120 s in tests) never gets to act.
    let app = spawn_app_with(Backend::Sqlite, |config| {
        config.header_read_timeout = Duration::from_secs(1);
    })
    .await;
    let mut stalled = connect(&app).await;

    // Act: half a request head, then nothing.
    stalled
        .write_all(format!("GET /health HTTP/1.1\r\nHost: {}\r\nAccept:", host(&app)).as_bytes())
        .await
        .unwrap();

    // Assert: closed without an answer, long before the request timeout.
    let received = read_until_closed(&mut stalled, SLACK).await;
    assert_eq!(
        received.as_deref(),
        Some(&b""[..]),
        "a stalled request head must be closed"
    );
    // Other clients are served as usual.
    assert_eq!(app.get("/health").await.status(), 200);
}

#[tokio::test]
async fn a_client_that_trickles_its_request_head_is_disconnected() {
    let app = spawn_app_with(Backend::Sqlite, |config| {
        config.header_read_timeout = Duration::from_secs(1);
    })
    .await;
    let stream = connect(&app).await;
    let (mut reader, mut writer) = stream.into_split();

    // Act: a header byte every 100 ms, forever (the timer is a deadline, not an idle timer).
    let trickle = tokio::spawn(async move {
        let head = format!(
            "GET /health HTTP/1.1\r\nHost: x\r\nX-Langsam: {}",
            "a".repeat(1000)
        );
        for byte in head.bytes() {
            if writer.write_all(&[byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });

    // Assert
    let mut received = Vec::new();
    let closed = tokio::time::timeout(SLACK, reader.read_to_end(&mut received)).await;
    trickle.abort();
    assert!(closed.is_ok(), "a trickled request head must be closed");
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
}

#[tokio::test]
async fn connections_over_the_per_client_limit_get_503_in_swedish() {
    // Arrange: two connections per client, both open and in use (keep-alive).
    let app = spawn_app_with(Backend::Sqlite, |config| {
        config.max_connections_per_client = 2;
    })
    .await;
    let keep_alive = format!("GET /health HTTP/1.1\r\nHost: {}\r\n\r\n", host(&app));
    let mut first = connect(&app).await;
    let mut second = connect(&app).await;
    for stream in [&mut first, &mut second] {
        stream.write_all(keep_alive.as_bytes()).await.unwrap();
        let mut answer = [0u8; 1024];
        let n = stream.read(&mut answer).await.unwrap();
        assert!(
            answer[..n].starts_with(b"HTTP/1.1 200"),
            "{:?}",
            &answer[..n]
        );
    }

    // Act: a third one from the same address.
    let refused = exchange(&app, &get(&host(&app), "/health", "")).await;

    // Assert: refused with a Swedish text, a retry hint and the security headers.
    assert_eq!(refused.status, 503, "{refused:?}");
    assert!(
        refused.body.contains("För många samtidiga anslutningar"),
        "{refused:?}"
    );
    assert!(refused.header("retry-after").is_some(), "{refused:?}");
    assert_eq!(refused.header("x-content-type-options"), Some("nosniff"));

    // When one of the two closes, its place comes back.
    drop(first);
    let deadline = Instant::now() + SLACK;
    loop {
        let answer = exchange(&app, &get(&host(&app), "/health", "")).await;
        if answer.status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the closed connection's place never came back: {answer:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(second);
}

#[tokio::test]
async fn shutdown_finishes_in_flight_requests_and_drops_the_rest_after_the_grace_period() {
    // Arrange: a 2 s grace period; the header timeout is long, so only shutdown can end the
    // stalled clients.
    let grace = Duration::from_secs(2);
    let (app, stopper) = spawn_stoppable_app(|config| {
        config.shutdown_grace = grace;
        config.header_read_timeout = Duration::from_secs(600);
    })
    .await;
    let host = host(&app);
    let form = "epost=okand%40exempel.se&losenord=fel-losenord";
    let post_head = |length: usize| {
        format!(
            "POST /logga-in HTTP/1.1\r\nHost: {host}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {length}\r\n\r\n"
        )
    };
    // 1. half a request head, then silence
    let mut stalled_head = connect(&app).await;
    stalled_head
        .write_all(format!("GET / HTTP/1.1\r\nHost: {host}\r\n").as_bytes())
        .await
        .unwrap();
    // 2. a login whose body is still on its way when the shutdown starts
    let mut in_flight = connect(&app).await;
    let (first_half, second_half) = form.split_at(10);
    in_flight
        .write_all(format!("{}{first_half}", post_head(form.len())).as_bytes())
        .await
        .unwrap();
    // 3. a request whose body never comes
    let mut stalled_body = connect(&app).await;
    stalled_body
        .write_all(format!("{}epost=", post_head(1000)).as_bytes())
        .await
        .unwrap();
    // Let the server read the heads, so requests 2 and 3 are in flight.
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Act
    let started = Instant::now();
    let stopped = stopper.stop();

    // Assert: no new connections are accepted.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        TcpStream::connect(&host).await.is_err(),
        "the listener must be closed"
    );
    // The in-flight login finishes: its answer shows the whole form arrived (not the
    // empty-form message) and tells the client the connection closes.
    in_flight.write_all(second_half.as_bytes()).await.unwrap();
    let answer = Answer::parse(
        &read_until_closed(&mut in_flight, SLACK)
            .await
            .expect("the in-flight request is answered"),
    );
    assert_eq!(answer.status, 400, "{answer:?}");
    assert!(
        answer.body.contains("Kontrollera uppgifterna"),
        "{answer:?}"
    );
    assert_eq!(answer.header("connection"), Some("close"), "{answer:?}");
    // The server stops within the grace period although clients 1 and 3 never finish…
    tokio::time::timeout(grace + SLACK, stopped)
        .await
        .expect("the server stops within the grace period (plus slack)")
        .expect("the server thread reports");
    assert!(
        started.elapsed() >= grace - Duration::from_millis(500),
        "the unfinished requests were given the grace period, not dropped at once"
    );
    // …and their connections are gone, without an answer.
    for (what, stream) in [("head", &mut stalled_head), ("body", &mut stalled_body)] {
        assert_eq!(
            read_until_closed(stream, SLACK).await.as_deref(),
            Some(&b""[..]),
            "stalled {what}: the connection is dropped"
        );
    }
}

#[tokio::test]
async fn over_long_addresses_and_headers_get_swedish_answers_with_security_headers() {
    let app = spawn_app_with(Backend::Sqlite, |_| {}).await;
    let host = host(&app);

    // 100 kB: beyond hyper's own limit for a request line, answered before the router.
    // 10 kB: reaches the router and is refused there.
    for length in [100_000, 10_000] {
        let target = format!("/satsningar?q={}", "a".repeat(length));
        let answer = exchange(&app, &get(&host, &target, "")).await;
        assert_eq!(answer.status, 414, "{length}: {answer:?}");
        assert!(
            answer.body.starts_with("Adressen är för lång."),
            "{length}: {answer:?}"
        );
        assert_eq!(
            answer.header("content-type"),
            Some("text/plain; charset=utf-8"),
            "{length}"
        );
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{length}: {answer:?}"
        );
        assert!(
            answer.header("content-security-policy").is_some(),
            "{length}"
        );
    }
    // A normal address still works.
    let answer = exchange(&app, &get(&host, "/health?q=abc", "")).await;
    assert_eq!(answer.status, 200, "{answer:?}");

    // Too many headers (hyper's limit), and a 40 kB cookie (the router's).
    let many: String = (0..150).map(|i| format!("X-Falt-{i}: {i}\r\n")).collect();
    let cookie = format!("Cookie: kaka={}\r\n", "k".repeat(40_000));
    for (what, headers) in [("150 headers", many), ("40 kB cookie", cookie)] {
        let answer = exchange(&app, &get(&host, "/health", &headers)).await;
        assert_eq!(answer.status, 431, "{what}: {answer:?}");
        assert!(answer.body.contains("kakor"), "{what}: {answer:?}");
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{what}: {answer:?}"
        );
    }
}
