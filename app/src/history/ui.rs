//! Historik pages: one object's history (`/historik/{typ}/{id}`) and the Händelselogg of the
//! whole organisation (`/historik`), for admin and utvärderare.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{
    HistoryEntry, KINDS, LOG_ROWS, LogData, LogEntry, LogQuery, audit_log, object_history,
    object_label,
};
use crate::auth::ui::Guard;
use crate::error::AppError;
use crate::form::FilterSelect;
use crate::html::PageTitle;
use crate::layout::TableScroll;
use crate::page::loaded_within;

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
            <p><a href="/historik">"← Händelselogg"</a></p>
            <h1 id="historik-rubrik">
                {move || format!("Historik – {}", object_label(&label()).unwrap_or("okänd typ"))}
            </h1>
            {loaded_within(history, "Hämtar historiken…", |entries| {
                if entries.is_empty() {
                    view! { <p>"Ingen historik ännu."</p> }.into_any()
                } else {
                    let rows = entries.into_iter().map(|entry| LogEntry {
                        entry,
                        object: String::new(),
                        object_href: None,
                        initiative: None,
                    }).collect();
                    view! { <EventTable rows with_object=false/> }.into_any()
                }
            })}
        </section>
    }
}

/// Händelselogg: `/historik?fran=…&till=…&anvandare=…&satsning=…&typ=…`.
#[component]
pub fn LogPage() -> impl IntoView {
    view! {
        <PageTitle text="Händelselogg"/>
        <Guard access=crate::auth::page_access("/historik")>
            <Log/>
        </Guard>
    }
}

#[component]
fn Log() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        query.with(|q| {
            let get = |key: &str| q.get(key).unwrap_or_default();
            LogQuery {
                fran: get("fran"),
                till: get("till"),
                anvandare: get("anvandare"),
                satsning: get("satsning"),
                typ: get("typ"),
            }
        })
    };
    let data = Resource::new_blocking(filter, audit_log);
    view! {
        <section class="page wide" aria-labelledby="logg-rubrik">
            <h1 id="logg-rubrik">"Händelselogg"</h1>
            <p class="lead">"Vem som har ändrat vad och när, nyaste först. Tider i svensk tid."</p>
            {loaded_within(data, "Hämtar händelserna…", |data| view! { <LogView data/> })}
        </section>
    }
}

#[component]
fn LogView(data: LogData) -> impl IntoView {
    let q = data.query.clone();
    let pick = |value: &str| (!value.is_empty()).then(|| value.to_string());
    let choices = |items: &[(i64, String)]| -> Vec<(String, String)> {
        items
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone()))
            .collect()
    };
    let shown = data.entries.len();
    view! {
        <form method="get" action="/historik" class="filters" role="search" aria-label="Filtrera händelseloggen">
            <div class="field">
                <label for="fran">"Från"</label>
                <input id="fran" name="fran" type="date" value=q.fran.clone()/>
            </div>
            <div class="field">
                <label for="till">"Till och med"</label>
                <input id="till" name="till" type="date" value=q.till.clone()/>
            </div>
            <FilterSelect name="anvandare" label="Användare" selected=pick(&q.anvandare) choices=choices(&data.users)/>
            <FilterSelect name="satsning" label="Satsning" selected=pick(&q.satsning) choices=choices(&data.initiatives)/>
            <FilterSelect name="typ" label="Typ av händelse" selected=pick(&q.typ)
                choices=KINDS.iter().map(|k| (k.0.to_string(), k.1.to_string())).collect()/>
            <button type="submit" class="button">"Visa"</button>
            <a href="/historik">"Rensa filter"</a>
        </form>
        <p role="status">{if data.more {
            format!("Visar de {LOG_ROWS} senaste händelserna. Välj en kortare period eller fler filter för att se äldre.")
        } else {
            format!("{shown} händelser.")
        }}</p>
        {if data.entries.is_empty() {
            view! { <p>"Inga händelser matchar filtret."</p> }.into_any()
        } else {
            view! { <EventTable rows=data.entries with_object=true/> }.into_any()
        }}
    }
}

/// Events as a table; `with_object` adds what each one was about and its satsning.
#[component]
fn EventTable(rows: Vec<LogEntry>, with_object: bool) -> impl IntoView {
    view! {
        <TableScroll label="Händelser">
            <table class="table">
                <caption class="visually-hidden">"Händelser, nyaste först"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Tid"</th>
                        <th scope="col">"Händelse"</th>
                        {with_object.then(|| view! { <th scope="col">"Vad"</th><th scope="col">"Satsning"</th> })}
                        <th scope="col">"Av"</th>
                        <th scope="col">"Ändringar"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let e: HistoryEntry = row.entry;
                        view! {
                            <tr>
                                <td>{e.at}</td>
                                <td>{e.action}</td>
                                {with_object.then(|| view! {
                                    <td>{match row.object_href {
                                        Some(href) => view! { <a href=href>{row.object.clone()}</a> }.into_any(),
                                        None => row.object.clone().into_any(),
                                    }}</td>
                                    <td>{match row.initiative.clone() {
                                        Some((id, name)) => view! { <a href=format!("/satsningar/{id}")>{name}</a> }.into_any(),
                                        None => "–".into_any(),
                                    }}</td>
                                })}
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
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}
