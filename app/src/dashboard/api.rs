//! Server functions for the dashboards.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{BudgetBurn, Light};
use crate::chart::ChartData;
use crate::error::AppError;
use crate::initiative::Status;
use crate::report::{MonthStatus, Period};

/// Months of reporting the portfolio looks back on.
pub const PORTFOLIO_MONTHS: usize = 6;

/// Measures needing attention listed per satsning in the portfolio (the rest are counted).
pub const ATTENTION_SHOWN: usize = 5;

/// A chart drawn on the server, as the page holds it: the SVG goes into the page's HTML but not
/// into its hydration data. Serialized as `true`, so hydration still knows that a chart is
/// there (and `inner_html` keeps the server's SVG while hydrating) without shipping the SVG a
/// second time, JSON-escaped, in the same page. Client-side navigation gets the SVGs from the
/// server function ([`DashboardData`] with `String`s) instead.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Drawn(pub std::sync::Arc<str>);

impl Serialize for Drawn {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bool(true)
    }
}

impl<'de> Deserialize<'de> for Drawn {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        bool::deserialize(deserializer)?;
        Ok(Drawn::default())
    }
}

impl From<String> for Drawn {
    fn from(svg: String) -> Self {
        Drawn(svg.into())
    }
}

/// One measure on the satsning dashboard. `S` carries the drawn SVGs: `String` from the server
/// function, [`Drawn`] in the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureChart<S = String> {
    pub measure_id: i64,
    pub title: String,
    pub kind: String,
    /// The drawn chart; `None` when there is nothing to draw yet.
    pub svg: Option<S>,
    /// The numbers behind it, for "Visa som tabell".
    pub chart: ChartData,
    pub light: Light,
    /// "62,5 % (okt 2026)".
    pub latest: Option<String>,
    /// The target for the latest value's month.
    pub target_then: Option<String>,
    pub retired: bool,
    /// For indikatorer: the comparison with kommun, län and riket.
    pub comparison: Option<Comparison<S>>,
    /// The measure's open avvikelser, each with the chart labels of the months it concerns
    /// (named in the table alternative).
    pub flags: Vec<ChartFlag>,
}

/// An open avvikelse on a chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartFlag {
    pub id: i64,
    /// The rule's Swedish name.
    pub rule: String,
    /// The chart's period labels ("nov 26") of the flagged months.
    pub labels: Vec<String>,
}

impl<S> MeasureChart<S> {
    fn map_svg<T>(self, f: impl Fn(S) -> T + Copy) -> MeasureChart<T> {
        MeasureChart {
            measure_id: self.measure_id,
            title: self.title,
            kind: self.kind,
            svg: self.svg.map(f),
            chart: self.chart,
            light: self.light,
            latest: self.latest,
            target_then: self.target_then,
            retired: self.retired,
            comparison: self.comparison.map(|c| Comparison {
                kpi: c.kpi,
                svg: c.svg.map(f),
                data: c.data,
                verdict: c.verdict,
            }),
            flags: self.flags,
        }
    }
}

/// An indicator next to its Kolada comparison levels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison<S = String> {
    /// The KPI named in the indicator's source, if any.
    pub kpi: Option<String>,
    pub svg: Option<S>,
    pub data: crate::chart::MultiSeries,
    /// "E1: Samma riktning: …", when there is enough to judge.
    pub verdict: Option<String>,
}

/// Measures under one heading (mål → aktivitet, or a mål's indikatorer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartGroup<S = String> {
    pub goal: String,
    pub heading: String,
    pub charts: Vec<MeasureChart<S>>,
}

/// The satsning dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardData<S = String> {
    pub groups: Vec<ChartGroup<S>>,
    /// Why there is nothing to show, if so.
    pub empty: Option<String>,
}

impl DashboardData {
    /// As the page holds it: SVGs for the HTML only, not for the hydration data.
    pub fn drawn(self) -> DashboardData<Drawn> {
        DashboardData {
            groups: self
                .groups
                .into_iter()
                .map(|g| ChartGroup {
                    goal: g.goal,
                    heading: g.heading,
                    charts: g
                        .charts
                        .into_iter()
                        .map(|c| c.map_svg(Drawn::from))
                        .collect(),
                })
                .collect(),
            empty: self.empty,
        }
    }
}

/// Charts for every measure of the satsning, grouped like its schema.
#[server(endpoint = "oversikt/satsning")]
pub async fn initiative_dashboard(
    id: i64,
    kumulativ: Option<bool>,
) -> Result<DashboardData, AppError> {
    use crate::schema::MeasureKind;
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    let db = expect_context::<crate::db::Db>();
    let schema = crate::schema::repo::load(&db, id).await?;
    let organisation = crate::organisation::repo::get(&db, user.organisation_id).await?;
    if schema.measures.is_empty() {
        return Ok(DashboardData {
            groups: Vec::new(),
            empty: Some("Schemat har inga mått ännu.".into()),
        });
    }
    let today = crate::sv::time::local_date(chrono::Utc::now());
    let months = if initiative.status >= Status::Decided {
        crate::report::reporting_months(initiative.start, initiative.end, today)
    } else {
        Vec::new()
    };
    if months.is_empty() {
        return Ok(DashboardData {
            groups: Vec::new(),
            empty: Some(if initiative.status < Status::Decided {
                "Inga värden ännu: rapporteringen börjar när satsningen är beslutad.".into()
            } else {
                format!("Inga värden ännu: satsningen startar {}.", initiative.start)
            }),
        });
    }
    let series = crate::report::repo::series(&db, id, months[0], months[months.len() - 1]).await?;
    let own_values = |measure_id: i64| -> &[(Period, f64)] {
        series.get(&measure_id).map_or(&[], Vec::as_slice)
    };
    // Kolada series for each KPI the indicators name, read once.
    let mut kolada = std::collections::HashMap::new();
    for m in schema
        .measures
        .iter()
        .filter(|m| m.kind == MeasureKind::Indicator)
    {
        if let Some(kpi) = crate::indicator::kpi_of(&m.comparison)
            && !kolada.contains_key(&kpi)
        {
            let series = crate::indicator::repo::series(&db, user.organisation_id, &kpi).await?;
            kolada.insert(kpi, series);
        }
    }
    let names = if kolada.is_empty() {
        crate::indicator::Names::default()
    } else {
        crate::indicator::repo::names(&db, user.organisation_id).await?
    };
    let levels = crate::indicator::named_levels(
        &crate::indicator::levels(&organisation.code),
        &names,
        (&organisation.code, &organisation.name),
    );
    let comparison = |m: &crate::schema::Measure| -> Comparison {
        let kpi = crate::indicator::kpi_of(&m.comparison);
        let rows: &[(String, i32, f64)] = kpi
            .as_ref()
            .and_then(|k| kolada.get(k))
            .map_or(&[], Vec::as_slice);
        let kpi_name = kpi
            .as_ref()
            .and_then(|k| names.kpis.get(k))
            .map(String::as_str);
        let (data, verdict) = super::comparison::indicator_comparison(
            m, &schema, &levels, rows, own_values, kpi_name,
        );
        Comparison {
            svg: kpi
                .as_ref()
                .and_then(|_| crate::chart::svg_lines(&data, &format!("jamforelse-{}", m.id))),
            kpi,
            data,
            verdict,
        }
    };
    let flags = crate::deviation::repo::chart_flags(&db, user.organisation_id, id).await?;
    let chart_flags = |measure: i64| -> Vec<ChartFlag> {
        flags
            .iter()
            .filter(|(_, m, _, _)| *m == measure)
            .map(|(flag, _, rule, points)| ChartFlag {
                id: *flag,
                rule: crate::deviation::rules::rule(rule)
                    .map_or_else(|| rule.clone(), |r| r.label.to_string()),
                labels: points.iter().map(|p| super::period_label(*p)).collect(),
            })
            .collect()
    };
    let chart = |m: &crate::schema::Measure| {
        let own = own_values(m.id);
        let periods = super::measure_periods(m, &months);
        let mut data = super::chart_data(m, &periods, own);
        if kumulativ == Some(true) && m.kind == MeasureKind::Activity {
            super::make_cumulative(&mut data);
        }
        let flags = chart_flags(m.id);
        data.flagged = (0..data.labels.len())
            .filter(|i| flags.iter().any(|f| f.labels.contains(&data.labels[*i])))
            .collect();
        let latest = own.last().copied();
        let light = if m.retired {
            Light::Unknown
        } else {
            super::measure_light(m, latest.map(|(p, v)| (p.last_day(), v)))
        };
        MeasureChart {
            measure_id: m.id,
            title: format!("{} {}", m.code, m.name),
            kind: m.kind.label().to_string(),
            svg: crate::chart::svg(&data, &format!("diagram-{}", m.id)),
            chart: data,
            light,
            latest: latest
                .map(|(p, v)| format!("{} ({})", crate::report::with_unit(m, v), p.label())),
            target_then: latest
                .and_then(|(p, _)| crate::report::target_on(m, p.last_day()))
                // A point on the target line: one decimal is precision enough.
                .map(|t| crate::report::with_unit(m, (t * 10.0).round() / 10.0)),
            retired: m.retired,
            comparison: (m.kind == MeasureKind::Indicator).then(|| comparison(m)),
            flags,
        }
    };
    let all: Vec<&crate::schema::Measure> = schema.measures.iter().collect();
    let groups = schema
        .grouped(&all, chart)
        .into_iter()
        .map(|g| ChartGroup {
            goal: g.goal,
            heading: g.heading,
            charts: g.items,
        })
        .collect();
    Ok(DashboardData {
        groups,
        empty: None,
    })
}

/// One satsning in the portfolio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortfolioRow {
    pub id: i64,
    pub name: String,
    pub is_example: bool,
    pub status: Status,
    pub period: String,
    pub elapsed_percent: u8,
    /// The last months' reporting, oldest first (only months the satsning reports).
    pub reporting: Vec<(Period, MonthStatus)>,
    /// Why no months are shown, when none are: not yet decided, not started, or ended.
    pub no_reporting: String,
    pub completeness: Option<u8>,
    /// Of the months shown that are past their due date: (marked inrapporterad, all).
    pub due_months: (usize, usize),
    /// The worst of the measures' lights and the reporting light.
    pub light: Light,
    pub budget_sek: i64,
    pub burn: BudgetBurn,
    /// "E1 Andel …" with its light, worst first: the measures needing attention (at most
    /// [`ATTENTION_SHOWN`]).
    pub attention: Vec<(String, Light)>,
    /// How many more measures need attention than are listed.
    pub attention_more: usize,
    pub leads: Vec<String>,
    /// Open deviation flags of the satsning (linked to its page's list).
    pub open_flags: usize,
    /// Its uppföljande utvärdering, once it has ended.
    pub follow_up: Option<crate::halfyear::follow_up::FollowUpState>,
}

/// The portfolio's totals over the rows shown; the light counts over the rows the other
/// filters leave (so each count is what its light link shows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub count: usize,
    /// Budget of the satsningar that are beslutad or later.
    pub decided_sek: i64,
    pub per_status: Vec<(Status, usize)>,
    pub per_light: Vec<(Light, usize)>,
}

/// The portfolio section under one filter, as the server rendered it (filters, totals and
/// the table). Kept per data version, viewer and filter (see [`super::cache`]).
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioData {
    /// The rows shown, as HTML (`<tr>…</tr>` each, rendered once per data version by
    /// [`super::ui::row_html`] and kept in the cache).
    pub rows_html: String,
    /// How many rows `rows_html` holds.
    pub shown: usize,
    pub totals: Totals,
    pub parties: Vec<(i64, String)>,
    pub leads: Vec<(i64, String)>,
    pub months: Vec<Period>,
}

/// The portfolio as the page shows it: its HTML, rendered on the server.
///
/// Left out when the page's data is serialized for hydration (`#[serde(skip)]`): the section is
/// already in the server-rendered page and `inner_html` keeps it while hydrating, so shipping
/// it twice would only double the page and the server's escaping work. The server function
/// sends it as [`PortfolioHtml`] for client-side navigation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PortfolioSection {
    #[serde(skip)]
    pub html: std::sync::Arc<str>,
}

/// What the portfolio server function sends: the section's HTML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortfolioHtml(pub std::sync::Arc<str>);

impl From<PortfolioHtml> for PortfolioSection {
    fn from(PortfolioHtml(html): PortfolioHtml) -> Self {
        Self { html }
    }
}

/// The portfolio rows of the user's organisation as of now (kept per data version).
#[cfg(feature = "ssr")]
pub async fn snapshot(
    user: &crate::auth::CurrentUser,
) -> Result<std::sync::Arc<super::cache::Snapshot>, AppError> {
    let db = expect_context::<crate::db::Db>();
    let cache = expect_context::<super::cache::PortfolioCache>();
    let rules = crate::report::api::rules();
    let today = crate::sv::time::local_date(chrono::Utc::now());
    // Read with the session at the start of the request (server functions and pages alike).
    let known = use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .extensions
            .get::<crate::organisation::DataVersion>()
            .copied()
    });
    cache
        .organisation(&db, user.organisation_id, known, today, &rules)
        .await
}

/// Portföljöversikt: every satsning the user may see, with filters and a sort order, as the
/// page's HTML.
#[server(endpoint = "oversikt/portfolj")]
pub async fn portfolio(
    status: Option<String>,
    part: Option<i64>,
    projektledare: Option<i64>,
    ljus: Option<String>,
    sortera: Option<String>,
    uppfoljning: Option<String>,
) -> Result<PortfolioHtml, AppError> {
    let user = crate::auth::require(&crate::auth::Role::ALL).await?;
    let snapshot = snapshot(&user).await?;
    let filter = super::Filter {
        status: status.filter(|s| !s.is_empty()),
        part,
        lead: projektledare,
        light: ljus.filter(|s| !s.is_empty()),
        sort: sortera.filter(|s| !s.is_empty()),
        follow_up: uppfoljning.filter(|s| !s.is_empty()),
    };
    // The same section for everyone who sees the same satsningar under the same filter.
    let key = super::cache::ViewKey {
        viewer: (!crate::initiative::sees_all(&user)).then_some(user.id),
        filter: filter.clone(),
    };
    if let Some(html) = snapshot.view(&key) {
        return Ok(PortfolioHtml(html));
    }
    let data = super::portfolio::portfolio_data(&snapshot.rows, &snapshot.months, &user, &filter);
    let html: std::sync::Arc<str> = super::ui::portfolio_html(data, filter).into();
    snapshot.keep_view(key, html.clone());
    Ok(PortfolioHtml(html))
}
