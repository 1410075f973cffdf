//! Pages for halvårsredovisningar: a satsning's report for one half-year
//! (`/satsningar/{id}/halvar/2026-H2`: read, write the texts and costs, submit, review) and the
//! list of every report of a half-year (`/halvarsredovisningar`). Plain forms, no JavaScript;
//! printable on A4 with a page break between sections, every chart with its table.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{
    ListData, ReportPage, ReviewHalfYear, SaveHalfYearCosts, SaveHalfYearTexts, SubmitHalfYear,
    half_year_list, half_year_report, report_path,
};
use super::sections::{
    CompletenessBlock, CostBlock, DeviationBlock, MeasureBlock, Section, SectionBody, SurveyBlock,
};
use super::{Decision, NARRATIVES, OVERALL, ReportStatus, status_label};
use crate::auth::ui::Guard;
use crate::economics::actual::{COST_TYPES, cost_key};
use crate::error::AppError;
use crate::form::{ErrorSummary, FormState, PostForm, field_id, use_form_state};
use crate::html::{PageTitle, TextArea};
use crate::layout::TableScroll;
use crate::page::loaded;
use crate::sv::number::{format_decimal, format_sek};

/// A report's status as a word with a class (never colour alone).
#[component]
fn StatusText(status: Option<ReportStatus>) -> impl IntoView {
    let class = format!(
        "report-status report-status--{}",
        status.map_or("ny", ReportStatus::as_db)
    );
    view! { <span class=class>{status_label(status)}</span> }
}

/// "1 dag", "12 dagar".
fn days(n: i64) -> String {
    if n == 1 {
        "1 dag".into()
    } else {
        format!("{n} dagar")
    }
}

/// Halvårsredovisning: one satsning's report for one half-year.
#[component]
pub fn HalfYearReportPage() -> impl IntoView {
    view! {
        <PageTitle text="Halvårsredovisning"/>
        <Guard access=crate::auth::page_access("/satsningar/0/halvar")>
            <ReportLoader/>
        </Guard>
    }
}

/// The data of a page under `/satsningar/{id}/halvar/{halvar}`, loaded by `fetch` (a
/// malformed id is "not found").
pub(super) fn by_id_and_half<T, Fut>(fetch: fn(i64, String) -> Fut) -> Resource<Result<T, AppError>>
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
{
    let params = use_params_map();
    Resource::new_blocking(
        move || {
            params.with(|p| {
                (
                    p.get("id").and_then(|id| id.parse::<i64>().ok()),
                    p.get("halvar").unwrap_or_default(),
                )
            })
        },
        move |(id, half)| async move {
            match id {
                Some(id) => fetch(id, half).await,
                None => Err(AppError::NotFound),
            }
        },
    )
}

#[component]
fn ReportLoader() -> impl IntoView {
    let data = by_id_and_half(half_year_report);
    loaded(
        data,
        "Sammanställer redovisningen…",
        |data| view! { <Report data/> },
    )
}

#[component]
fn Report(data: ReportPage) -> impl IntoView {
    let query = use_query_map();
    let notice = query.with_untracked(|q| {
        if q.get("inskickad").is_some() {
            Some("Redovisningen är inskickad till beredningsgruppen.")
        } else if q.get("granskad").is_some() {
            Some("Granskningen är sparad.")
        } else {
            match q.get("sparad").as_deref() {
                Some("texter") => Some("Texterna är sparade."),
                Some("kostnader") => Some("Kostnaderna är sparade."),
                _ => None,
            }
        }
    });
    let id = data.initiative_id;
    let page = report_path(id, data.half);
    let title = format!(
        "Halvårsredovisning {}: {}",
        data.half.label(),
        data.initiative_name
    );
    let svgs = data.svgs.clone();
    let comment_for = |key: &str| {
        data.versions
            .first()
            .filter(|_| data.status == Some(ReportStatus::Completion))
            .and_then(|v| {
                let heading = data
                    .sections
                    .iter()
                    .find(|s| s.id == key)
                    .map(|s| s.title.clone())
                    .or_else(|| {
                        NARRATIVES
                            .iter()
                            .find(|(k, _, _)| *k == key)
                            .map(|(_, h, _)| h.to_string())
                    })?;
                v.comments
                    .iter()
                    .find(|(h, _)| *h == heading)
                    .map(|(_, c)| c.clone())
            })
    };
    let section_comments: Vec<Option<String>> =
        data.sections.iter().map(|s| comment_for(&s.id)).collect();
    let narrative_comments: Vec<Option<String>> =
        NARRATIVES.iter().map(|(k, _, _)| comment_for(k)).collect();
    view! {
        <PageTitle text=title.clone()/>
        <article class="page half-year-report" aria-labelledby="halvar-rubrik">
            <p class="no-print"><a href=format!("/satsningar/{id}")>{format!("← {}", data.initiative_name)}</a></p>
            <h1 id="halvar-rubrik">{title}</h1>
            {data.is_example.then(|| view! { <p><span class="tag">"Exempeldata"</span></p> })}
            {notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
            <dl class="facts">
                <dt>"Status"</dt><dd><StatusText status=data.status/></dd>
                <dt>"Halvår"</dt><dd>{format!("{} ({})", data.half.label(), data.half)}</dd>
                <dt>"Sista dag"</dt><dd>{data.due_on.clone()}</dd>
                {data.days_late.map(|n| view! { <dt>"Försenad"</dt><dd>{days(n)}</dd> })}
            </dl>
            <ul class="no-print report-downloads" aria-label="Ladda ner redovisningen">
                <li><a href=format!("{page}/redovisning.docx")>"Ladda ner som Word (.docx)"</a></li>
                <li><a href=format!("{page}/redovisning.pdf")>"Ladda ner som PDF"</a></li>
            </ul>
            {data.snapshot_note.clone().map(|n| view! { <p class="hint">{n}</p> })}
            {(!data.newer.is_empty()).then(|| view! {
                <div class="notice notice--warning" role="note">
                    <p><strong>"Nyare uppgifter finns."</strong>" Efter att redovisningen skickades in har uppgifterna ändrats i: "
                        {data.newer.join(", ")}"."</p>
                    <p>"Redovisningen visar siffrorna som de var när den skickades in. "
                        <a href=format!("{page}/jamforelse")>"Jämför den inskickade versionen med nu"</a>"."</p>
                </div>
            })}
            <nav class="toc no-print" aria-label="Innehåll">
                <h2>"Innehåll"</h2>
                <ol>
                    {data.sections.iter().map(|s| view! { <li><a href=format!("#{}", s.id)>{s.title.clone()}</a></li> }).collect_view()}
                    <li><a href="#texter">"Projektledarens redovisning"</a></li>
                    {(!data.versions.is_empty()).then(|| view! { <li><a href="#versioner">"Versioner och granskning"</a></li> })}
                </ol>
            </nav>
            {data.sections.iter().cloned().zip(section_comments).map(|(section, comment)| {
                view! { <SectionView section svgs=svgs.clone() comment/> }
            }).collect_view()}
            <Texts data=data.clone() page=page.clone() comments=narrative_comments/>
            {data.may_edit.then(|| view! { <CostsForm data=data.clone() page=page.clone()/> })}
            {data.may_edit.then(|| view! { <SubmitForm data=data.clone() page=page.clone()/> })}
            {data.review_version.map(|version| view! { <ReviewForm data=data.clone() page=page.clone() version/> })}
            <Versions data=data.clone()/>
        </article>
    }
}

/// One assembled section, with the beredningsgrupp's comment when completion was asked for.
#[component]
fn SectionView(
    section: Section,
    svgs: std::collections::BTreeMap<i64, String>,
    comment: Option<String>,
) -> impl IntoView {
    let heading_id = format!("{}-rubrik", section.id);
    let labelled_by = heading_id.clone();
    view! {
        <section class="report-section" id=section.id.clone() aria-labelledby=labelled_by>
            <h2 id=heading_id>{section.title.clone()}</h2>
            {comment.map(|c| view! { <ReviewComment text=c/> })}
            <SectionBodyView body=section.body svgs/>
        </section>
    }
}

/// What a section says, without its heading (the report and the comparison page).
#[component]
pub(super) fn SectionBodyView(
    body: SectionBody,
    svgs: std::collections::BTreeMap<i64, String>,
    /// Ends the element ids, so that two drawings of one section can share a page.
    #[prop(default = "")]
    id_suffix: &'static str,
) -> impl IntoView {
    match body {
        SectionBody::Measures(blocks) => view! { <Measures blocks svgs id_suffix/> }.into_any(),
        SectionBody::Completeness(block) => view! { <Completeness block/> }.into_any(),
        SectionBody::Deviations(block) => view! { <Deviations block/> }.into_any(),
        SectionBody::Surveys(blocks) => view! { <Surveys blocks/> }.into_any(),
        SectionBody::Costs(block) => view! { <Costs block/> }.into_any(),
    }
}

#[component]
fn ReviewComment(text: String) -> impl IntoView {
    view! {
        <div class="notice notice--warning">
            <p><strong>"Beredningsgruppen: "</strong><span class="prewrap">{text}</span></p>
        </div>
    }
}

#[component]
fn Measures(
    blocks: Vec<MeasureBlock>,
    svgs: std::collections::BTreeMap<i64, String>,
    id_suffix: &'static str,
) -> impl IntoView {
    if blocks.is_empty() {
        return view! { <p class="hint">"Schemat har inga mått."</p> }.into_any();
    }
    blocks
        .into_iter()
        .map(|b| {
            let svg = svgs.get(&b.measure_id).cloned();
            view! { <MeasureView block=b svg id_suffix/> }
        })
        .collect_view()
        .into_any()
}

/// One measure with its facts, chart and table; `during` names the time it covers
/// ("halvåret", or "tiden efter avslut" in the uppföljande utvärdering).
#[component]
pub(super) fn MeasureView(
    block: MeasureBlock,
    svg: Option<String>,
    #[prop(default = "halvåret")] during: &'static str,
    #[prop(default = "")] id_suffix: &'static str,
) -> impl IntoView {
    let caption_id = format!("halvar-matt-{}{id_suffix}", block.measure_id);
    let labelled_by = caption_id.clone();
    let data = block.chart.clone();
    let number = |v: Option<f64>| v.map_or("–".to_string(), format_decimal);
    let has_target = data.target.iter().any(Option::is_some);
    let unit = if data.unit.is_empty() {
        String::new()
    } else {
        format!(" ({})", data.unit)
    };
    view! {
        <figure class="report-measure" aria-labelledby=labelled_by>
            <figcaption id=caption_id>
                <strong>{block.title.clone()}</strong>" "<span class="hint">{block.kind.clone()}</span>
                {(!block.place.is_empty()).then(|| view! { <br/><span class="hint">{block.place.clone()}</span> })}
            </figcaption>
            <ul class="measure-facts">
                <li>{format!("Rapporterat {} av {} perioder under {during}.", block.reported, block.due)}</li>
                {block.latest.clone().map(|l| view! { <li>{format!("Senast: {l}")}{block.target_then.clone().map(|t| format!(", målkurvan då {t}"))}"."</li> })}
                {block.sum.clone().map(|s| view! { <li>{format!("Summa för {during}: {s}.")}</li> })}
                <li>{block.target.clone().map_or_else(|| "Inget målvärde.".to_string(), |t| format!("Målvärde: {t}."))}</li>
            </ul>
            {match svg {
                Some(svg) => view! { <div class="chart" inner_html=svg></div> }.into_any(),
                None => view! { <p class="chart-empty">"Inget att rita för halvåret."</p> }.into_any(),
            }}
            <table class="table report-table">
                <caption>{format!("Tabell: {}", data.title)}</caption>
                <thead><tr>
                    <th scope="col">"Period"</th>
                    <th scope="col" class="num">{format!("Utfall{unit}")}</th>
                    {has_target.then(|| view! { <th scope="col" class="num">"Målkurva"</th> })}
                </tr></thead>
                <tbody>
                    {data.labels.iter().enumerate().map(|(i, label)| view! {
                        <tr>
                            <th scope="row">{label.clone()}</th>
                            <td class="num">{number(data.actual[i])}</td>
                            {has_target.then(|| view! { <td class="num">{number(data.target[i])}</td> })}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </figure>
    }
}

#[component]
fn Completeness(block: CompletenessBlock) -> impl IntoView {
    let summary = match block.percent {
        Some(p) => format!(
            "{} av {} förfallna månader är inrapporterade ({p} %).",
            block.reported, block.due
        ),
        None => "Ingen månad under halvåret har passerat sista rapporteringsdag ännu.".to_string(),
    };
    view! {
        <p>{summary}</p>
        {(!block.months.is_empty()).then(|| view! {
            <table class="table report-table">
                <caption class="visually-hidden">"Månaderna under halvåret"</caption>
                <thead><tr><th scope="col">"Månad"</th><th scope="col">"Status"</th></tr></thead>
                <tbody>
                    {block.months.iter().map(|(month, label, class)| view! {
                        <tr><th scope="row">{month.clone()}</th><td><span class=format!("month-status {class}")>{label.clone()}</span></td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}

#[component]
fn Deviations(block: DeviationBlock) -> impl IntoView {
    if block.items.is_empty() {
        return view! { <p>"Inga avvikelser öppnades, förklarades eller stängdes under halvåret."</p> }.into_any();
    }
    view! {
        <p>{format!(
            "Under halvåret öppnades {} avvikelser, {} förklarades och {} stängdes.",
            block.opened, block.explained, block.closed
        )}</p>
        {block.items.into_iter().map(|item| view! {
            <div class="report-flag">
                <h3><a href=format!("/avvikelser/{}", item.id)>{item.title.clone()}</a></h3>
                <dl class="facts">
                    <dt>"Allvarlighet"</dt><dd>{item.severity.clone()}</dd>
                    <dt>"Status nu"</dt><dd>{item.status.clone()}</dd>
                    <dt>"Under halvåret"</dt><dd>{item.happened.clone()}</dd>
                </dl>
                <p>{item.finding.clone()}</p>
                {(!item.reason.is_empty()).then(|| view! {
                    <p><strong>"Förklaring: "</strong><span class="prewrap">{item.reason.clone()}</span></p>
                    <p><strong>"Planerad åtgärd: "</strong><span class="prewrap">{item.planned_action.clone()}</span></p>
                })}
                {item.decision.clone().map(|d| view! { <p><strong>"Beredningsgruppens beslut: "</strong>{d}</p> })}
            </div>
        }).collect_view()}
    }
    .into_any()
}

#[component]
fn Surveys(blocks: Vec<SurveyBlock>) -> impl IntoView {
    if blocks.is_empty() {
        return view! { <p>"Ingen enkät hade ett utskick öppet under halvåret."</p> }.into_any();
    }
    blocks
        .into_iter()
        .map(|s| {
            view! {
                <h3>{s.title.clone()}</h3>
                {s.waves.into_iter().map(|(wave, lines)| view! {
                    <table class="table report-table">
                        <caption>{format!("Utskick {wave}")}</caption>
                        <thead><tr><th scope="col">"Fråga"</th><th scope="col">"Resultat"</th></tr></thead>
                        <tbody>
                            {lines.into_iter().map(|(q, r)| view! { <tr><th scope="row">{q}</th><td>{r}</td></tr> }).collect_view()}
                        </tbody>
                    </table>
                }).collect_view()}
            }
        })
        .collect_view()
        .into_any()
}

fn sek(amount: Option<i64>) -> String {
    amount.map_or_else(|| "–".to_string(), format_sek)
}

#[component]
fn Costs(block: CostBlock) -> impl IntoView {
    let share = (block.budget_sek > 0).then(|| {
        format!(
            " ({} % av budgeten)",
            (block.spent_sek * 100 / block.budget_sek)
        )
    });
    view! {
        <p>{format!(
            "Faktiska kostnader hittills: {}{} av totalbudgeten {}. Budget till och med det här året: {}.",
            format_sek(block.spent_sek),
            share.unwrap_or_default(),
            format_sek(block.budget_sek),
            format_sek(block.budget_to_date_sek),
        )}</p>
        <TableScroll label="Kostnader per år">
            <table class="table report-table">
                <caption>"Faktiska kostnader per år och kostnadstyp mot budget"</caption>
                <thead><tr>
                    <th scope="col">"År"</th>
                    {COST_TYPES.iter().map(|(_, label)| view! { <th scope="col" class="num">{*label}</th> }).collect_view()}
                    <th scope="col" class="num">"Summa"</th>
                    <th scope="col" class="num">"Budget"</th>
                </tr></thead>
                <tbody>
                    {block.years.into_iter().map(|y| view! {
                        <tr>
                            <th scope="row">{y.year}</th>
                            {y.by_type.into_iter().map(|(_, a)| view! { <td class="num">{sek(a)}</td> }).collect_view()}
                            <td class="num">{format_sek(y.total_sek)}</td>
                            <td class="num">{sek(y.budget_sek)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}

/// The narrative fields: a form for the projektledare while the report is open, the texts
/// otherwise.
#[component]
fn Texts(data: ReportPage, page: String, comments: Vec<Option<String>>) -> impl IntoView {
    let form = use_form_state();
    let id = data.initiative_id.to_string();
    let posted = form.is_from(SaveHalfYearTexts::PATH, "id", &id);
    let state = form.clone().if_posted(posted);
    let narratives = data.narratives.clone();
    let body = if data.may_edit {
        view! {
            {posted.then(|| view! { <ErrorSummary state=state.clone()/> })}
            <PostForm action=page.clone() fn_path=SaveHalfYearTexts::PATH class="form">
                <input type="hidden" name="id" value=id.clone()/>
                <input type="hidden" name="halvar" value=data.half.to_string()/>
                {NARRATIVES.iter().zip(comments).map(|((key, heading, hint), comment)| {
                    let stored = narratives.get(*key).cloned().unwrap_or_default();
                    view! { <NarrativeField key heading hint stored state=state.clone() comment/> }
                }).collect_view()}
                <button type="submit" class="button">"Spara texterna"</button>
            </PostForm>
        }
        .into_any()
    } else {
        NARRATIVES
            .iter()
            .map(|(key, heading, _)| {
                let n = narratives.get(*key).cloned().unwrap_or_default();
                view! {
                    <h3>{*heading}</h3>
                    {if n.text.is_empty() {
                        view! { <p class="hint">"Inte skrivet."</p> }.into_any()
                    } else {
                        view! { <p class="prewrap">{n.text}</p> }.into_any()
                    }}
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="report-section" id="texter" aria-labelledby="texter-rubrik">
            <h2 id="texter-rubrik">"Projektledarens redovisning"</h2>
            {body}
        </section>
    }
}

#[component]
fn NarrativeField(
    key: &'static str,
    heading: &'static str,
    hint: &'static str,
    stored: super::Narrative,
    state: FormState,
    comment: Option<String>,
) -> impl IntoView {
    let name = format!("narrative[text][{key}]");
    let done_name = format!("narrative[done][{key}]");
    let field = field_id(&name);
    let done_id = field_id(&done_name);
    let hint_id = format!("{field}-tips");
    let error = state.error(&name);
    let error_id = format!("{field}-fel");
    let described = if error.is_some() {
        format!("{error_id} {hint_id}")
    } else {
        hint_id.clone()
    };
    let value = state.value_or(&name, &stored.text);
    let done = state.checked_or(&done_name, stored.done);
    view! {
        <div class="field narrative" class:field--error=error.is_some()>
            <label for=field.clone()><strong>{heading}</strong></label>
            <p class="hint" id=hint_id>{hint}</p>
            {comment.map(|c| view! { <ReviewComment text=c/> })}
            {error.clone().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
            <TextArea id=field name=name value rows=6 invalid=error.is_some().then_some("true") described_by=Some(described)/>
            <div class="checkbox">
                <input type="checkbox" id=done_id.clone() name=done_name value="ja" checked=done/>
                <label for=done_id>{format!("{heading} är klar")}</label>
            </div>
        </div>
    }
}

/// The actual costs per year and cost type (what the budget rule reads).
#[component]
fn CostsForm(data: ReportPage, page: String) -> impl IntoView {
    let form = use_form_state();
    let id = data.initiative_id.to_string();
    let posted = form.is_from(SaveHalfYearCosts::PATH, "id", &id);
    let state = form.clone().if_posted(posted);
    let years = data.cost_years.clone();
    let stored = data.costs.amounts.clone();
    view! {
        <section class="report-section no-print" id="kostnader-form" aria-labelledby="kostnader-form-rubrik">
            <h2 id="kostnader-form-rubrik">"Ange faktiska kostnader"</h2>
            <p class="hint">"Hela kronor per år och kostnadstyp, hittills. Kostnaderna visas under Kostnader och jämförs med budgeten (avvikelseregeln Budget)."</p>
            {posted.then(|| view! { <ErrorSummary state=state.clone()/> })}
            <PostForm action=page fn_path=SaveHalfYearCosts::PATH class="form">
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="halvar" value=data.half.to_string()/>
                {years.into_iter().map(|year| view! {
                    <fieldset>
                        <legend>{format!("Kostnader {year}")}</legend>
                        {COST_TYPES.iter().map(|(kind, label)| {
                            let key = cost_key(year, kind);
                            let name = format!("costs[amounts][{key}]");
                            let input_id = field_id(&name);
                            let error = state.error(&name);
                            let error_id = format!("{input_id}-fel");
                            let value = state.value_or(&name, stored.get(&key).map_or("", String::as_str));
                            view! {
                                <div class="field field--inline" class:field--error=error.is_some()>
                                    <label for=input_id.clone()>{format!("{label} (kr)")}</label>
                                    {error.clone().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
                                    <input id=input_id name=name type="text" inputmode="numeric" value=value
                                        aria-invalid=error.is_some().then_some("true")
                                        aria-describedby=error.is_some().then_some(error_id.clone())/>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                }).collect_view()}
                <button type="submit" class="button">"Spara kostnaderna"</button>
            </PostForm>
        </section>
    }
}

#[component]
fn SubmitForm(data: ReportPage, page: String) -> impl IntoView {
    let form = use_form_state();
    let id = data.initiative_id.to_string();
    let posted = form.is_from(SubmitHalfYear::PATH, "id", &id);
    let state = form.clone().if_posted(posted);
    view! {
        <section class="report-section no-print" id="skicka-in" aria-labelledby="skicka-in-rubrik">
            <h2 id="skicka-in-rubrik">"Skicka in"</h2>
            {posted.then(|| view! { <ErrorSummary state=state.clone()/> })}
            {if !data.may_submit {
                view! { <p>{format!("Redovisningen kan skickas in från den 1 {} {}.", if data.half.half() == 1 { "juni" } else { "december" }, data.half.year())}</p> }.into_any()
            } else if !data.not_ready.is_empty() {
                view! { <p>{format!("Markera alla textavsnitt som klara innan du skickar in. Kvar: {}.", data.not_ready.join(", "))}</p> }.into_any()
            } else {
                view! {
                    <p>"När du skickar in låses siffrorna och texterna som de är nu. Beredningsgruppen granskar redovisningen."</p>
                    <PostForm action=page fn_path=SubmitHalfYear::PATH class="form">
                        <input type="hidden" name="id" value=id/>
                        <input type="hidden" name="halvar" value=data.half.to_string()/>
                        <button type="submit" class="button">"Skicka in redovisningen"</button>
                    </PostForm>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn ReviewForm(data: ReportPage, page: String, version: i64) -> impl IntoView {
    let form = use_form_state();
    let id = data.initiative_id.to_string();
    let posted = form.is_from(ReviewHalfYear::PATH, "id", &id);
    let state = form.clone().if_posted(posted);
    let chosen = state.value_or("review[decision]", "");
    let decision_error = state.error("review[decision]");
    let mut targets: Vec<(String, String)> =
        vec![(OVERALL.to_string(), "Hela redovisningen".to_string())];
    targets.extend(
        data.sections
            .iter()
            .map(|s| (s.id.clone(), s.title.clone())),
    );
    targets.extend(
        NARRATIVES
            .iter()
            .map(|(k, h, _)| (k.to_string(), h.to_string())),
    );
    view! {
        <section class="report-section no-print" id="granska" aria-labelledby="granska-rubrik">
            <h2 id="granska-rubrik">"Granska"</h2>
            {posted.then(|| view! { <ErrorSummary state=state.clone()/> })}
            <PostForm action=page fn_path=ReviewHalfYear::PATH class="form">
                <input type="hidden" name="id" value=id/>
                <input type="hidden" name="halvar" value=data.half.to_string()/>
                <input type="hidden" name="version" value=version.to_string()/>
                <fieldset id="review-decision">
                    <legend>"Beslut"</legend>
                    {decision_error.map(|m| view! { <p class="field-error">{m}</p> })}
                    {Decision::ALL.into_iter().map(|d| {
                        let radio = format!("review-decision-{}", d.as_db());
                        view! {
                            <div class="radio">
                                <input type="radio" id=radio.clone() name="review[decision]" value=d.as_db() checked=chosen == d.as_db()/>
                                <label for=radio>{d.label()}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>"Kommentarer per avsnitt"</legend>
                    {targets.into_iter().map(|(key, heading)| {
                        let name = format!("review[comments][{key}]");
                        let field = field_id(&name);
                        let error = state.error(&name);
                        let error_id = format!("{field}-fel");
                        let value = state.value_or(&name, "");
                        view! {
                            <div class="field" class:field--error=error.is_some()>
                                <label for=field.clone()>{heading}</label>
                                {error.clone().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
                                <TextArea id=field name=name value rows=2 invalid=error.is_some().then_some("true")
                                    described_by=error.is_some().then_some(error_id.clone())/>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button">"Spara granskningen"</button>
            </PostForm>
        </section>
    }
}

#[component]
fn Versions(data: ReportPage) -> impl IntoView {
    (!data.versions.is_empty()).then(|| {
        view! {
            <section class="report-section" id="versioner" aria-labelledby="versioner-rubrik">
                <h2 id="versioner-rubrik">"Versioner och granskning"</h2>
                <ol class="timeline">
                    {data.versions.into_iter().map(|v| view! {
                        <li>
                            <strong>{format!("Version {}", v.version)}</strong>
                            {format!(" inskickad {}", v.submitted)}
                            {match (v.decision.clone(), v.reviewed.clone()) {
                                (Some(d), Some(r)) => view! { <p>{format!("{d}, granskad {r}.")}</p> }.into_any(),
                                _ => view! { <p>"Väntar på granskning."</p> }.into_any(),
                            }}
                            {(!v.comments.is_empty()).then(|| view! {
                                <dl class="review-comments">
                                    {v.comments.into_iter().map(|(h, c)| view! { <dt>{h}</dt><dd class="prewrap">{c}</dd> }).collect_view()}
                                </dl>
                            })}
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        }
    })
}

/// Halvårsredovisningar: every report of a half-year, for beredning and admin.
#[component]
pub fn HalfYearListPage() -> impl IntoView {
    view! {
        <PageTitle text="Halvårsredovisningar"/>
        <Guard access=crate::auth::page_access("/halvarsredovisningar")>
            <ListLoader/>
        </Guard>
    }
}

#[component]
fn ListLoader() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new_blocking(move || query.with(|q| q.get("halvar")), half_year_list);
    loaded(
        data,
        "Hämtar redovisningarna…",
        |data| view! { <List data/> },
    )
}

#[component]
fn List(data: ListData) -> impl IntoView {
    let half = data.half;
    let late = data
        .items
        .iter()
        .filter(|i| i.days_late.is_some() && !i.status.is_some_and(ReportStatus::is_in))
        .count();
    view! {
        <section class="page" aria-labelledby="lista-rubrik">
            <h1 id="lista-rubrik">{format!("Halvårsredovisningar {}", half.label())}</h1>
            <form method="get" action="/halvarsredovisningar" class="filters">
                <div class="field">
                    <label for="halvar">"Halvår"</label>
                    <select id="halvar" name="halvar">
                        {data.halves.iter().map(|h| view! {
                            <option value=h.to_string() selected=*h == half>{format!("{} ({h})", h.label())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button">"Visa"</button>
            </form>
            <p>{format!("Sista dag: {}. {} satsningar redovisar halvåret", data.due_on, data.items.len())}
                {(late > 0).then(|| format!(", {late} är försenade"))}"."</p>
            {if data.items.is_empty() {
                view! { <p class="hint">"Ingen satsning redovisar det här halvåret."</p> }.into_any()
            } else {
                view! {
                    <TableScroll label="Halvårsredovisningar">
                        <table class="table">
                            <caption class="visually-hidden">{format!("Halvårsredovisningar {}", half.label())}</caption>
                            <thead><tr>
                                <th scope="col">"Satsning"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Sista dag"</th>
                                <th scope="col">"Inskickad"</th>
                                <th scope="col" class="num">"Dagar sen"</th>
                            </tr></thead>
                            <tbody>
                                {data.items.into_iter().map(|i| view! {
                                    <tr>
                                        <th scope="row">
                                            <a href=report_path(i.initiative_id, half)>{i.initiative_name.clone()}</a>
                                            {i.is_example.then(|| view! { " " <span class="tag">"Exempeldata"</span> })}
                                        </th>
                                        <td><StatusText status=i.status/></td>
                                        <td>{data.due_on.clone()}</td>
                                        <td>{i.submitted_on.clone().unwrap_or_else(|| "–".into())}</td>
                                        <td class="num">{i.days_late.map_or_else(|| "–".to_string(), |n| n.to_string())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                }.into_any()
            }}
        </section>
    }
}
