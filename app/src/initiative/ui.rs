//! Satsningar: list with filters and search, the satsning page, new and edit forms.

use crate::html::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{
    ChangeStatus, CreateInitiative, InitiativeChoices, InitiativeList, InitiativePageData,
    ListFilter, UpdateInitiative, form_options, initiative_for_editing, initiative_view,
    list_initiatives,
};
use super::{Initiative, Status};
use crate::auth::ui::Guard;
use crate::form::{
    ErrorSummary, FilterSelect, FormState, PostForm, TextField, field_id, ticked_ids,
    use_form_state,
};
use crate::page::{loaded, loaded_within};
use crate::sv::number::format_sek;

fn access() -> crate::auth::Access {
    crate::auth::page_access("/satsningar")
}

fn period(initiative: &Initiative) -> String {
    format!("{} – {}", initiative.start, initiative.end)
}

fn party_names(initiative: &Initiative) -> String {
    initiative
        .parties
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn lead_names(initiative: &Initiative) -> String {
    let names: Vec<&str> = initiative.leads.iter().map(|(_, n)| n.as_str()).collect();
    if names.is_empty() {
        "–".into()
    } else {
        names.join(", ")
    }
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
                <div class="table-scroll">
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
                                    <td>{period(i)}<br/><span class="hint">{progress}</span></td>
                                    <td>{party_names(i)}</td>
                                    <td>{lead_names(i)}</td>
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
                </div>
            }.into_any()
        }}
    }
}

fn page_id() -> impl Fn() -> Option<i64> + Copy {
    let params = use_params_map();
    move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()))
}

/// The satsning page.
#[component]
pub fn InitiativePage() -> impl IntoView {
    view! {
        <PageTitle text="Satsning"/>
        <Guard access=access()>
            <InitiativeDetails/>
        </Guard>
    }
}

#[component]
fn InitiativeDetails() -> impl IntoView {
    let id = page_id();
    let view_data = Resource::new_blocking(id, |id| async move {
        match id {
            Some(id) => initiative_view(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    // Created beside the page's own resource (not inside its rendering), like every resource.
    let charts = crate::dashboard::ui::chart_resource(id);
    loaded(
        view_data,
        "Hämtar satsningen…",
        move |data| view! { <Details data charts/> },
    )
}

#[component]
fn Details(
    data: InitiativePageData,
    charts: Resource<
        Result<
            crate::dashboard::api::DashboardData<crate::dashboard::api::Drawn>,
            crate::error::AppError,
        >,
    >,
) -> impl IntoView {
    let form = use_form_state();
    let query = use_query_map();
    let flag = move |key: &str| query.with_untracked(|q| q.get(key).is_some());
    let notice = if flag("skapad") {
        Some("Satsningen är registrerad.")
    } else if flag("sparad") {
        Some("Ändringarna är sparade.")
    } else if flag("status") {
        Some("Statusen är ändrad.")
    } else {
        None
    };
    let i = data.initiative.clone();
    let percent = i.elapsed_percent(data.today);
    let action = format!("/satsningar/{}", i.id);
    let edit = format!("/satsningar/{}/redigera", i.id);
    let id = i.id.to_string();
    view! {
        <PageTitle text=i.name.clone()/>
        <section class="page" aria-labelledby="satsning-rubrik">
            <p><a href="/satsningar">"← Satsningar"</a></p>
            <h1 id="satsning-rubrik">{i.name.clone()}</h1>
            {i.is_example.then(|| view! { <p><span class="tag">"Exempeldata"</span></p> })}
            {notice.map(|text| view! { <p class="notice" role="status">{text}</p> })}
            <ErrorSummary state=form.clone()/>
            <dl class="facts">
                <dt>"Status"</dt><dd>{i.status.label()}</dd>
                <dt>"Period"</dt>
                <dd>
                    {period(&i)}
                    <br/>
                    <progress max="100" value=percent.to_string() aria-label="Andel av perioden som har gått"></progress>
                    " "{format!("{percent} % av perioden har gått")}
                </dd>
                <dt>"Budget"</dt>
                <dd>
                    {format_sek(i.budget_sek)}
                    {(!i.budget_years.is_empty()).then(|| view! {
                        <ul class="cell-list">
                            {i.budget_years.iter().map(|(year, amount)| view! { <li>{format!("{year}: {}", format_sek(*amount))}</li> }).collect_view()}
                        </ul>
                    })}
                </dd>
                <dt>"Återföring"</dt><dd>{if i.repayment { "Ja" } else { "Nej" }}</dd>
                <dt>"Parter"</dt><dd>{party_names(&i)}</dd>
                <dt>"Projektledare"</dt><dd>{lead_names(&i)}</dd>
                <dt>"Ägare"</dt><dd>{if i.owner_names.is_empty() { "–".to_string() } else { i.owner_names.clone() }}</dd>
                <dt>"Målgrupp"</dt><dd>{if i.target_group.is_empty() { "–".to_string() } else { i.target_group.clone() }}</dd>
            </dl>
            {data.period_warning.map(|w| view! { <p class="hint">{w}</p> })}
            {(!i.summary.is_empty()).then(|| view! { <h2>"Kort beskrivning"</h2> <p class="prose">{i.summary.clone()}</p> })}
            <h2>"Utvärderingsschema"</h2>
            <p>{data.schema.counts_text()}</p>
            {if data.schema.missing.is_empty() {
                view! { <p class="notice complete">"Schemat är komplett."</p> }.into_any()
            } else {
                let n = data.schema.missing.len();
                view! {
                    <p class="hint">{format!("Schemat är inte komplett: {n} {} saknas.", if n == 1 { "del" } else { "delar" })}</p>
                }.into_any()
            }}
            <p class="actions">
                <a class="button" href=format!("/satsningar/{}/schema", i.id)>"Utvärderingsschema"</a>
                {(i.status >= super::Status::Decided).then(|| view! {
                    <a class="button" href=format!("/satsningar/{}/rapportera", i.id)>"Rapportering"</a>
                })}
                {data.may_edit.then(|| view! { <a class="button button--secondary" href=edit>"Ändra uppgifter"</a> })}
                {data.may_see_history.then(|| view! { <a href=format!("/historik/initiative/{}", i.id)>"Historik"</a> })}
            </p>

            <crate::dashboard::ui::InitiativeCharts data=charts/>

            {if data.transitions.is_empty() {
                ().into_any()
            } else {
                view! {
                    <h2>"Ändra status"</h2>
                    <ul class="transitions">
                        {data.transitions.into_iter().map(|t| {
                            let label = format!("Ändra status till {}", t.to.label().to_lowercase());
                            let id = id.clone();
                            match t.problem {
                                None => view! {
                                    <li>
                                        <PostForm action=action.clone() fn_path=ChangeStatus::PATH class="inline-form">
                                            <input type="hidden" name="id" value=id/>
                                            <input type="hidden" name="till" value=t.to.as_db()/>
                                            <button type="submit" class="button">{label}</button>
                                        </PostForm>
                                    </li>
                                }.into_any(),
                                Some(problem) => view! {
                                    <li><strong>{label}</strong>": "<span class="hint">{problem}</span></li>
                                }.into_any(),
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}

            <Documents id=i.id documents=data.documents.clone() may_upload=data.may_upload uploaded=flag("dokument") deleted=flag("borttaget")/>

            <h2>"Tidslinje"</h2>
            <ol class="timeline">
                {data.timeline.into_iter().map(|e| view! {
                    <li><time>{e.date}</time>" "{e.text}" ("{e.by}")"</li>
                }).collect_view()}
            </ol>
        </section>
    }
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
        |data| view! { <InitiativeEditor current=Some(data.initiative)/> },
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

#[component]
fn Documents(
    id: i64,
    documents: Vec<crate::document::DocumentInfo>,
    may_upload: bool,
    uploaded: bool,
    deleted: bool,
) -> impl IntoView {
    use crate::document::{DocumentKind, format_size};
    view! {
        <section id="dokument" aria-labelledby="dokument-rubrik">
            <h2 id="dokument-rubrik">"Dokument"</h2>
            {uploaded.then(|| view! { <p class="notice" role="status">"Dokumentet är uppladdat."</p> })}
            {deleted.then(|| view! { <p class="notice" role="status">"Dokumentet är borttaget."</p> })}
            {if documents.is_empty() {
                view! { <p class="hint">"Inga dokument ännu."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr>
                            <th scope="col">"Dokument"</th><th scope="col">"Typ"</th>
                            <th scope="col" class="num">"Storlek"</th><th scope="col">"Uppladdat"</th>
                            {may_upload.then(|| view! { <th scope="col"><span class="visually-hidden">"Åtgärd"</span></th> })}
                        </tr></thead>
                        <tbody>
                            {documents.into_iter().map(|d| view! {
                                <tr>
                                    <td><a href=format!("/satsningar/{id}/dokument/{}", d.id) rel="external" download>{d.file_name.clone()}</a></td>
                                    <td>{d.kind.label()}</td>
                                    <td class="num">{format_size(d.size_bytes)}</td>
                                    <td>{d.uploaded_at.clone()}" av "{d.uploaded_by.clone()}</td>
                                    {may_upload.then(|| view! {
                                        <td class="row-actions">
                                            <details class="confirm">
                                                <summary aria-label=format!("Ta bort {}", d.file_name)>"Ta bort"</summary>
                                                <p class="hint">"Filen raderas. Borttagningen loggas i historiken."</p>
                                                <PostForm action=format!("/satsningar/{id}") fn_path=crate::document::api::DeleteDocument::PATH class="inline-form">
                                                    <input type="hidden" name="id" value=id.to_string()/>
                                                    <input type="hidden" name="dokument_id" value=d.id.to_string()/>
                                                    <button type="submit" class="button button--secondary"
                                                        aria-label=format!("Ja, ta bort {}", d.file_name)>"Ja, ta bort"</button>
                                                </PostForm>
                                            </details>
                                        </td>
                                    })}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {may_upload.then(|| view! {
                <form method="post" action=format!("/satsningar/{id}/dokument") enctype="multipart/form-data" class="form form--inline">
                    <div class="field">
                        <label for="dokumenttyp">"Typ av dokument"</label>
                        <select id="dokumenttyp" name="typ">
                            {DocumentKind::ALL.into_iter().map(|k| view! { <option value=k.as_db()>{k.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="fil">"Fil (PDF, Word eller Excel)"</label>
                        <input id="fil" name="fil" type="file"
                            accept=".pdf,.docx,.xlsx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>
                    </div>
                    <button type="submit" class="button button--secondary">"Ladda upp"</button>
                </form>
            })}
        </section>
    }
}
