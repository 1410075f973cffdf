//! Server functions for the comparison values.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One imported KPI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiRow {
    pub kpi: String,
    /// Its name, when Kolada's list of KPIs has been imported.
    pub name: Option<String>,
    pub values: i64,
    pub years: String,
    pub imported: String,
}

/// What the comparison page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorPageData {
    pub kpis: Vec<KpiRow>,
    /// The organisation's comparison levels, e.g. Kommunen 1880, Länet 0018, Riket 0000.
    pub levels: Vec<(String, String)>,
}

/// Jämförelsevärden: the KPIs imported for the organisation.
#[server(endpoint = "indikatorer/lista")]
pub async fn indicator_overview() -> Result<IndicatorPageData, AppError> {
    use crate::auth::Role;
    let user = crate::auth::require(&[Role::Admin, Role::Evaluator]).await?;
    let db = expect_context::<crate::db::Db>();
    let organisation = crate::organisation::repo::get(&db, user.organisation_id).await?;
    let names = super::repo::names(&db, user.organisation_id).await?;
    let kpis = super::repo::overview(&db, user.organisation_id)
        .await?
        .into_iter()
        .map(|(kpi, values, first, last, at)| KpiRow {
            name: names.kpis.get(&kpi).cloned(),
            kpi,
            values,
            years: if first == last {
                first.to_string()
            } else {
                format!("{first}–{last}")
            },
            imported: at.format("%Y-%m-%d").to_string(),
        })
        .collect();
    Ok(IndicatorPageData {
        kpis,
        levels: super::levels(&organisation.code)
            .into_iter()
            .map(|(l, m)| (l.to_string(), m))
            .collect(),
    })
}
