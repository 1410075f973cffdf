//! Security middleware applied to every response and every state-changing request.
//!
//! * Headers: a Content-Security-Policy with a fresh nonce per request (Leptos stamps it on the
//!   inline hydration script), `nosniff`, `frame-ancestors 'none'`, a strict referrer policy,
//!   and HSTS when served over https.
//! * Cross-site request refusal: a POST/PUT/PATCH/DELETE — including every Leptos server
//!   function — from another site is answered 403 before it reaches a handler. Browsers say
//!   where a request comes from in `Sec-Fetch-Site` (all current browsers) or `Origin`; a
//!   request with neither is not from a browser page and carries no ambient cookies of ours
//!   that another site could abuse (session cookies are `SameSite=Strict`).

use std::sync::Arc;

use app::layout::CspNonce;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use rand::RngCore as _;

/// Adds the security headers and the CSP nonce.
pub async fn security_headers(https: bool, mut request: Request, next: Next) -> Response {
    let nonce = new_nonce();
    request
        .extensions_mut()
        .insert(CspNonce(Arc::from(nonce.as_str())));
    let mut response = next.run(request).await;
    insert_security_headers(response.headers_mut(), https, &nonce);
    response
}

/// The security headers of every answer. Also used by `serve` for the few answers written
/// outside the router (connection refused, a request hyper could not read).
pub fn insert_security_headers(headers: &mut HeaderMap, https: bool, nonce: &str) {
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
}

/// A fresh CSP nonce: 18 random bytes, URL-safe base64.
pub fn new_nonce() -> String {
    let mut bytes = [0u8; 18];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The longest request target (path and query) served. Every link and form of Utfall stays far
/// below it; longer ones are typing errors or probes.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// The most header bytes (names and values) a request may carry. Utfall's own cookie is under
/// 100 bytes; a browser sends a few kB at most.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// The Swedish text for a bare answer of a limit (a layer's, or hyper's own), by status.
pub fn limit_message(status: StatusCode) -> Option<&'static str> {
    Some(match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            "Det du skickade är för stort. Korta texten eller välj en mindre fil och försök igen."
        }
        StatusCode::REQUEST_TIMEOUT => "Det tog för lång tid att svara. Försök igen om en stund.",
        StatusCode::URI_TOO_LONG => {
            "Adressen är för lång. Kontrollera länken eller gå till startsidan och försök igen."
        }
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => {
            "Förfrågan hade för stora huvuden, oftast för många eller för stora kakor (cookies). \
             Rensa kakorna för den här webbplatsen och försök igen."
        }
        _ => return None,
    })
}

/// The answer to a request hyper could not parse at all (400, written outside the router).
pub const BAD_REQUEST_MESSAGE: &str =
    "Förfrågan kunde inte tolkas. Ladda om sidan och försök igen.";

/// The answer to a connection over the per-client limit (503, written outside the router).
pub const TOO_MANY_CONNECTIONS_MESSAGE: &str =
    "För många samtidiga anslutningar från din adress. Vänta en stund och försök igen.";

/// Answers over-long addresses (414) and oversized headers (431) before any handler runs, and
/// gives the bare 413 and 408 answers of the body-limit and timeout layers a Swedish text.
/// (Request lines over 64 KiB never get here: hyper answers them itself, and `serve` gives
/// that answer the same text.)
pub async fn swedish_limits(request: Request, next: Next) -> Response {
    if uri_bytes(request.uri()) > MAX_URI_BYTES {
        tracing::info!(
            bytes = uri_bytes(request.uri()),
            "request refused: address too long"
        );
        return limit_response(StatusCode::URI_TOO_LONG);
    }
    if header_bytes(request.headers()) > MAX_HEADER_BYTES {
        tracing::info!(
            bytes = header_bytes(request.headers()),
            "request refused: headers too large"
        );
        return limit_response(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    }
    let response = next.run(request).await;
    let Some(message) = limit_message(response.status()) else {
        return response;
    };
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        return response;
    }
    (
        response.status(),
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

fn limit_response(status: StatusCode) -> Response {
    let message = limit_message(status).unwrap_or_default();
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

/// The request target as the client sent it: path and query (and scheme and host when the
/// client used the absolute form).
fn uri_bytes(uri: &Uri) -> usize {
    let authority = uri.authority().map_or(0, |a| a.as_str().len());
    let path_and_query = uri.path_and_query().map_or(0, |p| p.as_str().len());
    authority + path_and_query
}

/// Header names and values, with the `: ` and line end of each, as on the wire.
fn header_bytes(headers: &HeaderMap) -> usize {
    headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum()
}

/// Refuses state-changing requests that a browser says come from another site.
pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    if !safe && is_cross_site(&request) {
        tracing::warn!(
            method = %request.method(),
            path = %app::survey::loggable_path(request.uri().path()),
            "cross-site request refused"
        );
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            Body::from(
                "Begäran nekades: den kom från en annan webbplats än Utfall. \
                 Gå till Utfall och försök igen därifrån.",
            ),
        )
            .into_response();
    }
    next.run(request).await
}

fn is_cross_site(request: &Request) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        // "none" = typed in the address bar or a bookmark; "same-origin" = our own page.
        return !matches!(site.to_str(), Ok("same-origin") | Ok("none"));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let origin_host = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .map(|(_, rest)| rest);
        return match (origin_host, host) {
            (Some(origin_host), Some(host)) => !origin_host.eq_ignore_ascii_case(host),
            _ => true,
        };
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder().method("POST").uri("/api/x");
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[test]
    fn same_origin_and_non_browser_requests_pass() {
        assert!(!is_cross_site(&post(&[("sec-fetch-site", "same-origin")])));
        assert!(!is_cross_site(&post(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!is_cross_site(&post(&[])));
    }

    #[test]
    fn other_sites_are_refused() {
        assert!(is_cross_site(&post(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&post(&[("sec-fetch-site", "same-site")])));
        assert!(is_cross_site(&post(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(is_cross_site(&post(&[
            ("origin", "null"),
            ("host", "127.0.0.1:3000")
        ])));
    }

    #[test]
    fn every_limit_answer_has_a_swedish_text() {
        for status in [
            StatusCode::PAYLOAD_TOO_LARGE,
            StatusCode::REQUEST_TIMEOUT,
            StatusCode::URI_TOO_LONG,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        ] {
            assert!(limit_message(status).is_some(), "{status}");
        }
        // Handlers' own answers keep their texts (e.g. /ready's 503).
        assert_eq!(limit_message(StatusCode::SERVICE_UNAVAILABLE), None);
        assert_eq!(limit_message(StatusCode::NOT_FOUND), None);
    }

    #[test]
    fn uri_length_counts_path_and_query() {
        let uri: Uri = "/satsningar?q=abc".parse().unwrap();
        assert_eq!(uri_bytes(&uri), "/satsningar?q=abc".len());
        let absolute: Uri = "http://exempel.se/x".parse().unwrap();
        assert_eq!(uri_bytes(&absolute), "exempel.se/x".len());
    }

    #[test]
    fn nonces_differ() {
        assert_ne!(new_nonce(), new_nonce());
    }
}
