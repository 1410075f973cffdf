//! File downloads: the six-column schema as CSV (Swedish Excel: UTF-8 with BOM, semicolons)
//! and as .xlsx, each measure with its unit, utgångsvärde, målvärde, tolerances, frequency
//! and source; the .xlsx adds a sheet "Mått" with those facts in columns of their own. Access follows the satsning: another organisation's, or one a projektledare
//! does not lead, is "not found".

use app::initiative::Initiative;
use app::schema::facts::{Cell, MEASURE_COLUMNS};
use app::schema::{COLUMNS, Schema};
use axum::extract::State;

use crate::access::VisibleInitiative;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::startup::AppState;

/// The schema of a satsning the user may see (the extractor checked that).
async fn schema_of(state: &AppState, initiative: &Initiative) -> Result<Schema, Response> {
    app::schema::repo::load(&state.db, initiative.id)
        .await
        .map_err(|_| {
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Schemat kunde inte läsas.",
            )
                .into_response()
        })
}

/// `Content-Disposition: attachment` for `file_name`: an ASCII fallback (å, ä → a, ö → o,
/// anything else unusual → -) for old clients, and the exact UTF-8 name (RFC 5987) for the rest.
pub fn attachment(file_name: &str) -> HeaderValue {
    let ascii: String = file_name
        .chars()
        .map(|c| match c {
            'å' | 'ä' => 'a',
            'Å' | 'Ä' => 'A',
            'ö' => 'o',
            'Ö' => 'O',
            c if c.is_ascii_alphanumeric() || c == '.' || c == '_' => c,
            _ => '-',
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

fn disposition(name: &str, extension: &str) -> HeaderValue {
    attachment(&format!("utvärderingsschema-{name}.{extension}"))
}

/// GET /satsningar/{id}/schema.csv
pub async fn schema_csv(
    State(state): State<AppState>,
    VisibleInitiative { initiative, .. }: VisibleInitiative,
) -> Response {
    let schema = match schema_of(&state, &initiative).await {
        Ok(schema) => schema,
        Err(response) => return response,
    };
    let mut csv = app::sv::csv::Writer::with_bom();
    csv.line(COLUMNS);
    for row in schema.export_rows() {
        csv.line(row.iter().map(String::as_str));
    }
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                disposition(&initiative.name, "csv"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        csv.take(),
    )
        .into_response()
}

/// GET /satsningar/{id}/schema.xlsx
pub async fn schema_xlsx(
    State(state): State<AppState>,
    VisibleInitiative { initiative, .. }: VisibleInitiative,
) -> Response {
    let schema = match schema_of(&state, &initiative).await {
        Ok(schema) => schema,
        Err(response) => return response,
    };
    match xlsx(&initiative, &schema) {
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
                    disposition(&initiative.name, "xlsx"),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            bytes,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "xlsx export failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Excelfilen kunde inte skapas.",
            )
                .into_response()
        }
    }
}

fn xlsx(initiative: &Initiative, schema: &Schema) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, FormatAlign, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Utvärderingsschema")?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    sheet.write_string_with_format(0, 0, &initiative.name, &bold)?;
    if initiative.is_example {
        sheet.write_string(0, 1, "Exempeldata")?;
    }
    for (col, title) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(2, col as u16, *title, &bold)?;
        sheet.set_column_width(col as u16, 40)?;
    }
    for (r, row) in schema.export_rows().iter().enumerate() {
        for (col, cell) in row.iter().enumerate() {
            // Strings are written as strings: never evaluated as formulas.
            sheet.write_string_with_format(3 + r as u32, col as u16, cell, &wrap)?;
        }
    }
    sheet.set_freeze_panes(3, 0)?;

    // Every measure with its facts in columns of their own, numbers as numbers.
    let measures = workbook.add_worksheet();
    measures.set_name("Mått")?;
    for (col, title) in MEASURE_COLUMNS.iter().enumerate() {
        measures.write_string_with_format(0, col as u16, *title, &bold)?;
        measures.set_column_width(col as u16, if col == 1 || col == 3 { 40 } else { 14 })?;
    }
    for (r, row) in schema.measure_rows().iter().enumerate() {
        for (col, cell) in row.iter().enumerate() {
            let (r, col) = (1 + r as u32, col as u16);
            match cell {
                Cell::Text(text) => {
                    measures.write_string_with_format(r, col, text, &wrap)?;
                }
                Cell::Number(n) => {
                    measures.write_number(r, col, *n)?;
                }
                Cell::Empty => {}
            }
        }
    }
    measures.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}
