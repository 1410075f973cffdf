//! Parter: the register of nämnder/förvaltningar, idéburna aktörer and kommunala bolag.

use crate::html::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use leptos::server_fn::ServerFn;

use super::api::{AddParty, UpdateParty, party_register};
use super::{CIVIL_TYPES, PartyKind, RegisteredParty};
use crate::auth::ui::Guard;
use crate::form::{ACTION_FIELD, ErrorSummary, PostForm, TextField, field_id, use_form_state};
use crate::page::loaded_within;

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
    let adding = form.values.get(ACTION_FIELD).map(String::as_str) == Some(AddParty::PATH);
    let add_form = form.clone().if_posted(adding);
    let select = {
        let add_form = add_form.clone();
        move |name: &'static str,
              label: &'static str,
              options: Vec<(&'static str, &'static str)>| {
            let selected = add_form.value_or(name, "");
            let error = add_form.error(name);
            let id = field_id(name);
            let error_id = format!("{id}-fel");
            let described = error.as_ref().map(|_| error_id.clone());
            view! {
                <div class="field">
                    <label for=id.clone()>{label}</label>
                    {error.map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
                    <select id=id name=name aria-describedby=described>
                        {options.into_iter().map(|(value, text)| {
                            let is = value == selected;
                            view! { <option value=value selected=is>{text}</option> }
                        }).collect_view()}
                    </select>
                </div>
            }
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
            <PostForm action="/parter" fn_path=AddParty::PATH class="form narrow">
                <TextField name="party[name]" label="Namn" value=add_form.value_or("party[name]", "") error=add_form.error("party[name]")/>
                {select("party[kind]", "Typ", vec![
                    (PartyKind::Board.as_db(), PartyKind::Board.label()),
                    (PartyKind::Civil.as_db(), PartyKind::Civil.label()),
                    (PartyKind::Company.as_db(), PartyKind::Company.label()),
                ])}
                <TextField name="party[area]" label="Verksamhetsområde (för nämnder)" hint="Till exempel Skola eller Individ- och familjeomsorg"
                    value=add_form.value_or("party[area]", "") error=add_form.error("party[area]")/>
                {select("party[civil_type]", "Sorts idéburen aktör", std::iter::once(("", "Inte idéburen")).chain(CIVIL_TYPES).collect())}
                <button type="submit" class="button">"Lägg till part"</button>
            </PostForm>
        </section>
    }
}

/// "Ändra" for one party: its form in a disclosure, open again when it was rejected.
#[component]
fn EditParty(registered: RegisteredParty) -> impl IntoView {
    let form = use_form_state();
    let party = registered.party;
    let key = party.id;
    let here = form.is_from(UpdateParty::PATH, "part_id", &key.to_string());
    let form = form.if_posted(here);
    let active = form.checked_or("party[active]", registered.active);
    let civil = registered.civil_type.clone().unwrap_or_default();
    view! {
        <details class="confirm" open=here>
            <summary aria-label=format!("Ändra {}", party.name)>"Ändra"</summary>
            {here.then(|| view! { <ErrorSummary state=form.clone()/> })}
            <PostForm action="/parter" fn_path=UpdateParty::PATH>
                <input type="hidden" name="part_id" value=key.to_string()/>
                <input type="hidden" name="party[kind]" value=party.kind.as_db()/>
                <TextField name="party[name]" id=format!("party-name-{key}") label="Namn"
                    value=form.value_or("party[name]", &party.name) error=form.error("party[name]")/>
                {(party.kind == PartyKind::Board).then(|| view! {
                    <TextField name="party[area]" id=format!("party-area-{key}") label="Verksamhetsområde"
                        value=form.value_or("party[area]", party.area.as_deref().unwrap_or_default()) error=form.error("party[area]")/>
                })}
                {(party.kind == PartyKind::Civil).then(|| {
                    let selected = form.value_or("party[civil_type]", &civil);
                    view! {
                        <div class="field">
                            <label for=format!("party-civil_type-{key}")>"Sorts idéburen aktör"</label>
                            {form.error("party[civil_type]").map(|m| view! { <p class="field-error">{m}</p> })}
                            <select id=format!("party-civil_type-{key}") name="party[civil_type]">
                                {CIVIL_TYPES.iter().map(|(v, text)| {
                                    let is = *v == selected;
                                    view! { <option value=*v selected=is>{*text}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                    }
                })}
                <div class="checkbox">
                    <input type="checkbox" id=format!("party-active-{key}") name="party[active]" value="ja" checked=active/>
                    <label for=format!("party-active-{key}")>"Aktiv (kan väljas för nya satsningar)"</label>
                </div>
                <button type="submit" class="button button--secondary">"Spara"</button>
            </PostForm>
        </details>
    }
}
