//! The HTTP/1 accept loop: what `axum::serve` did, plus the limits it lacks.
//!
//! * **Header read timeout.** A client must send its whole request head within
//!   `header_read_timeout` (hyper's timer, a deadline from the first byte, not reset by a
//!   trickle). The request timeout layer only starts once the head is complete, so without
//!   this a client that sent half a header held its connection — and shutdown — forever. The
//!   same timer closes keep-alive connections that stay idle that long.
//! * **Connections per client.** At most `max_connections_per_client` open connections from
//!   one address (IPv6: one /64, what one household or office gets). Further ones are answered
//!   503 with a Swedish text and closed, so one client cannot use up the server's sockets.
//! * **Shutdown in bounded time.** Stop accepting, ask every connection to finish its current
//!   request and close, and after `shutdown_grace` drop whatever is left.
//! * **hyper's own error answers.** A request line over 64 KiB (hyper's fixed limit, no
//!   setting raises it), too many or too large headers, or an unparsable request are answered
//!   by hyper itself — a bare status with no body — before the router sees anything. [`Stream`]
//!   recognises those answers on their way out and writes a Swedish text with the security
//!   headers instead. Shorter over-long addresses reach the router and get the same text from
//!   [`security::swedish_limits`].
//!
//! HTTP/1.1 only, like `axum::serve` with axum's default features (Utfall runs behind no
//! protocol that needs HTTP/2, and browsers use HTTP/2 only over TLS, which a proxy ends).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::convert::Infallible;
use std::future::Future;
use std::io::{self, IoSlice};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderValue, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::ServiceExt as _;

use crate::security;

/// The connection limits, from the configuration.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Time a client has to send a complete request head.
    pub header_read_timeout: Duration,
    /// Open connections allowed per client address.
    pub max_connections_per_client: usize,
    /// Time in-flight requests get at shutdown.
    pub shutdown_grace: Duration,
    /// Served over https (HSTS on the answers written here).
    pub https: bool,
}

/// Serves `router` on `listener` until `shutdown` completes, then shuts down within
/// `limits.shutdown_grace` whatever the clients do.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let clients = Clients::default();
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = pin!(shutdown);

    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            // Reap finished connections, so the set holds only open ones.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => {
                let (tcp, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        accept_failed(error).await;
                        continue;
                    }
                };
                // Without TCP_NODELAY the last part of a large page can wait for the client's
                // delayed ACK (Nagle): a flat 40 ms on about one page in eight (pages bench).
                if let Err(error) = tcp.set_nodelay(true) {
                    tracing::warn!(%error, "TCP_NODELAY could not be set");
                }
                let slot = clients.admit(peer.ip(), limits.max_connections_per_client);
                if slot.is_none() {
                    tracing::warn!(
                        client = %peer.ip(),
                        limit = limits.max_connections_per_client,
                        "connection refused: too many open connections from this client"
                    );
                }
                let io = TokioIo::new(Stream::new(tcp, limits.https));
                connections.spawn(connection(
                    io,
                    peer,
                    router.clone(),
                    http.clone(),
                    slot,
                    limits.https,
                    stopping.clone(),
                ));
            }
        }
    }

    // Stop accepting at once: new clients get "connection refused" and try another instance.
    drop(listener);
    let open = connections.len();
    tracing::info!(
        open,
        "slutar ta emot anslutningar; väntar på pågående förfrågningar"
    );
    stop.send_replace(true);
    let drained = tokio::time::timeout(limits.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            left = connections.len(),
            grace_secs = limits.shutdown_grace.as_secs_f32(),
            "anslutningar som inte blev klara i tid stängs"
        );
        connections.shutdown().await;
    }
}

/// Serves one connection until it closes, or until shutdown asks it to finish its current
/// request. A connection without a `slot` (over the client's limit) gets one 503 and closes.
async fn connection(
    io: TokioIo<Stream>,
    peer: SocketAddr,
    router: Router,
    mut http: http1::Builder,
    slot: Option<ClientSlot>,
    https: bool,
    mut stopping: watch::Receiver<bool>,
) {
    let refused = slot.is_none();
    if refused {
        http.keep_alive(false);
    }
    let service = service_fn(move |mut request: Request<Incoming>| {
        let router = router.clone();
        async move {
            if refused {
                return Ok::<_, Infallible>(too_many_connections(https));
            }
            // What `into_make_service_with_connect_info` did: handlers and the login
            // throttle read the client address from here.
            request.extensions_mut().insert(ConnectInfo(peer));
            router.oneshot(request).await
        }
    });
    let mut served = pin!(http.serve_connection(io, service));
    let stop_requested = async {
        // A closed channel (the loop is gone) means stop too.
        let _ = stopping.wait_for(|stop| *stop).await;
    };
    let result = tokio::select! {
        result = served.as_mut() => result,
        () = stop_requested => {
            // Idle or half-sent heads close now; a request being served finishes first.
            served.as_mut().graceful_shutdown();
            served.await
        }
    };
    // Timeouts, resets and clients that go away mid-request are everyday events.
    if let Err(error) = result {
        tracing::debug!(%error, client = %peer, "connection ended with an error");
    }
    drop(slot);
}

/// The 503 for a connection over the per-client limit.
fn too_many_connections(https: bool) -> Response<Body> {
    let mut response = Response::new(Body::from(security::TOO_MANY_CONNECTIONS_MESSAGE));
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    let headers = response.headers_mut();
    plain_text_headers(headers);
    headers.insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
    security::insert_security_headers(headers, https, &security::new_nonce());
    response
}

fn plain_text_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// Accept errors: a client that gave up before we accepted is nothing; anything else (out of
/// file descriptors, above all) is logged, and the loop pauses instead of spinning on it.
async fn accept_failed(error: io::Error) {
    if matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "accepting a connection failed; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Open connections per client.
#[derive(Clone, Default)]
struct Clients(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One admitted connection; gives its place back when dropped.
struct ClientSlot {
    clients: Clients,
    client: IpAddr,
}

impl Clients {
    /// A slot for one more connection from `ip`, or `None` when it already has `max`.
    fn admit(&self, ip: IpAddr, max: usize) -> Option<ClientSlot> {
        let client = client_key(ip);
        let mut open = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(client).or_insert(0);
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(ClientSlot {
            clients: self.clone(),
            client,
        })
    }

    #[cfg(test)]
    fn open(&self, ip: IpAddr) -> usize {
        let open = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        open.get(&client_key(ip)).copied().unwrap_or(0)
    }
}

impl Drop for ClientSlot {
    fn drop(&mut self) {
        let mut open = self
            .clients
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Entry::Occupied(mut entry) = open.entry(self.client) {
            *entry.get_mut() -= 1;
            if *entry.get() == 0 {
                entry.remove();
            }
        }
    }
}

/// Who a client is for the limit: its IPv4 address (also when it arrives IPv4-mapped on an
/// IPv6 socket), or its IPv6 /64 — one client gets a whole /64 and can pick any address in it.
fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let prefix = u128::from(v6) & !(u128::MAX >> 64);
                IpAddr::V6(Ipv6Addr::from(prefix))
            }
        },
    }
}

/// A connection's TCP stream that replaces hyper's own error answers (see the module docs).
struct Stream {
    tcp: TcpStream,
    https: bool,
    /// Our answer, being written in place of hyper's `replaces` bytes.
    replacing: Option<Replacement>,
}

struct Replacement {
    bytes: Vec<u8>,
    written: usize,
    replaces: usize,
}

impl Stream {
    fn new(tcp: TcpStream, https: bool) -> Self {
        Stream {
            tcp,
            https,
            replacing: None,
        }
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.replacing.is_none()
            && let Some(bytes) = replace_hyper_error(buf, this.https)
        {
            this.replacing = Some(Replacement {
                bytes,
                written: 0,
                replaces: buf.len(),
            });
        }
        let Some(replacement) = &mut this.replacing else {
            return Pin::new(&mut this.tcp).poll_write(cx, buf);
        };
        // hyper offers the same bytes again after Pending, so the whole answer goes out before
        // hyper is told its head was written.
        while replacement.written < replacement.bytes.len() {
            let n = ready!(
                Pin::new(&mut this.tcp).poll_write(cx, &replacement.bytes[replacement.written..])
            )?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            replacement.written += n;
        }
        let replaces = replacement.replaces;
        this.replacing = None;
        Poll::Ready(Ok(replaces))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        // hyper queues a response head as the first buffer; its own error answers have no body.
        let first = bufs.iter().find(|buf| !buf.is_empty());
        if let Some(first) = first
            && (self.replacing.is_some() || replace_hyper_error(first, self.https).is_some())
        {
            return self.poll_write(cx, first);
        }
        Pin::new(&mut self.get_mut().tcp).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().tcp).poll_shutdown(cx)
    }
}

/// If `head` is one of hyper's own error answers — status 400, 414 or 431, no headers but
/// `content-length: 0`, `connection: close` and `date`, nothing after the head — our answer
/// to write instead.
/// Every answer from the router carries the security headers, so it never matches.
fn replace_hyper_error(head: &[u8], https: bool) -> Option<Vec<u8>> {
    // Cheap refusal first: this runs on every write.
    if head.len() > 512 || !head.starts_with(b"HTTP/1.") {
        return None;
    }
    let text = std::str::from_utf8(head).ok()?.strip_suffix("\r\n\r\n")?;
    let mut lines = text.split("\r\n");
    let status_line = lines.next()?;
    let status: StatusCode = status_line.get(9..12)?.parse().ok()?;
    let message = match status {
        StatusCode::BAD_REQUEST => security::BAD_REQUEST_MESSAGE,
        StatusCode::URI_TOO_LONG | StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => {
            security::limit_message(status)?
        }
        _ => return None,
    };
    let mut date = None;
    let mut empty_body = false;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-length" if value.trim() == "0" => empty_body = true,
            "date" => date = Some(value.trim()),
            "connection" if value.trim() == "close" => {}
            _ => return None,
        }
    }
    if !empty_body {
        return None;
    }

    let mut headers = HeaderMap::new();
    plain_text_headers(&mut headers);
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(message.len()));
    if let Some(date) = date.and_then(|d| HeaderValue::from_str(d).ok()) {
        headers.insert(header::DATE, date);
    }
    security::insert_security_headers(&mut headers, https, &security::new_nonce());
    let mut answer = format!("{status_line}\r\n").into_bytes();
    for (name, value) in &headers {
        answer.extend_from_slice(name.as_str().as_bytes());
        answer.extend_from_slice(b": ");
        answer.extend_from_slice(value.as_bytes());
        answer.extend_from_slice(b"\r\n");
    }
    answer.extend_from_slice(b"\r\n");
    answer.extend_from_slice(message.as_bytes());
    Some(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyper_error_answers_are_replaced_with_swedish_text_and_security_headers() {
        let hyper = b"HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-length: 0\r\ndate: Tue, 01 Dec 2026 10:00:00 GMT\r\n\r\n";
        let answer = String::from_utf8(replace_hyper_error(hyper, false).unwrap()).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{head}");
        assert!(head.contains("x-content-type-options: nosniff"), "{head}");
        assert!(
            head.contains("date: Tue, 01 Dec 2026 10:00:00 GMT"),
            "{head}"
        );
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{head}"
        );
        assert!(head.contains("connection: close"), "{head}");
        assert!(body.starts_with("Adressen är för lång."), "{body}");

        let hyper = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n";
        let answer = String::from_utf8(replace_hyper_error(hyper, true).unwrap()).unwrap();
        assert!(answer.contains("strict-transport-security"), "{answer}");
        assert!(answer.contains("kakor"), "{answer}");
    }

    #[test]
    fn router_answers_pass_unchanged() {
        // The router's answers carry security headers, a body, or another status.
        for head in [
            &b"HTTP/1.1 414 URI Too Long\r\nx-content-type-options: nosniff\r\ncontent-length: 0\r\n\r\n"[..],
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 5\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nextra",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"<!DOCTYPE html>",
        ] {
            assert!(
                replace_hyper_error(head, false).is_none(),
                "{}",
                String::from_utf8_lossy(head)
            );
        }
    }

    #[test]
    fn clients_are_limited_and_slots_come_back() {
        let clients = Clients::default();
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let first = clients.admit(ip, 2).unwrap();
        let _second = clients.admit(ip, 2).unwrap();
        assert!(clients.admit(ip, 2).is_none());
        // Another client is not affected.
        assert!(clients.admit("192.0.2.8".parse().unwrap(), 2).is_some());
        drop(first);
        assert_eq!(clients.open(ip), 1);
        assert!(clients.admit(ip, 2).is_some());
    }

    #[test]
    fn an_ipv6_client_is_its_64_network() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(other));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(client_key(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
    }
}
