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
use axum::http::{HeaderValue, Method, StatusCode, header};
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
    let headers = response.headers_mut();
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
    response
}

fn new_nonce() -> String {
    let mut bytes = [0u8; 18];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Gives the bare 413 and 408 answers of the body-limit and timeout layers a Swedish text.
pub async fn swedish_limits(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let message = match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            "Det du skickade är för stort. Korta texten eller välj en mindre fil och försök igen."
        }
        StatusCode::REQUEST_TIMEOUT => "Det tog för lång tid att svara. Försök igen om en stund.",
        _ => return response,
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

/// Refuses state-changing requests that a browser says come from another site.
pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    if !safe && is_cross_site(&request) {
        tracing::warn!(
            method = %request.method(),
            path = %request.uri().path(),
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
    fn nonces_differ() {
        assert_ne!(new_nonce(), new_nonce());
    }
}
