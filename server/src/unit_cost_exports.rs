//! The register of enhetskostnader as a file: CSV for Swedish Excel (UTF-8 with BOM,
//! semicolons, decimal comma) and .xlsx. The internal-only columns (volym, OH-påslag) are in
//! the file only for those who may see them: the repository leaves them out for everyone else.

use app::auth::CurrentUser;
use app::economics::{EXPORT_COLUMNS, INTERNAL_COLUMNS, UnitCost, area_label};
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::exports::attachment;
use crate::startup::AppState;

async fn costs(state: &AppState, user: &CurrentUser) -> Result<(Vec<UnitCost>, bool), Response> {
    let internal = app::economics::sees_internal(user);
    app::economics::repo::unit_costs(&state.db, user.organisation_id, internal)
        .await
        .map(|costs| (costs, internal))
        .map_err(|_| {
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Enhetskostnaderna kunde inte läsas.",
            )
                .into_response()
        })
}

fn log_in_first() -> Response {
    (StatusCode::UNAUTHORIZED, "Logga in för att ladda ner.").into_response()
}

fn headers(content_type: &'static str, extension: &str) -> [(header::HeaderName, HeaderValue); 3] {
    [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (
            header::CONTENT_DISPOSITION,
            attachment(&format!("enhetskostnader.{extension}")),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ]
}

/// GET /enhetskostnader.csv
pub async fn register_csv(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
) -> Response {
    let Some(Extension(user)) = user else {
        return log_in_first();
    };
    let (costs, internal) = match costs(&state, &user).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let mut csv = app::sv::csv::Writer::with_bom();
    let columns = EXPORT_COLUMNS
        .iter()
        .chain(internal.then_some(&INTERNAL_COLUMNS).into_iter().flatten());
    csv.line(columns.copied());
    for cost in &costs {
        csv.text(&cost.post)
            .text(area_label(&cost.area))
            .text(&cost.unit)
            .number(Some(cost.cost_sek as f64))
            .number(Some(f64::from(cost.price_year)))
            .text(&cost.source)
            .text(&cost.comment)
            .text(if cost.is_example { "ja" } else { "" });
        if let Some(fields) = &cost.internal {
            csv.number(fields.volume).number(fields.overhead_percent);
        }
        csv.end_line();
    }
    (headers("text/csv; charset=utf-8", "csv"), csv.take()).into_response()
}

/// GET /enhetskostnader.xlsx
pub async fn register_xlsx(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
) -> Response {
    let Some(Extension(user)) = user else {
        return log_in_first();
    };
    let (costs, internal) = match costs(&state, &user).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    match xlsx(&costs, internal) {
        Ok(bytes) => (
            headers(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
            bytes,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "unit cost xlsx export failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Excelfilen kunde inte skapas.",
            )
                .into_response()
        }
    }
}

fn xlsx(costs: &[UnitCost], internal: bool) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Enhetskostnader")?;
    let bold = Format::new().set_bold();
    let columns: Vec<&str> = EXPORT_COLUMNS
        .iter()
        .chain(internal.then_some(&INTERNAL_COLUMNS).into_iter().flatten())
        .copied()
        .collect();
    for (col, name) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, &bold)?;
    }
    for (i, cost) in costs.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &cost.post)?;
        sheet.write_string(row, 1, area_label(&cost.area))?;
        sheet.write_string(row, 2, &cost.unit)?;
        sheet.write_number(row, 3, cost.cost_sek as f64)?;
        sheet.write_number(row, 4, f64::from(cost.price_year))?;
        sheet.write_string(row, 5, &cost.source)?;
        sheet.write_string(row, 6, &cost.comment)?;
        sheet.write_string(row, 7, if cost.is_example { "ja" } else { "" })?;
        if let Some(fields) = &cost.internal {
            if let Some(volume) = fields.volume {
                sheet.write_number(row, 8, volume)?;
            }
            if let Some(overhead) = fields.overhead_percent {
                sheet.write_number(row, 9, overhead)?;
            }
        }
    }
    sheet.autofit();
    workbook.save_to_buffer()
}
