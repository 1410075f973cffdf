//! Satsningar: list with filters and search, new and edit forms. The satsning page itself is
//! `pages::initiative` (it shows schema, charts and documents).

use crate::html::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{
    CreateInitiative, InitiativeChoices, InitiativeList, ListFilter, UpdateInitiative,
    form_options, initiative_for_editing, list_initiatives,
};
use super::{Initiative, Status};
use crate::auth::ui::Guard;
use crate::form::{
    ErrorSummary, FilterSelect, FormState, PostForm, TextField, field_id, ticked_ids,
    use_form_state,
};
use crate::layout::TableScroll;
use crate::page::{loaded, loaded_within};
use crate::sv::number::format_sek;

fn access() -> crate::auth::Access {
    crate::auth::page_access("/satsningar")
}

/// Satsningar (list).
#[component]
pub fn InitiativesPage() -> impl IntoView {
    view! {
        <PageTitle text="Satsningar"/>
        <Guard access=access()>
            <InitiativeListing/>
        </Guard>
    }
}

#[component]
fn InitiativeListing() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        query.with(|q| ListFilter {
            status: q.get("status").filter(|s| !s.is_empty()),
            part: q.get("part").and_then(|v| v.parse().ok()),
            projektledare: q.get("projektledare").and_then(|v| v.parse().ok()),
            ar: q.get("ar").and_then(|v| v.parse().ok()),
            q: q.get("q").filter(|s| !s.trim().is_empty()),
        })
    };
    let list = Resource::new_blocking(filter, |f: ListFilter| {
        list_initiatives(f.status, f.part, f.projektledare, f.ar, f.q)
    });
    view! {
        <section class="page wide" aria-labelledby="satsningar-rubrik">
            <h1 id="satsningar-rubrik">"Satsningar"</h1>
            {loaded_within(list, "Hämtar satsningar…", move |list| view! { <Listing list filter=filter()/> })}
        </section>
    }
}

#[component]
fn Listing(list: InitiativeList, filter: ListFilter) -> impl IntoView {
    let count = format!("Visar {} av {} satsningar.", list.rows.len(), list.visible);
    let total: i64 = list.rows.iter().map(|i| i.budget_sek).sum();
    let today = list.today;
    view! {
        {list.may_create.then(|| view! {
            <p><a class="button" href="/satsningar/ny">"Registrera satsning"</a></p>
        })}
        <form method="get" action="/satsningar" class="filters" role="search" aria-label="Filtrera satsningar">
            <div class="field">
                <label for="q">"Sök"</label>
                <input id="q" name="q" type="search" value=filter.q.clone().unwrap_or_default()/>
            </div>
            <FilterSelect name="status" label="Status" selected=filter.status.clone()
                choices=Status::ALL.iter().map(|s| (s.as_db().to_string(), s.label().to_string())).collect()/>
            <FilterSelect name="part" label="Part" selected=filter.part.map(|p| p.to_string())
                choices=list.parties.iter().map(|p| (p.id.to_string(), p.name.clone())).collect()/>
            <FilterSelect name="projektledare" label="Projektledare" selected=filter.projektledare.map(|p| p.to_string())
                choices=list.leads.iter().map(|(id, name)| (id.to_string(), name.clone())).collect()/>
            <div class="field">
                <label for="ar">"År"</label>
                <input id="ar" name="ar" type="number" min="2000" max="2100" inputmode="numeric"
                    value=filter.ar.map(|a| a.to_string()).unwrap_or_default()/>
            </div>
            <button type="submit" class="button">"Filtrera"</button>
            <a href="/satsningar">"Rensa filter"</a>
        </form>
        <p role="status">{count}</p>
        {if list.rows.is_empty() {
            view! { <p>"Inga satsningar matchar filtret."</p> }.into_any()
        } else {
            view! {
                <TableScroll label="Satsningar">
                <table class="table">
                    <caption class="visually-hidden">"Satsningar"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Satsning"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Period"</th>
                            <th scope="col">"Parter"</th>
                            <th scope="col">"Projektledare"</th>
                            <th scope="col" class="num">"Budget"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {list.rows.iter().map(|i| {
                            let href = format!("/satsningar/{}", i.id);
                            let progress = format!("{} % av perioden", i.elapsed_percent(today));
                            view! {
                                <tr>
                                    <td>
                                        <a href=href>{i.name.clone()}</a>
                                        {i.is_example.then(|| view! { " " <span class="tag">"Exempeldata"</span> })}
                                    </td>
                                    <td>{i.status.label()}</td>
                                    <td>{i.period_text()}<br/><span class="hint">{progress}</span></td>
                                    <td>{i.party_names()}</td>
                                    <td>{i.lead_names()}</td>
                                    <td class="num">{format_sek(i.budget_sek)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr>
                            <th scope="row" colspan="5">"Summa budget"</th>
                            <td class="num">{format_sek(total)}</td>
                        </tr>
                    </tfoot>
                </table>
                </TableScroll>
            }.into_any()
        }}
    }
}

fn page_id() -> impl Fn() -> Option<i64> + Copy {
    let params = use_params_map();
    move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()))
}

/// Registrera satsning.
#[component]
pub fn NewInitiativePage() -> impl IntoView {
    view! {
        <PageTitle text="Registrera satsning"/>
        <Guard access=crate::auth::page_access("/satsningar/ny")>
            <InitiativeEditor current=None/>
        </Guard>
    }
}

/// Ändra satsning.
#[component]
pub fn EditInitiativePage() -> impl IntoView {
    view! {
        <PageTitle text="Ändra satsning"/>
        <Guard access=crate::auth::page_access("/satsningar/ny")>
            <EditLoader/>
        </Guard>
    }
}

#[component]
fn EditLoader() -> impl IntoView {
    let id = page_id();
    let data = Resource::new_blocking(id, |id| async move {
        match id {
            Some(id) => initiative_for_editing(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    loaded(
        data,
        "Hämtar satsningen…",
        |initiative| view! { <InitiativeEditor current=Some(initiative)/> },
    )
}

#[component]
fn InitiativeEditor(current: Option<Initiative>) -> impl IntoView {
    let options = Resource::new_blocking(|| (), |_| form_options());
    loaded(options, "Hämtar formuläret…", move |options| {
        view! { <InitiativeFormView options current=current.clone()/> }
    })
}

#[component]
fn InitiativeFormView(options: InitiativeChoices, current: Option<Initiative>) -> impl IntoView {
    let form = use_form_state();
    let (heading, action, fn_path, button) = match &current {
        Some(i) => (
            format!("Ändra {}", i.name),
            format!("/satsningar/{}/redigera", i.id),
            UpdateInitiative::PATH,
            "Spara ändringar",
        ),
        None => (
            "Registrera satsning".to_string(),
            "/satsningar/ny".to_string(),
            CreateInitiative::PATH,
            "Registrera satsningen",
        ),
    };
    // The form's fields own what they show (a form's children outlive this function).
    let cur = {
        let current = current.clone();
        move |f: fn(&Initiative) -> String| current.as_ref().map(f).unwrap_or_default()
    };
    let value = {
        let form = form.clone();
        move |field: &str, stored: String| form.value_or(field, &stored)
    };
    let party_ids: Vec<i64> = current
        .as_ref()
        .map(|i| i.parties.iter().map(|p| p.id).collect())
        .unwrap_or_default();
    let lead_ids: Vec<i64> = current
        .as_ref()
        .map(|i| i.leads.iter().map(|(id, _)| *id).collect())
        .unwrap_or_default();
    view! {
        <section class="page narrow" aria-labelledby="satsning-form-rubrik">
            <p><a href="/satsningar">"← Satsningar"</a></p>
            <h1 id="satsning-form-rubrik">{heading}</h1>
            <ErrorSummary state=form.clone()/>
            <PostForm action fn_path>
                {current.as_ref().map(|i| view! { <input type="hidden" name="id" value=i.id.to_string()/> })}
                <TextField name="initiative[name]" label="Namn" value=value("initiative[name]", cur(|i| i.name.clone())) error=form.error("initiative[name]")/>
                <TextField name="initiative[summary]" label="Kort beskrivning" kind="textarea" value=value("initiative[summary]", cur(|i| i.summary.clone())) error=form.error("initiative[summary]")/>
                <TextField name="initiative[target_group]" label="Målgrupp" value=value("initiative[target_group]", cur(|i| i.target_group.clone())) error=form.error("initiative[target_group]")/>
                <TextField name="initiative[owner_names]" label="Ägare (förvaltningschefer)" value=value("initiative[owner_names]", cur(|i| i.owner_names.clone())) error=form.error("initiative[owner_names]")/>
                <TextField name="initiative[start]" label="Startdatum" kind="date" hint="ÅÅÅÅ-MM-DD"
                    value=value("initiative[start]", cur(|i| i.start.to_string())) error=form.error("initiative[start]")/>
                <TextField name="initiative[end]" label="Slutdatum" kind="date" hint="ÅÅÅÅ-MM-DD"
                    value=value("initiative[end]", cur(|i| i.end.to_string())) error=form.error("initiative[end]")/>
                <TextField name="initiative[budget]" label="Budget totalt (kronor)" hint="Hela kronor, till exempel 2 400 000"
                    value=value("initiative[budget]", cur(|i| i.budget_sek.to_string())) error=form.error("initiative[budget]")/>
                <TextField name="initiative[budget_years]" label="Budget per år (valfritt)" kind="textarea"
                    hint="En rad per år: ÅR: belopp, till exempel 2027: 1 200 000"
                    value=value("initiative[budget_years]", cur(|i| i.budget_years.iter().map(|(y, a)| format!("{y}: {a}")).collect::<Vec<_>>().join("\n")))
                    error=form.error("initiative[budget_years]")/>
                <div class="checkbox">
                    <input type="checkbox" id="initiative-repayment" name="initiative[repayment]" value="ja"
                        checked=form.checked_or("initiative[repayment]", current.as_ref().is_some_and(|i| i.repayment))/>
                    <label for="initiative-repayment">"Återföringsmodellen tillämpas"</label>
                </div>
                {
                    let stored = current.as_ref().map_or(super::FollowUpYears::DEFAULT, |i| i.follow_up_years);
                    let selected = form.value_or("initiative[follow_up_years]", &stored.get().to_string());
                    let error = form.error("initiative[follow_up_years]");
                    let described = if error.is_some() {
                        "initiative-follow_up_years-fel initiative-follow_up_years-tips"
                    } else {
                        "initiative-follow_up_years-tips"
                    };
                    view! {
                        <div class="field" class:field--error=error.is_some()>
                            <label for="initiative-follow_up_years">"Uppföljande utvärdering"</label>
                            <p class="hint" id="initiative-follow_up_years-tips">"Så många år efter slutdatum ska den uppföljande utvärderingen göras."</p>
                            {error.clone().map(|m| view! { <p class="field-error" id="initiative-follow_up_years-fel">{m}</p> })}
                            <select id="initiative-follow_up_years" name="initiative[follow_up_years]" aria-describedby=described>
                                {super::FollowUpYears::CHOICES.into_iter().map(|n| {
                                    let value = n.to_string();
                                    let is = value == selected;
                                    view! { <option value=value selected=is>{format!("{n} år efter slutdatum")}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                    }
                }
                <CheckboxGroup name="initiative[parties]" legend="Samverkande parter"
                    hint="Minst två nämnder från olika verksamhetsområden, eller en idéburen aktör och minst en nämnd."
                    choices=options.parties.iter()
                        // A deactivated party stays selectable on the satsning that has it.
                        .chain(current.iter().flat_map(|i| i.parties.iter()).filter(|p| !options.parties.contains(p)))
                        .map(|p| (p.id, match &p.area {
                        Some(area) => format!("{} ({area})", p.name),
                        None => format!("{} ({})", p.name, p.kind.label().to_lowercase()),
                    })).collect()
                    chosen=party_ids form=form.clone()/>
                <CheckboxGroup name="initiative[leads]" legend="Projektledare"
                    hint="Projektledare rapporterar för satsningen och kan ändra den fram till beslut."
                    choices=options.leads.clone() chosen=lead_ids form=form.clone()/>
                <button type="submit" class="button">{button}</button>
            </PostForm>
        </section>
    }
}

/// Checkboxes named `name[n<id>]`, in a fieldset with legend, hint and the group's error.
#[component]
fn CheckboxGroup(
    name: &'static str,
    legend: &'static str,
    hint: &'static str,
    choices: Vec<(i64, String)>,
    chosen: Vec<i64>,
    form: FormState,
) -> impl IntoView {
    let error = form.error(name);
    let group_id = field_id(name);
    let hint_id = format!("{group_id}-tips");
    let error_id = format!("{group_id}-fel");
    let described = match &error {
        Some(_) => format!("{error_id} {hint_id}"),
        None => hint_id.clone(),
    };
    view! {
        <fieldset class="field" id=group_id.clone() aria-describedby=described>
            <legend>{legend}</legend>
            <p class="hint" id=hint_id>{hint}</p>
            {error.map(|m| view! { <p class="field-error" id=error_id>{m}</p> })}
            {if choices.is_empty() {
                view! { <p>"Det finns inga att välja ännu."</p> }.into_any()
            } else {
                choices.into_iter().map(|(id, label)| {
                    let field = format!("{name}[{}]", ticked_ids::key(id));
                    let input_id = format!("{group_id}-{id}");
                    let checked = form.checked_or(&field, chosen.contains(&id));
                    view! {
                        <div class="checkbox">
                            <input type="checkbox" id=input_id.clone() name=field value="ja" checked=checked/>
                            <label for=input_id>{label}</label>
                        </div>
                    }
                }).collect_view().into_any()
            }}
        </fieldset>
    }
}
