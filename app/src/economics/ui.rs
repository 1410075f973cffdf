//! Ekonomi pages: the register of enhetskostnader with its price index (`/enhetskostnader`)
//! and a satsning's calculation (`/satsningar/{id}/ekonomi`).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{
    AddEffectRow, AddUnitCost, DeleteEffectRow, DeletePriceIndex, DeleteUnitCost, EconomicsData,
    FundData, PlanRepayment, RecordRepayment, Register, RepaymentView, SaveEconomicsSettings,
    SetPriceIndex, UpdateUnitCost, economics, fund_overview, unit_cost_register,
};
use super::api::{CommitUnitCostImport, ImportPreview, unit_cost_import_preview};
use super::{AREAS, UnitCost, area_label};
use crate::auth::ui::Guard;
use crate::form::{
    ACTION_FIELD, ErrorSummary, FilterSelect, FormState, PostForm, TextField, field_id,
    use_form_state,
};
use crate::html::PageTitle;
use crate::layout::TableScroll;
use crate::page::{loaded, loaded_within};
use crate::sv::number::{format_decimal, format_sek, plain_decimal};

/// A labelled `<select>` of (value, text) choices with its error message.
fn select(
    form: &FormState,
    name: &'static str,
    id: String,
    label: &'static str,
    choices: Vec<(String, String)>,
    fallback: &str,
) -> impl IntoView + use<> {
    let selected = form.value_or(name, fallback);
    let error = form.error(name);
    let error_id = format!("{id}-fel");
    let described = error.as_ref().map(|_| error_id.clone());
    let has_error = error.is_some();
    view! {
        <div class="field" class:field--error=has_error>
            <label for=id.clone()>{label}</label>
            {error.map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
            <select id=id name=name aria-describedby=described>
                {choices.into_iter().map(|(value, text)| {
                    let is = value == selected;
                    view! { <option value=value selected=is>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

fn area_choices() -> Vec<(String, String)> {
    std::iter::once((String::new(), "Välj område".to_string()))
        .chain(AREAS.iter().map(|(v, l)| (v.to_string(), l.to_string())))
        .collect()
}

fn optional_number(value: Option<f64>) -> String {
    value.map_or("–".into(), format_decimal)
}

/// Enhetskostnader.
#[component]
pub fn UnitCostsPage() -> impl IntoView {
    view! {
        <PageTitle text="Enhetskostnader"/>
        <Guard access=crate::auth::page_access("/enhetskostnader")>
            <UnitCostRegister/>
        </Guard>
    }
}

#[component]
fn UnitCostRegister() -> impl IntoView {
    let query = use_query_map();
    let register =
        Resource::new_blocking(move || query.with(|q| q.get("post")), unit_cost_register);
    let notice = query.with_untracked(|q| {
        if q.get("sparad").is_some() {
            Some("Enhetskostnaden är tillagd.")
        } else if q.get("andrad").is_some() {
            Some("Ändringen är sparad.")
        } else if q.get("borttagen").is_some() {
            Some("Enhetskostnaden är borttagen.")
        } else if q.get("index").is_some() {
            Some("Prisindex är uppdaterat.")
        } else if q.get("importerade").is_some() {
            Some("Importen är sparad.")
        } else {
            None
        }
    });
    view! {
        <section class="page wide" aria-labelledby="enhetskostnader-rubrik">
            <h1 id="enhetskostnader-rubrik">"Enhetskostnader"</h1>
            <p class="lead">"Kommunens kostnader per enhet (dygn, elev, ärende …) för att prissätta satsningarnas effekter. En rad per post och prisår, så att kostnadsutvecklingen syns."</p>
            {notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
            {loaded_within(register, "Hämtar enhetskostnader…", move |register| {
                view! { <RegisterView register/> }
            })}
        </section>
    }
}

#[component]
fn RegisterView(register: Register) -> impl IntoView {
    let form = use_form_state();
    let may_edit = register.may_edit;
    let internal = register.costs.iter().any(|c| c.internal.is_some());
    let example = register.costs.iter().any(|c| c.is_example);
    let adding = form.values.get(ACTION_FIELD).map(String::as_str) == Some(AddUnitCost::PATH);
    let add_form = form.clone().if_posted(adding);
    let indexing = form.values.get(ACTION_FIELD).map(String::as_str) == Some(SetPriceIndex::PATH);
    let index_form = form.clone().if_posted(indexing);
    let other_error =
        (!form.is_clean() && !adding && !indexing && !form.values.contains_key("cost_id"))
            .then(|| form.clone());
    let costs = register.costs.clone();
    view! {
        {example.then(|| view! { <p><span class="tag">"Exempeldata"</span>" Registret innehåller påhittade exempelkostnader."</p> })}
        {other_error.map(|state| view! { <ErrorSummary state/> })}
        <TableScroll label="Enhetskostnader">
            <table class="table">
                <caption class="visually-hidden">"Enhetskostnader"</caption>
                <thead><tr>
                    <th scope="col">"Post"</th><th scope="col">"Verksamhetsområde"</th><th scope="col">"Enhet"</th>
                    <th scope="col" class="num">"Kostnad"</th><th scope="col" class="num">"Prisår"</th>
                    <th scope="col">"Källa"</th><th scope="col">"Kommentar"</th>
                    {internal.then(|| view! {
                        <th scope="col" class="num">"Volym (internt)"</th><th scope="col" class="num">"OH-påslag (internt)"</th>
                    })}
                    {may_edit.then(|| view! { <th scope="col"><span class="visually-hidden">"Åtgärd"</span></th> })}
                </tr></thead>
                <tbody>
                    {costs.into_iter().map(|c| {
                        let internal_cells = c.internal.clone().map(|i| view! {
                            <td class="num">{optional_number(i.volume)}</td>
                            <td class="num">{i.overhead_percent.map_or("–".into(), |v| format!("{} %", format_decimal(v)))}</td>
                        });
                        let actions = may_edit.then(|| {
                            let cost = c.clone();
                            view! { <td class="row-actions"><EditCost cost=cost.clone()/><DeleteCost cost/></td> }
                        });
                        view! {
                            <tr id=format!("kostnad-{}", c.id)>
                                <th scope="row">{c.post.clone()}{c.is_example.then(|| view! { " " <span class="tag">"Exempeldata"</span> })}</th>
                                <td>{area_label(&c.area)}</td>
                                <td>{c.unit.clone()}</td>
                                <td class="num">{format_sek(c.cost_sek)}</td>
                                <td class="num">{c.price_year}</td>
                                <td>{c.source.clone()}</td>
                                <td>{c.comment.clone()}</td>
                                {internal_cells}
                                {actions}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
        {if register.costs.is_empty() {
            view! { <p class="hint">"Registret är tomt."</p> }.into_any()
        } else {
            view! {
                <p class="actions">
                    <a href="/enhetskostnader.csv" rel="external" download>"Ladda ner som CSV"</a>
                    <a href="/enhetskostnader.xlsx" rel="external" download>"Ladda ner som Excel (.xlsx)"</a>
                    {may_edit.then(|| view! { <a href="/enhetskostnader/import">"Importera från fil"</a> })}
                </p>
            }.into_any()
        }}
        <CostDevelopment posts=register.posts.clone() development=register.development.clone()/>
        {may_edit.then(|| view! {
            <h2 id="ny-kostnad">"Lägg till enhetskostnad"</h2>
            <ErrorSummary state=add_form.clone()/>
            <PostForm action="/enhetskostnader" fn_path=AddUnitCost::PATH class="form narrow">
                <CostFields form=add_form.clone() cost=None/>
                <button type="submit" class="button">"Lägg till enhetskostnad"</button>
            </PostForm>
        })}
        <IndexSection index=register.index.clone() may_edit form=index_form/>
    }
}

/// The fields of a unit cost, empty or with `cost`'s values.
#[component]
fn CostFields(form: FormState, cost: Option<UnitCost>) -> impl IntoView {
    let key = cost.as_ref().map_or("ny".to_string(), |c| c.id.to_string());
    let id = |name: &str| format!("{}-{key}", field_id(name));
    let value = |name: &str, stored: String| form.value_or(name, &stored);
    let c = cost.clone();
    let internal = c
        .as_ref()
        .and_then(|c| c.internal.clone())
        .unwrap_or_default();
    view! {
        <TextField name="cost[post]" id=id("cost[post]") label="Post" hint="Till exempel Placering HVB, barn"
            value=value("cost[post]", c.as_ref().map(|c| c.post.clone()).unwrap_or_default()) error=form.error("cost[post]")/>
        {select(&form, "cost[area]", id("cost[area]"), "Verksamhetsområde", area_choices(),
            &c.as_ref().map(|c| c.area.clone()).unwrap_or_default())}
        <TextField name="cost[unit]" id=id("cost[unit]") label="Enhet" hint="Till exempel per dygn, per elev och år, per ärende"
            value=value("cost[unit]", c.as_ref().map(|c| c.unit.clone()).unwrap_or_default()) error=form.error("cost[unit]")/>
        <TextField name="cost[cost_sek]" id=id("cost[cost_sek]") label="Kostnad (kronor)"
            value=value("cost[cost_sek]", c.as_ref().map(|c| c.cost_sek.to_string()).unwrap_or_default()) error=form.error("cost[cost_sek]")/>
        <TextField name="cost[price_year]" id=id("cost[price_year]") label="Prisår"
            value=value("cost[price_year]", c.as_ref().map(|c| c.price_year.to_string()).unwrap_or_default()) error=form.error("cost[price_year]")/>
        <TextField name="cost[source]" id=id("cost[source]") label="Källa" hint="KPB, ekonomisystemet, SIRIS …"
            value=value("cost[source]", c.as_ref().map(|c| c.source.clone()).unwrap_or_default()) error=form.error("cost[source]")/>
        <TextField name="cost[comment]" id=id("cost[comment]") label="Kommentar: så räknar en annan kommun fram sin siffra" kind="textarea"
            value=value("cost[comment]", c.as_ref().map(|c| c.comment.clone()).unwrap_or_default()) error=form.error("cost[comment]")/>
        <fieldset class="field-group">
            <legend>"Internt (visas bara för utvärderare och processledare)"</legend>
            <TextField name="cost[volume]" id=id("cost[volume]") label="Volym (antal enheter)"
                value=value("cost[volume]", internal.volume.map(plain_decimal).unwrap_or_default()) error=form.error("cost[volume]")/>
            <TextField name="cost[overhead_percent]" id=id("cost[overhead_percent]") label="OH-påslag (%)"
                value=value("cost[overhead_percent]", internal.overhead_percent.map(plain_decimal).unwrap_or_default()) error=form.error("cost[overhead_percent]")/>
        </fieldset>
    }
}

/// "Ändra" for one unit cost: its form in a disclosure, open again when it was rejected.
#[component]
fn EditCost(cost: UnitCost) -> impl IntoView {
    let form = use_form_state();
    let here = form.is_from(UpdateUnitCost::PATH, "cost_id", &cost.id.to_string());
    let form = form.if_posted(here);
    let label = format!("{} {}", cost.post, cost.price_year);
    view! {
        <details class="confirm" open=here>
            <summary aria-label=format!("Ändra {label}")>"Ändra"</summary>
            {here.then(|| view! { <ErrorSummary state=form.clone()/> })}
            <PostForm action="/enhetskostnader" fn_path=UpdateUnitCost::PATH>
                <input type="hidden" name="cost_id" value=cost.id.to_string()/>
                <CostFields form=form.clone() cost=Some(cost.clone())/>
                <button type="submit" class="button button--secondary">"Spara"</button>
            </PostForm>
        </details>
    }
}

/// "Ta bort" with a confirmation step that works without JavaScript.
#[component]
fn DeleteCost(cost: UnitCost) -> impl IntoView {
    let form = use_form_state();
    let here = form.is_from(DeleteUnitCost::PATH, "cost_id", &cost.id.to_string());
    let label = format!("{} {}", cost.post, cost.price_year);
    view! {
        <details class="confirm" open=here>
            <summary aria-label=format!("Ta bort {label}")>"Ta bort"</summary>
            {here.then(|| view! { <ErrorSummary state=form.clone()/> })}
            <p class="hint">"Borttagningen loggas i historiken. En kostnad som används i en kalkyl kan inte tas bort."</p>
            <PostForm action="/enhetskostnader" fn_path=DeleteUnitCost::PATH class="inline-form">
                <input type="hidden" name="cost_id" value=cost.id.to_string()/>
                <button type="submit" class="button button--secondary" aria-label=format!("Ja, ta bort {label}")>"Ja, ta bort"</button>
            </PostForm>
        </details>
    }
}

/// Kostnadsutveckling: one post's cost over its price years, as a chart and a table.
#[component]
fn CostDevelopment(
    posts: Vec<String>,
    development: Option<super::api::Development>,
) -> impl IntoView {
    let Some(development) = development else {
        return ().into_any();
    };
    let post = development.post.clone();
    let title = development.chart.title.clone();
    let choices: Vec<(String, String)> = posts.iter().map(|p| (p.clone(), p.clone())).collect();
    view! {
        <section aria-labelledby="utveckling-rubrik">
            <h2 id="utveckling-rubrik">"Kostnadsutveckling"</h2>
            <form method="get" action="/enhetskostnader" class="form--inline">
                <FilterSelect name="post" label="Post" choices selected=Some(post) all=false/>
                <button type="submit" class="button button--secondary">"Visa"</button>
            </form>
            <figure class="chart-card" aria-labelledby="utveckling-diagram">
                <figcaption id="utveckling-diagram"><strong>{title.clone()}</strong></figcaption>
                {match development.svg.clone() {
                    Some(svg) => view! { <div class="chart" inner_html=svg></div> }.into_any(),
                    None => view! { <p class="chart-empty">"Inget att rita."</p> }.into_any(),
                }}
                <details class="chart-table">
                    <summary>"Visa kostnadsutvecklingen som tabell"</summary>
                    <table class="table">
                        <caption class="visually-hidden">{title}</caption>
                        <thead><tr><th scope="col">"Prisår"</th><th scope="col" class="num">"Kostnad"</th></tr></thead>
                        <tbody>
                            {development.years.iter().map(|(y, c)| view! { <tr><th scope="row">{*y}</th><td class="num">{format_sek(*c)}</td></tr> }).collect_view()}
                        </tbody>
                    </table>
                </details>
            </figure>
        </section>
    }
    .into_any()
}

/// Prisindex: the table, and for those who keep it a form to add or change a year.
#[component]
fn IndexSection(index: Vec<super::IndexValue>, may_edit: bool, form: FormState) -> impl IntoView {
    view! {
        <section aria-labelledby="prisindex-rubrik" id="prisindex">
            <h2 id="prisindex-rubrik">"Prisindex (KPI)"</h2>
            <p class="hint">"Räknar om en kostnad till kalkylens prisår: kostnad × index(prisår) / index(kostnadens år)."</p>
            {if index.is_empty() {
                view! { <p class="hint">"Inga indexvärden ännu."</p> }.into_any()
            } else {
                view! {
                    <table class="table narrow">
                        <caption class="visually-hidden">"Prisindex per år"</caption>
                        <thead><tr>
                            <th scope="col">"År"</th><th scope="col" class="num">"Index"</th>
                            {may_edit.then(|| view! { <th scope="col"><span class="visually-hidden">"Åtgärd"</span></th> })}
                        </tr></thead>
                        <tbody>
                            {index.into_iter().map(|v| view! {
                                <tr>
                                    <th scope="row">{v.year}{v.is_example.then(|| view! { " " <span class="tag">"Exempeldata"</span> })}</th>
                                    <td class="num">{format_decimal(v.value)}</td>
                                    {may_edit.then(|| view! {
                                        <td>
                                            <details class="confirm">
                                                <summary aria-label=format!("Ta bort index för {}", v.year)>"Ta bort"</summary>
                                                <PostForm action="/enhetskostnader" fn_path=DeletePriceIndex::PATH class="inline-form">
                                                    <input type="hidden" name="year" value=v.year.to_string()/>
                                                    <button type="submit" class="button button--secondary"
                                                        aria-label=format!("Ja, ta bort index för {}", v.year)>"Ja, ta bort"</button>
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
            {may_edit.then(|| view! {
                <h3>"Lägg till eller ändra indexvärde"</h3>
                <ErrorSummary state=form.clone()/>
                <PostForm action="/enhetskostnader" fn_path=SetPriceIndex::PATH class="form narrow">
                    <TextField name="index[year]" label="År" value=form.value_or("index[year]", "") error=form.error("index[year]")/>
                    <TextField name="index[value]" label="Indexvärde" hint="Till exempel 412,6"
                        value=form.value_or("index[value]", "") error=form.error("index[value]")/>
                    <button type="submit" class="button">"Spara indexvärde"</button>
                </PostForm>
            })}
        </section>
    }
}

/// Ekonomi: a satsning's calculation.
#[component]
pub fn EconomicsPage() -> impl IntoView {
    view! {
        <PageTitle text="Ekonomi"/>
        <Guard access=crate::auth::page_access("/satsningar/0/ekonomi")>
            <CalculationLoader/>
        </Guard>
    }
}

#[component]
fn CalculationLoader() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let data = Resource::new_blocking(id, |id| async move {
        match id {
            Some(id) => economics(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    loaded(
        data,
        "Hämtar kalkylen…",
        |data| view! { <Calculation data/> },
    )
}

fn percent(value: f64) -> String {
    format!("{} %", format_decimal(value))
}

#[component]
fn Calculation(data: EconomicsData) -> impl IntoView {
    let form = use_form_state();
    let id = data.initiative_id;
    let action = format!("/satsningar/{id}/ekonomi");
    let query = use_query_map();
    let notice = query.with_untracked(|q| {
        if q.get("sparad").is_some() {
            Some("Parametrarna är sparade.")
        } else if q.get("tillagd").is_some() {
            Some("Effektraden är tillagd.")
        } else if q.get("borttagen").is_some() {
            Some("Effektraden är borttagen.")
        } else if q.get("aterforing").is_some() {
            Some("Återföringen är sparad.")
        } else {
            None
        }
    });
    let settings_posted =
        form.values.get(ACTION_FIELD).map(String::as_str) == Some(SaveEconomicsSettings::PATH);
    let settings_form = form.clone().if_posted(settings_posted);
    let effect_posted =
        form.values.get(ACTION_FIELD).map(String::as_str) == Some(AddEffectRow::PATH);
    let effect_form = form.clone().if_posted(effect_posted);
    let repayment_posted = [PlanRepayment::PATH, RecordRepayment::PATH].contains(
        &form
            .values
            .get(ACTION_FIELD)
            .map(String::as_str)
            .unwrap_or_default(),
    );
    let repayment_form = form.clone().if_posted(repayment_posted);
    let other_error = (!form.is_clean() && !settings_posted && !effect_posted && !repayment_posted)
        .then(|| form.clone());
    let horizon_end = data.last_year + super::calc::MAX_YEARS_AFTER_END;
    let settings = data.settings.clone();
    view! {
        <section class="page wide" aria-labelledby="ekonomi-rubrik">
            <p><a href=format!("/satsningar/{id}")>"← "{data.name.clone()}</a></p>
            <h1 id="ekonomi-rubrik">"Ekonomi"</h1>
            <p class="lead">{data.name.clone()}" · "{data.period.clone()}
                {data.is_example.then(|| view! { " " <span class="tag">"Exempeldata"</span> })}</p>
            {notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
            {other_error.map(|state| view! { <ErrorSummary state/> })}
            <dl class="facts">
                <dt>"Horisont"</dt><dd>{format!("{}–{horizon_end} (satsningens period och högst tio år efter slutet)", data.first_year)}</dd>
                <dt>"Prisår"</dt><dd>{settings.price_year}</dd>
                <dt>"Diskonteringsränta (real)"</dt><dd>{percent(settings.discount_rate_percent)}{(!settings.saved).then_some(" (standardvärde)")}</dd>
            </dl>
            <ResultView data=data.clone()/>
            <FollowUps follow_ups=data.follow_ups.clone() updated=data.updated.clone()/>
            <Costs costs=data.costs.clone()/>
            <Effects data=data.clone() action=action.clone()/>
            {data.may_edit.then(|| view! {
                <section aria-labelledby="parametrar-rubrik">
                    <h2 id="parametrar-rubrik">"Parametrar"</h2>
                    <ErrorSummary state=settings_form.clone()/>
                    <PostForm action=action.clone() fn_path=SaveEconomicsSettings::PATH class="form narrow">
                        <input type="hidden" name="initiative_id" value=id.to_string()/>
                        <TextField name="settings[price_year]" label="Prisår" hint="Alla kostnader räknas om till det här årets priser"
                            value=settings_form.value_or("settings[price_year]", &settings.price_year.to_string()) error=settings_form.error("settings[price_year]")/>
                        <TextField name="settings[discount_rate_percent]" label="Diskonteringsränta, real (%)"
                            value=settings_form.value_or("settings[discount_rate_percent]", &plain_decimal(settings.discount_rate_percent))
                            error=settings_form.error("settings[discount_rate_percent]")/>
                        <button type="submit" class="button">"Spara parametrar"</button>
                    </PostForm>
                </section>
                <EffectForm data=data.clone() form=effect_form.clone() action=action.clone()/>
            })}
            {(!data.may_edit).then(|| view! { <p class="hint">"Du kan läsa kalkylen men inte ändra den."</p> })}
            <Repayment ledger=data.repayment.clone() initiative_id=id form=repayment_form action=action.clone()/>
        </section>
    }
}

#[component]
fn ResultView(data: EconomicsData) -> impl IntoView {
    let computed = match data.computed {
        Ok(computed) => computed,
        Err(problem) => {
            return view! {
                <section id="resultat" aria-labelledby="resultat-rubrik">
                    <h2 id="resultat-rubrik">"Resultat"</h2>
                    <p class="error-summary" role="alert">{problem}</p>
                </section>
            }
            .into_any();
        }
    };
    let outcome = computed.outcome.clone();
    let (verdict_class, verdict_word) = if outcome.meets {
        ("light light-green", "Ja")
    } else {
        ("light light-red", "Nej")
    };
    let break_even = outcome
        .break_even_year
        .map_or("Nås inte inom horisonten".to_string(), |y| y.to_string());
    let share = computed.break_even_share.map_or(
        "Effekterna sparar inget, så ingen effektstorlek räcker.".to_string(),
        |s| format!("{} av de beräknade effekterna", percent(s * 100.0)),
    );
    view! {
        <section id="resultat" aria-labelledby="resultat-rubrik">
            <h2 id="resultat-rubrik">"Resultat"</h2>
            <p class="verdict" id="bedomning">"Uppfyller kravet: besparingar ≥ kostnad: "
                <span class=verdict_class>{verdict_word}</span></p>
            <dl class="facts">
                <dt>"Nuvärde kostnader"</dt><dd id="nuvarde-kostnader">{format_sek(outcome.pv_costs)}</dd>
                <dt>"Nuvärde besparingar"</dt><dd id="nuvarde-besparingar">{format_sek(outcome.pv_savings)}</dd>
                <dt>"Netto"</dt><dd id="netto">{format_sek(outcome.net)}</dd>
                <dt>"Break-even-år"</dt><dd id="break-even-ar">{break_even}</dd>
                <dt>"Break-even-effekt"</dt><dd id="break-even-effekt">{share}</dd>
            </dl>
            <figure class="chart-card" aria-labelledby="ekonomi-diagram">
                <figcaption id="ekonomi-diagram"><strong>{computed.chart.title.clone()}</strong>
                    " "<span class="hint">"(tusental kronor)"</span></figcaption>
                {match computed.svg.clone() {
                    Some(svg) => view! { <div class="chart" inner_html=svg></div> }.into_any(),
                    None => view! { <p class="chart-empty">"Inget att rita ännu."</p> }.into_any(),
                }}
                <details class="chart-table">
                    <summary>"Visa år för år som tabell"</summary>
                    <TableScroll label="År för år">
                        <table class="table">
                            <caption class="visually-hidden">"Kostnader och besparingar år för år"</caption>
                            <thead><tr>
                                <th scope="col">"År"</th><th scope="col" class="num">"Kostnad"</th><th scope="col" class="num">"Besparing"</th>
                                <th scope="col" class="num">"Kostnader, nuvärde ackumulerat"</th><th scope="col" class="num">"Besparingar, nuvärde ackumulerat"</th>
                            </tr></thead>
                            <tbody>
                                {outcome.years.iter().map(|y| view! {
                                    <tr>
                                        <th scope="row">{y.year}</th>
                                        <td class="num">{format_sek(y.cost)}</td>
                                        <td class="num">{format_sek(y.savings)}</td>
                                        <td class="num">{format_sek(y.cumulative_cost)}</td>
                                        <td class="num">{format_sek(y.cumulative_savings)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                </details>
            </figure>
            <h3 id="kanslighet">"Känslighetsanalys"</h3>
            <TableScroll label="Känslighetsanalys">
                <table class="table">
                    <caption class="visually-hidden">"Känslighetsanalys"</caption>
                    <thead><tr>
                        <th scope="col">"Antagande"</th><th scope="col" class="num">"Nuvärde besparingar"</th>
                        <th scope="col" class="num">"Netto"</th><th scope="col">"Uppfyller kravet"</th>
                    </tr></thead>
                    <tbody>
                        {computed.sensitivity.iter().map(|row| view! {
                            <tr>
                                <th scope="row">{row.label.clone()}</th>
                                <td class="num">{format_sek(row.pv_savings)}</td>
                                <td class="num">{format_sek(row.net)}</td>
                                <td>{if row.meets { "Ja" } else { "Nej" }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </TableScroll>
        </section>
    }
    .into_any()
}

#[component]
fn Costs(costs: Vec<super::CostYear>) -> impl IntoView {
    let total = |f: fn(&super::CostYear) -> i64| format_sek(costs.iter().map(f).sum());
    let (budget, counted) = (total(|c| c.budget), total(|c| c.counted));
    let spent = costs
        .iter()
        .any(|c| c.actual.is_some())
        .then(|| total(|c| c.actual.unwrap_or(0)));
    view! {
        <section aria-labelledby="kostnader-rubrik" id="kostnader">
            <h2 id="kostnader-rubrik">"Kostnader per år"</h2>
            {if costs.is_empty() {
                view! { <p class="hint">"Satsningen har ingen budget och inga redovisade kostnader. Ange budgeten på satsningens sida under Redigera."</p> }.into_any()
            } else {
                view! {
                    <p class="hint">"Kalkylen räknar med den faktiska kostnaden för ett avslutat år (när halvårsredovisningen för juli–december skulle vara inne) och med budgeten för innevarande och kommande år, eller med det som redan har förbrukats om det är mer. Faktiska kostnader anges i halvårsredovisningen."</p>
                    <TableScroll label="Kostnader per år">
                        <table class="table narrow">
                            <caption class="visually-hidden">"Kostnader per år"</caption>
                            <thead><tr>
                                <th scope="col">"År"</th>
                                <th scope="col" class="num">"Budget"</th>
                                <th scope="col" class="num">"Faktisk kostnad"</th>
                                <th scope="col" class="num">"I kalkylen"</th>
                                <th scope="col">"Räknat på"</th>
                            </tr></thead>
                            <tbody>
                                {costs.iter().map(|c| view! {
                                    <tr>
                                        <th scope="row">{c.year}</th>
                                        <td class="num">{format_sek(c.budget)}</td>
                                        <td class="num">{c.actual.map_or_else(|| "–".to_string(), format_sek)}</td>
                                        <td class="num">{format_sek(c.counted)}</td>
                                        <td>{c.source.label()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                            <tfoot><tr>
                                <th scope="row">"Totalt"</th>
                                <td class="num">{budget}</td>
                                <td class="num">{spent.unwrap_or_else(|| "–".into())}</td>
                                <td class="num">{counted}</td>
                                <td></td>
                            </tr></tfoot>
                        </table>
                    </TableScroll>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn Effects(data: EconomicsData, action: String) -> impl IntoView {
    let id = data.initiative_id;
    let may_edit = data.may_edit;
    view! {
        <section aria-labelledby="effekter-rubrik" id="effekter">
            <h2 id="effekter-rubrik">"Effekter"</h2>
            <p class="hint">"Effektvärde per år = minskning × enhetskostnad (i prisåret) × (1 − dödvikt) × (1 − attribution) × (1 − undanträngning), och avtagandet varje år efter det första."</p>
            {if data.rows.is_empty() {
                view! { <p class="hint">"Inga effektrader ännu."</p> }.into_any()
            } else {
                view! {
                    <TableScroll label="Effekter">
                        <table class="table">
                            <caption class="visually-hidden">"Effektrader"</caption>
                            <thead><tr>
                                <th scope="col">"Effekt"</th><th scope="col">"Enhetskostnad"</th>
                                <th scope="col" class="num">"Minskning per år"</th><th scope="col" class="num">"Från år"</th>
                                <th scope="col" class="num">"Dödvikt"</th><th scope="col" class="num">"Attribution"</th>
                                <th scope="col" class="num">"Undanträngning"</th><th scope="col" class="num">"Avtagande per år"</th>
                                <th scope="col">"Nämnd som får besparingen"</th>
                                {may_edit.then(|| view! { <th scope="col"><span class="visually-hidden">"Åtgärd"</span></th> })}
                            </tr></thead>
                            <tbody>
                                {data.rows.iter().map(|v| {
                                    let r = v.row.clone();
                                    let name = r.name.clone();
                                    view! {
                                        <tr>
                                            <th scope="row">{r.name.clone()}
                                                {v.effect.clone().map(|e| view! { <br/><span class="hint">{format!("Schemats effekt: {e}")}</span> })}</th>
                                            <td>{v.unit_cost.clone()}</td>
                                            <td class="num">{format_decimal(r.reduction_per_year)}</td>
                                            <td class="num">{r.start_year}</td>
                                            <td class="num">{percent(r.deadweight_percent)}</td>
                                            <td class="num">{percent(r.attribution_percent)}</td>
                                            <td class="num">{percent(r.displacement_percent)}</td>
                                            <td class="num">{percent(r.drop_off_percent)}</td>
                                            <td>{v.party.clone().unwrap_or_else(|| "–".into())}</td>
                                            {may_edit.then(|| view! {
                                                <td>
                                                    <details class="confirm">
                                                        <summary aria-label=format!("Ta bort {name}")>"Ta bort"</summary>
                                                        <p class="hint">"Borttagningen loggas i historiken."</p>
                                                        <PostForm action=action.clone() fn_path=DeleteEffectRow::PATH class="inline-form">
                                                            <input type="hidden" name="initiative_id" value=id.to_string()/>
                                                            <input type="hidden" name="row_id" value=r.id.to_string()/>
                                                            <button type="submit" class="button button--secondary"
                                                                aria-label=format!("Ja, ta bort {name}")>"Ja, ta bort"</button>
                                                        </PostForm>
                                                    </details>
                                                </td>
                                            })}
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn EffectForm(data: EconomicsData, form: FormState, action: String) -> impl IntoView {
    let id = data.initiative_id;
    let with_none = |none: &str, choices: &[(i64, String)]| -> Vec<(String, String)> {
        std::iter::once((String::new(), none.to_string()))
            .chain(choices.iter().map(|(i, t)| (i.to_string(), t.clone())))
            .collect()
    };
    let field = |name: &'static str| form.value_or(name, "");
    let values: Vec<(String, Option<String>)> = [
        "effect[name]",
        "effect[reduction_per_year]",
        "effect[deadweight_percent]",
        "effect[attribution_percent]",
        "effect[displacement_percent]",
        "effect[drop_off_percent]",
    ]
    .into_iter()
    .map(|name| (field(name), form.error(name)))
    .collect();
    let [
        name,
        reduction,
        deadweight,
        attribution,
        displacement,
        drop_off,
    ]: [(String, Option<String>); 6] = values.try_into().unwrap_or_else(|_| unreachable!());
    let start_year = (
        form.value_or("effect[start_year]", &data.last_year.to_string()),
        form.error("effect[start_year]"),
    );
    let effect_select = select(
        &form,
        "effect[economic_effect_id]",
        field_id("effect[economic_effect_id]"),
        "Ekonomisk effekt i schemat",
        with_none("Ingen koppling", &data.effects),
        "",
    );
    let cost_select = select(
        &form,
        "effect[unit_cost_id]",
        field_id("effect[unit_cost_id]"),
        "Enhetskostnad",
        with_none("Välj enhetskostnad", &data.unit_costs),
        "",
    );
    let party_select = select(
        &form,
        "effect[party_id]",
        field_id("effect[party_id]"),
        "Nämnd som får besparingen",
        with_none("Ingen angiven", &data.parties),
        "",
    );
    let no_costs = data.unit_costs.is_empty();
    view! {
        <section aria-labelledby="ny-effekt-rubrik">
            <h2 id="ny-effekt-rubrik">"Lägg till effektrad"</h2>
            {no_costs.then(|| view! {
                <p class="hint">"Registret över enhetskostnader är tomt. Lägg in kostnader under "<a href="/enhetskostnader">"Enhetskostnader"</a>" först."</p>
            })}
            <ErrorSummary state=form.clone()/>
            <PostForm action=action fn_path=AddEffectRow::PATH class="form narrow">
                <input type="hidden" name="initiative_id" value=id.to_string()/>
                <TextField name="effect[name]" label="Effekt" hint="Till exempel Färre placeringar på HVB"
                    value=name.0 error=name.1/>
                {effect_select}
                {cost_select}
                {party_select}
                <div class="field-row">
                    <TextField name="effect[reduction_per_year]" label="Minskning per år (enheter)" hint="Till exempel 3 placeringar färre"
                        value=reduction.0 error=reduction.1/>
                    <TextField name="effect[start_year]" label="Från år" value=start_year.0 error=start_year.1/>
                </div>
                <fieldset class="field-group">
                    <legend>"Andelar som inte räknas (%)"</legend>
                    <div class="field-row">
                        <TextField name="effect[deadweight_percent]" label="Dödvikt" hint="Hade hänt ändå"
                            value=deadweight.0 error=deadweight.1/>
                        <TextField name="effect[attribution_percent]" label="Attribution" hint="Andras förtjänst"
                            value=attribution.0 error=attribution.1/>
                        <TextField name="effect[displacement_percent]" label="Undanträngning" hint="Flyttas bara"
                            value=displacement.0 error=displacement.1/>
                        <TextField name="effect[drop_off_percent]" label="Avtagande per år" hint="Efter första året"
                            value=drop_off.0 error=drop_off.1/>
                    </div>
                </fieldset>
                <button type="submit" class="button">"Lägg till effektrad"</button>
            </PostForm>
        </section>
    }
}

/// Återföring: the plan per nämnd and year, what was paid, and the balance; or "Ingen
/// återföring".
#[component]
fn Repayment(
    ledger: RepaymentView,
    initiative_id: i64,
    form: FormState,
    action: String,
) -> impl IntoView {
    let name = {
        let boards = ledger.boards.clone();
        move |id: i64| {
            boards
                .iter()
                .find(|(b, _)| *b == id)
                .map_or("Okänd nämnd".to_string(), |(_, n)| n.clone())
        }
    };
    if !ledger.applies {
        return view! {
            <section aria-labelledby="aterforing-rubrik" id="aterforing">
                <h2 id="aterforing-rubrik">"Återföring"</h2>
                <p>"Ingen återföring: satsningen omfattas inte av återföringsmodellen."</p>
            </section>
        }
        .into_any();
    }
    let boards: Vec<(String, String)> = std::iter::once((String::new(), "Välj nämnd".to_string()))
        .chain(
            ledger
                .boards
                .iter()
                .map(|(i, n)| (i.to_string(), n.clone())),
        )
        .collect();
    let planning = form.values.get(ACTION_FIELD).map(String::as_str) == Some(PlanRepayment::PATH);
    let plan_form = form.clone().if_posted(planning);
    let pay_form = form.clone().if_posted(!planning);
    let plan_fields = repayment_fields(&plan_form, "plan", false, boards.clone());
    let pay_fields = repayment_fields(&pay_form, "betalning", true, boards);
    view! {
        <section aria-labelledby="aterforing-rubrik" id="aterforing">
            <h2 id="aterforing-rubrik">"Återföring"</h2>
            <p class="hint">"Nämnder vars kostnader minskar betalar tillbaka till fonden enligt en plan."</p>
            {if ledger.balances.is_empty() {
                view! { <p class="hint">"Ingen plan och inga återbetalningar ännu."</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <caption>"Saldo per nämnd"</caption>
                        <thead><tr>
                            <th scope="col">"Nämnd"</th><th scope="col" class="num">"Planerat"</th>
                            <th scope="col" class="num">"Återbetalt"</th><th scope="col" class="num">"Kvar"</th>
                        </tr></thead>
                        <tbody>
                            {ledger.balances.iter().map(|b| view! {
                                <tr>
                                    <th scope="row">{name(b.party_id)}</th>
                                    <td class="num">{format_sek(b.planned)}</td>
                                    <td class="num">{format_sek(b.paid)}</td>
                                    <td class="num">{format_sek(b.left)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <table class="table">
                        <caption>"Per nämnd och år"</caption>
                        <thead><tr>
                            <th scope="col">"Nämnd"</th><th scope="col">"År"</th>
                            <th scope="col" class="num">"Planerat"</th><th scope="col" class="num">"Återbetalt"</th>
                        </tr></thead>
                        <tbody>
                            {ledger.rows.iter().map(|r| view! {
                                <tr>
                                    <th scope="row">{name(r.party_id)}</th>
                                    <td>{r.year}</td>
                                    <td class="num">{format_sek(r.planned)}</td>
                                    <td class="num">{format_sek(r.paid)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            {ledger.may_record.then(|| view! {
                <p><a href="/fonden">"Fonden: beslut och återföring per nämnd"</a></p>
                <h3>"Planera återföring"</h3>
                <ErrorSummary state=plan_form.clone()/>
                <PostForm action=action.clone() fn_path=PlanRepayment::PATH class="form narrow">
                    <input type="hidden" name="initiative_id" value=initiative_id.to_string()/>
                    {plan_fields}
                    <button type="submit" class="button">"Spara plan"</button>
                </PostForm>
                <h3>"Registrera återbetalning"</h3>
                <ErrorSummary state=pay_form.clone()/>
                <PostForm action=action.clone() fn_path=RecordRepayment::PATH class="form narrow">
                    <input type="hidden" name="initiative_id" value=initiative_id.to_string()/>
                    {pay_fields}
                    <button type="submit" class="button">"Registrera återbetalning"</button>
                </PostForm>
            })}
        </section>
    }
    .into_any()
}

/// Fonden: decided money and återföring per nämnd, across satsningar.
#[component]
pub fn FundPage() -> impl IntoView {
    view! {
        <PageTitle text="Fonden"/>
        <Guard access=crate::auth::page_access("/fonden")>
            <FundLoader/>
        </Guard>
    }
}

#[component]
fn FundLoader() -> impl IntoView {
    let data = Resource::new_blocking(|| (), |_| fund_overview());
    view! {
        <section class="page wide" aria-labelledby="fonden-rubrik">
            <h1 id="fonden-rubrik">"Fonden: beslut och återföring per nämnd"</h1>
            <p class="lead">"Beslutade och förbrukade medel i satsningar där nämnden deltar, planerad och faktisk återföring."</p>
            {loaded_within(data, "Hämtar fondöversikten…", |data| view! { <FundTable data/> })}
        </section>
    }
}

#[component]
fn FundTable(data: FundData) -> impl IntoView {
    let planned: i64 = data.rows.iter().map(|r| r.planned).sum();
    let paid: i64 = data.rows.iter().map(|r| r.paid).sum();
    view! {
        <TableScroll label="Fonden per nämnd">
            <table class="table">
                <caption class="visually-hidden">"Fonden per nämnd"</caption>
                <thead><tr>
                    <th scope="col">"Nämnd"</th>
                    <th scope="col" class="num">"Beslutat i satsningar där nämnden deltar"</th>
                    <th scope="col" class="num">"Förbrukat i dem"</th>
                    <th scope="col" class="num">"Planerad återföring"</th>
                    <th scope="col" class="num">"Återbetalt"</th>
                    <th scope="col" class="num">"Kvar att återföra"</th>
                </tr></thead>
                <tbody>
                    {data.rows.iter().map(|r| view! {
                        <tr>
                            <th scope="row">{r.party.clone()}</th>
                            <td class="num">{format_sek(r.decided)}</td>
                            <td class="num">{format_sek(r.spent)}</td>
                            <td class="num">{format_sek(r.planned)}</td>
                            <td class="num">{format_sek(r.paid)}</td>
                            <td class="num">{format_sek(r.planned - r.paid)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row">"Totalt (varje satsning räknad en gång)"</th>
                        <td class="num">{format_sek(data.decided_total)}</td>
                        <td class="num">{format_sek(data.spent_total)}</td>
                        <td class="num">{format_sek(planned)}</td>
                        <td class="num">{format_sek(paid)}</td>
                        <td class="num">{format_sek(planned - paid)}</td>
                    </tr>
                </tfoot>
            </table>
        </TableScroll>
        <p class="hint">"Förbrukat är de faktiska kostnader som satsningarnas halvårsredovisningar anger. En satsning som flera nämnder deltar i räknas hos var och en av dem, men bara en gång i totalen."</p>
    }
}

/// The fields of a plan line (`payment` off) or a payment; `key` keeps their ids apart.
fn repayment_fields(
    state: &FormState,
    key: &'static str,
    payment: bool,
    boards: Vec<(String, String)>,
) -> impl IntoView + use<> {
    let id = |name: &str| format!("{}-{key}", field_id(name));
    let board = select(
        state,
        "repayment[party_id]",
        id("repayment[party_id]"),
        "Nämnd",
        boards,
        "",
    );
    let (year_id, amount_id, note_id) = (
        id("repayment[year]"),
        id("repayment[amount_sek]"),
        id("repayment[note]"),
    );
    let year = (
        state.value_or("repayment[year]", ""),
        state.error("repayment[year]"),
    );
    let amount = (
        state.value_or("repayment[amount_sek]", ""),
        state.error("repayment[amount_sek]"),
    );
    let note = (
        state.value_or("repayment[note]", ""),
        state.error("repayment[note]"),
    );
    let hint = if payment {
        "Återbetalt belopp"
    } else {
        "0 tar bort året ur planen"
    };
    view! {
        {board}
        <div class="field-row">
            <TextField name="repayment[year]" id=year_id label="År" value=year.0 error=year.1/>
            <TextField name="repayment[amount_sek]" id=amount_id label="Belopp (kronor)" hint=hint
                value=amount.0 error=amount.1/>
        </div>
        {payment.then(|| view! {
            <TextField name="repayment[note]" id=note_id label="Anteckning" hint="Till exempel delår 2"
                value=note.0 error=note.1/>
        })}
    }
}

/// Importera enhetskostnader: the upload form (multipart, works without JavaScript).
#[component]
pub fn UnitCostImportPage() -> impl IntoView {
    let form = use_form_state();
    view! {
        <PageTitle text="Importera enhetskostnader"/>
        <Guard access=crate::auth::page_access("/enhetskostnader/import")>
            <section class="page narrow" aria-labelledby="import-rubrik">
                <p><a href="/enhetskostnader">"← Enhetskostnader"</a></p>
                <h1 id="import-rubrik">"Importera enhetskostnader"</h1>
                <ErrorSummary state=form.clone()/>
                <p>"Filen ska ha samma kolumner som en nedladdad fil: "<strong>"Post"</strong>", "
                    <strong>"Verksamhetsområde"</strong>", "<strong>"Enhet"</strong>", "<strong>"Kostnad (kr)"</strong>" och "
                    <strong>"Prisår"</strong>", gärna också Källa, Kommentar, Volym (internt) och OH-påslag % (internt). "
                    "CSV (semikolon, som Excel sparar) och Excel (.xlsx) går bra. Importen lägger till nya poster och prisår."</p>
                <p><a href="/enhetskostnader.csv" rel="external" download>"Ladda ner registret som mall (CSV)"</a></p>
                <p>"Först visas en förhandsgranskning med eventuella fel per rad. Inget sparas förrän du bekräftar, och då sparas allt eller inget."</p>
                <form method="post" action="/enhetskostnader/import/fil" enctype="multipart/form-data" class="form">
                    <div class="field">
                        <label for="fil">"Fil att importera"</label>
                        <input id="fil" name="fil" type="file"
                            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>
                    </div>
                    <button type="submit" class="button">"Förhandsgranska"</button>
                </form>
            </section>
        </Guard>
    }
}

/// Förhandsgranskning av en import av enhetskostnader, and the confirmation.
#[component]
pub fn UnitCostImportPreviewPage() -> impl IntoView {
    view! {
        <PageTitle text="Förhandsgranska import"/>
        <Guard access=crate::auth::page_access("/enhetskostnader/import/0")>
            <ImportPreviewLoader/>
        </Guard>
    }
}

#[component]
fn ImportPreviewLoader() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("import").and_then(|id| id.parse::<i64>().ok()));
    let data = Resource::new_blocking(id, |id| async move {
        match id {
            Some(id) => unit_cost_import_preview(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    loaded(
        data,
        "Kontrollerar filen…",
        |data| view! { <ImportPreviewView data/> },
    )
}

#[component]
fn ImportPreviewView(data: ImportPreview) -> impl IntoView {
    let form = use_form_state();
    let bad = data.lines.iter().filter(|l| !l.problems.is_empty()).count();
    let action = format!("/enhetskostnader/import/{}", data.import_id);
    let count = data.lines.len();
    view! {
        <section class="page wide" aria-labelledby="forhandsgranska-rubrik">
            <p><a href="/enhetskostnader/import">"← Importera enhetskostnader"</a></p>
            <h1 id="forhandsgranska-rubrik">"Förhandsgranska import"</h1>
            <p class="lead">{data.file_name.clone()}</p>
            <ErrorSummary state=form/>
            <p id="import-sammanfattning" role="status">{if data.ready {
                format!("Alla {} rader kan sparas.", data.lines.len())
            } else if data.lines.is_empty() {
                "Filen har inga rader. Inget kan sparas.".to_string()
            } else {
                format!("{bad} av {} rader har fel. Rätta filen och ladda upp den igen. Inget har sparats.", data.lines.len())
            }}</p>
            <TableScroll label="Filens rader">
                <table class="table">
                    <caption class="visually-hidden">"Filens rader"</caption>
                    <thead><tr>
                        <th scope="col" class="num">"Rad"</th><th scope="col">"Post"</th><th scope="col" class="num">"Prisår"</th>
                        <th scope="col" class="num">"Kostnad"</th><th scope="col">"Kontroll"</th>
                    </tr></thead>
                    <tbody>
                        {data.lines.into_iter().map(|l| view! {
                            <tr>
                                <td class="num">{l.line}</td>
                                <th scope="row">{l.post.clone()}</th>
                                <td class="num">{l.price_year.clone()}</td>
                                <td class="num">{l.cost_sek.clone()}</td>
                                <td>{if l.problems.is_empty() { "OK".to_string() } else { format!("Fel: {}", l.problems.join(" ")) }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </TableScroll>
            {data.ready.then(|| view! {
                <PostForm action=action.clone() fn_path=CommitUnitCostImport::PATH class="form">
                    <input type="hidden" name="import_id" value=data.import_id.to_string()/>
                    <button type="submit" class="button">{format!("Spara {count} enhetskostnader")}</button>
                </PostForm>
            })}
        </section>
    }
}

/// Utfall mot prognos: each followed-up effect's forecast beside what its effektmått measured,
/// and the result with the measured effects.
#[component]
fn FollowUps(
    follow_ups: Vec<super::FollowUp>,
    updated: Option<super::api::Updated>,
) -> impl IntoView {
    let updated = updated.map(|u| {
        let word = if u.meets { "Ja" } else { "Nej" };
        view! {
            <p>{format!(
                "Med de uppmätta effekterna: nuvärde besparingar {}, netto {}.",
                format_sek(u.pv_savings),
                format_sek(u.net)
            )}</p>
            <p class="verdict" id="uppdaterad-bedomning">{format!("Uppdaterad prognos – uppfyller kravet: {word}")}</p>
        }
    });
    view! {
        <section aria-labelledby="utfall-rubrik" id="utfall">
            <h2 id="utfall-rubrik">"Utfall mot prognos"</h2>
            {if follow_ups.is_empty() {
                view! {
                    <p class="hint">"Ingen effektrad följs upp ännu: koppla effektraden till en ekonomisk effekt vars effektmått mäter samma sak, med baslinje och rapporterade värden."</p>
                }.into_any()
            } else {
                view! {
                    <TableScroll label="Utfall mot prognos">
                        <table class="table">
                            <caption class="visually-hidden">"Prognos och uppmätt effekt per effektrad"</caption>
                            <thead><tr>
                                <th scope="col">"Effekt"</th><th scope="col">"Effektmått"</th>
                                <th scope="col" class="num">"Prognos, minskning per år"</th>
                                <th scope="col" class="num">"Baslinje"</th><th scope="col" class="num">"Senaste värde"</th>
                                <th scope="col" class="num">"Uppmätt minskning"</th>
                            </tr></thead>
                            <tbody>
                                {follow_ups.iter().map(|f| view! {
                                    <tr>
                                        <th scope="row">{f.name.clone()}</th>
                                        <td>{f.measure.clone()}</td>
                                        <td class="num">{format_decimal(f.forecast)}</td>
                                        <td class="num">{format!("{} {}", format_decimal(f.baseline), f.unit).trim().to_string()}</td>
                                        <td class="num">{format!("{} {}", format_decimal(f.latest), f.unit).trim().to_string()}</td>
                                        <td class="num">{format_decimal(f.measured)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                    {updated}
                }.into_any()
            }}
        </section>
    }
}
