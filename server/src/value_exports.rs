//! Reported values in long format (satsning, kod, mått, typ, period, värde, enhet, kommentar,
//! rapporterad av, tid), for one satsning or all the user may see. CSV for Swedish Excel
//! (UTF-8 with BOM, semicolons, decimal comma; `app::sv::csv`) is streamed: rows flow from the database cursor
//! through a small channel into the response, so memory stays flat however large the export.
//! The .xlsx is built in memory (the format needs the whole sheet before it can be written).

use app::auth::CurrentUser;
use app::initiative::Initiative;
use app::report::Period;
use app::report::file_repo::{ExportRow, ExportScope};
use app::schema::MeasureKind;
use app::sv::csv::Writer;
use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::State;

use crate::access::VisibleInitiative;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, Timelike};
use tokio::sync::{mpsc, oneshot};

use crate::exports::attachment;
use crate::startup::AppState;

/// The columns of the long format (also what the import reads).
pub const COLUMNS: [&str; 10] = [
    "Satsning",
    "Kod",
    "Mått",
    "Typ",
    "Period",
    "Värde",
    "Enhet",
    "Kommentar",
    "Rapporterad av",
    "Tid (UTC)",
];

/// Batches buffered between the database and the response (each holds
/// `app::report::repo::EXPORT_BATCH` rows).
const CHANNEL_BATCHES: usize = 4;

/// What `user` may export: one satsning they may see (checked by the caller's extractor), or
/// every one they may see.
fn scope(user: &CurrentUser, initiative: Option<&Initiative>) -> (ExportScope, String) {
    // A projektledare without a reading role sees only the satsningar they lead.
    let led_by = (!app::initiative::sees_all(user)).then_some(user.id);
    let name = initiative.map_or_else(
        || "värden-alla-satsningar".to_string(),
        |i| format!("värden-{}", i.name),
    );
    let scope = ExportScope {
        organisation_id: user.organisation_id,
        initiative_id: initiative.map(|i| i.id),
        led_by,
    };
    (scope, name)
}

/// The answer for a visitor (the page-access layer normally sends them to the login first).
fn log_in_first() -> Response {
    (StatusCode::UNAUTHORIZED, "Logga in för att ladda ner.").into_response()
}

/// Starts the export in its own task; rows arrive on the receiver, the outcome on the oneshot.
fn start(
    state: &AppState,
    scope: ExportScope,
) -> (mpsc::Receiver<Vec<ExportRow>>, oneshot::Receiver<bool>) {
    let (rows, receiver) = mpsc::channel(CHANNEL_BATCHES);
    let (done, outcome) = oneshot::channel();
    let db = state.db.clone();
    tokio::spawn(async move {
        let result = app::report::file_repo::export(&db, scope, rows).await;
        if let Err(error) = &result {
            tracing::error!(?error, "value export failed");
        }
        let _ = done.send(result.is_ok());
    });
    (receiver, outcome)
}

fn kind_label(kind: &str) -> &'static str {
    match MeasureKind::from_db(kind) {
        Some(MeasureKind::Activity) => "aktivitetsmått",
        Some(MeasureKind::Effect) => "effektmått",
        Some(MeasureKind::Indicator) => "indikator",
        None => "okänd",
    }
}

fn period_text(period: i64) -> String {
    Period::from_db(period).map_or_else(|| period.to_string(), |p| p.to_string())
}

/// Writes one CSV line. The value is a bare number with a decimal comma (never quoted, so
/// Excel reads it as a number); every text is quoted and defused against formulas.
pub fn push_csv_line(csv: &mut Writer, row: &ExportRow) {
    let t = row.reported_at;
    csv.text(&row.initiative)
        .text(&row.code)
        .text(&row.name)
        .text(kind_label(&row.kind))
        .quoted(&period_text(row.period))
        .number(row.value)
        .text(&row.unit)
        .text(&row.comment)
        .text(row.reported_by.as_deref().unwrap_or_default())
        .quoted(&format!(
            "{:04}-{:02}-{:02} {:02}:{:02}",
            t.year(),
            t.month(),
            t.day(),
            t.hour(),
            t.minute()
        ))
        .end_line();
}

fn csv_response(state: &AppState, scope: ExportScope, name: &str) -> Response {
    let (rows, outcome) = start(state, scope);
    let header_line = Bytes::from(Writer::with_bom().line(COLUMNS).take());
    enum Step {
        Header,
        Rows,
        Done,
    }
    let state = (rows, Some(outcome), Step::Header);
    let body = futures::stream::unfold(state, move |(mut rows, mut outcome, step)| {
        let header_line = header_line.clone();
        async move {
            match step {
                Step::Header => Some((Ok(header_line), (rows, outcome, Step::Rows))),
                Step::Rows => {
                    let Some(batch) = rows.recv().await else {
                        // The sender is gone: a failed export ends the body with an error, so
                        // the download is visibly broken rather than silently short.
                        let ok = match outcome.take() {
                            Some(outcome) => outcome.await.unwrap_or(false),
                            None => true,
                        };
                        return (!ok).then(|| {
                            (
                                Err(std::io::Error::other("exporten avbröts")),
                                (rows, outcome, Step::Done),
                            )
                        });
                    };
                    let mut chunk = Writer::new();
                    for row in &batch {
                        push_csv_line(&mut chunk, row);
                    }
                    Some((Ok(Bytes::from(chunk.take())), (rows, outcome, Step::Rows)))
                }
                Step::Done => None,
            }
        }
    });
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                attachment(&format!("{name}.csv")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

async fn xlsx_response(state: &AppState, scope: ExportScope, name: &str) -> Response {
    let (mut rows, outcome) = start(state, scope);
    let mut all = Vec::new();
    while let Some(batch) = rows.recv().await {
        all.extend(batch);
    }
    let built = if outcome.await.unwrap_or(false) {
        xlsx(&all).map_err(|error| tracing::error!(%error, "xlsx export failed"))
    } else {
        Err(())
    };
    match built {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    ),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    attachment(&format!("{name}.xlsx")),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            bytes,
        )
            .into_response(),
        Err(()) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "Excelfilen kunde inte skapas. Försök igen om en stund.",
        )
            .into_response(),
    }
}

fn xlsx(rows: &[ExportRow]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Värden")?;
    let bold = Format::new().set_bold();
    for (col, title) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *title, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        // Texts are written as strings: never evaluated as formulas.
        sheet.write_string(r, 0, &row.initiative)?;
        sheet.write_string(r, 1, &row.code)?;
        sheet.write_string(r, 2, &row.name)?;
        sheet.write_string(r, 3, kind_label(&row.kind))?;
        sheet.write_string(r, 4, period_text(row.period))?;
        if let Some(value) = row.value {
            sheet.write_number(r, 5, value)?;
        }
        sheet.write_string(r, 6, &row.unit)?;
        sheet.write_string(r, 7, &row.comment)?;
        sheet.write_string(r, 8, row.reported_by.as_deref().unwrap_or_default())?;
        sheet.write_string(r, 9, row.reported_at.format("%Y-%m-%d %H:%M").to_string())?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    workbook.save_to_buffer()
}

/// GET /satsningar/{id}/varden.csv
pub async fn initiative_csv(
    State(state): State<AppState>,
    VisibleInitiative { user, initiative }: VisibleInitiative,
) -> Response {
    let (scope, name) = scope(&user, Some(&initiative));
    csv_response(&state, scope, &name)
}

/// GET /satsningar/{id}/varden.xlsx
pub async fn initiative_xlsx(
    State(state): State<AppState>,
    VisibleInitiative { user, initiative }: VisibleInitiative,
) -> Response {
    let (scope, name) = scope(&user, Some(&initiative));
    xlsx_response(&state, scope, &name).await
}

/// GET /satsningar/varden.csv: every satsning the user may see.
pub async fn all_csv(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
) -> Response {
    match user {
        Some(Extension(user)) => {
            let (scope, name) = scope(&user, None);
            csv_response(&state, scope, &name)
        }
        None => log_in_first(),
    }
}

/// GET /satsningar/varden.xlsx
pub async fn all_xlsx(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
) -> Response {
    match user {
        Some(Extension(user)) => {
            let (scope, name) = scope(&user, None);
            xlsx_response(&state, scope, &name).await
        }
        None => log_in_first(),
    }
}
