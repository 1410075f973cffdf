//! Halvårsredovisningen som fil: the report page's data ([`app::halfyear::api::ReportPage`],
//! the submitted snapshot while one is locked, else the live assembly — exactly what the HTML
//! shows) turned into one plain document ([`Document`], pure, unit-tested below), which
//! [`docx`] writes as Word and [`pdf`] as tagged PDF. Both writers see the same headings,
//! tables, texts and charts, so the files cannot drift apart from each other.
//!
//! Access is the report page's: [`crate::access::VisibleInitiative`] (another organisation's
//! satsning, or one a projektledare does not lead, is 404) and the half-year of the address
//! among those the satsning reports on (else 404).

pub mod docx;
pub mod fonts;
pub mod layout;
pub mod pdf;

use app::halfyear::api::ReportPage;
use app::halfyear::sections::{MeasureBlock, SectionBody};
use app::halfyear::{NARRATIVES, status_label};
use app::sv::number::{format_decimal, format_sek};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::access::VisibleInitiative;
use crate::startup::AppState;

/// One paragraph: an optional bold lead-in ("Förklaring:") and its text. Line breaks in the
/// text are kept (the projektledare's paragraphs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Para {
    pub lead: Option<String>,
    pub text: String,
}

impl Para {
    pub fn plain(text: impl Into<String>) -> Self {
        Para {
            lead: None,
            text: text.into(),
        }
    }

    pub fn led(lead: impl Into<String>, text: impl Into<String>) -> Self {
        Para {
            lead: Some(lead.into()),
            text: text.into(),
        }
    }
}

/// A table with a caption and a header row; `numeric[i]` right-aligns column `i`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub numeric: Vec<bool>,
}

/// What a document is made of, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Level 1 (a section) or 2 (a measure, a flag, a survey, a text field).
    Heading {
        level: u8,
        text: String,
    },
    Para(Para),
    Table(Table),
    /// A chart: its SVG and its text alternative (always non-empty).
    Figure {
        svg: String,
        alt: String,
    },
    /// A page break before the next section (as the print CSS does).
    PageBreak,
}

/// The report as a document: a cover and the blocks after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// "Halvårsredovisning januari–juni 2026: Läxhjälp i Vivalla" (the page's title).
    pub title: String,
    /// The cover's facts: satsning, half-year, status, due date, the date of the file.
    pub cover: Vec<(String, String)>,
    /// Notes under the cover facts: Exempeldata, the snapshot's note, newer data.
    pub notes: Vec<String>,
    pub blocks: Vec<Block>,
}

impl Document {
    /// The level-1 and level-2 headings, in order (the PDF's bookmarks).
    pub fn headings(&self) -> impl Iterator<Item = (u8, &str)> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Heading { level, text } => Some((*level, text.as_str())),
            _ => None,
        })
    }
}

fn number(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), format_decimal)
}

fn sek(amount: Option<i64>) -> String {
    amount.map_or_else(|| "–".to_string(), format_sek)
}

fn measure_blocks(block: &MeasureBlock, svg: Option<&String>, out: &mut Vec<Block>) {
    out.push(Block::Heading {
        level: 2,
        text: block.title.clone(),
    });
    let mut kind = block.kind.clone();
    if !block.place.is_empty() {
        kind = format!("{kind} · {}", block.place);
    }
    out.push(Block::Para(Para::plain(kind)));
    out.push(Block::Para(Para::plain(format!(
        "Rapporterat {} av {} perioder under halvåret.",
        block.reported, block.due
    ))));
    if let Some(latest) = &block.latest {
        let then = block
            .target_then
            .as_ref()
            .map(|t| format!(", målkurvan då {t}"))
            .unwrap_or_default();
        out.push(Block::Para(Para::plain(format!("Senast: {latest}{then}."))));
    }
    if let Some(sum) = &block.sum {
        out.push(Block::Para(Para::plain(format!(
            "Summa för halvåret: {sum}."
        ))));
    }
    out.push(Block::Para(Para::plain(block.target.as_ref().map_or_else(
        || "Inget målvärde.".to_string(),
        |t| format!("Målvärde: {t}."),
    ))));
    let data = &block.chart;
    match svg {
        Some(svg) => out.push(Block::Figure {
            svg: svg.clone(),
            // The chart's own sentence, led by what it is of: read without its caption.
            alt: format!("Diagram {}: {}", data.title, data.description()),
        }),
        None => out.push(Block::Para(Para::plain("Inget att rita för halvåret."))),
    }
    let has_target = data.target.iter().any(Option::is_some);
    let unit = if data.unit.is_empty() {
        String::new()
    } else {
        format!(" ({})", data.unit)
    };
    let mut header = vec!["Period".to_string(), format!("Utfall{unit}")];
    if has_target {
        header.push("Målkurva".to_string());
    }
    let rows = data
        .labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let mut row = vec![label.clone(), number(data.actual.get(i).copied().flatten())];
            if has_target {
                row.push(number(data.target.get(i).copied().flatten()));
            }
            row
        })
        .collect();
    out.push(Block::Table(Table {
        caption: format!("Tabell: {}", data.title),
        numeric: header.iter().enumerate().map(|(i, _)| i > 0).collect(),
        header,
        rows,
    }));
}

fn section_blocks(body: &SectionBody, page: &ReportPage, out: &mut Vec<Block>) {
    match body {
        SectionBody::Measures(blocks) => {
            if blocks.is_empty() {
                out.push(Block::Para(Para::plain("Schemat har inga mått.")));
            }
            for b in blocks {
                measure_blocks(b, page.svgs.get(&b.measure_id), out);
            }
        }
        SectionBody::Completeness(block) => {
            out.push(Block::Para(Para::plain(match block.percent {
                Some(p) => format!(
                    "{} av {} förfallna månader är inrapporterade ({p} %).",
                    block.reported, block.due
                ),
                None => "Ingen månad under halvåret har passerat sista rapporteringsdag ännu."
                    .to_string(),
            })));
            if !block.months.is_empty() {
                out.push(Block::Table(Table {
                    caption: "Månaderna under halvåret".into(),
                    header: vec!["Månad".into(), "Status".into()],
                    rows: block
                        .months
                        .iter()
                        .map(|(month, label, _)| vec![month.clone(), label.clone()])
                        .collect(),
                    numeric: vec![false, false],
                }));
            }
        }
        SectionBody::Deviations(block) => {
            if block.items.is_empty() {
                out.push(Block::Para(Para::plain(
                    "Inga avvikelser öppnades, förklarades eller stängdes under halvåret.",
                )));
                return;
            }
            out.push(Block::Para(Para::plain(format!(
                "Under halvåret öppnades {} avvikelser, {} förklarades och {} stängdes.",
                block.opened, block.explained, block.closed
            ))));
            for item in &block.items {
                out.push(Block::Heading {
                    level: 2,
                    text: item.title.clone(),
                });
                out.push(Block::Para(Para::led("Allvarlighet: ", &item.severity)));
                out.push(Block::Para(Para::led("Status nu: ", &item.status)));
                out.push(Block::Para(Para::led("Under halvåret: ", &item.happened)));
                out.push(Block::Para(Para::plain(&item.finding)));
                if !item.reason.is_empty() {
                    out.push(Block::Para(Para::led("Förklaring: ", &item.reason)));
                    out.push(Block::Para(Para::led(
                        "Planerad åtgärd: ",
                        &item.planned_action,
                    )));
                }
                if let Some(decision) = &item.decision {
                    out.push(Block::Para(Para::led(
                        "Beredningsgruppens beslut: ",
                        decision,
                    )));
                }
            }
        }
        SectionBody::Surveys(blocks) => {
            if blocks.is_empty() {
                out.push(Block::Para(Para::plain(
                    "Ingen enkät hade ett utskick öppet under halvåret.",
                )));
            }
            for survey in blocks {
                out.push(Block::Heading {
                    level: 2,
                    text: survey.title.clone(),
                });
                for (wave, lines) in &survey.waves {
                    out.push(Block::Table(Table {
                        caption: format!("Utskick {wave}"),
                        header: vec!["Fråga".into(), "Resultat".into()],
                        rows: lines
                            .iter()
                            .map(|(q, r)| vec![q.clone(), r.clone()])
                            .collect(),
                        numeric: vec![false, false],
                    }));
                }
            }
        }
        SectionBody::Costs(block) => {
            let share = if block.budget_sek > 0 {
                format!(
                    " ({} % av budgeten)",
                    block.spent_sek * 100 / block.budget_sek
                )
            } else {
                String::new()
            };
            out.push(Block::Para(Para::plain(format!(
                "Faktiska kostnader hittills: {}{share} av totalbudgeten {}. Budget till och med det här året: {}.",
                format_sek(block.spent_sek),
                format_sek(block.budget_sek),
                format_sek(block.budget_to_date_sek),
            ))));
            let mut header = vec!["År".to_string()];
            header.extend(
                app::economics::actual::COST_TYPES
                    .iter()
                    .map(|(_, label)| label.to_string()),
            );
            header.push("Summa".into());
            header.push("Budget".into());
            let rows = block
                .years
                .iter()
                .map(|y| {
                    let mut row = vec![y.year.to_string()];
                    row.extend(y.by_type.iter().map(|(_, a)| sek(*a)));
                    row.push(format_sek(y.total_sek));
                    row.push(sek(y.budget_sek));
                    row
                })
                .collect();
            out.push(Block::Table(Table {
                caption: "Faktiska kostnader per år och kostnadstyp mot budget".into(),
                numeric: header.iter().enumerate().map(|(i, _)| i > 0).collect(),
                header,
                rows,
            }));
        }
    }
}

/// The report page's data as a document, dated `today` (the cover's "Utskriven").
pub fn document(page: &ReportPage, today: chrono::NaiveDate) -> Document {
    let title = format!(
        "Halvårsredovisning {}: {}",
        page.half.label(),
        page.initiative_name
    );
    let mut cover = vec![
        ("Satsning".to_string(), page.initiative_name.clone()),
        (
            "Halvår".to_string(),
            format!("{} ({})", page.half.label(), page.half),
        ),
        ("Status".to_string(), status_label(page.status).to_string()),
        ("Sista dag".to_string(), page.due_on.clone()),
    ];
    if let Some(n) = page.days_late {
        let days = if n == 1 { "dag" } else { "dagar" };
        cover.push(("Försenad".to_string(), format!("{n} {days}")));
    }
    cover.push(("Utskriven".to_string(), app::sv::date::long_date(today)));
    let mut notes = Vec::new();
    if page.is_example {
        notes.push("Exempeldata.".to_string());
    }
    notes.extend(page.snapshot_note.clone());
    if !page.newer.is_empty() {
        notes.push(format!(
            "Nyare uppgifter finns. Efter att redovisningen skickades in har uppgifterna ändrats i: {}. Redovisningen visar siffrorna som de var när den skickades in.",
            page.newer.join(", ")
        ));
    }
    let mut blocks = Vec::new();
    for section in &page.sections {
        blocks.push(Block::PageBreak);
        blocks.push(Block::Heading {
            level: 1,
            text: section.title.clone(),
        });
        section_blocks(&section.body, page, &mut blocks);
    }
    blocks.push(Block::PageBreak);
    blocks.push(Block::Heading {
        level: 1,
        text: "Projektledarens redovisning".into(),
    });
    for (key, heading, _) in NARRATIVES {
        blocks.push(Block::Heading {
            level: 2,
            text: heading.to_string(),
        });
        let text = page
            .narratives
            .get(key)
            .map(|n| n.text.clone())
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| "Inte skrivet.".to_string());
        blocks.push(Block::Para(Para::plain(text)));
    }
    if !page.versions.is_empty() {
        blocks.push(Block::Heading {
            level: 1,
            text: "Versioner och granskning".into(),
        });
        for v in &page.versions {
            blocks.push(Block::Heading {
                level: 2,
                text: format!("Version {}", v.version),
            });
            blocks.push(Block::Para(Para::led("Inskickad: ", &v.submitted)));
            blocks.push(Block::Para(match (&v.decision, &v.reviewed) {
                (Some(d), Some(r)) => Para::plain(format!("{d}, granskad {r}.")),
                _ => Para::plain("Väntar på granskning."),
            }));
            for (heading, comment) in &v.comments {
                blocks.push(Block::Para(Para::led(format!("{heading}: "), comment)));
            }
        }
    }
    Document {
        title,
        cover,
        notes,
        blocks,
    }
}

/// The file's name: "halvårsredovisning-2026-H1-Läxhjälp i Vivalla.docx".
fn file_name(page: &ReportPage, extension: &str) -> String {
    format!(
        "halvårsredovisning-{}-{}.{extension}",
        page.half, page.initiative_name
    )
}

/// The report page's data for the visible satsning and the address's half-year, or the
/// answer the page would give (404 for a half-year the satsning does not report on).
async fn page_of(
    state: &AppState,
    visible: &VisibleInitiative,
    halvar: &str,
) -> Result<ReportPage, Response> {
    let today = app::halfyear::api::today();
    let refuse = |error: app::error::AppError| {
        let status =
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = match error {
            app::error::AppError::NotFound => {
                "Redovisningen finns inte. Kontrollera adressen.".to_string()
            }
            other => other.to_string(),
        };
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            message,
        )
            .into_response()
    };
    let half = app::halfyear::api::half_of(&visible.initiative, halvar, today).map_err(refuse)?;
    let settings = app::halfyear::api::Settings {
        rules: state.reporting,
        due: state.halfyear_due,
        survey: state.survey,
    };
    app::halfyear::api::report_page(
        &state.db,
        &visible.user,
        &visible.initiative,
        half,
        settings,
        today,
    )
    .await
    .map_err(refuse)
}

/// The answer when the server was started without the report font: a Swedish 503.
fn no_fonts() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Filen kan inte skapas: servern saknar teckensnittet för redovisningar. Kontakta systemförvaltaren.",
    )
        .into_response()
}

/// The two files a report is downloaded as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Word,
    Pdf,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Word => "docx",
            Format::Pdf => "pdf",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Word => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Pdf => "application/pdf",
        }
    }

    /// The file in the Swedish error message: "Wordfilen kunde inte skapas."
    fn what(self) -> &'static str {
        match self {
            Format::Word => "Wordfilen",
            Format::Pdf => "PDF-filen",
        }
    }

    fn write(self, doc: &Document, fonts: &fonts::ReportFonts) -> anyhow::Result<Vec<u8>> {
        match self {
            Format::Word => docx::write(doc, fonts),
            Format::Pdf => pdf::write(doc, fonts),
        }
    }
}

/// A built file as a download, or a Swedish 500 when it could not be built.
fn download(page: &ReportPage, built: anyhow::Result<Vec<u8>>, format: Format) -> Response {
    let extension = format.extension();
    match built {
        Ok(bytes) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(format.content_type()),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    crate::exports::attachment(&file_name(page, extension)),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            bytes,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "half-year {extension} failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                format!(
                    "{} kunde inte skapas. Försök igen om en stund.",
                    format.what()
                ),
            )
                .into_response()
        }
    }
}

/// The report of the address as `format`: the page's access and answers, the file written
/// off the async threads (a long report's layout and font subsetting take milliseconds).
async fn report_file(
    state: &AppState,
    visible: &VisibleInitiative,
    halvar: &str,
    format: Format,
) -> Response {
    let page = match page_of(state, visible, halvar).await {
        Ok(page) => page,
        Err(response) => return response,
    };
    let Some(fonts) = state.report_fonts.clone() else {
        return no_fonts();
    };
    let doc = document(&page, app::halfyear::api::today());
    let built = tokio::task::spawn_blocking(move || format.write(&doc, &fonts))
        .await
        .map_err(anyhow::Error::from)
        .and_then(|r| r);
    download(&page, built, format)
}

/// GET /satsningar/{id}/halvar/{halvar}/redovisning.docx
pub async fn report_docx(
    State(state): State<AppState>,
    visible: VisibleInitiative,
    Path((_, halvar)): Path<(String, String)>,
) -> Response {
    report_file(&state, &visible, &halvar, Format::Word).await
}

/// GET /satsningar/{id}/halvar/{halvar}/redovisning.pdf
pub async fn report_pdf(
    State(state): State<AppState>,
    visible: VisibleInitiative,
    Path((_, halvar)): Path<(String, String)>,
) -> Response {
    report_file(&state, &visible, &halvar, Format::Pdf).await
}
