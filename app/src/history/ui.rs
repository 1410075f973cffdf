//! Historik: an object's audit trail, for admin and utvärderare.

use crate::html::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use crate::auth::ui::Guard;
use crate::error::AppError;
use crate::page::loaded_within;

/// One event as shown in the Historik table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// "2026-11-25 14:05 UTC"
    pub at: String,
    pub action: String,
    pub actor: String,
    /// (field, before, after)
    pub changes: Vec<(String, String, String)>,
}

/// Object types with a Historik page, and their Swedish names.
fn object_label(object_type: &str) -> Option<&'static str> {
    match object_type {
        "user_account" => Some("användare"),
        "initiative" => Some("satsning"),
        "measure" => Some("mått"),
        "goal" => Some("mål"),
        "activity" => Some("aktivitet"),
        "party" => Some("part"),
        "document" => Some("dokument"),
        _ => None,
    }
}

/// The history of one object of the caller's organisation.
#[server(endpoint = "historik")]
pub async fn object_history(typ: String, id: i64) -> Result<Vec<HistoryEntry>, AppError> {
    use crate::auth::Role;
    // The same rule as the page (`auth::page_access`): accounts' histories (logins, roles)
    // are admin's, like user administration.
    let roles = match crate::auth::page_access(&format!("/historik/{typ}")) {
        crate::auth::Access::Roles(roles) => roles,
        crate::auth::Access::Public => &[Role::Admin][..],
    };
    let user = crate::auth::require(roles).await?;
    if object_label(&typ).is_none() {
        return Err(AppError::NotFound);
    }
    let db = expect_context::<crate::db::Db>();
    let rows = crate::audit::repo::for_object(&db, user.organisation_id, &typ, id).await?;
    Ok(rows
        .into_iter()
        .map(|row| HistoryEntry {
            at: row.at.format("%Y-%m-%d %H:%M UTC").to_string(),
            action: crate::audit::Action::from_db(&row.action)
                .map_or(row.action.clone(), |a| a.label().to_string()),
            actor: row.actor.unwrap_or_else(|| "–".into()),
            changes: crate::audit::describe_changes(&row.changes),
        })
        .collect())
}

/// Historik för ett objekt: `/historik/{typ}/{id}`.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let params = use_params_map();
    let typ = params.with_untracked(|p| p.get("typ").unwrap_or_default());
    view! {
        <PageTitle text="Historik"/>
        <Guard access=crate::auth::page_access(&format!("/historik/{typ}"))>
            <History/>
        </Guard>
    }
}

/// Loads the history only once the guard has let the viewer in.
#[component]
fn History() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        params.with(|p| {
            let typ = p.get("typ").unwrap_or_default();
            let id = p.get("id").and_then(|id| id.parse::<i64>().ok());
            (typ, id)
        })
    };
    let history = Resource::new_blocking(key, |(typ, id)| async move {
        match id {
            Some(id) => object_history(typ, id).await,
            None => Err(AppError::NotFound),
        }
    });
    let label = move || key().0;
    view! {
            <section class="page" aria-labelledby="historik-rubrik">
                <h1 id="historik-rubrik">
                    {move || format!("Historik – {}", object_label(&label()).unwrap_or("okänd typ"))}
                </h1>
                {loaded_within(history, "Hämtar historiken…", |entries| {
                    if entries.is_empty() {
                        view! { <p>"Ingen historik ännu."</p> }.into_any()
                    } else {
                        view! { <HistoryTable entries/> }.into_any()
                    }
                })}
            </section>
    }
}

#[component]
fn HistoryTable(entries: Vec<HistoryEntry>) -> impl IntoView {
    view! {
        <table class="table">
            <caption class="visually-hidden">"Händelser, nyaste först"</caption>
            <thead>
                <tr>
                    <th scope="col">"Tid"</th>
                    <th scope="col">"Händelse"</th>
                    <th scope="col">"Av"</th>
                    <th scope="col">"Ändringar"</th>
                </tr>
            </thead>
            <tbody>
                {entries.into_iter().map(|e| view! {
                    <tr>
                        <td>{e.at}</td>
                        <td>{e.action}</td>
                        <td>{e.actor}</td>
                        <td>
                            <ul class="changes">
                                {e.changes.into_iter().map(|(field, before, after)| {
                                    let text = if before.is_empty() {
                                        format!("{field}: {after}")
                                    } else {
                                        format!("{field}: {before} → {after}")
                                    };
                                    view! { <li>{text}</li> }
                                }).collect_view()}
                            </ul>
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
