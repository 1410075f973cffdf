//! Schema pages: the editor (`/satsningar/{id}/schema`), the form for a new measure, and the
//! printable six-column view (`/satsningar/{id}/schema/tabell`).

use crate::html::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{SchemaPageData, schema_for_editing, schema_view};
use super::{Direction, Frequency, Horizon, Measure, MeasureKind, Source, ValueType};
use crate::auth::ui::Guard;
use crate::form::{ACTION_FIELD, ErrorSummary, FormState, TextField, use_form_state};
use crate::sv::number::{format_decimal, format_sek, plain_decimal};

fn access() -> crate::auth::Access {
    crate::auth::page_access("/satsningar/0/schema")
}

/// Loads the schema of the satsning in the URL and renders `page` with it.
#[component]
fn WithSchema(
    page: fn(SchemaPageData) -> AnyView,
    /// A form that changes the schema: only loaded for those who may edit it.
    #[prop(optional)]
    editing: bool,
) -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let data = Resource::new_blocking(id, move |id| async move {
        match id {
            Some(id) if editing => schema_for_editing(id).await,
            Some(id) => schema_view(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    crate::page::loaded(data, "Hämtar utvärderingsschemat…", page)
}

fn value_text(measure: &Measure, value: Option<(f64, chrono::NaiveDate)>) -> String {
    match value {
        Some((v, date)) => {
            format!("{} {} ({date})", format_decimal(v), measure.unit).replace("  ", " ")
        }
        None => "–".into(),
    }
}

/// Utvärderingsschema (editor).
#[component]
pub fn SchemaPage() -> impl IntoView {
    view! {
        <PageTitle text="Utvärderingsschema"/>
        <Guard access=access()>
            <WithSchema page=|data| view! { <SchemaEditor data/> }.into_any()/>
        </Guard>
    }
}

#[component]
fn SchemaEditor(data: SchemaPageData) -> impl IntoView {
    let form = use_form_state();
    let id = data.initiative_id;
    let action = format!("/satsningar/{id}/schema");
    let table = format!("/satsningar/{id}/schema/tabell");
    let back = format!("/satsningar/{id}");
    let saved = use_query_map().with_untracked(|q| q.get("sparad").is_some());
    let schema = data.schema.clone();
    let may_edit = data.may_edit;
    // Measures can be deleted only before the decision; after it they are retired.
    let may_delete = may_edit && data.status < crate::initiative::Status::Decided;
    let latest = data.latest.clone();
    let goals = schema.goals.iter().enumerate().map(|(g, goal)| {
        let indicators: Vec<Measure> = schema.indicators(goal.id).into_iter().cloned().collect();
        let new_indicator = format!("/satsningar/{id}/schema/nytt-matt?typ=indikator&mal={}", goal.id);
        let activities = goal.activities.iter().enumerate().map(|(a, activity)| {
            let measures: Vec<Measure> = schema
                .measures
                .iter()
                .filter(|m| m.activity_id == Some(activity.id))
                .cloned()
                .collect();
            let new_activity_measure = format!("/satsningar/{id}/schema/nytt-matt?typ=aktivitet&aktivitet={}", activity.id);
            let new_effect_measure = format!("/satsningar/{id}/schema/nytt-matt?typ=effekt&aktivitet={}", activity.id);
            view! {
                <div class="activity">
                    <h3>{format!("Aktivitet {}.{}: {}", g + 1, a + 1, activity.text)}</h3>
                    {may_edit.then(|| view! {
                        <MoveButtons initiative_id=id typ="aktivitet" item=activity.id label=format!("aktivitet {}.{}", g + 1, a + 1)/>
                        <EditText initiative_id=id typ="aktivitet" item=activity.id text=activity.text.clone()
                            target_group=None label=format!("aktivitet {}.{}", g + 1, a + 1)/>
                        {measures.is_empty().then(|| view! {
                            <DeleteButton initiative_id=id typ="aktivitet" item=activity.id label=format!("aktivitet {}.{}", g + 1, a + 1)/>
                        })}
                    })}
                    <MeasureTable measures initiative_id=id may_edit may_delete latest=latest.clone()/>
                    {may_edit.then(|| view! {
                        <p class="actions">
                            <a href=new_activity_measure>"Lägg till aktivitetsmått"</a>
                            <a href=new_effect_measure>"Lägg till effektmått"</a>
                        </p>
                    })}
                </div>
            }
        }).collect_view();
        let goal_is_empty = goal.activities.is_empty()
            && !schema.measures.iter().any(|m| m.goal_id == Some(goal.id));
        let goal_id = goal.id.to_string();
        let field_id = format!("aktivitet-{}", goal.id);
        // Only the form that was posted shows its error again.
        let this_form = form.values.get("mal_id") == Some(&goal_id);
        let activity_error = this_form.then(|| form.error("aktivitet")).flatten();
        let activity_value = if this_form { form.value_or("aktivitet", "") } else { String::new() };
        view! {
            <section class="goal" id=format!("mal-{}", goal.id) aria-labelledby=format!("mal-rubrik-{}", goal.id)>
                <h2 id=format!("mal-rubrik-{}", goal.id)>{format!("Mål {}: {}", g + 1, goal.text)}</h2>
                {may_edit.then(|| view! {
                    <MoveButtons initiative_id=id typ="mal" item=goal.id label=format!("mål {}", g + 1)/>
                    <EditText initiative_id=id typ="mal" item=goal.id text=goal.text.clone()
                        target_group=Some(goal.target_group.clone()) label=format!("mål {}", g + 1)/>
                    {goal_is_empty.then(|| view! {
                        <DeleteButton initiative_id=id typ="mal" item=goal.id label=format!("mål {}", g + 1)/>
                    })}
                })}
                {(!goal.target_group.is_empty()).then(|| view! { <p>"Målgrupp: "{goal.target_group.clone()}</p> })}
                {activities}
                <h3>"Indikatorer"</h3>
                <MeasureTable measures=indicators initiative_id=id may_edit may_delete latest=latest.clone()/>
                {may_edit.then(|| view! {
                    <p class="actions"><a href=new_indicator>"Lägg till indikator"</a></p>
                    <form method="post" action=action.clone() class="form form--inline" novalidate>
                        <input type="hidden" name=ACTION_FIELD value="/api/schema/aktivitet"/>
                        <input type="hidden" name="id" value=id.to_string()/>
                        <input type="hidden" name="mal_id" value=goal_id.clone()/>
                        <TextField name="aktivitet" id=field_id label="Ny aktivitet för målet"
                            value=activity_value error=activity_error/>
                        <button type="submit" class="button button--secondary">"Lägg till aktivitet"</button>
                    </form>
                })}
            </section>
        }
    }).collect_view();
    let goal_posted = form.values.contains_key("mal");
    let effect_posted =
        form.values.get(ACTION_FIELD).map(String::as_str) == Some("/api/schema/ekonomisk-effekt");
    view! {
        <section class="page" aria-labelledby="schema-rubrik" id="schema">
            <p><a href=back>"← "{data.initiative_name.clone()}</a></p>
            <h1 id="schema-rubrik">"Utvärderingsschema"</h1>
            <p class="lead">{data.initiative_name.clone()}" · "{data.status.label()}
                {data.is_example.then(|| view! { " " <span class="tag">"Exempeldata"</span> })}</p>
            {saved.then(|| view! { <p class="notice" role="status">"Sparat."</p> })}
            <ErrorSummary state=form.clone()/>
            <Completeness missing=data.missing.clone()/>
            <p><a href=table>"Visa schemat som tabell (sex kolumner, utskrift)"</a></p>
            {if !may_edit {
                view! { <p class="hint">"Du kan läsa schemat men inte ändra det."</p> }.into_any()
            } else if data.status >= crate::initiative::Status::Decided {
                view! { <p class="hint">"Satsningen är beslutad: ändringar loggas, och mått tas ur bruk i stället för att tas bort."</p> }.into_any()
            } else {
                ().into_any()
            }}
            {goals}
            {may_edit.then(|| view! {
                <h2>"Nytt mål"</h2>
                <form method="post" action=action.clone() class="form" novalidate>
                    <input type="hidden" name=ACTION_FIELD value="/api/schema/mal"/>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <TextField name="mal" label="Mål (den effekt satsningen vill uppnå)"
                        value=if goal_posted { form.value_or("mal", "") } else { String::new() }
                        error=goal_posted.then(|| form.error("mal")).flatten()/>
                    <TextField name="malgrupp" label="Målgrupp"
                        value=if goal_posted { form.value_or("malgrupp", "") } else { String::new() }
                        error=goal_posted.then(|| form.error("malgrupp")).flatten()/>
                    <button type="submit" class="button">"Lägg till mål"</button>
                </form>
            })}
            <EconomicEffects data=data.clone() form=form.clone() posted=effect_posted/>
        </section>
    }
}

#[component]
fn Completeness(missing: Vec<String>) -> impl IntoView {
    if missing.is_empty() {
        view! { <p class="notice complete" role="status">"Schemat är komplett."</p> }.into_any()
    } else {
        view! {
            <div class="checklist" role="status">
                <p><strong>"Schemat är inte komplett."</strong>" Det saknas:"</p>
                <ul>{missing.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
            </div>
        }
        .into_any()
    }
}

#[component]
fn MeasureTable(
    measures: Vec<Measure>,
    initiative_id: i64,
    may_edit: bool,
    may_delete: bool,
    #[prop(optional)] latest: Vec<super::api::LatestValue>,
) -> impl IntoView {
    if measures.is_empty() {
        return view! { <p class="hint">"Inga mått ännu."</p> }.into_any();
    }
    let action = format!("/satsningar/{initiative_id}/schema");
    view! {
        <div class="table-scroll">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Kod"</th>
                        <th scope="col">"Mått"</th>
                        <th scope="col">"Typ"</th>
                        <th scope="col">"Frekvens"</th>
                        <th scope="col">"Baslinje"</th>
                        <th scope="col">"Målvärde"</th>
                        <th scope="col">"Senaste värde"</th>
                        <th scope="col">"Källa"</th>
                        {may_edit.then(|| view! { <th scope="col"><span class="visually-hidden">"Åtgärd"</span></th> })}
                    </tr>
                </thead>
                <tbody>
                    {measures.into_iter().map(|m| {
                        let retired = m.retired;
                        let baseline = value_text(&m, m.baseline);
                        let target = value_text(&m, m.target);
                        let milestones = (!m.milestones.is_empty()).then(|| view! {
                            <br/><span class="hint">"Delmål: "{m.milestones.iter()
                                .map(|(d, v)| format!("{} ({d})", format_decimal(*v)))
                                .collect::<Vec<_>>().join(", ")}</span>
                        });
                        view! {
                            <tr id=format!("matt-{}", m.id) class:retired=retired>
                                <td>{m.code.clone()}</td>
                                <td>{m.name.clone()}{retired.then(|| view! { " " <span class="tag">"Ur bruk"</span> })}</td>
                                <td>{m.kind.label()}</td>
                                <td>{m.frequency.label()}</td>
                                <td>{baseline}</td>
                                <td>{target}{milestones}</td>
                                <td>{latest.iter().find(|l| l.measure_id == m.id).map_or_else(
                                    || view! { <span class="hint">"–"</span> }.into_any(),
                                    |l| view! {
                                        <crate::dashboard::ui::LightBadge light=l.light/>" "{l.text.clone()}
                                        {l.sparkline.clone().map(|svg| view! { <span class="spark" inner_html=svg></span> })}
                                    }.into_any(),
                                )}</td>
                                <td>{m.source.label()}</td>
                                {(may_edit && !retired).then(|| view! {
                                    <td class="row-actions">
                                        <a href=format!("/satsningar/{initiative_id}/schema/matt/{}", m.id)
                                            aria-label=format!("Ändra: {} {}", m.code, m.name)>"Ändra"</a>
                                        <MoveButtons initiative_id typ="matt" item=m.id label=format!("{} {}", m.code, m.name)/>
                                        {may_delete.then(|| view! {
                                            <DeleteButton initiative_id typ="matt" item=m.id label=format!("{} {}", m.code, m.name)/>
                                        })}
                                        // A confirmation step that works without JavaScript.
                                        <details class="confirm">
                                            <summary>"Ta ur bruk"</summary>
                                            <p class="hint">"Måttet och dess värden finns kvar men rapporteras inte längre."</p>
                                            <form method="post" action=action.clone() class="inline-form">
                                                <input type="hidden" name=ACTION_FIELD value="/api/schema/ta-ur-bruk"/>
                                                <input type="hidden" name="id" value=initiative_id.to_string()/>
                                                <input type="hidden" name="matt_id" value=m.id.to_string()/>
                                                <button type="submit" class="button button--secondary"
                                                    aria-label=format!("Ja, ta ur bruk: {} {}", m.code, m.name)>"Ja, ta ur bruk"</button>
                                            </form>
                                        </details>
                                    </td>
                                })}
                                {(may_edit && retired).then(|| view! { <td></td> })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }.into_any()
}

#[component]
fn EconomicEffects(data: SchemaPageData, form: FormState, posted: bool) -> impl IntoView {
    let id = data.initiative_id;
    let action = format!("/satsningar/{id}/schema");
    let effect_measures: Vec<Measure> = data
        .schema
        .measures
        .iter()
        .filter(|m| m.kind == MeasureKind::Effect && !m.retired)
        .cloned()
        .collect();
    let code_of = |measure_id: Option<i64>| {
        measure_id
            .and_then(|mid| data.schema.measures.iter().find(|m| m.id == mid))
            .map_or("–".to_string(), |m| m.code.clone())
    };
    let value = |field: &str| {
        if posted {
            form.value_or(field, "")
        } else {
            String::new()
        }
    };
    let error = |field: &str| posted.then(|| form.error(field)).flatten();
    view! {
        <section id="ekonomiska-effekter" aria-labelledby="effekter-rubrik">
            <h2 id="effekter-rubrik">"Ekonomiska effekter"</h2>
            {if data.schema.effects.is_empty() {
                view! { <p class="hint">"Inga ekonomiska effekter ännu."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead><tr>
                            <th scope="col">"Effekt"</th><th scope="col">"Sikt"</th>
                            <th scope="col">"Nämnd som gynnas"</th><th scope="col">"Effektmått"</th>
                            <th scope="col" class="num">"Förväntat per år"</th>
                            {data.may_edit.then(|| view! { <th scope="col"><span class="visually-hidden">"Åtgärd"</span></th> })}
                        </tr></thead>
                        <tbody>
                            {data.schema.effects.iter().map(|e| view! {
                                <tr>
                                    <td>{e.text.clone()}</td>
                                    <td>{e.horizon.label()}</td>
                                    <td>{e.party.as_ref().map_or("–".to_string(), |p| p.1.clone())}</td>
                                    <td>{code_of(e.effect_measure_id)}</td>
                                    <td class="num">{format_sek(e.yearly_sek)}</td>
                                    {data.may_edit.then(|| view! {
                                        <td class="row-actions">
                                            <EditEffect data=data.clone() effect=e.clone() effect_measures=effect_measures.clone()/>
                                            <DeleteButton initiative_id=id typ="effekt" item=e.id label=e.text.clone()/>
                                        </td>
                                    })}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {data.may_edit.then(|| view! {
                <h3>"Ny ekonomisk effekt"</h3>
                <form method="post" action=action class="form" novalidate>
                    <input type="hidden" name=ACTION_FIELD value="/api/schema/ekonomisk-effekt"/>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <TextField name="effekt" label="Effekt, t.ex. minskat försörjningsstöd" value=value("effekt") error=error("effekt")/>
                    <Choice name="horisont" label="Sikt" error=error("horisont") selected=value("horisont")
                        options=Horizon::ALL.iter().map(|h| (h.as_db().to_string(), h.label().to_string())).collect()/>
                    <Choice name="part" label="Nämnd som gynnas" error=error("part") selected=value("part")
                        options=std::iter::once((String::new(), "Ingen vald".to_string()))
                            .chain(data.parties.iter().map(|p| (p.id.to_string(), p.name.clone()))).collect()/>
                    <Choice name="effektmatt" label="Kopplat effektmått" error=error("effektmatt") selected=value("effektmatt")
                        options=std::iter::once((String::new(), "Inget valt".to_string()))
                            .chain(effect_measures.iter().map(|m| (m.id.to_string(), format!("{} {}", m.code, m.name)))).collect()/>
                    <TextField name="belopp" label="Förväntat belopp per år (kronor)" hint="Hela kronor, till exempel 350 000"
                        value=value("belopp") error=error("belopp")/>
                    <button type="submit" class="button">"Lägg till ekonomisk effekt"</button>
                </form>
            })}
        </section>
    }
}

/// A labelled select with its error.
#[component]
fn Choice(
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    selected: String,
    error: Option<String>,
    /// The element id when `name` is not unique on the page.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| name.to_string());
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

/// Nytt mått: `/satsningar/{id}/schema/nytt-matt?typ=…&aktivitet=…|mal=…`.
#[component]
pub fn NewMeasurePage() -> impl IntoView {
    view! {
        <PageTitle text="Nytt mått"/>
        <Guard access=access()>
            <WithSchema editing=true page=|data| view! { <NewMeasureForm data/> }.into_any()/>
        </Guard>
    }
}

#[component]
fn NewMeasureForm(data: SchemaPageData) -> impl IntoView {
    let query = use_query_map();
    let form = use_form_state();
    // On /satsningar/{id}/schema/matt/{mid} the form edits that measure.
    let existing: Option<Measure> = use_params_map()
        .with_untracked(|p| p.get("mid"))
        .and_then(|m| m.parse::<i64>().ok())
        .and_then(|mid| data.schema.measures.iter().find(|m| m.id == mid).cloned());
    let editing = use_params_map().with_untracked(|p| p.get("mid").is_some());
    let posted = form.values.clone();
    let get = move |key: &str| {
        query
            .with_untracked(|q| q.get(key))
            .or_else(|| posted.get(key).cloned())
    };
    let kind = existing.as_ref().map(|m| m.kind).unwrap_or_else(|| {
        get("typ")
            .and_then(|t| MeasureKind::from_db(&t))
            .unwrap_or(MeasureKind::Effect)
    });
    let activity = existing.as_ref().map_or_else(
        || get("aktivitet").and_then(|a| a.parse::<i64>().ok()),
        |m| m.activity_id,
    );
    let goal = existing.as_ref().map_or_else(
        || {
            get("mal")
                .or_else(|| get("mal_id"))
                .and_then(|g| g.parse::<i64>().ok())
        },
        |m| m.goal_id,
    );
    let id = data.initiative_id;
    let place = match kind {
        MeasureKind::Indicator => data
            .schema
            .goals
            .iter()
            .find(|g| Some(g.id) == goal)
            .map(|g| format!("Mål: {}", g.text)),
        _ => data
            .schema
            .goals
            .iter()
            .flat_map(|g| g.activities.iter())
            .find(|a| Some(a.id) == activity)
            .map(|a| format!("Aktivitet: {}", a.text)),
    };
    if !data.may_edit || place.is_none() || (editing && existing.is_none()) {
        // The measure, aktivitet or mål in the URL is not in this schema.
        let error = if data.may_edit {
            crate::error::AppError::NotFound
        } else {
            crate::error::AppError::Forbidden
        };
        let back = format!("/satsningar/{id}/schema");
        return view! { <crate::page::Problem error back/> }.into_any();
    }
    let action = match &existing {
        Some(m) => format!("/satsningar/{id}/schema/matt/{}", m.id),
        None => format!(
            "/satsningar/{id}/schema/nytt-matt?typ={}&{}",
            kind.as_db(),
            match kind {
                MeasureKind::Indicator => format!("mal={}", goal.unwrap_or_default()),
                _ => format!("aktivitet={}", activity.unwrap_or_default()),
            }
        ),
    };
    let stored = existing.as_ref().map(stored_values).unwrap_or_default();
    let value = |field: &str, default: &str| {
        if form.values.is_empty() {
            stored
                .get(field)
                .cloned()
                .unwrap_or_else(|| default.to_string())
        } else {
            form.value_or(field, "")
        }
    };
    let (heading, button, atgard) = match &existing {
        Some(m) => (
            format!("Ändra {} {}", m.code, m.name),
            "Spara ändringar",
            "/api/schema/andra-matt",
        ),
        None => (
            format!("Nytt {}", kind.label().to_lowercase()),
            "Lägg till måttet",
            "/api/schema/matt",
        ),
    };
    let measure_id = existing.as_ref().map(|m| m.id);
    let select = |name: &'static str,
                  label: &'static str,
                  options: Vec<(String, String)>,
                  default: &str| {
        view! { <Choice name label options selected=value(name, default) error=form.error(name)/> }
    };
    view! {
        <section class="page narrow" aria-labelledby="matt-rubrik">
            <p><a href=format!("/satsningar/{id}/schema")>"← Utvärderingsschema"</a></p>
            <h1 id="matt-rubrik">{heading}</h1>
            <p class="lead">{place.clone()}</p>
            <ErrorSummary state=form.clone()/>
            <form method="post" action=action class="form" novalidate>
                <input type="hidden" name=ACTION_FIELD value=atgard/>
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="typ" value=kind.as_db()/>
                {measure_id.map(|m| view! { <input type="hidden" name="matt_id" value=m.to_string()/> })}
                {activity.filter(|_| kind != MeasureKind::Indicator).map(|a| view! { <input type="hidden" name="aktivitet_id" value=a.to_string()/> })}
                {goal.filter(|_| kind == MeasureKind::Indicator).map(|g| view! { <input type="hidden" name="mal_id" value=g.to_string()/> })}
                <TextField name="kod" label="Kod" hint="Unik inom satsningen, till exempel E1 eller A2.1"
                    value=value("kod", "") error=form.error("kod")/>
                <TextField name="namn" label="Namn" value=value("namn", "") error=form.error("namn")/>
                <TextField name="definition" label="Definition (hur måttet räknas)" value=value("definition", "") error=form.error("definition")/>
                <TextField name="enhet" label="Enhet" hint="Till exempel elever, %, kr" value=value("enhet", "") error=form.error("enhet")/>
                {select("vardetyp", "Värdetyp", ValueType::ALL.iter().map(|v| (v.as_db().into(), v.label().into())).collect(), "antal")}
                {select("frekvens", "Frekvens", Frequency::ALL.iter().map(|v| (v.as_db().into(), v.label().into())).collect(), "manad")}
                {select("riktning", "Riktning", Direction::ALL.iter().map(|v| (v.as_db().into(), v.label().into())).collect(), "hogre")}
                <TextField name="baslinje" label="Baslinje (värde)" hint="Decimaler med komma, till exempel 12,5"
                    value=value("baslinje", "") error=form.error("baslinje")/>
                <TextField name="baslinjedatum" label="Baslinjens datum" kind="date" value=value("baslinjedatum", "") error=form.error("baslinjedatum")/>
                <TextField name="malvarde" label="Målvärde" value=value("malvarde", "") error=form.error("malvarde")/>
                <TextField name="maldatum" label="Måldatum" kind="date" value=value("maldatum", "") error=form.error("maldatum")/>
                <TextField name="delmal" label="Delmål (valfria)" kind="textarea"
                    hint="Ett per rad: datum och värde, till exempel 2027-06-30: 45"
                    value=value("delmal", "") error=form.error("delmal")/>
                <TextField name="tolerans_gul" label="Tolerans gul (avvikelse från målkurvan)" value=value("tolerans_gul", "") error=form.error("tolerans_gul")/>
                <TextField name="tolerans_rod" label="Tolerans röd" value=value("tolerans_rod", "") error=form.error("tolerans_rod")/>
                {select("kalla", "Datakälla", Source::ALL.iter().map(|v| (v.as_db().into(), v.label().into())).collect(), "manuell")}
                {(kind == MeasureKind::Indicator).then(|| view! {
                    <TextField name="jamforelse" label="Källa och jämförelsenivåer" hint="Till exempel Kolada N00945; kommun, län, riket"
                        value=value("jamforelse", "") error=form.error("jamforelse")/>
                })}
                <button type="submit" class="button">{button}</button>
            </form>
        </section>
    }.into_any()
}

/// A stored measure as the form's field values.
fn stored_values(m: &Measure) -> std::collections::BTreeMap<&'static str, String> {
    // Plain digits with a decimal comma: what parse_decimal reads back, negatives included.
    let number = |v: Option<f64>| v.map(plain_decimal).unwrap_or_default();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    [
        ("kod", m.code.clone()),
        ("namn", m.name.clone()),
        ("definition", m.definition.clone()),
        ("enhet", m.unit.clone()),
        ("vardetyp", m.value_type.as_db().to_string()),
        ("frekvens", m.frequency.as_db().to_string()),
        ("riktning", m.direction.as_db().to_string()),
        ("baslinje", number(m.baseline.map(|b| b.0))),
        ("baslinjedatum", date(m.baseline.map(|b| b.1))),
        ("malvarde", number(m.target.map(|t| t.0))),
        ("maldatum", date(m.target.map(|t| t.1))),
        ("delmal", super::format_milestones(&m.milestones)),
        ("tolerans_gul", number(m.tolerance_yellow)),
        ("tolerans_rod", number(m.tolerance_red)),
        ("kalla", m.source.as_db().to_string()),
        ("jamforelse", m.comparison.clone()),
    ]
    .into_iter()
    .collect()
}

/// Ändra mått: `/satsningar/{id}/schema/matt/{mid}`.
#[component]
pub fn EditMeasurePage() -> impl IntoView {
    view! {
        <PageTitle text="Ändra mått"/>
        <Guard access=access()>
            <WithSchema editing=true page=|data| view! { <NewMeasureForm data/> }.into_any()/>
        </Guard>
    }
}

/// "Ändra" for a mål (text and målgrupp) or an aktivitet: a form inside a disclosure, open again
/// when it was posted and rejected.
#[component]
fn EditText(
    initiative_id: i64,
    typ: &'static str,
    item: i64,
    text: String,
    target_group: Option<String>,
    label: String,
) -> impl IntoView {
    let form = use_form_state();
    let here = form.is_from("/api/schema/andra-text", "post", &item.to_string())
        && form.values.get("typ").map(String::as_str) == Some(typ);
    let value = |field: &str, stored: &str| {
        if here {
            form.value_or(field, "")
        } else {
            stored.to_string()
        }
    };
    let error = |field: &str| here.then(|| form.error(field)).flatten();
    let field_label = if typ == "mal" { "Mål" } else { "Aktivitet" };
    view! {
        <details class="confirm" open=here>
            <summary aria-label=format!("Ändra {label}")>"Ändra"</summary>
            <form method="post" action=format!("/satsningar/{initiative_id}/schema") class="form" novalidate>
                <input type="hidden" name=ACTION_FIELD value="/api/schema/andra-text"/>
                <input type="hidden" name="id" value=initiative_id.to_string()/>
                <input type="hidden" name="typ" value=typ/>
                <input type="hidden" name="post" value=item.to_string()/>
                <TextField name="text" id=format!("text-{typ}-{item}") label=field_label
                    value=value("text", &text) error=error("text")/>
                {target_group.map(|group| view! {
                    <TextField name="malgrupp" id=format!("malgrupp-{item}") label="Målgrupp"
                        value=value("malgrupp", &group) error=error("malgrupp")/>
                })}
                <button type="submit" class="button button--secondary">"Spara"</button>
            </form>
        </details>
    }
}

/// "Ta bort" with a confirmation step that works without JavaScript.
#[component]
fn DeleteButton(initiative_id: i64, typ: &'static str, item: i64, label: String) -> impl IntoView {
    view! {
        <details class="confirm">
            <summary aria-label=format!("Ta bort {label}")>"Ta bort"</summary>
            <p class="hint">"Borttagningen loggas i historiken."</p>
            <form method="post" action=format!("/satsningar/{initiative_id}/schema") class="inline-form">
                <input type="hidden" name=ACTION_FIELD value="/api/schema/ta-bort"/>
                <input type="hidden" name="id" value=initiative_id.to_string()/>
                <input type="hidden" name="typ" value=typ/>
                <input type="hidden" name="post" value=item.to_string()/>
                <button type="submit" class="button button--secondary"
                    aria-label=format!("Ja, ta bort {label}")>"Ja, ta bort"</button>
            </form>
        </details>
    }
}

/// "Ändra" for an ekonomisk effekt: its whole form inside a disclosure.
#[component]
fn EditEffect(
    data: SchemaPageData,
    effect: super::EconomicEffect,
    effect_measures: Vec<Measure>,
) -> impl IntoView {
    let form = use_form_state();
    let id = data.initiative_id;
    let here = form.is_from(
        "/api/schema/andra-effekt",
        "effekt_id",
        &effect.id.to_string(),
    );
    let stored = |field: &str| match field {
        "effekt" => effect.text.clone(),
        "horisont" => effect.horizon.as_db().to_string(),
        "part" => effect
            .party
            .as_ref()
            .map(|p| p.0.to_string())
            .unwrap_or_default(),
        "effektmatt" => effect
            .effect_measure_id
            .map(|m| m.to_string())
            .unwrap_or_default(),
        "belopp" => effect.yearly_sek.to_string(),
        _ => String::new(),
    };
    let value = |field: &str| {
        if here {
            form.value_or(field, "")
        } else {
            stored(field)
        }
    };
    let error = |field: &str| here.then(|| form.error(field)).flatten();
    let key = effect.id;
    view! {
        <details class="confirm" open=here>
            <summary aria-label=format!("Ändra {}", effect.text)>"Ändra"</summary>
            <form method="post" action=format!("/satsningar/{id}/schema") class="form" novalidate>
                <input type="hidden" name=ACTION_FIELD value="/api/schema/andra-effekt"/>
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="effekt_id" value=key.to_string()/>
                <TextField name="effekt" id=format!("effekt-{key}") label="Effekt" value=value("effekt") error=error("effekt")/>
                <Choice name="horisont" id=format!("horisont-{key}") label="Sikt" error=error("horisont") selected=value("horisont")
                    options=Horizon::ALL.iter().map(|h| (h.as_db().to_string(), h.label().to_string())).collect()/>
                <Choice name="part" id=format!("part-{key}") label="Nämnd som gynnas" error=error("part") selected=value("part")
                    options=std::iter::once((String::new(), "Ingen vald".to_string()))
                        .chain(data.parties.iter().map(|p| (p.id.to_string(), p.name.clone()))).collect()/>
                <Choice name="effektmatt" id=format!("effektmatt-{key}") label="Kopplat effektmått" error=error("effektmatt") selected=value("effektmatt")
                    options=std::iter::once((String::new(), "Inget valt".to_string()))
                        .chain(effect_measures.iter().map(|m| (m.id.to_string(), format!("{} {}", m.code, m.name)))).collect()/>
                <TextField name="belopp" id=format!("belopp-{key}") label="Förväntat belopp per år (kronor)"
                    value=value("belopp") error=error("belopp")/>
                <button type="submit" class="button button--secondary">"Spara"</button>
            </form>
        </details>
    }
}

/// "Flytta upp" / "Flytta ner" for one item, as two small forms.
#[component]
fn MoveButtons(initiative_id: i64, typ: &'static str, item: i64, label: String) -> impl IntoView {
    let action = format!("/satsningar/{initiative_id}/schema");
    let button = move |riktning: &'static str, text: &'static str| {
        view! {
            <form method="post" action=action.clone() class="inline-form">
                <input type="hidden" name=ACTION_FIELD value="/api/schema/flytta"/>
                <input type="hidden" name="id" value=initiative_id.to_string()/>
                <input type="hidden" name="typ" value=typ/>
                <input type="hidden" name="post" value=item.to_string()/>
                <input type="hidden" name="riktning" value=riktning/>
                <button type="submit" class="link-button link-button--dark" aria-label=format!("{text}: {label}")>{text}</button>
            </form>
        }
    };
    view! { <span class="move">{button("upp", "Flytta upp")}{button("ner", "Flytta ner")}</span> }
}

/// Six-column view: Mål | Aktivitet | Aktivitetsmått | Effektmått | Indikatorer | Ekonomiska
/// effekter, with row spans, printable on A4 landscape.
#[component]
pub fn SixColumnPage() -> impl IntoView {
    view! {
        <PageTitle text="Utvärderingsschema – tabell"/>
        <Guard access=access()>
            <WithSchema page=|data| view! { <SixColumns data/> }.into_any()/>
        </Guard>
    }
}

fn measure_list(measures: Vec<&Measure>) -> AnyView {
    if measures.is_empty() {
        return view! { "–" }.into_any();
    }
    view! {
        <ul class="cell-list">
            {measures.into_iter().map(|m| view! { <li>{format!("{} {}", m.code, m.name)}</li> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn SixColumns(data: SchemaPageData) -> impl IntoView {
    let schema = data.schema.clone();
    let back = format!("/satsningar/{}/schema", data.initiative_id);
    let effects_for = |measure_ids: &[i64]| -> Vec<String> {
        schema
            .effects
            .iter()
            .filter(|e| {
                e.effect_measure_id
                    .is_some_and(|m| measure_ids.contains(&m))
            })
            .map(|e| {
                format!(
                    "{} ({}, {}/år)",
                    e.text,
                    e.horizon.label().to_lowercase(),
                    format_sek(e.yearly_sek)
                )
            })
            .collect()
    };
    let linked: Vec<i64> = schema.measures.iter().map(|m| m.id).collect();
    let unlinked: Vec<String> = schema
        .effects
        .iter()
        .filter(|e| e.effect_measure_id.is_none_or(|m| !linked.contains(&m)))
        .map(|e| {
            format!(
                "{} ({}, {}/år)",
                e.text,
                e.horizon.label().to_lowercase(),
                format_sek(e.yearly_sek)
            )
        })
        .collect();
    let rows = schema.goals.iter().map(|goal| {
        let span = goal.activities.len().max(1).to_string();
        let indicators = measure_list(schema.indicators(goal.id));
        let goal_cell = view! {
            <th scope="rowgroup" rowspan=span.clone()>
                {goal.text.clone()}
                {(!goal.target_group.is_empty()).then(|| view! { <br/><span class="hint">"Målgrupp: "{goal.target_group.clone()}</span> })}
            </th>
        };
        if goal.activities.is_empty() {
            return view! {
                <tbody><tr>{goal_cell}<td>"–"</td><td>"–"</td><td>"–"</td><td>{indicators}</td><td>"–"</td></tr></tbody>
            }.into_any();
        }
        let mut first = Some((goal_cell, indicators));
        let body = goal.activities.iter().map(|activity| {
            let effect_measures = schema.activity_measures(activity.id, MeasureKind::Effect);
            let ids: Vec<i64> = effect_measures.iter().map(|m| m.id).collect();
            let effects = effects_for(&ids);
            let lead = first.take();
            let (goal_cell, indicators) = match lead {
                Some((g, i)) => (Some(g), Some(i)),
                None => (None, None),
            };
            view! {
                <tr>
                    {goal_cell}
                    <td>{activity.text.clone()}</td>
                    <td>{measure_list(schema.activity_measures(activity.id, MeasureKind::Activity))}</td>
                    <td>{measure_list(effect_measures)}</td>
                    {indicators.map(|i| view! { <td rowspan=span.clone()>{i}</td> })}
                    <td>{if effects.is_empty() { view! { "–" }.into_any() } else {
                        view! { <ul class="cell-list">{effects.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul> }.into_any()
                    }}</td>
                </tr>
            }
        }).collect_view();
        view! { <tbody>{body}</tbody> }.into_any()
    }).collect_view();
    view! {
        <section class="page wide six-column" aria-labelledby="tabell-rubrik">
            <p class="no-print"><a href=back>"← Utvärderingsschema"</a></p>
            <p class="no-print actions">
                <a href=format!("/satsningar/{}/schema.xlsx", data.initiative_id) rel="external" download>"Ladda ner som Excel (.xlsx)"</a>
                <a href=format!("/satsningar/{}/schema.csv", data.initiative_id) rel="external" download>"Ladda ner som CSV"</a>
            </p>
            <h1 id="tabell-rubrik">{format!("Utvärderingsschema – {}", data.initiative_name)}</h1>
            {data.is_example.then(|| view! { <p><span class="tag">"Exempeldata"</span></p> })}
            <div class="table-scroll">
                <table class="table schema-table">
                    <caption class="visually-hidden">"Utvärderingsschema i sex kolumner"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Mål"</th>
                            <th scope="col">"Aktivitet"</th>
                            <th scope="col">"Aktivitetsmått"</th>
                            <th scope="col">"Effektmått"</th>
                            <th scope="col">"Indikatorer"</th>
                            <th scope="col">"Ekonomiska effekter"</th>
                        </tr>
                    </thead>
                    {rows}
                    {(!unlinked.is_empty()).then(|| view! {
                        <tbody>
                            <tr>
                                <th scope="row" colspan="5">"Ekonomiska effekter utan kopplat effektmått"</th>
                                <td><ul class="cell-list">{unlinked.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul></td>
                            </tr>
                        </tbody>
                    })}
                </table>
            </div>
            {schema.goals.is_empty().then(|| view! { <p>"Schemat har inga mål ännu."</p> })}
        </section>
    }
}
