//! Parter: the register of nämnder/förvaltningar, idéburna aktörer and kommunala bolag.

use crate::html::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{CIVIL_TYPES, Party, PartyKind, RegisteredParty};
use crate::auth::ui::Guard;
use crate::error::AppError;
use crate::form::{ACTION_FIELD, ErrorSummary, Saved, TextField, use_form_state};
use crate::page::loaded_within;

/// The organisation's parties (anyone who may register satsningar needs the list).
#[server(endpoint = "parter/lista")]
pub async fn list_parties() -> Result<Vec<Party>, AppError> {
    let user =
        crate::auth::require(&[crate::auth::Role::Admin, crate::auth::Role::Evaluator]).await?;
    let db = expect_context::<crate::db::Db>();
    super::repo::list(&db, user.organisation_id).await
}

/// Every party of the organisation, inactive ones last, for the register page.
#[server(endpoint = "parter/register")]
pub async fn party_register() -> Result<Vec<RegisteredParty>, AppError> {
    let user =
        crate::auth::require(&[crate::auth::Role::Admin, crate::auth::Role::Evaluator]).await?;
    let db = expect_context::<crate::db::Db>();
    super::repo::register(&db, user.organisation_id).await
}

/// Ändra part: name, verksamhetsområde or civil type, and whether it is active.
#[server(endpoint = "parter/andra")]
pub async fn update_party(
    part_id: i64,
    namn: String,
    typ: String,
    omrade: Option<String>,
    ideburen_typ: Option<String>,
    aktiv: Option<String>,
) -> Result<Saved, AppError> {
    let user =
        crate::auth::require(&[crate::auth::Role::Admin, crate::auth::Role::Evaluator]).await?;
    let input = super::PartyInput::parse(
        &namn,
        &typ,
        omrade.as_deref().unwrap_or_default(),
        ideburen_typ.as_deref().unwrap_or_default(),
    )?;
    let db = expect_context::<crate::db::Db>();
    let actor = user.actor();
    super::repo::update(
        &db,
        actor,
        part_id,
        &input,
        aktiv.is_some(),
        chrono::Utc::now(),
    )
    .await?;
    Ok(Saved {
        redirect: format!("/parter?andrad=1#part-{part_id}"),
    })
}

/// Lägg till part.
#[server(endpoint = "parter/skapa")]
pub async fn add_party(
    namn: String,
    typ: String,
    omrade: String,
    ideburen_typ: Option<String>,
) -> Result<Saved, AppError> {
    let user =
        crate::auth::require(&[crate::auth::Role::Admin, crate::auth::Role::Evaluator]).await?;
    let input = super::PartyInput::parse(
        &namn,
        &typ,
        &omrade,
        ideburen_typ.as_deref().unwrap_or_default(),
    )?;
    let db = expect_context::<crate::db::Db>();
    let actor = user.actor();
    super::repo::add(&db, actor, &input, chrono::Utc::now()).await?;
    Ok(Saved {
        redirect: "/parter?sparad=1".into(),
    })
}

/// Parter.
#[component]
pub fn PartiesPage() -> impl IntoView {
    view! {
        <PageTitle text="Parter"/>
        <Guard access=crate::auth::page_access("/parter")>
            <PartyRegister/>
        </Guard>
    }
}

#[component]
fn PartyRegister() -> impl IntoView {
    let parties = Resource::new_blocking(|| (), |_| party_register());
    let form = use_form_state();
    let saved = use_query_map().with_untracked(|q| q.get("sparad").is_some());
    let changed = use_query_map().with_untracked(|q| q.get("andrad").is_some());
    // The add form shows a rejected post again; an edit form shows its own.
    let adding = form.values.get(ACTION_FIELD).map(String::as_str) == Some("/api/parter/skapa");
    let add_form = if adding {
        form.clone()
    } else {
        crate::form::FormState::default()
    };
    let select =
        |name: &'static str, label: &'static str, options: Vec<(&'static str, &'static str)>| {
            let selected = add_form.value_or(name, "");
            let error = add_form.error(name);
            let error_id = format!("{name}-fel");
            let described = error.as_ref().map(|_| error_id.clone());
            view! {
                <div class="field">
                    <label for=name>{label}</label>
                    {error.map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
                    <select id=name name=name aria-describedby=described>
                        {options.into_iter().map(|(value, text)| {
                            let is = value == selected;
                            view! { <option value=value selected=is>{text}</option> }
                        }).collect_view()}
                    </select>
                </div>
            }
        };
    view! {
        <section class="page" aria-labelledby="parter-rubrik">
            <h1 id="parter-rubrik">"Parter"</h1>
            <p class="lead">"Nämnder och förvaltningar, idéburna aktörer och kommunala bolag som kan driva satsningar tillsammans."</p>
            {saved.then(|| view! { <p class="notice" role="status">"Parten är tillagd."</p> })}
            {changed.then(|| view! { <p class="notice" role="status">"Ändringen är sparad."</p> })}
            {loaded_within(parties, "Hämtar parter…", move |parties| view! {
                        <table class="table">
                            <thead><tr>
                                <th scope="col">"Namn"</th><th scope="col">"Typ"</th><th scope="col">"Verksamhetsområde"</th>
                                <th scope="col">"Status"</th><th scope="col"><span class="visually-hidden">"Åtgärd"</span></th>
                            </tr></thead>
                            <tbody>
                                {parties.into_iter().map(|p| (p.active, p)).map(|(active, p)| view! {
                                    <tr id=format!("part-{}", p.party.id) class:retired=!active>
                                        <td>{p.party.name.clone()}</td>
                                        <td>{p.party.kind.label()}</td>
                                        <td>{p.party.area.clone().unwrap_or_else(|| "–".into())}</td>
                                        <td>{if active { "Aktiv" } else { "Inaktiv" }}</td>
                                        <td class="row-actions"><EditParty registered=p.clone()/></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
            <h2>"Lägg till part"</h2>
            <ErrorSummary state=add_form.clone()/>
            <form method="post" action="/parter" class="form narrow" novalidate>
                <input type="hidden" name=ACTION_FIELD value="/api/parter/skapa"/>
                <TextField name="namn" label="Namn" value=add_form.value_or("namn", "") error=add_form.error("namn")/>
                {select("typ", "Typ", vec![
                    (PartyKind::Board.as_db(), PartyKind::Board.label()),
                    (PartyKind::Civil.as_db(), PartyKind::Civil.label()),
                    (PartyKind::Company.as_db(), PartyKind::Company.label()),
                ])}
                <TextField name="omrade" label="Verksamhetsområde (för nämnder)" hint="Till exempel Skola eller Individ- och familjeomsorg"
                    value=add_form.value_or("omrade", "") error=add_form.error("omrade")/>
                {select("ideburen_typ", "Sorts idéburen aktör", std::iter::once(("", "Inte idéburen")).chain(CIVIL_TYPES).collect())}
                <button type="submit" class="button">"Lägg till part"</button>
            </form>
        </section>
    }
}

/// "Ändra" for one party: its form in a disclosure, open again when it was rejected.
#[component]
fn EditParty(registered: RegisteredParty) -> impl IntoView {
    let form = use_form_state();
    let party = registered.party;
    let key = party.id;
    let here = form.is_from("/api/parter/andra", "part_id", &key.to_string());
    let value = |field: &str, stored: String| {
        if here {
            form.value_or(field, "")
        } else {
            stored
        }
    };
    let error = |field: &str| here.then(|| form.error(field)).flatten();
    let active = if here {
        form.values.contains_key("aktiv")
    } else {
        registered.active
    };
    let civil = registered.civil_type.clone().unwrap_or_default();
    view! {
        <details class="confirm" open=here>
            <summary aria-label=format!("Ändra {}", party.name)>"Ändra"</summary>
            {here.then(|| view! { <ErrorSummary state=form.clone()/> })}
            <form method="post" action="/parter" class="form" novalidate>
                <input type="hidden" name=ACTION_FIELD value="/api/parter/andra"/>
                <input type="hidden" name="part_id" value=key.to_string()/>
                <input type="hidden" name="typ" value=party.kind.as_db()/>
                <TextField name="namn" id=format!("namn-{key}") label="Namn"
                    value=value("namn", party.name.clone()) error=error("namn")/>
                {(party.kind == PartyKind::Board).then(|| view! {
                    <TextField name="omrade" id=format!("omrade-{key}") label="Verksamhetsområde"
                        value=value("omrade", party.area.clone().unwrap_or_default()) error=error("omrade")/>
                })}
                {(party.kind == PartyKind::Civil).then(|| {
                    let selected = value("ideburen_typ", civil.clone());
                    view! {
                        <div class="field">
                            <label for=format!("ideburen-typ-{key}")>"Sorts idéburen aktör"</label>
                            {error("ideburen_typ").map(|m| view! { <p class="field-error">{m}</p> })}
                            <select id=format!("ideburen-typ-{key}") name="ideburen_typ">
                                {CIVIL_TYPES.iter().map(|(v, text)| {
                                    let is = *v == selected;
                                    view! { <option value=*v selected=is>{*text}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                    }
                })}
                <div class="checkbox">
                    <input type="checkbox" id=format!("aktiv-{key}") name="aktiv" value="ja" checked=active/>
                    <label for=format!("aktiv-{key}")>"Aktiv (kan väljas för nya satsningar)"</label>
                </div>
                <button type="submit" class="button button--secondary">"Spara"</button>
            </form>
        </details>
    }
}
