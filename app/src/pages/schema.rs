//! The schema editor's page (`/satsningar/{id}/schema`): the schema from `schema`, and beside
//! each measure its latest reported value and light, which need `report` and `dashboard`
//! (both build on `schema`, so the page that joins them lives here).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::auth::ui::Guard;
use crate::error::AppError;
use crate::html::PageTitle;
use crate::schema::api::{LatestValue, SchemaPageData};
use crate::schema::ui::{SchemaEditor, access};

/// What the editor page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemaEditorData {
    pub page: SchemaPageData,
    pub latest: Vec<LatestValue>,
}

/// The schema of a satsning the caller may see, with its measures' latest values.
#[server(endpoint = "schema/sida")]
pub async fn schema_editor(id: i64) -> Result<SchemaEditorData, AppError> {
    let (user, initiative) = crate::initiative::api::load_visible(id).await?;
    let page = crate::schema::api::page_data(&user, &initiative).await?;
    let db = expect_context::<crate::db::Db>();
    let months = crate::report::reporting_months(
        initiative.start,
        initiative.end,
        crate::sv::time::local_date(chrono::Utc::now()),
    );
    let values = match (months.first(), months.last()) {
        (Some(first), Some(last)) => crate::report::repo::values(&db, id, *first, *last)
            .await?
            .into_iter()
            .filter_map(|v| Some((v.measure_id, v.period, v.value?)))
            .collect(),
        _ => Vec::new(),
    };
    let latest = crate::dashboard::latest_values(&page.schema.measures, &values);
    Ok(SchemaEditorData { page, latest })
}

/// Utvärderingsschema (editor).
#[component]
pub fn SchemaPage() -> impl IntoView {
    let data = crate::page::by_id(crate::page::route_id(), schema_editor);
    view! {
        <PageTitle text="Utvärderingsschema"/>
        <Guard access=access()>
            {crate::page::loaded(data, "Hämtar utvärderingsschemat…", |d| {
                view! { <SchemaEditor data=d.page latest=d.latest/> }
            })}
        </Guard>
    }
}
