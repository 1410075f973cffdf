//! The measure form: Nytt mått (`/satsningar/{id}/schema/nytt-matt?typ=…&aktivitet=…|mal=…`)
//! and Ändra mått (`/satsningar/{id}/schema/matt/{mid}`), one [`MeasureForm`] for both.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{AddMeasure, SchemaPageData, UpdateMeasure};
use super::ui::{Choice, WithSchema, access};
use super::{Direction, Frequency, Measure, MeasureForm, MeasureKind, Source, ValueType};
use crate::auth::ui::Guard;
use crate::form::{ErrorSummary, PostForm, TextField, use_form_state};
use crate::html::PageTitle;

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
    // A new measure is offered the next free code of its kind (still editable).
    let stored = existing.as_ref().map_or_else(
        || MeasureForm {
            code: super::next_code(kind, data.schema.measures.iter().map(|m| m.code.as_str())),
            ..new_measure()
        },
        stored_form,
    );
    let (heading, button, fn_path) = match &existing {
        Some(m) => (
            format!("Ändra {} {}", m.code, m.name),
            "Spara ändringar",
            UpdateMeasure::PATH,
        ),
        None => (
            kind.new_heading().to_string(),
            "Lägg till måttet",
            AddMeasure::PATH,
        ),
    };
    // The tolerance labels follow the direction and unit as they stand (typed or stored).
    let direction = Direction::from_db(&form.value_or("measure[direction]", &stored.direction))
        .unwrap_or(Direction::Higher);
    let value_type = ValueType::from_db(&form.value_or("measure[value_type]", &stored.value_type))
        .unwrap_or(ValueType::Count);
    let unit = form.value_or("measure[unit]", &stored.unit);
    let tolerance = ToleranceText::new(direction, value_type, unit.trim());
    let measure_id = existing.as_ref().map(|m| m.id);
    let select = {
        let form = form.clone();
        move |name: &'static str,
              label: &'static str,
              options: Vec<(String, String)>,
              stored: &str| {
            view! { <Choice name label options selected=form.value_or(name, stored) error=form.error(name)/> }
        }
    };
    view! {
        <section class="page narrow" aria-labelledby="matt-rubrik">
            <p><a href=format!("/satsningar/{id}/schema")>"← Utvärderingsschema"</a></p>
            <h1 id="matt-rubrik">{heading}</h1>
            <p class="lead">{place.clone()}</p>
            <ErrorSummary state=form.clone()/>
            <PostForm action fn_path>
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="typ" value=kind.as_db()/>
                {measure_id.map(|m| view! { <input type="hidden" name="matt_id" value=m.to_string()/> })}
                {activity.filter(|_| kind != MeasureKind::Indicator).map(|a| view! { <input type="hidden" name="aktivitet_id" value=a.to_string()/> })}
                {goal.filter(|_| kind == MeasureKind::Indicator).map(|g| view! { <input type="hidden" name="mal_id" value=g.to_string()/> })}
                <TextField name="measure[code]" label="Kod"
                    hint="Förslaget är nästa lediga kod för måttypen. Unik inom satsningen; ändra den om du vill, till exempel till A2.1."
                    value=form.value_or("measure[code]", &stored.code) error=form.error("measure[code]")/>
                <TextField name="measure[name]" label="Namn" value=form.value_or("measure[name]", &stored.name) error=form.error("measure[name]")/>
                <TextField name="measure[definition]" label="Definition (hur måttet räknas)"
                    value=form.value_or("measure[definition]", &stored.definition) error=form.error("measure[definition]")/>
                {select("measure[value_type]", "Värdetyp", ValueType::ALL.iter().map(|v| (v.as_db().into(), v.label().into())).collect(), &stored.value_type)}
                <TextField name="measure[unit]" label="Enhet (bara för antal)"
                    hint="Vad som räknas, till exempel deltagare eller träffar; tomt blir ”st”. Andel mäts i %, belopp i kr, skala och ja/nej har ingen enhet: lämna fältet tomt för dem."
                    value=form.value_or("measure[unit]", &stored.unit) error=form.error("measure[unit]")/>
                {select("measure[frequency]", "Frekvens", Frequency::ALL.iter().map(|v| (v.as_db().into(), v.label().into())).collect(), &stored.frequency)}
                {select("measure[direction]", "Riktning", Direction::ALL.iter().map(|v| (v.as_db().into(), v.label().into())).collect(), &stored.direction)}
                <fieldset class="field-group">
                    <legend>"Intervall (bara för riktningen ”Inom intervall”)"</legend>
                    <p class="hint">"Värdet är i mål när det ligger mellan gränserna. Lämna fälten tomma för de andra riktningarna."</p>
                    <div class="field-row">
                        <TextField name="measure[interval_lower]" label="Nedre gräns"
                            value=form.value_or("measure[interval_lower]", &stored.interval_lower) error=form.error("measure[interval_lower]")/>
                        <TextField name="measure[interval_upper]" label="Övre gräns"
                            value=form.value_or("measure[interval_upper]", &stored.interval_upper) error=form.error("measure[interval_upper]")/>
                    </div>
                </fieldset>
                <TextField name="measure[baseline]" label="Utgångsvärde (baslinje)" hint="Decimaler med komma, till exempel 12,5"
                    value=form.value_or("measure[baseline]", &stored.baseline) error=form.error("measure[baseline]")/>
                <TextField name="measure[baseline_date]" label="Utgångsvärdets datum" kind="date"
                    value=form.value_or("measure[baseline_date]", &stored.baseline_date) error=form.error("measure[baseline_date]")/>
                <TextField name="measure[target]" label="Målvärde" value=form.value_or("measure[target]", &stored.target) error=form.error("measure[target]")/>
                <TextField name="measure[target_date]" label="Måldatum" kind="date"
                    value=form.value_or("measure[target_date]", &stored.target_date) error=form.error("measure[target_date]")/>
                <TextField name="measure[milestones]" label="Delmål (valfria)" kind="textarea"
                    hint="Ett per rad: datum och värde, till exempel 2027-06-30: 45"
                    value=form.value_or("measure[milestones]", &stored.milestones) error=form.error("measure[milestones]")/>
                <fieldset class="field-group">
                    <legend>{format!("Toleranser (i {})", tolerance.unit)}</legend>
                    <p class="hint">{tolerance.explanation}</p>
                    <TextField name="measure[tolerance_yellow]" label=tolerance.yellow.clone()
                        hint="Tomt: gult så snart värdet missar."
                        value=form.value_or("measure[tolerance_yellow]", &stored.tolerance_yellow) error=form.error("measure[tolerance_yellow]")/>
                    <TextField name="measure[tolerance_red]" label=tolerance.red.clone()
                        hint="Minst lika stor som den gula. Tomt: aldrig rött, som mest gult."
                        value=form.value_or("measure[tolerance_red]", &stored.tolerance_red) error=form.error("measure[tolerance_red]")/>
                </fieldset>
                {(kind != MeasureKind::Activity).then(|| {
                    let off = form.checked_or("measure[signals_off]", stored.signals_off == "ja");
                    view! {
                        <fieldset class="field-group">
                            <legend>"Statistiska signaler"</legend>
                            <p class="hint">"Utfall letar efter mönster i värdena (punkter utanför styrgränserna, skift och trender) och flaggar dem som avvikelser när de går åt fel håll. Gränserna mot målkurvan gäller alltid."</p>
                            <div class="checkbox">
                                <input type="checkbox" id="measure-signals-off" name="measure[signals_off]" value="ja" checked=off/>
                                <label for="measure-signals-off">"Inga statistiska signaler för det här måttet"</label>
                            </div>
                            <TextField name="measure[signal_run_length]" label="Skift och trend: antal värden i rad"
                                hint="5–15. Tomt: standard (7). Färre värden i rad ger tidigare men fler signaler."
                                value=form.value_or("measure[signal_run_length]", &stored.signal_run_length) error=form.error("measure[signal_run_length]")/>
                        </fieldset>
                    }
                })}
                {select("measure[source]", "Datakälla", Source::ALL.iter().map(|v| (v.as_db().into(), v.label().into())).collect(), &stored.source)}
                {(kind == MeasureKind::Indicator).then(|| view! {
                    <TextField name="measure[comparison]" label="Källa och jämförelsenivåer" hint="Till exempel Kolada N00945; kommun, län, riket"
                        value=form.value_or("measure[comparison]", &stored.comparison) error=form.error("measure[comparison]")/>
                })}
                <button type="submit" class="button">{button}</button>
            </PostForm>
        </section>
    }.into_any()
}

/// The form for a new measure: the usual choices preselected.
fn new_measure() -> MeasureForm {
    MeasureForm {
        value_type: ValueType::Count.as_db().into(),
        frequency: Frequency::Monthly.as_db().into(),
        direction: Direction::Higher.as_db().into(),
        source: Source::Manual.as_db().into(),
        ..MeasureForm::default()
    }
}

/// A stored measure as its form.
fn stored_form(m: &Measure) -> MeasureForm {
    // Plain digits with a decimal comma: what parse_decimal reads back, negatives included.
    let number = |v: Option<f64>| {
        v.map(|v| v.to_string().replace('.', ","))
            .unwrap_or_default()
    };
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    MeasureForm {
        code: m.code.clone(),
        name: m.name.clone(),
        definition: m.definition.clone(),
        // A unit the value type gives is not asked again.
        unit: if m.value_type.implied_unit().is_some() {
            String::new()
        } else {
            m.unit.clone()
        },
        value_type: m.value_type.as_db().to_string(),
        frequency: m.frequency.as_db().to_string(),
        direction: m.direction.as_db().to_string(),
        baseline: number(m.baseline.map(|b| b.0)),
        baseline_date: date(m.baseline.map(|b| b.1)),
        target: number(m.target.map(|t| t.0)),
        target_date: date(m.target.map(|t| t.1)),
        milestones: super::format_milestones(&m.milestones),
        tolerance_yellow: number(m.tolerance_yellow),
        tolerance_red: number(m.tolerance_red),
        interval_lower: number(m.interval.map(|i| i.0)),
        interval_upper: number(m.interval.map(|i| i.1)),
        source: m.source.as_db().to_string(),
        comparison: m.comparison.clone(),
        signals_off: if m.signals.off {
            "ja".into()
        } else {
            String::new()
        },
        signal_run_length: m
            .signals
            .run_length
            .map(|n| n.to_string())
            .unwrap_or_default(),
    }
}

/// The tolerance fields' words for a measure's direction and unit: "Gul när värdet ligger mer
/// än så här under målkurvan", in the measure's own unit — as `dashboard::measure_light` judges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToleranceText {
    /// "procentenheter", "deltagare", "kr" …
    pub unit: String,
    pub yellow: String,
    pub red: String,
    pub explanation: String,
}

impl ToleranceText {
    pub fn new(direction: Direction, value_type: ValueType, unit: &str) -> Self {
        let unit = match value_type {
            ValueType::Share => "procentenheter".to_string(),
            ValueType::Amount => "kronor".to_string(),
            ValueType::Scale => "skalsteg".to_string(),
            ValueType::YesNo => "måttets enhet".to_string(),
            ValueType::Count if unit.is_empty() => super::DEFAULT_COUNT_UNIT.to_string(),
            ValueType::Count => unit.to_string(),
        };
        let side = match direction {
            Direction::Higher => "under målkurvan",
            Direction::Lower => "över målkurvan",
            Direction::Within => "utanför intervallet",
        };
        let amount = if value_type == ValueType::YesNo {
            "så här långt".to_string()
        } else {
            format!("så här många {unit}")
        };
        ToleranceText {
            yellow: format!("Gul när värdet ligger mer än {amount} {side}"),
            red: format!("Röd när värdet ligger mer än {amount} {side}"),
            explanation: format!(
                "Avståndet räknas i {unit} åt det håll riktningen säger är sämre: under målkurvan när högre är bättre, över den när lägre är bättre, utanför intervallet för ”Inom intervall”. Inom den gula toleransen är ljuset grönt."
            ),
            unit,
        }
    }
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
