//! The server's own survey routes: the one-time display of a wave's new open link and of a
//! new batch of personal codes (a printable A4 sheet), the results as CSV (suppressed as on
//! the page), and the guard that limits guessing of codes on `/enkat/`.
//!
//! Links and codes are stored only as hashes, so the page that creates them is the only place
//! they are ever shown: it answers the POST itself (`Cache-Control: no-store`) instead of
//! redirecting to a page that could show them again.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use app::survey::api::{results_of, survey_for, wave_of};
use app::survey::{Cell, QuestionKind, WaveState, printed_code};
use axum::extract::{ConnectInfo, Form, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::access::VisibleInitiative;
use crate::startup::AppState;

/// Failed look-ups of `/enkat/…` per address and minute before 429: enough for typing
/// mistakes, far too few to guess a code (40 bits) before its wave closes.
pub const GUESSES_PER_MINUTE: usize = 20;

/// Counts an address's failed `/enkat/` look-ups over the last minute (per instance, in memory).
#[derive(Default)]
pub struct GuessThrottle {
    failures: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

const WINDOW: Duration = Duration::from_secs(60);

impl GuessThrottle {
    /// Whether `ip` has used up its failures.
    pub fn blocked(&self, ip: IpAddr, now: Instant) -> bool {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let Some(times) = failures.get_mut(&ip) else {
            return false;
        };
        while times.front().is_some_and(|t| now - *t >= WINDOW) {
            times.pop_front();
        }
        times.len() >= GUESSES_PER_MINUTE
    }

    /// Counts one failed look-up from `ip`.
    pub fn failed(&self, ip: IpAddr, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() > 10_000 {
            failures.retain(|_, times| times.back().is_some_and(|t| now - *t < WINDOW));
        }
        failures.entry(ip).or_default().push_back(now);
    }
}

/// Rate-limits `/enkat/…`: an address with too many unknown links or codes in the last minute
/// gets 429 with a calm Swedish text. Answered requests are not counted, so a class answering
/// from one school network is not stopped.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/enkat/") {
        return next.run(request).await;
    }
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(ip) = ip
        && state.survey_guesses.blocked(ip, Instant::now())
    {
        return page(
            StatusCode::TOO_MANY_REQUESTS,
            "Vänta en stund",
            "<p>Många koder som inte finns har prövats från din adress. Vänta en minut och försök sedan igen. Kontrollera att du skriver koden precis som den står på lappen.</p>",
        );
    }
    let response = next.run(request).await;
    if response.status() == StatusCode::NOT_FOUND
        && let Some(ip) = ip
    {
        state.survey_guesses.failed(ip, Instant::now());
    }
    response
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A whole HTML page (escaped by the caller), never cached.
fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"sv\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} – Utfall</title><link rel=\"stylesheet\" href=\"/pkg/utfall.css\"></head>\
         <body><main id=\"innehall\" class=\"page sheet-page\"><h1>{}</h1>{body}</main></body></html>",
        escape(title),
        escape(title)
    );
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        html,
    )
        .into_response()
}

fn problem(error: &app::error::AppError) -> Response {
    let status = StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
    page(
        status,
        "Det gick inte",
        &format!("<p>{}</p>", escape(&error.to_string())),
    )
}

/// `text` as a QR code in SVG (error correction level M, a quiet zone of four modules), one
/// path of dark squares; labelled for screen readers, since the address is printed beside it.
pub fn qr_svg(text: &str) -> String {
    use qrcodegen::{QrCode, QrCodeEcc};
    let Ok(code) = QrCode::encode_text(text, QrCodeEcc::Medium) else {
        return String::new();
    };
    let size = code.size();
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if code.get_module(x, y) {
                path.push_str(&format!("M{} {}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    let full = size + 8;
    format!(
        "<svg class=\"qr\" viewBox=\"0 0 {full} {full}\" width=\"120\" height=\"120\" role=\"img\" \
         aria-label=\"QR-kod med adressen\" shape-rendering=\"crispEdges\">\
         <rect width=\"{full}\" height=\"{full}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    )
}

/// The survey and wave of the path, for a builder; or the refusal page.
async fn builder_wave(
    state: &AppState,
    visible: &VisibleInitiative,
    enkat: i64,
    vag: i64,
) -> Result<(app::survey::Survey, app::survey::Wave), Response> {
    let survey = survey_for(&state.db, &visible.user, &visible.initiative, enkat, true)
        .await
        .map_err(|e| problem(&e))?;
    let wave = wave_of(&state.db, enkat, vag)
        .await
        .map_err(|e| problem(&e))?;
    if wave.state(app::sv::time::local_date(chrono::Utc::now())) == WaveState::Closed {
        return Err(problem(&app::error::AppError::Conflict(
            "Utskicket har stängt: nya länkar och koder behövs inte.".into(),
        )));
    }
    Ok((survey, wave))
}

fn back_link(id: i64, enkat: i64) -> String {
    format!(
        "<p class=\"no-print\"><a href=\"/satsningar/{id}/enkater/{enkat}#utskick\">← Tillbaka till enkäten</a></p>"
    )
}

/// POST /satsningar/{id}/enkater/{enkat}/utskick/{vag}/lank: a new open link, shown once.
pub async fn new_link(
    State(state): State<AppState>,
    Path((id, enkat, vag)): Path<(i64, i64, i64)>,
    visible: VisibleInitiative,
) -> Response {
    let (survey, wave) = match builder_wave(&state, &visible, enkat, vag).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let token = app::survey::new_token(26);
    let now = chrono::Utc::now();
    let actor = visible.user.actor();
    if let Err(error) = app::survey::repo::add_links(
        &state.db,
        actor,
        vag,
        std::slice::from_ref(&token),
        false,
        now,
    )
    .await
    {
        return problem(&error);
    }
    let url = format!("{}/enkat/{token}", state.base_url.0.trim_end_matches('/'));
    let body = format!(
        "{back}<p>Öppen länk till <strong>{title}</strong>, utskick <strong>{wave}</strong> \
         (öppet {opens} – {closes}). Alla som har länken kan svara, en gång per besök.</p>\
         <p class=\"sheet-url\"><a href=\"{url}\">{url}</a></p>{qr}\
         <p class=\"notice\">Länken visas bara nu: Utfall sparar den inte i klartext. \
         Kopiera den innan du lämnar sidan. Behövs en ny kan du skapa en till.</p>",
        back = back_link(id, enkat),
        title = escape(&survey.title),
        wave = escape(&wave.name),
        opens = wave.opens_on,
        closes = wave.closes_on,
        qr = qr_svg(&url),
        url = escape(&url),
    );
    page(StatusCode::OK, "Ny öppen länk", &body)
}

/// The code form: how many codes.
#[derive(Debug, Deserialize)]
pub struct CodesForm {
    pub antal: String,
}

/// POST /satsningar/{id}/enkater/{enkat}/utskick/{vag}/koder: a batch of single-use codes,
/// shown once as a printable A4 sheet (a QR code, the address and the code per slip).
pub async fn new_codes(
    State(state): State<AppState>,
    Path((id, enkat, vag)): Path<(i64, i64, i64)>,
    visible: VisibleInitiative,
    Form(form): Form<CodesForm>,
) -> Response {
    let (survey, wave) = match builder_wave(&state, &visible, enkat, vag).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let count = match form.antal.trim().parse::<usize>() {
        Ok(n) if (1..=app::survey::MAX_CODES).contains(&n) => n,
        _ => {
            return page(
                StatusCode::BAD_REQUEST,
                "Antalet koder stämmer inte",
                &format!(
                    "{}<p>Ange hur många koder som behövs, från 1 till {}.</p>",
                    back_link(id, enkat),
                    app::survey::MAX_CODES
                ),
            );
        }
    };
    let codes: Vec<String> = (0..count).map(|_| app::survey::new_token(8)).collect();
    let actor = visible.user.actor();
    if let Err(error) =
        app::survey::repo::add_links(&state.db, actor, vag, &codes, true, chrono::Utc::now()).await
    {
        return problem(&error);
    }
    let base = state.base_url.0.trim_end_matches('/').to_string();
    let slips: String = codes
        .iter()
        .map(|code| {
            format!(
                "<li class=\"code-slip\">{qr}<p class=\"code-title\">{title}</p>\
                 <p>Gå till <span class=\"code-url\">{base}/enkat/{code}</span></p>\
                 <p>Din kod: <strong class=\"code\">{printed}</strong></p>\
                 <p class=\"code-hint\">Koden fungerar en gång, till och med {closes}. Dina svar är anonyma.</p></li>",
                qr = qr_svg(&format!("{base}/enkat/{code}")),
                title = escape(&survey.title),
                base = escape(&base),
                printed = printed_code(code),
                closes = wave.closes_on,
            )
        })
        .collect();
    let body = format!(
        "{back}<p class=\"no-print\">{count} personliga koder för <strong>{title}</strong>, \
         utskick <strong>{wave}</strong>. Koderna visas bara nu: skriv ut arket (A4) innan du \
         lämnar sidan. Varje kod kan användas en gång.</p>\
         <ul class=\"code-sheet\" aria-label=\"Koder\">{slips}</ul>",
        back = back_link(id, enkat),
        title = escape(&survey.title),
        wave = escape(&wave.name),
    );
    page(StatusCode::OK, "Kodark", &body)
}

/// GET /satsningar/{id}/enkater/{enkat}/resultat.csv: the results as the page shows them
/// (Swedish Excel: BOM, semicolons); a suppressed cell is "döljs", never a number.
pub async fn results_csv(
    State(state): State<AppState>,
    Path((_, enkat)): Path<(i64, i64)>,
    visible: VisibleInitiative,
) -> Response {
    let survey = match survey_for(&state.db, &visible.user, &visible.initiative, enkat, false).await
    {
        Ok(survey) => survey,
        Err(error) => return problem(&error),
    };
    let (waves, results) = match results_of(&state.db, &survey, state.survey).await {
        Ok(found) => found,
        Err(error) => return problem(&error),
    };
    let mut csv = app::sv::csv::Writer::with_bom();
    csv.line([
        "Fråga",
        "Utskick",
        "Svar",
        "Antal",
        "Andel (%)",
        "Antal svar på frågan",
    ]);
    for result in &results {
        let q = &result.question;
        for (cell, wave) in result.cells.iter().zip(&waves) {
            let (question, wave) = (q.text.as_str(), wave.wave.name.as_str());
            match cell {
                Cell::Suppressed { .. } => csv_row(&mut csv, [question, wave, ""], None, "döljs"),
                Cell::Texts { n, texts } => {
                    for text in texts {
                        csv_row(
                            &mut csv,
                            [question, wave, text.as_str()],
                            None,
                            &n.to_string(),
                        );
                    }
                }
                Cell::Shown { n, counts, mean } => {
                    for (label, count) in counts {
                        let shown =
                            count.map(|c| (c, (c as f64 * 1000.0 / *n as f64).round() / 10.0));
                        csv_row(
                            &mut csv,
                            [question, wave, label.as_str()],
                            shown,
                            &n.to_string(),
                        );
                    }
                    if matches!(q.kind, QuestionKind::Number | QuestionKind::Likert) {
                        csv.text(question)
                            .text(wave)
                            .text("Medelvärde")
                            .number(mean.map(|m| (m * 100.0).round() / 100.0))
                            .text("")
                            .text(&n.to_string())
                            .end_line();
                    }
                }
            }
        }
    }
    let name = format!("enkätresultat-{}.csv", survey.title);
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                crate::exports::attachment(&name),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        csv.take(),
    )
        .into_response()
}

/// One CSV line: question, wave, answer; the count and share or "döljs"; the question's n.
fn csv_row(csv: &mut app::sv::csv::Writer, texts: [&str; 3], shown: Option<(u64, f64)>, n: &str) {
    for text in texts {
        csv.text(text);
    }
    match shown {
        Some((count, share)) => csv.number(Some(count as f64)).number(Some(share)),
        None => csv.text("döljs").text("döljs"),
    };
    csv.text(n).end_line();
}
