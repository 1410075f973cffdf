//! Dashboard pages: the portfolio (`/oversikt`) and the charts on the satsning page.

use crate::html::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::Filter;
use super::api::{
    DashboardData, Drawn, MeasureChart, PortfolioSection, initiative_dashboard, portfolio,
};
use crate::auth::ui::Guard;
use crate::chart::ChartData;
#[cfg(feature = "ssr")]
use crate::form::FilterSelect;
#[cfg(feature = "ssr")]
use crate::initiative::Status;
#[cfg(feature = "ssr")]
use crate::light::Light;
use crate::page::loaded_within;
use crate::sv::number::format_decimal;
#[cfg(feature = "ssr")]
use crate::sv::number::format_sek;

#[cfg(feature = "ssr")]
use crate::layout::TableScroll;
use crate::light::LightBadge;

/// The charts of the satsning in `id`, to hand to [`InitiativeCharts`]. `?kumulativ=1` draws
/// aktivitetsmått as running totals.
pub fn chart_resource(
    id: impl Fn() -> Option<i64> + Send + Sync + 'static,
) -> Resource<Result<DashboardData<Drawn>, crate::error::AppError>> {
    let query = use_query_map();
    let cumulative = move || query.with(|q| q.get("kumulativ").is_some_and(|v| v == "1"));
    Resource::new_blocking(
        move || (id(), cumulative()),
        |(id, cumulative)| async move {
            match id {
                Some(id) => initiative_dashboard(id, Some(cumulative))
                    .await
                    .map(DashboardData::drawn),
                None => Err(crate::error::AppError::NotFound),
            }
        },
    )
}

/// The satsning's charts, grouped like its schema (on the satsning page); beside each
/// effektmått fed by an enkät, that survey's latest results per wave.
#[component]
pub fn InitiativeCharts(
    data: Resource<Result<DashboardData<Drawn>, crate::error::AppError>>,
    #[prop(optional)] surveys: Vec<crate::survey::api::MeasureSurvey>,
) -> impl IntoView {
    let query = use_query_map();
    let cumulative = query.with_untracked(|q| q.get("kumulativ").is_some_and(|v| v == "1"));
    view! {
        <section id="resultat" aria-labelledby="resultat-rubrik">
            <h2 id="resultat-rubrik">"Resultat"</h2>
            <p class="no-print">{if cumulative {
                view! { <a href="?#resultat">"Visa aktivitetsmåtten per period"</a> }.into_any()
            } else {
                view! { <a href="?kumulativ=1#resultat">"Visa aktivitetsmåtten kumulativt"</a> }.into_any()
            }}</p>
            <Suspense fallback=|| view! { <p>"Ritar diagrammen…"</p> }>
                {move || data.get().map(|result| match result {
                    Ok(data) => view! { <Charts data surveys=surveys.clone()/> }.into_any(),
                    Err(error) => view! { <p class="notice">{error.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Charts(
    data: DashboardData<Drawn>,
    surveys: Vec<crate::survey::api::MeasureSurvey>,
) -> impl IntoView {
    if let Some(empty) = data.empty {
        return view! { <p class="hint">{empty}</p> }.into_any();
    }
    let mut last_goal = String::new();
    data.groups
        .into_iter()
        .map(|group| {
            let goal = (group.goal != last_goal).then(|| group.goal.clone());
            last_goal = group.goal.clone();
            view! {
                {goal.map(|g| view! { <h3>{g}</h3> })}
                <h4>{group.heading}</h4>
                <div class="small-multiples">
                    {group.charts.into_iter().map(|chart| {
                        let fed: Vec<_> = surveys.iter().filter(|s| s.measure_id == chart.measure_id).cloned().collect();
                        view! { <ChartFigure chart surveys=fed/> }
                    }).collect_view()}
                </div>
            }
        })
        .collect_view()
        .into_any()
}

/// A survey question's latest results per wave, beside the effektmått it feeds: n and the
/// value, or "dold – färre än 5 svar" (as suppressed as on the results page), and the link
/// to the results.
#[component]
fn SurveyBeside(survey: crate::survey::api::MeasureSurvey) -> impl IntoView {
    use crate::survey::api::FeedShown;
    view! {
        <div class="chart-survey" data-survey=survey.survey_id.to_string()>
            <p>
                "Från enkäten "<strong>{survey.survey_title.clone()}</strong>": "
                {format!("”{}” ({})", survey.question, survey.rule)}
            </p>
            <ul class="cell-list">
                {survey.waves.into_iter().map(|w| view! {
                    <li class="survey-wave">
                        {format!("{} ({}): ", w.wave, w.state)}
                        {match w.shown {
                            FeedShown::Value { n, value } => format!("{value} (n = {n})"),
                            FeedShown::Hidden { min } => FeedShown::hidden_text(min),
                        }}
                    </li>
                }).collect_view()}
            </ul>
            <p><a href=format!("/satsningar/{}/enkater/{}/resultat", survey.initiative_id, survey.survey_id)>
                {format!("Resultat för {}", survey.survey_title)}
            </a></p>
        </div>
    }
}

#[component]
fn ChartFigure(
    chart: MeasureChart<Drawn>,
    surveys: Vec<crate::survey::api::MeasureSurvey>,
) -> impl IntoView {
    let caption_id = format!("diagram-rubrik-{}", chart.measure_id);
    let labelled_by = caption_id.clone();
    let status = match (&chart.latest, &chart.target_then) {
        (Some(latest), Some(target)) => format!("Senast {latest}, mål då {target}."),
        (Some(latest), None) => format!("Senast {latest}. Inget målvärde."),
        (None, _) => "Inga värden rapporterade ännu.".to_string(),
    };
    view! {
        <figure class="chart-card" aria-labelledby=labelled_by>
            <figcaption id=caption_id>
                <strong>{chart.title.clone()}</strong>" "
                <span class="hint">{chart.kind.clone()}</span>
                {chart.retired.then(|| view! { " " <span class="tag">"Ur bruk"</span> })}
                <br/>
                <LightBadge light=chart.light/>" "<span>{status}</span>
            </figcaption>
            {match chart.svg.clone() {
                Some(Drawn(svg)) => view! { <div class="chart" inner_html=svg></div> }.into_any(),
                None => view! { <p class="chart-empty">"Inget att rita ännu: inga värden och ingen målkurva."</p> }.into_any(),
            }}
            {(!chart.flags.is_empty()).then(|| view! {
                <ul class="chart-flags">
                    {chart.flags.iter().map(|f| view! {
                        <li>"Avvikelse: "<a href=format!("/avvikelser/{}", f.id)>{f.rule.clone()}</a>
                            {(!f.labels.is_empty()).then(|| format!(" ({})", f.labels.join(", ")))}</li>
                    }).collect_view()}
                </ul>
            })}
            <ChartTable data=chart.chart flags=chart.flags/>
            {chart.comparison.map(|c| view! { <ComparisonView comparison=c/> })}
            {surveys.into_iter().map(|s| view! { <SurveyBeside survey=s/> }).collect_view()}
        </figure>
    }
}

/// An indicator beside kommun, län and riket, with the "same direction?" verdict.
#[component]
fn ComparisonView(comparison: super::api::Comparison<Drawn>) -> impl IntoView {
    let Some(kpi) = comparison.kpi.clone() else {
        return view! {
            <p class="hint">"Ingen jämförelse: ange indikatorns Kolada-KPI (till exempel N15428) i dess källa för att jämföra med kommun, län och riket."</p>
        }
        .into_any();
    };
    let data = comparison.data.clone();
    let number = |v: Option<f64>| v.map_or("–".to_string(), format_decimal);
    view! {
        <div class="comparison">
            <p><strong>{format!("Jämförelse: {}", data.title)}</strong>" "<span class="hint">{format!("(Kolada {kpi})")}</span></p>
            {match comparison.svg.clone() {
                Some(Drawn(svg)) => view! { <div class="chart" inner_html=svg></div> }.into_any(),
                None => view! { <p class="chart-empty">{format!("Inga jämförelsevärden för {kpi} är importerade ännu.")}</p> }.into_any(),
            }}
            <p class="verdict">{comparison.verdict.clone().unwrap_or_else(|| "Samma riktning? För få värden för att bedöma.".into())}</p>
            <details class="chart-table">
                <summary>"Visa jämförelsen som tabell"</summary>
                <table class="table">
                    <caption class="visually-hidden">{data.title.clone()}</caption>
                    <thead><tr>
                        <th scope="col">"År"</th>
                        {data.series.iter().map(|(name, _)| view! { <th scope="col" class="num">{name.clone()}</th> }).collect_view()}
                    </tr></thead>
                    <tbody>
                        {data.labels.iter().enumerate().map(|(i, year)| view! {
                            <tr>
                                <th scope="row">{year.clone()}</th>
                                {data.series.iter().map(|(_, values)| view! { <td class="num">{number(values[i])}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </div>
    }
    .into_any()
}

/// "Visa som tabell": the numbers behind a chart.
#[component]
fn ChartTable(data: ChartData, flags: Vec<super::api::ChartFlag>) -> impl IntoView {
    let number = |v: Option<f64>| v.map_or("–".to_string(), format_decimal);
    let has_target = data.target.iter().any(Option::is_some);
    let has_flags = !flags.is_empty();
    // The rules that flagged each month, named in the row: the table's mark for the chart's.
    let flagged = move |label: &str| {
        flags
            .iter()
            .filter(|f| f.labels.iter().any(|l| l == label))
            .map(|f| f.rule.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rows = data
        .labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            view! {
                <tr>
                    <th scope="row">{label.clone()}</th>
                    <td class="num">{number(data.actual[i])}</td>
                    {has_target.then(|| view! { <td class="num">{number(data.target[i])}</td> })}
                    {has_flags.then(|| view! { <td>{flagged(label)}</td> })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="chart-table">
            <summary>"Visa som tabell"</summary>
            <table class="table">
                <caption class="visually-hidden">{data.title.clone()}</caption>
                <thead><tr>
                    <th scope="col">"Period"</th>
                    <th scope="col" class="num">{format!("Utfall{}", if data.unit.is_empty() { String::new() } else { format!(" ({})", data.unit) })}</th>
                    {has_target.then(|| view! { <th scope="col" class="num">"Målkurva"</th> })}
                    {has_flags.then(|| view! { <th scope="col">"Avvikelse"</th> })}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {data.baseline.map(|b| view! { <p class="hint">{format!("Baslinje: {}", format_decimal(b))}</p> })}
        </details>
    }
}

/// Portföljöversikt.
#[component]
pub fn PortfolioPage() -> impl IntoView {
    view! {
        <PageTitle text="Översikt"/>
        <Guard access=crate::auth::page_access("/oversikt")>
            <PortfolioLoader/>
        </Guard>
    }
}

#[component]
fn PortfolioLoader() -> impl IntoView {
    let query = use_query_map();
    let filter = move || query.with(|q| Filter::from_query(|key| q.get(key)));
    let data = Resource::new_blocking(filter, |f: Filter| async move {
        portfolio(f.status, f.part, f.lead, f.light, f.sort, f.follow_up)
            .await
            .map(PortfolioSection::from)
    });
    view! {
        <section class="page wide" aria-labelledby="oversikt-rubrik">
            <h1 id="oversikt-rubrik">"Översikt"</h1>
            <p class="lead">"Alla satsningar du kan se: status, rapportering, trafikljus och budget mot tid."</p>
            // Rendered on the server (`portfolio_html`), kept per data version.
            {loaded_within(data, "Hämtar översikten…", |section| view! {
                <div class="portfolio" inner_html=section.html></div>
            })}
        </section>
    }
}

/// The portfolio section (filters, totals, table) as HTML: rendered by the server function and
/// kept per data version, viewer and filter, so a page view joins ready HTML.
#[cfg(feature = "ssr")]
pub fn portfolio_html(data: super::api::PortfolioData, filter: Filter) -> String {
    Owner::new().with(|| view! { <Portfolio data filter/> }.to_html())
}

#[cfg(feature = "ssr")]
#[component]
fn Portfolio(data: super::api::PortfolioData, filter: Filter) -> impl IntoView {
    let months = data.months.clone();
    let totals = data.totals.clone();
    view! {
        <form method="get" action="/oversikt" class="filters" role="search" aria-label="Filtrera översikten">
            <FilterSelect name="status" label="Status" selected=filter.status.clone()
                choices=Status::ALL.iter().map(|s| (s.as_db().to_string(), s.label().to_string())).collect()/>
            <FilterSelect name="part" label="Nämnd eller part" selected=filter.part.map(|p| p.to_string())
                choices=data.parties.iter().map(|(id, name)| (id.to_string(), name.clone())).collect()/>
            <FilterSelect name="projektledare" label="Projektledare" selected=filter.lead.map(|p| p.to_string())
                choices=data.leads.iter().map(|(id, name)| (id.to_string(), name.clone())).collect()/>
            <FilterSelect name="ljus" label="Trafikljus" selected=filter.light.clone()
                choices=[Light::Red, Light::Yellow, Light::Green, Light::Unknown]
                    .iter().map(|l| (l.as_param().to_string(), l.label().to_string())).collect()/>
            <FilterSelect name="uppfoljning" label="Uppföljning (avslutade)" selected=filter.follow_up.clone()
                choices=crate::halfyear::follow_up::FollowUpState::ALL
                    .iter().map(|s| (s.as_param().to_string(), s.label().to_string())).collect()/>
            <FilterSelect name="sortera" label="Sortera efter" selected=filter.sort.clone() all=false
                choices=[("namn", "Namn"), ("ljus", "Trafikljus (sämst först)"), ("status", "Status"), ("fullstandighet", "Rapportering (lägst först)")]
                    .iter().map(|(v, t)| (v.to_string(), t.to_string())).collect()/>
            <button type="submit" class="button">"Visa"</button>
            <a href="/oversikt?status=">"Alla satsningar"</a>
            <a href="/oversikt">"Pågående, sämst först"</a>
        </form>
        <div class="totals" role="status">
            <p><strong>{format!("{} satsningar", totals.count)}</strong>
                {format!(" · beslutade medel {}", format_sek(totals.decided_sek))}
                " · förbrukat: inga kostnader registrerade ännu"</p>
            <p>{totals.per_status.iter().map(|(s, n)| format!("{}: {n}", s.label())).collect::<Vec<_>>().join(" · ")}</p>
            <ul class="legend light-filters" aria-label="Visa satsningar med trafikljuset">
                {totals.per_light.into_iter().map(|(l, n)| {
                    let current = filter.light.as_deref() == Some(l.as_param());
                    view! {
                        <li><a href=format!("/oversikt?{}", filter.query_with_light(l))
                            aria-current=current.then_some("true")>
                            <LightBadge light=l/>{format!(" {n}")}
                        </a></li>
                    }
                }).collect_view()}
            </ul>
        </div>
        {if data.shown == 0 {
            view! { <p>"Inga satsningar matchar filtret."</p> }.into_any()
        } else {
            view! {
                <TableScroll label="Satsningar">
                    <table class="table portfolio-table">
                        <caption class="visually-hidden">"Satsningar med status, rapportering, trafikljus och budget"</caption>
                        <thead><tr>
                            <th scope="col">"Satsning"</th>
                            <th scope="col">"Trafikljus"</th>
                            <th scope="col">"Period"</th>
                            <th scope="col">{format!("Rapportering {} – {}", months.first().map(|p| p.label()).unwrap_or_default(), months.last().map(|p| p.label()).unwrap_or_default())}</th>
                            <th scope="col" class="num">"Budget"</th>
                            <th scope="col">"Behöver uppmärksamhet"</th>
                        </tr></thead>
                        // Rows rendered once per data version (see `row_html`).
                        <tbody inner_html=data.rows_html></tbody>
                    </table>
                </TableScroll>
            }.into_any()
        }}
    }
}

/// A portfolio row as HTML. The portfolio keeps every row rendered in its cache, so a page
/// view joins ready rows instead of rendering a hundred of them again.
#[cfg(feature = "ssr")]
pub fn row_html(row: super::api::PortfolioRow) -> String {
    Owner::new().with(|| view! { <PortfolioLine row/> }.to_html())
}

#[cfg(feature = "ssr")]
#[component]
fn PortfolioLine(row: super::api::PortfolioRow) -> impl IntoView {
    let id = row.id;
    let progress = row.elapsed_percent;
    view! {
        <tr data-light=row.light.as_param()>
            <th scope="row">
                <a href=format!("/satsningar/{id}")>{row.name.clone()}</a>
                {row.is_example.then(|| view! { " " <span class="tag">"Exempeldata"</span> })}
                <br/><span class="hint">{row.status.label()}
                    {(!row.leads.is_empty()).then(|| format!(" · {}", row.leads.join(", ")))}</span>
                {row.follow_up.map(|f| view! {
                    <br/><a href=crate::halfyear::follow_up::follow_up_path(id)>{format!("Uppföljning: {}", f.label().to_lowercase())}</a>
                })}
                {(row.open_flags > 0).then(|| view! {
                    <br/><a href=format!("/satsningar/{id}#avvikelser-rubrik") class="flag-count">{match row.open_flags {
                        1 => "1 öppen avvikelse".to_string(),
                        n => format!("{n} öppna avvikelser"),
                    }}</a>
                })}
            </th>
            <td><LightBadge light=row.light/></td>
            <td>
                <span class="hint">{row.period.clone()}</span><br/>
                <progress max="100" value=progress.to_string()
                    aria-label=format!("{progress} % av perioden har gått")></progress>
                " "{format!("{progress} %")}
            </td>
            <td>
                {if row.reporting.is_empty() {
                    view! { <span class="hint">{row.no_reporting.clone()}</span> }.into_any()
                } else {
                    view! {
                        // The symbols are for the eye; the link's name says every month in words.
                        <a href=format!("/satsningar/{id}/rapportera") class="mini-months">
                            {row.reporting.iter().map(|(_, s)| view! {
                                <span class=format!("month-status {}", s.class()) aria-hidden="true"><crate::report::ui::StatusMark status=*s/></span>
                            }).collect_view()}
                            <span class="visually-hidden">{format!(
                                "Rapportering: {}",
                                row.reporting.iter().map(|(p, s)| format!("{} {}", p.label(), s.label().to_lowercase())).collect::<Vec<_>>().join(", ")
                            )}</span>
                        </a>
                        <br/><span class="hint">{match (row.completeness, row.due_months) {
                            (Some(c), (done, due)) => format!("{c} % inrapporterat ({done} av {due} förfallna månader)"),
                            (None, _) => "Ingen av månaderna har förfallit ännu".to_string(),
                        }}</span>
                    }.into_any()
                }}
            </td>
            <td class="num">
                {format_sek(row.budget_sek)}<br/>
                <span class="hint">{match row.burn.spent_percent {
                    Some(spent) => format!("{spent} % förbrukat, {} % av tiden", row.burn.elapsed_percent),
                    None => format!("{} % av tiden, kostnader saknas", row.burn.elapsed_percent),
                }}</span>
            </td>
            <td>
                {if row.attention.is_empty() {
                    view! { <span class="hint">"–"</span> }.into_any()
                } else {
                    view! {
                        <ul class="cell-list">
                            {row.attention.into_iter().map(|(m, l)| view! { <li><LightBadge light=l/>" "{m}</li> }).collect_view()}
                            {(row.attention_more > 0).then(|| view! {
                                <li><a href=format!("/satsningar/{id}")>{format!("och {} till", row.attention_more)}</a></li>
                            })}
                        </ul>
                    }.into_any()
                }}
            </td>
        </tr>
    }
}
