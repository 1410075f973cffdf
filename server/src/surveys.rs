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

use app::html::escape_markup as escape;
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
    let Some(count) = code_count(&form) else {
        return bad_code_count(id, enkat);
    };
    let codes: Vec<String> = (0..count).map(|_| app::survey::new_token(8)).collect();
    let actor = visible.user.actor();
    if let Err(error) =
        app::survey::repo::add_links(&state.db, actor, vag, &codes, true, chrono::Utc::now()).await
    {
        return problem(&error);
    }
    let hint = format!(
        "Koden fungerar en gång, till och med {}. Dina svar är anonyma.",
        wave.closes_on
    );
    let body = format!(
        "{back}<p class=\"no-print\">{count} personliga koder för <strong>{title}</strong>, \
         utskick <strong>{wave}</strong>. Koderna visas bara nu: skriv ut arket (A4) innan du \
         lämnar sidan. Varje kod kan användas en gång.</p>{sheet}",
        back = back_link(id, enkat),
        title = escape(&survey.title),
        wave = escape(&wave.name),
        sheet = code_sheet(&state, &survey, &codes, &hint),
    );
    page(StatusCode::OK, "Kodark", &body)
}

/// The printable A4 sheet of `codes`: per slip a QR code, the address, the code and `hint`.
fn code_sheet(
    state: &AppState,
    survey: &app::survey::Survey,
    codes: &[String],
    hint: &str,
) -> String {
    let base = state.base_url.0.trim_end_matches('/').to_string();
    let slips: String = codes
        .iter()
        .map(|code| {
            format!(
                "<li class=\"code-slip\">{qr}<p class=\"code-title\">{title}</p>\
                 <p>Gå till <span class=\"code-url\">{base}/enkat/{code}</span></p>\
                 <p>Din kod: <strong class=\"code\">{printed}</strong></p>\
                 <p class=\"code-hint\">{hint}</p></li>",
                qr = qr_svg(&format!("{base}/enkat/{code}")),
                title = escape(&survey.title),
                base = escape(&base),
                printed = printed_code(code),
                hint = escape(hint),
            )
        })
        .collect();
    format!("<ul class=\"code-sheet\" aria-label=\"Koder\">{slips}</ul>")
}

/// POST /satsningar/{id}/enkater/{enkat}/panelkoder: a batch of a panel survey's personal
/// codes (26 symbols, 130 bits: a panel code lives as long as the survey and is used once in
/// every wave), shown once as the printable sheet.
pub async fn new_panel_codes(
    State(state): State<AppState>,
    Path((id, enkat)): Path<(i64, i64)>,
    visible: VisibleInitiative,
    Form(form): Form<CodesForm>,
) -> Response {
    let survey = match survey_for(&state.db, &visible.user, &visible.initiative, enkat, true).await
    {
        Ok(survey) => survey,
        Err(error) => return problem(&error),
    };
    if !survey.panel {
        return problem(&app::error::AppError::Conflict(
            "Enkäten är ingen panel: skapa koder för ett utskick i stället.".into(),
        ));
    }
    if !state.survey_panel.is_set() {
        return problem(&app::error::AppError::Conflict(
            app::survey::PANEL_NO_KEY.into(),
        ));
    }
    let Some(count) = code_count(&form) else {
        return bad_code_count(id, enkat);
    };
    let codes: Vec<String> = (0..count).map(|_| app::survey::new_token(26)).collect();
    let actor = visible.user.actor();
    if let Err(error) =
        app::survey::repo::add_panel_codes(&state.db, actor, enkat, &codes, chrono::Utc::now())
            .await
    {
        return problem(&error);
    }
    let hint = "Koden är din i alla omgångar av enkäten: spara den. Den fungerar en gång per omgång. Dina svar är anonyma.";
    let body = format!(
        "{back}<p class=\"no-print\">{count} panelkoder för <strong>{title}</strong>. Koderna \
         visas bara nu: skriv ut arket (A4) innan du lämnar sidan. Varje deltagare behåller sin \
         kod och svarar med den en gång i varje utskick.</p>{sheet}",
        back = back_link(id, enkat),
        title = escape(&survey.title),
        sheet = code_sheet(&state, &survey, &codes, hint),
    );
    page(StatusCode::OK, "Kodark för panelen", &body)
}

/// The number of codes the form asks for, if it is from 1 to [`app::survey::MAX_CODES`].
fn code_count(form: &CodesForm) -> Option<usize> {
    form.antal
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=app::survey::MAX_CODES).contains(n))
}

/// The page saying the number of codes is wrong (400).
fn bad_code_count(id: i64, enkat: i64) -> Response {
    page(
        StatusCode::BAD_REQUEST,
        "Antalet koder stämmer inte",
        &format!(
            "{}<p>Ange hur många koder som behövs, från 1 till {}.</p>",
            back_link(id, enkat),
            app::survey::MAX_CODES
        ),
    )
}

/// One figure of the results export: a number, hidden ("döljs"), or nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    Number(f64),
    Hidden,
    Empty,
}

/// One line of the results export, the same in the CSV and the .xlsx: question, wave,
/// answer, the count (or the mean), the share, and the question's n (`None`: hidden).
#[derive(Debug, Clone, PartialEq)]
pub struct ResultLine {
    pub question: String,
    pub wave: String,
    pub answer: String,
    pub count: Figure,
    pub share: Figure,
    pub n: Option<u64>,
}

/// The export's lines from the results exactly as the page computes them ([`results_of`]):
/// a suppressed cell is one line of "döljs", a hidden count "döljs", never a number.
pub fn result_lines(
    waves: &[app::survey::api::WaveItem],
    results: &[app::survey::api::QuestionResult],
) -> Vec<ResultLine> {
    let mut lines = Vec::new();
    for result in results {
        let q = &result.question;
        for (cell, wave) in result.cells.iter().zip(waves) {
            let line = |answer: &str, count: Figure, share: Figure, n: Option<u64>| ResultLine {
                question: q.text.clone(),
                wave: wave.wave.name.clone(),
                answer: answer.to_string(),
                count,
                share,
                n,
            };
            match cell {
                Cell::Suppressed { .. } => {
                    lines.push(line("", Figure::Hidden, Figure::Hidden, None));
                }
                Cell::Texts { n, texts } => {
                    for text in texts {
                        lines.push(line(text, Figure::Hidden, Figure::Hidden, Some(*n)));
                    }
                }
                Cell::Shown { n, counts, mean } => {
                    for (label, count) in counts {
                        let (count, share) = match count {
                            Some(c) => (
                                Figure::Number(*c as f64),
                                Figure::Number((*c as f64 * 1000.0 / *n as f64).round() / 10.0),
                            ),
                            None => (Figure::Hidden, Figure::Hidden),
                        };
                        lines.push(line(label, count, share, Some(*n)));
                    }
                    if matches!(q.kind, QuestionKind::Number | QuestionKind::Likert) {
                        let mean = mean.map_or(Figure::Empty, |m| {
                            Figure::Number((m * 100.0).round() / 100.0)
                        });
                        lines.push(line("Medelvärde", mean, Figure::Empty, Some(*n)));
                    }
                }
            }
        }
    }
    lines
}

const RESULT_COLUMNS: [&str; 6] = [
    "Fråga",
    "Utskick",
    "Svar",
    "Antal",
    "Andel (%)",
    "Antal svar på frågan",
];

/// The survey and its export lines for everyone who sees the satsning, or the refusal page
/// (404 for a survey of another satsning or organisation).
async fn export_lines(
    state: &AppState,
    visible: &VisibleInitiative,
    enkat: i64,
) -> Result<(app::survey::Survey, Vec<ResultLine>), Response> {
    let survey = survey_for(&state.db, &visible.user, &visible.initiative, enkat, false)
        .await
        .map_err(|e| problem(&e))?;
    let (waves, results) = results_of(&state.db, &survey, state.survey)
        .await
        .map_err(|e| problem(&e))?;
    let lines = result_lines(&waves, &results);
    Ok((survey, lines))
}

/// GET /satsningar/{id}/enkater/{enkat}/resultat.csv: the results as the page shows them
/// (Swedish Excel: BOM, semicolons); a suppressed cell is "döljs", never a number.
pub async fn results_csv(
    State(state): State<AppState>,
    Path((_, enkat)): Path<(i64, i64)>,
    visible: VisibleInitiative,
) -> Response {
    let (survey, lines) = match export_lines(&state, &visible, enkat).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let mut csv = app::sv::csv::Writer::with_bom();
    csv.line(RESULT_COLUMNS);
    for line in &lines {
        csv.text(&line.question).text(&line.wave).text(&line.answer);
        for figure in [line.count, line.share] {
            match figure {
                Figure::Number(x) => csv.number(Some(x)),
                Figure::Hidden => csv.text("döljs"),
                Figure::Empty => csv.text(""),
            };
        }
        match line.n {
            Some(n) => csv.text(&n.to_string()),
            None => csv.text("döljs"),
        };
        csv.end_line();
    }
    download(
        format!("enkätresultat-{}.csv", survey.title),
        "text/csv; charset=utf-8",
        csv.take(),
    )
}

/// GET /satsningar/{id}/enkater/{enkat}/resultat.xlsx: the same lines as the CSV in an Excel
/// sheet; a hidden figure is the text "döljs", never a number.
pub async fn results_xlsx(
    State(state): State<AppState>,
    Path((_, enkat)): Path<(i64, i64)>,
    visible: VisibleInitiative,
) -> Response {
    let (survey, lines) = match export_lines(&state, &visible, enkat).await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    match results_workbook(&lines) {
        Ok(bytes) => download(
            format!("enkätresultat-{}.xlsx", survey.title),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes,
        ),
        Err(error) => {
            tracing::error!(%error, "survey results xlsx failed");
            problem(&app::error::AppError::Internal)
        }
    }
}

fn results_workbook(lines: &[ResultLine]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Resultat")?;
    let bold = Format::new().set_bold();
    for (col, title) in RESULT_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, &bold)?;
    }
    for (r, line) in lines.iter().enumerate() {
        let r = r as u32 + 1;
        // Texts are written as strings: never evaluated as formulas.
        sheet.write_string(r, 0, &line.question)?;
        sheet.write_string(r, 1, &line.wave)?;
        sheet.write_string(r, 2, &line.answer)?;
        for (col, figure) in [(3, line.count), (4, line.share)] {
            match figure {
                Figure::Number(x) => {
                    sheet.write_number(r, col, x)?;
                }
                Figure::Hidden => {
                    sheet.write_string(r, col, "döljs")?;
                }
                Figure::Empty => {}
            }
        }
        match line.n {
            Some(n) => sheet.write_number(r, 5, n as f64)?,
            None => sheet.write_string(r, 5, "döljs")?,
        };
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    workbook.save_to_buffer()
}

/// A file to download, never cached.
fn download(name: String, content_type: &'static str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                crate::exports::attachment(&name),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}
