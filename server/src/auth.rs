//! The HTTP side of accounts: session cookie, page access, login and logout.
//!
//! Login and logout are plain HTML form posts (they work without JavaScript). A rejected
//! login re-renders the login page with the typed e-mail and a Swedish message and a 4xx
//! status; a successful one rotates the session (the old cookie's session is deleted, a new
//! token is issued) and redirects with 303.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use app::audit::{Action, Event, repo::record_alone};
use app::auth::session::{self, SessionPolicy};
use app::auth::{CurrentUser, Decision, decide, page_access, password, repo, safe_next};
use app::error::AppError;
use app::form::FormState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;

use crate::forms::render_page;
use crate::startup::AppState;

/// Cookie settings: `__Host-` prefix and `Secure` when users reach us over https.
#[derive(Debug, Clone, Copy)]
pub struct CookieSettings {
    pub secure: bool,
}

impl CookieSettings {
    pub fn name(self) -> &'static str {
        if self.secure {
            "__Host-utfall_session"
        } else {
            "utfall_session"
        }
    }

    fn set(self, token: &str) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{}={token}; Path=/; HttpOnly; SameSite=Strict{secure}",
            self.name()
        ))
        .expect("token is URL-safe base64")
    }

    fn clear(self) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}",
            self.name()
        ))
        .expect("static cookie")
    }
}

/// The session token from the request's cookies, if any.
fn session_token(headers: &HeaderMap, cookies: CookieSettings) -> Option<String> {
    let wanted = cookies.name();
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, token)| token.to_string())
}

/// Finds the logged-in user (if any) and puts [`CurrentUser`] into the request. Pages for
/// logged-in users are marked `Cache-Control: no-store`.
pub async fn load_user(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if is_static_file(request.uri().path()) {
        return next.run(request).await;
    }
    let mut logged_in = false;
    if let Some(token) = session_token(request.headers(), state.cookies) {
        let cache = &state.session_cache;
        match session::current(&state.db, cache, &token, state.sessions, Utc::now()).await {
            Ok(Some((user, data_version))) => {
                request.extensions_mut().insert(user);
                if let Some(version) = data_version {
                    request.extensions_mut().insert(version);
                }
                logged_in = true;
            }
            Ok(None) => {}
            // The database is down: answer as logged out rather than fail every page.
            Err(_) => {}
        }
    }
    let mut response = next.run(request).await;
    if logged_in {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// The bundle, stylesheet and icon: the same for everyone. A page load asks for several of
/// them with the session cookie; they need no session lookup, and they must stay cacheable
/// (a logged-in user's responses are `no-store`).
fn is_static_file(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.svg"
}

/// Applies [`page_access`] to page requests: not logged in → 303 to the login page (with the
/// way back); wrong role → the page renders its refusal with 403, and the attempt is audited.
pub async fn enforce_page_access(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let path = request.uri().path().to_string();
    let user = request.extensions().get::<CurrentUser>().cloned();
    match decide(page_access(&path), user.as_ref()) {
        Decision::Allow => next.run(request).await,
        Decision::Login => {
            let back = request
                .uri()
                .path_and_query()
                .map_or(path.clone(), |pq| pq.as_str().to_string());
            let target = format!("/logga-in?nasta={}", encode_component(&back));
            Redirect::to(&target).into_response()
        }
        Decision::Forbidden => {
            let user = user.expect("forbidden implies a user");
            let event = Event {
                organisation_id: Some(user.organisation_id),
                actor_user_id: Some(user.id),
                action: Action::AccessDenied,
                object_type: "page",
                object_id: None,
                changes: serde_json::json!({ "path": path }).to_string(),
                ip: client_ip(&request).map(|ip| ip.to_string()),
            };
            if let Err(error) = record_alone(&state.db, &event, Utc::now()).await {
                tracing::error!(%error, "could not audit denied access");
            }
            let mut response = next.run(request).await;
            *response.status_mut() = StatusCode::FORBIDDEN;
            response
        }
    }
}

fn client_ip(request: &Request) -> Option<IpAddr> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
}

/// Percent-encodes a path for a query parameter (enough for paths: keep unreserved + '/').
fn encode_component(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Per-address login throttle (in memory, per instance): at most `limit` attempts a minute.
#[derive(Debug)]
pub struct LoginThrottle {
    limit: usize,
    attempts: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

const THROTTLE_WINDOW: Duration = Duration::from_secs(60);

impl LoginThrottle {
    pub fn new(limit: u32) -> Self {
        Self {
            limit: limit as usize,
            attempts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt from `ip` at `now`; `false` when over the limit.
    pub fn allow(&self, ip: IpAddr, now: Instant) -> bool {
        let mut attempts = self.attempts.lock().unwrap_or_else(|e| e.into_inner());
        if attempts.len() > 10_000 {
            // Keep memory bounded under a spray from many addresses.
            attempts.retain(|_, times| times.back().is_some_and(|t| now - *t < THROTTLE_WINDOW));
        }
        let times = attempts.entry(ip).or_default();
        while times.front().is_some_and(|t| now - *t >= THROTTLE_WINDOW) {
            times.pop_front();
        }
        if times.len() >= self.limit {
            return false;
        }
        times.push_back(now);
        true
    }
}

/// The login form's fields; missing fields are empty (and then rejected with a message).
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    epost: String,
    #[serde(default)]
    losenord: String,
    #[serde(default)]
    nasta: String,
}

const WRONG_LOGIN: &str = "Fel e-postadress eller lösenord, eller så är kontot tillfälligt låst. \
Kontrollera uppgifterna och försök igen.";

/// POST /logga-in
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    // Unreadable or partial forms become empty fields, which get a message below.
    let form: LoginForm = serde_urlencoded::from_bytes(&bytes).unwrap_or(LoginForm {
        epost: String::new(),
        losenord: String::new(),
        nasta: String::new(),
    });
    let now = Utc::now();
    let ip = peer.ip();

    if !state.throttle.allow(ip, Instant::now()) {
        let message =
            "För många inloggningsförsök från din adress. Vänta en minut och försök igen.";
        return render_login(
            &state,
            parts,
            &form.epost,
            message,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    }
    if form.epost.trim().is_empty() || form.losenord.is_empty() {
        let message = "Fyll i både e-postadress och lösenord.";
        return render_login(&state, parts, &form.epost, message, StatusCode::BAD_REQUEST).await;
    }

    match attempt_login(&state, &form, ip, now).await {
        Ok(token) => {
            // Rotate: the session the browser had before (if any) ends now.
            if let Some(old) = session_token(&parts.headers, state.cookies) {
                let _ = session::delete(&state.db, Some(&state.session_cache), &old).await;
            }
            let (token, start) = token;
            let target = match Some(form.nasta.as_str()).filter(|n| !n.is_empty()) {
                Some(next) => safe_next(Some(next)),
                None => start.to_string(),
            };
            let mut response = Redirect::to(&target).into_response();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, state.cookies.set(&token));
            response
        }
        Err(AppError::Unauthenticated) => {
            render_login(
                &state,
                parts,
                &form.epost,
                WRONG_LOGIN,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(_) => {
            let message = "Inloggningen kunde inte genomföras just nu. Försök igen om en stund.";
            render_login(
                &state,
                parts,
                &form.epost,
                message,
                StatusCode::SERVICE_UNAVAILABLE,
            )
            .await
        }
    }
}

/// Checks the credentials; on success records the login and returns a new session token.
/// Every kind of refusal is the same [`AppError::Unauthenticated`], after the same work.
async fn attempt_login(
    state: &AppState,
    form: &LoginForm,
    ip: IpAddr,
    now: chrono::DateTime<Utc>,
) -> Result<(String, &'static str), AppError> {
    let account = repo::find_for_login(&state.db, &form.epost).await?;
    let hash = account.as_ref().map(|a| a.password_hash.clone());
    let password_ok = password::verify(form.losenord.clone(), hash).await?;
    let ip_text = Some(ip.to_string());
    match account {
        Some(account)
            if password_ok
                && account.active
                && account.locked_until.is_none_or(|until| until <= now) =>
        {
            repo::record_login(&state.db, &account, ip_text, now).await?;
            let start = app::auth::start_page(&repo::roles(&state.db, account.id).await?);
            let token = session::create(&state.db, account.id, state.sessions, now).await?;
            Ok((token, start))
        }
        Some(account) if account.locked_until.is_some_and(|until| until > now) => {
            // Already locked: audit, but do not extend the lock on every try.
            repo::record_failed_login(&state.db, None, ip_text, now).await?;
            Err(AppError::Unauthenticated)
        }
        account => {
            repo::record_failed_login(&state.db, account.as_ref(), ip_text, now).await?;
            Err(AppError::Unauthenticated)
        }
    }
}

/// Renders the login page again with the typed e-mail and `message`.
async fn render_login(
    state: &AppState,
    parts: http::request::Parts,
    email: &str,
    message: &str,
    status: StatusCode,
) -> Response {
    let form = FormState {
        values: [("epost".to_string(), email.trim().to_string())].into(),
        errors: Vec::new(),
        summary: Some(message.to_string()),
    };
    render_page(state, parts, form, status).await
}

/// POST /logga-ut: ends the session, clears the cookie, says so on the login page.
pub async fn logout(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let now = Utc::now();
    if let Some(user) = request.extensions().get::<CurrentUser>()
        && let Err(error) = repo::record_logout(
            &state.db,
            user.id,
            user.organisation_id,
            Some(peer.ip().to_string()),
            now,
        )
        .await
    {
        tracing::error!(%error, "could not audit logout");
    }
    if let Some(token) = session_token(request.headers(), state.cookies)
        && let Err(error) = session::delete(&state.db, Some(&state.session_cache), &token).await
    {
        tracing::error!(%error, "could not delete session at logout");
    }
    let mut response = Redirect::to("/logga-in?utloggad=1").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, state.cookies.clear());
    response
}

/// On PostgreSQL: forgets in `cache` the sessions other instances announce as ended (see
/// `app::auth::session::notify`). When the connection drops, notifications may have been
/// missed, so the whole cache is forgotten; it refills from the database.
pub fn forget_revoked_sessions(
    pool: sqlx::PgPool,
    cache: session::SessionCache,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
                Ok(listener) => listener,
                Err(error) => {
                    tracing::warn!(%error, "kan inte lyssna efter avslutade sessioner");
                    cache.clear();
                    tokio::select! {
                        _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => continue,
                        _ = stopped.changed() => return,
                    }
                }
            };
            if let Err(error) = listener.listen(session::CHANNEL).await {
                tracing::warn!(%error, "kan inte lyssna efter avslutade sessioner");
                cache.clear();
                continue;
            }
            loop {
                tokio::select! {
                    received = listener.try_recv() => match received {
                        Ok(Some(message)) => match session::Revoked::parse(message.payload()) {
                            Some(revoked) => cache.forget(&revoked),
                            None => cache.clear(),
                        },
                        // The connection was lost and is made anew on the next call.
                        Ok(None) => cache.clear(),
                        Err(error) => {
                            tracing::warn!(%error, "lyssnandet efter avslutade sessioner avbröts");
                            cache.clear();
                            break;
                        }
                    },
                    _ = stopped.changed() => return,
                }
            }
        }
    })
}

/// The session policy from the configuration.
pub fn policy(config: &crate::config::Config) -> SessionPolicy {
    SessionPolicy {
        idle: config.session_idle,
        absolute: config.session_max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_allows_the_limit_per_minute_then_refuses() {
        let throttle = LoginThrottle::new(3);
        let ip: IpAddr = [10, 0, 0, 1].into();
        let start = Instant::now();
        assert!(throttle.allow(ip, start));
        assert!(throttle.allow(ip, start));
        assert!(throttle.allow(ip, start));
        assert!(!throttle.allow(ip, start));
        // another address is not affected
        assert!(throttle.allow([10, 0, 0, 2].into(), start));
        // a minute later it is open again
        assert!(throttle.allow(ip, start + THROTTLE_WINDOW));
    }

    #[test]
    fn session_cookie_is_found_among_others() {
        let cookies = CookieSettings { secure: false };
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; utfall_session=abc; b=2"),
        );
        assert_eq!(session_token(&headers, cookies).as_deref(), Some("abc"));
        let secure = CookieSettings { secure: true };
        assert_eq!(session_token(&headers, secure), None);
        assert!(
            secure
                .set("t")
                .to_str()
                .unwrap()
                .starts_with("__Host-utfall_session=t; Path=/; HttpOnly; SameSite=Strict; Secure")
        );
    }

    #[test]
    fn login_return_path_is_encoded() {
        assert_eq!(
            encode_component("/admin/anvandare?x=1&y"),
            "/admin/anvandare%3Fx%3D1%26y"
        );
    }
}
