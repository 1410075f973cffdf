//! Pages for enkäter: the satsning's list (`/satsningar/{id}/enkater`), the builder
//! (`…/enkater/{enkat}`), the preview (`…/forhandsvisning`), the results (`…/resultat`), and
//! the participant's page (`/enkat/{token}`, no login), and paper entry
//! (`…/utskick/{vag}/papper`). Every form is a plain post.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{
    AddQuestion, AddWave, BuilderData, CreateSurvey, DeleteQuestion, EnterPaper, PaperData,
    ParticipantData, ResultsData, SubmitSurvey, SurveysData, TransferWave, paper_form,
    participant_form, survey_builder, survey_results, surveys,
};
use super::{Aggregation, Cell, Lang, Question, QuestionKind};
use crate::auth::ui::Guard;
use crate::form::{ErrorSummary, FormState, PostForm, TextField, field_id, use_form_state};
use crate::html::{PageTitle, TextArea};
use crate::layout::TableScroll;
use crate::page::loaded;

fn param(name: &'static str) -> impl Fn() -> Option<i64> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.with(|p| p.get(name).and_then(|v| v.parse::<i64>().ok()))
}

fn example_tag(is_example: bool) -> impl IntoView {
    is_example.then(|| view! { " " <span class="tag">"Exempeldata"</span> })
}

/// Enkäter: the satsning's surveys and, for builders, a form for a new one.
#[component]
pub fn SurveysPage() -> impl IntoView {
    let id = param("id");
    let data = Resource::new_blocking(id, |id| async move {
        match id {
            Some(id) => surveys(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    view! {
        <PageTitle text="Enkäter"/>
        <Guard access=crate::auth::page_access("/satsningar/0/enkater")>
            {loaded(data, "Hämtar enkäter…", |data| view! { <SurveyList data/> })}
        </Guard>
    }
}

#[component]
fn SurveyList(data: SurveysData) -> impl IntoView {
    let form = use_form_state();
    let id = data.initiative_id;
    let page = format!("/satsningar/{id}/enkater");
    view! {
        <section class="page" aria-labelledby="enkater-rubrik">
            <p><a href=format!("/satsningar/{id}")>"← "{data.initiative_name.clone()}</a></p>
            <h1 id="enkater-rubrik">"Enkäter"</h1>
            <p class="lead">{data.initiative_name.clone()}{example_tag(data.is_example)}</p>
            <p>"Deltagarnas svar blir effektmått: varje fråga kan föras över till ett effektmått i schemat. Svaren är anonyma och resultat med färre än fem svar visas inte."</p>
            {if data.surveys.is_empty() {
                view! { <p>"Satsningen har inga enkäter än."</p> }.into_any()
            } else {
                view! {
                    <ul class="survey-list">
                        {data.surveys.into_iter().map(|s| view! {
                            <li>
                                <a href=format!("/satsningar/{id}/enkater/{}", s.id)>{s.title.clone()}</a>
                                {format!(" – {} frågor, {} utskick, {} svar", s.questions, s.waves, s.responses)}
                                " · "<a href=format!("/satsningar/{id}/enkater/{}/resultat", s.id)>"Resultat"<span class="visually-hidden">{format!(" för {}", s.title)}</span></a>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {data.may_build.then(|| view! {
                <h2 id="ny-enkat">"Ny enkät"</h2>
                <ErrorSummary state=form.clone()/>
                <PostForm action=page.clone() fn_path=CreateSurvey::PATH>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <TextField name="survey[title]" label="Namn" value=form.value_or("survey[title]", "")
                        error=form.error("survey[title]") hint="Till exempel Trygghet i skolan"/>
                    <TextField name="survey[intro]" label="Inledning till deltagarna (frivillig)" kind="textarea"
                        value=form.value_or("survey[intro]", "") error=form.error("survey[intro]")/>
                    <PanelChoice form=form.clone()/>
                    <button type="submit" class="button">"Skapa enkät"</button>
                </PostForm>
            })}
        </section>
    }
}

/// Panelläge at creation: a checkbox with what it means, and its error.
#[component]
fn PanelChoice(form: FormState) -> impl IntoView {
    let id = field_id("survey[panel]");
    let (hint_id, error_id) = (format!("{id}-hjalp"), format!("{id}-fel"));
    let error = form.error("survey[panel]");
    let has_error = error.is_some();
    let described = if has_error {
        format!("{error_id} {hint_id}")
    } else {
        hint_id.clone()
    };
    view! {
        <div class="field field--checkbox" class:field--error=has_error>
            <input type="checkbox" id=id.clone() name="survey[panel]" value="ja"
                checked=form.checked_or("survey[panel]", false) aria-describedby=described
                aria-invalid=has_error.then_some("true")/>
            <label for=id>"Panel: följ samma deltagare mellan utskicken"</label>
            <p class="hint" id=hint_id>"Varje deltagare får en personlig kod som gäller i alla utskick, så att förändringen per person (före → efter) kan visas. Svaren är ändå anonyma: Utfall sparar inte koden vid svaren, bara en pseudonym som inte går att föra tillbaka till koden. Välj det när enkäten skapas; det går inte att ändra sedan."</p>
            {error.map(|message| view! { <p class="field-error" id=error_id>{message}</p> })}
        </div>
    }
}

/// A panel survey's personal codes: how many there are, and the form for more (a printable
/// sheet, shown once, as for a wave's codes).
#[component]
fn PanelCodes(page: String, count: i64, available: bool, may_build: bool) -> impl IntoView {
    view! {
        <h3 id="panelkoder">"Panelkoder"</h3>
        <p>{format!(
            "Enkäten är en panel: varje deltagare har en personlig kod som gäller i alla utskick, en gång per utskick. Koden leder till det utskick som är öppet. {} panelkoder är skapade.",
            count
        )}</p>
        {if !available {
            view! { <p class="notice">{super::PANEL_NO_KEY}</p> }.into_any()
        } else if may_build {
            view! {
                <form method="post" action=format!("{page}/panelkoder") class="inline-form">
                    <label for="antal-panel">"Antal nya panelkoder"</label>
                    <input id="antal-panel" type="text" inputmode="numeric" name="antal" value="30" size="4"/>
                    <button type="submit" class="button button--secondary">"Skapa panelkoder och kodark"</button>
                </form>
            }.into_any()
        } else {
            ().into_any()
        }}
    }
}

/// The survey's builder.
#[component]
pub fn SurveyBuilderPage() -> impl IntoView {
    let id = param("id");
    let enkat = param("enkat");
    let data = Resource::new_blocking(
        move || (id(), enkat()),
        |(id, enkat)| async move {
            match (id, enkat) {
                (Some(id), Some(enkat)) => survey_builder(id, enkat).await,
                _ => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <PageTitle text="Enkät"/>
        <Guard access=crate::auth::page_access("/satsningar/0/enkater/0")>
            {loaded(data, "Hämtar enkäten…", |data| view! { <Builder data/> })}
        </Guard>
    }
}

/// "Skala 1–5 · obligatorisk · Andel ≥ 4 (%) → E1 Andel trygga".
fn question_facts(q: &Question, measures: &[(i64, String)]) -> String {
    let mut parts = vec![q.kind.label().to_string()];
    parts.push(
        if q.required {
            "obligatorisk"
        } else {
            "frivillig"
        }
        .into(),
    );
    match q.kind {
        QuestionKind::Likert if !q.low_label.is_empty() || !q.high_label.is_empty() => {
            parts.push(format!("1 = {}, 5 = {}", q.low_label, q.high_label))
        }
        QuestionKind::Single | QuestionKind::Multiple => parts.push(q.options.join(", ")),
        QuestionKind::Number if q.min.is_some() || q.max.is_some() => {
            parts.push(super::range_message(q))
        }
        _ => {}
    }
    if let (Some(m), Some(rule)) = (q.measure_id, q.aggregation) {
        let name = measures
            .iter()
            .find(|(id, _)| *id == m)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| "effektmått".into());
        parts.push(format!("{} → {name}", rule.label()));
    }
    parts.join(" · ")
}

#[component]
fn Builder(data: BuilderData) -> impl IntoView {
    let form = use_form_state();
    let query = use_query_map();
    let (id, enkat) = (data.initiative_id, data.survey.id);
    let page = format!("/satsningar/{id}/enkater/{enkat}");
    let notice = query.with_untracked(|q| {
        if q.get("skapad").is_some() {
            Some("Enkäten är skapad. Lägg till frågor och ett utskick.")
        } else if q.get("fraga").is_some() {
            Some("Frågan är tillagd.")
        } else if q.get("borttagen").is_some() {
            Some("Frågan är borttagen.")
        } else if q.get("utskick").is_some() {
            Some("Utskicket är skapat.")
        } else {
            None
        }
    });
    let editable = data.may_build && !data.fixed;
    let measures = data.measures.clone();
    let question_form = form.clone().if_posted(
        form.values
            .get(crate::form::ACTION_FIELD)
            .map(String::as_str)
            == Some(AddQuestion::PATH),
    );
    let wave_form = form.clone().if_posted(
        form.values
            .get(crate::form::ACTION_FIELD)
            .map(String::as_str)
            == Some(AddWave::PATH),
    );
    let other_problem = (!form.is_clean() && question_form.is_clean() && wave_form.is_clean())
        .then(|| form.clone());
    let questions = data
        .questions
        .iter()
        .map(|q| {
            let facts = question_facts(q, &measures);
            let (qid, label) = (q.id, format!(" frågan {}", q.text));
            let delete = editable.then(|| view! {
                <PostForm action=page.clone() fn_path=DeleteQuestion::PATH class="inline-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="enkat" value=enkat.to_string()/>
                    <input type="hidden" name="fraga" value=qid.to_string()/>
                    <button type="submit" class="button button--secondary">"Ta bort"<span class="visually-hidden">{label}</span></button>
                </PostForm>
            });
            view! {
                <li>
                    <p><strong>{q.text.clone()}</strong></p>
                    {(!q.help.is_empty()).then(|| view! { <p class="hint">{q.help.clone()}</p> })}
                    <p class="hint">{facts}</p>
                    {delete}
                </li>
            }
        })
        .collect_view();
    let waves = data
        .waves
        .iter()
        .map(|w| {
            let wid = w.wave.id;
            let base = format!("/satsningar/{id}/enkater/{enkat}/utskick/{wid}");
            let rate = w.response_rate().unwrap_or_else(|| "–".into());
            let which = format!(" ({})", w.wave.name);
            let transfer = data.may_build.then(|| view! {
                <PostForm action=page.clone() fn_path=TransferWave::PATH class="inline-form">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="enkat" value=enkat.to_string()/>
                    <input type="hidden" name="vag" value=wid.to_string()/>
                    <button type="submit" class="button button--secondary">"Överför till effektmått"<span class="visually-hidden">{which}</span></button>
                </PostForm>
            });
            let links = (data.may_build && w.state != super::WaveState::Closed).then(|| {
                let count_id = format!("antal-{wid}");
                view! {
                    <form method="post" action=format!("{base}/lank") class="inline-form">
                        <button type="submit" class="button button--secondary">"Skapa öppen länk"<span class="visually-hidden">{format!(" för {}", w.wave.name)}</span></button>
                    </form>
                    <form method="post" action=format!("{base}/koder") class="inline-form">
                        <label for=count_id.clone()>{format!("Antal personliga koder för {}", w.wave.name)}</label>
                        <input id=count_id type="text" inputmode="numeric" name="antal" value="30" size="4"/>
                        <button type="submit" class="button button--secondary">"Skapa koder och kodark"</button>
                    </form>
                }
            });
            let paper = data.may_build.then(|| view! {
                <a class="button button--secondary" href=format!("{base}/papper")>"Mata in pappersenkäter"<span class="visually-hidden">{format!(" för {}", w.wave.name)}</span></a>
            });
            view! {
                <tr>
                    <th scope="row">{w.wave.name.clone()}</th>
                    <td>{format!("{} – {}", w.wave.opens_on, w.wave.closes_on)}</td>
                    <td>{w.state_label()}</td>
                    <td>{w.released.to_string()}</td>
                    <td>{rate}</td>
                    <td>{links}{transfer}{paper}</td>
                </tr>
            }
        })
        .collect_view();
    let has_waves = !data.waves.is_empty();
    view! {
        <section class="page" aria-labelledby="enkat-rubrik">
            <p><a href=format!("/satsningar/{id}/enkater")>"← Enkäter för "{data.initiative_name.clone()}</a></p>
            <h1 id="enkat-rubrik">{data.survey.title.clone()}</h1>
            <p class="lead">{data.initiative_name.clone()}{example_tag(data.is_example)}</p>
            {notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
            {other_problem.map(|state| view! { <ErrorSummary state/> })}
            <p>
                <a href=format!("{page}/forhandsvisning")>"Förhandsvisa som deltagare"</a>" · "
                <a href=format!("{page}/resultat")>"Resultat"</a>" · "
                <a href=format!("{page}/oversattning?sprak=en")>"Översätt till engelska"</a>" · "
                <a href=format!("{page}/oversattning?sprak=ar")>"Översätt till arabiska"</a>
            </p>
            <h2 id="fragor">"Frågor"</h2>
            {data.fixed.then(|| view! { <p class="notice">{super::FIXED_MESSAGE}</p> })}
            {if data.questions.is_empty() {
                view! { <p>"Inga frågor än."</p> }.into_any()
            } else {
                view! { <ol class="survey-questions">{questions}</ol> }.into_any()
            }}
            {editable.then(|| view! { <QuestionFormView page=page.clone() id enkat measures=data.measures.clone() form=question_form.clone()/> })}
            <h2 id="utskick">"Utskick"</h2>
            <p class="hint">"Ett utskick är en omgång svar, till exempel Före och Efter. Svaren förs till effektmåttet för månaden då utskicket stänger. En länk eller en kod visas bara när den skapas: skriv ut kodarket eller spara länken då."</p>
            {if has_waves {
                view! {
                    <TableScroll label="Utskick">
                        <table class="table">
                            <caption class="visually-hidden">"Utskick"</caption>
                            <thead><tr>
                                <th scope="col">"Utskick"</th><th scope="col">"Öppet"</th><th scope="col">"Status"</th>
                                <th scope="col">"Svar i resultaten"</th><th scope="col">"Svarsfrekvens"</th><th scope="col">"Åtgärder"</th>
                            </tr></thead>
                            <tbody>{waves}</tbody>
                        </table>
                    </TableScroll>
                }.into_any()
            } else {
                view! { <p>"Inga utskick än."</p> }.into_any()
            }}
            {data.survey.panel.then(|| view! {
                <PanelCodes page=page.clone() count=data.panel_codes available=data.panel_available may_build=data.may_build/>
            })}
            {data.may_build.then(|| view! {
                <h3>"Nytt utskick"</h3>
                <ErrorSummary state=wave_form.clone()/>
                <PostForm action=page.clone() fn_path=AddWave::PATH>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="enkat" value=enkat.to_string()/>
                    <TextField name="wave[name]" label="Namn" hint="Till exempel Före, Efter eller Uppföljning 6 mån"
                        value=wave_form.value_or("wave[name]", "") error=wave_form.error("wave[name]")/>
                    <TextField name="wave[opens_on]" label="Öppnar (ÅÅÅÅ-MM-DD)" kind="date"
                        value=wave_form.value_or("wave[opens_on]", "") error=wave_form.error("wave[opens_on]")/>
                    <TextField name="wave[closes_on]" label="Stänger (ÅÅÅÅ-MM-DD)" kind="date"
                        value=wave_form.value_or("wave[closes_on]", "") error=wave_form.error("wave[closes_on]")/>
                    <button type="submit" class="button">"Skapa utskick"</button>
                </PostForm>
            })}
        </section>
    }
}

#[component]
fn QuestionFormView(
    page: String,
    id: i64,
    enkat: i64,
    measures: Vec<(i64, String)>,
    form: FormState,
) -> impl IntoView {
    let kind = form.value_or("question[kind]", "likert");
    let measure = form.value_or("question[measure]", "");
    let aggregation = form.value_or("question[aggregation]", "");
    let required = form.checked_or("question[required]", true);
    let rules = [
        ("", "Förs inte över".to_string()),
        ("medel", Aggregation::Mean.label()),
        ("andel_minst", "Andel ≥ gränsen (%)".to_string()),
        ("andel_ja", Aggregation::ShareYes.label()),
        ("antal", Aggregation::Count.label()),
    ];
    let select_error = |field: &str| {
        form.error(field)
            .map(|m| view! { <p class="field-error" id=format!("{}-fel", field_id(field))>{m}</p> })
    };
    let (kind_error, measure_error, aggregation_error) = (
        select_error("question[kind]"),
        select_error("question[measure]"),
        select_error("question[aggregation]"),
    );
    view! {
        <h3>"Lägg till fråga"</h3>
        <ErrorSummary state=form.clone()/>
        <PostForm action=page fn_path=AddQuestion::PATH>
            <input type="hidden" name="id" value=id.to_string()/>
            <input type="hidden" name="enkat" value=enkat.to_string()/>
            <div class="field">
                <label for="question-kind">"Frågetyp"</label>
                {kind_error}
                <select id="question-kind" name="question[kind]">
                    {QuestionKind::ALL.into_iter().map(|k| {
                        let is = k.as_db() == kind;
                        view! { <option value=k.as_db() selected=is>{k.label()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <TextField name="question[text]" label="Fråga" value=form.value_or("question[text]", "")
                error=form.error("question[text]") hint="Skriv enkelt och kort, till exempel: Jag känner mig trygg i skolan."/>
            <TextField name="question[help]" label="Hjälptext (frivillig)" value=form.value_or("question[help]", "")
                error=form.error("question[help]")/>
            <div class="field field--checkbox">
                <input type="checkbox" id="question-required" name="question[required]" value="ja" checked=required/>
                <label for="question-required">"Obligatorisk fråga"</label>
            </div>
            <fieldset>
                <legend>"Skala 1–5: orden vid ändarna"</legend>
                <TextField name="question[low_label]" label="Vid 1" value=form.value_or("question[low_label]", "Stämmer inte alls")
                    error=form.error("question[low_label]")/>
                <TextField name="question[high_label]" label="Vid 5" value=form.value_or("question[high_label]", "Stämmer helt")
                    error=form.error("question[high_label]")/>
            </fieldset>
            <TextField name="question[options]" label="Svarsalternativ för ett eller flera val, ett per rad" kind="textarea"
                value=form.value_or("question[options]", "") error=form.error("question[options]")/>
            <fieldset>
                <legend>"Tal: tillåtet intervall"</legend>
                <TextField name="question[min]" label="Minst" value=form.value_or("question[min]", "") error=form.error("question[min]")/>
                <TextField name="question[max]" label="Högst" value=form.value_or("question[max]", "") error=form.error("question[max]")/>
            </fieldset>
            <fieldset>
                <legend>"Till effektmått (frivilligt)"</legend>
                <div class="field">
                    <label for="question-measure">"Effektmått"</label>
                    {measure_error}
                    <select id="question-measure" name="question[measure]">
                        <option value="">"Inget"</option>
                        {measures.into_iter().map(|(mid, name)| {
                            let is = mid.to_string() == measure;
                            view! { <option value=mid.to_string() selected=is>{name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="question-aggregation">"Sammanvägning"</label>
                    {aggregation_error}
                    <select id="question-aggregation" name="question[aggregation]">
                        {rules.into_iter().map(|(value, label)| {
                            let is = value == aggregation;
                            view! { <option value=value selected=is>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <TextField name="question[threshold]" label="Gräns för andel (till exempel 4)" value=form.value_or("question[threshold]", "")
                    error=form.error("question[threshold]")/>
            </fieldset>
            <button type="submit" class="button">"Lägg till fråga"</button>
        </PostForm>
    }
}

/// One question as a participant answers it: a fieldset with the question as its legend.
/// `q` is already in the participant's language (`Question::in_lang`); `lang` gives the fixed
/// words.
#[component]
fn QuestionField(
    q: Question,
    number: usize,
    of: usize,
    form: FormState,
    lang: Lang,
) -> impl IntoView {
    let words = lang.words();
    let field = q.field();
    let id = field_id(&field);
    let error = form.error(&field);
    let error_id = format!("{id}-fel");
    let hint_id = format!("{id}-tips");
    let described = match (&error, q.help.is_empty()) {
        (Some(_), false) => Some(format!("{error_id} {hint_id}")),
        (Some(_), true) => Some(error_id.clone()),
        (None, false) => Some(hint_id.clone()),
        (None, true) => None,
    };
    let invalid = error.is_some().then_some("true");
    let typed = form.value_or(&field, "");
    let input = match q.kind {
        QuestionKind::Likert | QuestionKind::Single | QuestionKind::YesNo => q
            .choices_in(lang)
            .into_iter()
            .map(|(value, label)| {
                let choice_id = format!("{id}-v{value}");
                let checked = typed == value.to_string();
                view! {
                    <div class="choice">
                        <input type="radio" id=choice_id.clone() name=field.clone() value=value.to_string() checked=checked/>
                        <label for=choice_id>{label}</label>
                    </div>
                }
            })
            .collect_view()
            .into_any(),
        QuestionKind::Multiple => q
            .options
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let name = q.choice_field(i + 1);
                let choice_id = field_id(&name);
                let checked = form.value_or(&name, "") == "ja";
                view! {
                    <div class="choice">
                        <input type="checkbox" id=choice_id.clone() name=name value="ja" checked=checked/>
                        <label for=choice_id>{label.clone()}</label>
                    </div>
                }
            })
            .collect_view()
            .into_any(),
        QuestionKind::Number => {
            let input_id = format!("{id}-svar");
            view! {
                <label for=input_id.clone()>{words.your_number}</label>
                <input type="text" inputmode="decimal" id=input_id name=field.clone() value=typed
                    aria-invalid=invalid aria-describedby=described.clone() class="survey-number"/>
            }
            .into_any()
        }
        QuestionKind::FreeText => {
            let input_id = format!("{id}-svar");
            view! {
                <label for=input_id.clone()>{words.your_answer}</label>
                <TextArea id=input_id name=field.clone() value=typed invalid described_by=described.clone()/>
            }
            .into_any()
        }
    };
    let grouped = matches!(
        q.kind,
        QuestionKind::Likert | QuestionKind::Single | QuestionKind::YesNo | QuestionKind::Multiple
    );
    let has_error = error.is_some();
    let group_described = if grouped { described.clone() } else { None };
    view! {
        <fieldset class="survey-question" class:field--error=has_error id=id.clone()
            aria-describedby=group_described>
            <legend>
                <span class="survey-progress">{words.progress(number, of)}</span>
                <span class="survey-text">{q.text.clone()}</span>
                <span class="survey-required">{if q.required { words.required } else { words.optional }}</span>
            </legend>
            {(!q.help.is_empty()).then(|| view! { <p class="hint" id=hint_id.clone()>{q.help.clone()}</p> })}
            {error.map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
            {(q.kind == QuestionKind::Multiple).then(|| view! { <p class="hint">{words.several}</p> })}
            {input}
        </fieldset>
    }
}

/// The participant's form in `lang`; in `preview` it is shown exactly so but cannot be sent.
#[component]
fn ParticipantForm(
    questions: Vec<Question>,
    token: String,
    wave_id: i64,
    submission: String,
    preview: bool,
    lang: Lang,
) -> impl IntoView {
    let words = lang.words();
    let form = use_form_state();
    let of = questions.len();
    let submission = form.value_or("inlamning", &submission);
    let fields = questions
        .into_iter()
        .enumerate()
        .map(|(i, q)| {
            let q = q.in_lang(lang);
            view! { <QuestionField q number=i + 1 of form=form.clone() lang/> }
        })
        .collect_view();
    let intro = view! {
        <p class="survey-count">{format!("{of} {}", words.count)}</p>
    };
    if preview {
        view! {
            <div class="form survey-form">
                {intro}
                {fields}
                <p class="notice">"Förhandsvisning: så här ser deltagarna enkäten. Svaren kan inte skickas härifrån."</p>
            </div>
        }
        .into_any()
    } else {
        view! {
            <ErrorSummary state=form.clone() heading=words.fix_below/>
            <PostForm action=format!("/enkat/{token}{}", lang.query()) fn_path=SubmitSurvey::PATH class="form survey-form">
                <input type="hidden" name="token" value=token.clone()/>
                <input type="hidden" name="vag" value=wave_id.to_string()/>
                <input type="hidden" name="inlamning" value=submission/>
                <input type="hidden" name="sprak" value=lang.code()/>
                {intro}
                {fields}
                <button type="submit" class="button button--large">{words.send}</button>
            </PostForm>
        }
        .into_any()
    }
}

/// Förhandsvisning: the survey exactly as a participant sees it.
#[component]
pub fn SurveyPreviewPage() -> impl IntoView {
    let id = param("id");
    let enkat = param("enkat");
    let data = Resource::new_blocking(
        move || (id(), enkat()),
        |(id, enkat)| async move {
            match (id, enkat) {
                (Some(id), Some(enkat)) => survey_builder(id, enkat).await,
                _ => Err(crate::error::AppError::NotFound),
            }
        },
    );
    let lang = query_lang();
    view! {
        <PageTitle text="Förhandsvisning av enkät"/>
        <Guard access=crate::auth::page_access("/satsningar/0/enkater/0")>
            {loaded(data, "Hämtar enkäten…", move |data| {
                let back = format!("/satsningar/{}/enkater/{}", data.initiative_id, data.survey.id);
                let here = format!("{back}/forhandsvisning");
                let survey = data.survey.in_lang(lang);
                view! {
                    <p><a href=back>"← Tillbaka till enkäten"</a></p>
                    <LanguageChoice languages=data.survey.languages() current=lang base=here/>
                    <section class="page survey-page" aria-labelledby="enkat-rubrik" lang=lang.code() dir=lang.dir()>
                        <h1 id="enkat-rubrik">{survey.title.clone()}</h1>
                        {(!survey.intro.is_empty()).then(|| view! { <p class="lead">{survey.intro.clone()}</p> })}
                        <ParticipantForm questions=data.questions token=String::new() wave_id=0 submission=String::new() preview=true lang/>
                    </section>
                }
            })}
        </Guard>
    }
}

/// The participant's language from the address (`?sprak=en|ar`; Swedish otherwise).
fn query_lang() -> Lang {
    let query = use_query_map();
    query.with_untracked(|q| Lang::from_query(q.get("sprak").as_deref()))
}

/// The language choice: plain links to the same page in each language the survey offers
/// (no JavaScript). Each link is written in its own language.
#[component]
fn LanguageChoice(languages: Vec<Lang>, current: Lang, base: String) -> impl IntoView {
    (languages.len() > 1).then(|| {
        let links = languages
            .into_iter()
            .map(|l| {
                let href = format!("{base}{}", if l == Lang::Sv { "?sprak=sv".to_string() } else { l.query() });
                let here = (l == current).then_some("page");
                view! {
                    <li><a href=href lang=l.code() hreflang=l.code() dir=l.dir() aria-current=here>{l.native_name()}</a></li>
                }
            })
            .collect_view();
        view! {
            <nav class="survey-languages" aria-label="Språk – Language – اللغة">
                <ul>{links}</ul>
            </nav>
        }
    })
}

/// The participant's page: `/enkat/{token}`, no login; `?sprak=en|ar` for English or Arabic.
#[component]
pub fn ParticipantPage() -> impl IntoView {
    let params = use_params_map();
    let lang = query_lang();
    let data = Resource::new_blocking(
        move || params.with(|p| p.get("token").unwrap_or_default()),
        move |token| participant_form(token, lang.code().to_string()),
    );
    let words = lang.words();
    view! {
        <PageTitle text=words.page_title/>
        {loaded(data, "Hämtar enkäten…", move |data| match data {
            ParticipantData::Form { survey, wave_id, wave_name, questions, submission, is_example } => {
                let token = params.with_untracked(|p| p.get("token").unwrap_or_default());
                let languages = survey.languages();
                let survey = survey.in_lang(lang);
                view! {
                    <LanguageChoice languages current=lang base=format!("/enkat/{token}")/>
                    <section class="page survey-page" aria-labelledby="enkat-rubrik" lang=lang.code() dir=lang.dir()>
                        <h1 id="enkat-rubrik">{survey.title.clone()}</h1>
                        <p class="hint">{wave_name}{example_tag(is_example)}</p>
                        {(!survey.intro.is_empty()).then(|| view! { <p class="lead">{survey.intro.clone()}</p> })}
                        <p>{words.anonymous}</p>
                        <ParticipantForm questions token wave_id submission preview=false lang/>
                    </section>
                }.into_any()
            }
            ParticipantData::Closed { title, message } => view! {
                <section class="page survey-page" aria-labelledby="enkat-rubrik" lang=lang.code() dir=lang.dir()>
                    <h1 id="enkat-rubrik">{title}</h1>
                    <p role="status">{message}</p>
                </section>
            }.into_any(),
        })}
    }
}

/// Tack: after the answers are stored (also after a repeated post of the same form), in the
/// language the participant answered in.
#[component]
pub fn SurveyThanksPage() -> impl IntoView {
    let lang = query_lang();
    let words = lang.words();
    view! {
        <PageTitle text=words.thanks_title/>
        <section class="page survey-page" aria-labelledby="tack-rubrik" lang=lang.code() dir=lang.dir()>
            <h1 id="tack-rubrik">{words.thanks_title}</h1>
            <p role="status">{words.thanks_text}</p>
        </section>
    }
}

/// Resultat.
#[component]
pub fn SurveyResultsPage() -> impl IntoView {
    let id = param("id");
    let enkat = param("enkat");
    let data = Resource::new_blocking(
        move || (id(), enkat()),
        |(id, enkat)| async move {
            match (id, enkat) {
                (Some(id), Some(enkat)) => survey_results(id, enkat).await,
                _ => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <PageTitle text="Enkätresultat"/>
        <Guard access=crate::auth::page_access("/satsningar/0/enkater/0")>
            {loaded(data, "Hämtar resultaten…", |data| view! { <Results data/> })}
        </Guard>
    }
}

/// A horizontal bar for a share (0–100), drawn as SVG (decorative: the table has the number).
fn bar(percent: f64) -> impl IntoView {
    let width = format!("{:.1}", percent.clamp(0.0, 100.0));
    view! {
        <svg class="survey-bar" viewBox="0 0 100 10" width="100" height="10" aria-hidden="true" focusable="false">
            <rect x="0" y="0" width="100" height="10" class="survey-bar__track"/>
            <rect x="0" y="0" width=width height="10" class="survey-bar__fill"/>
        </svg>
    }
}

#[component]
fn Results(data: ResultsData) -> impl IntoView {
    let (id, enkat) = (data.initiative_id, data.survey.id);
    let transferred = use_query_map().with_untracked(|q| q.get("overfort"));
    let wave_names: Vec<String> = data.waves.iter().map(|w| w.wave.name.clone()).collect();
    let wave_rows = data
        .waves
        .iter()
        .map(|w| {
            view! {
                <tr>
                    <th scope="row">{w.wave.name.clone()}</th>
                    <td>{format!("{} – {}", w.wave.opens_on, w.wave.closes_on)}</td>
                    <td>{w.state_label()}</td>
                    <td>{w.released.to_string()}</td>
                    <td>{w.response_rate().unwrap_or_else(|| "–".into())}</td>
                </tr>
            }
        })
        .collect_view();
    let results = data
        .results
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let q = &r.question;
            let choices = q.choices();
            let table_head = wave_names
                .iter()
                .map(|name| view! { <th scope="col">{name.clone()}</th> })
                .collect_view();
            let body = if q.kind == QuestionKind::FreeText || q.kind == QuestionKind::Number {
                None
            } else {
                Some(
                    choices
                        .iter()
                        .enumerate()
                        .map(|(row, (_, label))| {
                            let cells = r
                                .cells
                                .iter()
                                .map(|c| match c {
                                    Cell::Shown { n, counts, .. } => match counts.get(row).and_then(|(_, c)| *c) {
                                        Some(count) => {
                                            let pct = if *n > 0 { count as f64 * 100.0 / *n as f64 } else { 0.0 };
                                            view! { <td>{format!("{count} ({} %)", crate::sv::number::format_decimal(pct.round()))}" "{bar(pct)}</td> }.into_any()
                                        }
                                        None => view! { <td>"döljs"</td> }.into_any(),
                                    },
                                    _ => view! { <td>"–"</td> }.into_any(),
                                })
                                .collect_view();
                            view! { <tr><th scope="row">{label.clone()}</th>{cells}</tr> }
                        })
                        .collect_view(),
                )
            };
            let summary = r
                .cells
                .iter()
                .map(|c| match c {
                    Cell::Shown { n, mean, .. } => {
                        let mean = mean.map(|m| format!(", medelvärde {}", crate::sv::number::format_decimal((m * 10.0).round() / 10.0))).unwrap_or_default();
                        view! { <td>{format!("n = {n}{mean}")}</td> }.into_any()
                    }
                    Cell::Texts { n, .. } => view! { <td>{format!("n = {n}")}</td> }.into_any(),
                    Cell::Suppressed { .. } => view! { <td>{c.suppressed_reason()}</td> }.into_any(),
                })
                .collect_view();
            let texts = r
                .cells
                .iter()
                .zip(&data.waves)
                .filter_map(|(c, w)| match c {
                    Cell::Texts { texts, .. } => Some(view! {
                        <h4>{format!("Svar i {}", w.wave.name)}</h4>
                        <ul class="survey-texts">{texts.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}</ul>
                    }),
                    _ => None,
                })
                .collect_view();
            view! {
                <section class="survey-result" aria-labelledby=format!("fraga-{}", q.id)>
                    <h3 id=format!("fraga-{}", q.id)>{format!("{}. {}", i + 1, q.text)}</h3>
                    <TableScroll label=format!("Svar på fråga {}", i + 1)>
                        <table class="table">
                            <caption class="visually-hidden">{format!("Svar på fråga {} per utskick", i + 1)}</caption>
                            <thead><tr><th scope="col">"Svar"</th>{table_head}</tr></thead>
                            <tbody>
                                {body}
                                <tr><th scope="row">"Antal svar"</th>{summary}</tr>
                            </tbody>
                        </table>
                    </TableScroll>
                    {texts}
                </section>
            }
        })
        .collect_view();
    let transfers = data
        .transfers
        .iter()
        .map(|t| view! {
            <tr>
                <td>{t.wave.clone()}</td><td>{t.question.clone()}</td><td>{t.period.clone()}</td>
                <td>{t.value.clone().unwrap_or_else(|| "inget värde".into())}</td>
                <td>{t.n.to_string()}</td><td>{t.note.clone()}</td>
            </tr>
        })
        .collect_view();
    let has_transfers = !data.transfers.is_empty();
    view! {
        <section class="page" aria-labelledby="resultat-rubrik">
            <p><a href=format!("/satsningar/{id}/enkater/{enkat}")>"← "{data.survey.title.clone()}</a></p>
            <h1 id="resultat-rubrik">{format!("Resultat: {}", data.survey.title)}</h1>
            <p class="lead">{data.initiative_name.clone()}{example_tag(data.is_example)}</p>
            {transferred.map(|n| view! { <p class="notice" role="status">{format!("Överfört: {n} värden ändrades i effektmåtten.")}</p> })}
            <p>{format!(
                "Resultat visas bara när minst {} har svarat ({} för fritext). Antalet svar räknas i steg om {}, så att ett enskilt svar aldrig kan räknas fram genom att jämföra två tillfällen.",
                data.limits.min_n, data.limits.min_n_text, data.limits.min_n
            )}</p>
            <p class="actions">
                <a href=format!("/satsningar/{id}/enkater/{enkat}/resultat.csv") rel="external" download>"Ladda ner resultaten (CSV för Excel)"</a>
                <a href=format!("/satsningar/{id}/enkater/{enkat}/resultat.xlsx") rel="external" download>"Ladda ner resultaten (Excel, .xlsx)"</a>
            </p>
            <h2>"Utskick"</h2>
            <TableScroll label="Utskick">
                <table class="table">
                    <caption class="visually-hidden">"Utskick och svarsfrekvens"</caption>
                    <thead><tr><th scope="col">"Utskick"</th><th scope="col">"Öppet"</th><th scope="col">"Status"</th>
                        <th scope="col">"Svar i resultaten"</th><th scope="col">"Svarsfrekvens"</th></tr></thead>
                    <tbody>{wave_rows}</tbody>
                </table>
            </TableScroll>
            <h2>"Frågor, före och efter"</h2>
            {results}
            {data.survey.panel.then(|| view! { <PanelChanges panel=data.panel.clone() min=data.limits.min_n/> })}
            <h2 id="overforingar">"Överfört till effektmått"</h2>
            {if has_transfers {
                view! {
                    <TableScroll label="Överföringar">
                        <table class="table">
                            <caption class="visually-hidden">"Värden som förts över till effektmått, senaste först"</caption>
                            <thead><tr><th scope="col">"Utskick"</th><th scope="col">"Fråga"</th><th scope="col">"Månad"</th>
                                <th scope="col">"Värde"</th><th scope="col">"Antal svar"</th><th scope="col">"Anteckning"</th></tr></thead>
                            <tbody>{transfers}</tbody>
                        </table>
                    </TableScroll>
                }.into_any()
            } else {
                view! { <p>"Inget är överfört än."</p> }.into_any()
            }}
        </section>
    }
}

/// Förändring per person: a panel survey's pairs of answers, first wave against later ones.
#[component]
fn PanelChanges(panel: Vec<super::api::PanelResult>, min: u64) -> impl IntoView {
    let one = |x: f64| crate::sv::number::format_decimal((x * 10.0).round() / 10.0);
    let signed = move |x: f64| {
        let r = (x * 10.0).round() / 10.0;
        if r > 0.0 {
            format!("+{}", one(r))
        } else {
            one(r)
        }
    };
    let count = |c: Option<&Option<u64>>| match c {
        Some(Some(n)) => n.to_string(),
        Some(None) => "döljs".into(),
        None => "döljs".into(),
    };
    let empty = panel.is_empty();
    let rows = panel
        .into_iter()
        .map(|p| {
            let cells = match &p.cell {
                super::PanelCell::Shown {
                    n,
                    before,
                    after,
                    change,
                    split,
                } => {
                    let split = split.clone();
                    let at = |i: usize| count(split.as_ref().map(|s| &s[i]));
                    view! {
                        <td>{n.to_string()}</td><td>{one(*before)}</td><td>{one(*after)}</td>
                        <td>{signed(*change)}</td><td>{at(0)}</td><td>{at(1)}</td><td>{at(2)}</td>
                    }
                    .into_any()
                }
                super::PanelCell::Suppressed { min } => view! {
                    <td colspan="7">{format!("Döljs: färre än {min} personer har svarat i båda utskicken.")}</td>
                }
                .into_any(),
            };
            view! {
                <tr><th scope="row">{p.question.clone()}</th><td>{format!("{} → {}", p.from, p.to)}</td>{cells}</tr>
            }
        })
        .collect_view();
    view! {
        <h2 id="per-person">"Förändring per person (panel)"</h2>
        <p>{format!(
            "Panelens deltagare svarar med samma kod i varje utskick, så deras svar kan jämföras person för person. Här räknas bara de som svarat på frågan i båda utskicken, i steg om {min} personer. Ingen kan se vem som svarat vad."
        )}</p>
        {if empty {
            view! { <p>"Jämförelsen visas när enkäten har minst två utskick och frågor med skala eller tal."</p> }.into_any()
        } else { view! {
        <TableScroll label="Förändring per person">
            <table class="table">
                <caption class="visually-hidden">"Förändring per person mellan utskicken"</caption>
                <thead><tr>
                    <th scope="col">"Fråga"</th><th scope="col">"Jämförelse"</th><th scope="col">"Personer"</th>
                    <th scope="col">"Medel före"</th><th scope="col">"Medel efter"</th><th scope="col">"Förändring"</th>
                    <th scope="col">"Högre"</th><th scope="col">"Samma"</th><th scope="col">"Lägre"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
        }.into_any() }}
    }
}

/// Pappersenkäter: staff type in one paper questionnaire at a time for a wave.
#[component]
pub fn SurveyPaperPage() -> impl IntoView {
    let id = param("id");
    let enkat = param("enkat");
    let vag = param("vag");
    let data = Resource::new_blocking(
        move || (id(), enkat(), vag()),
        |(id, enkat, vag)| async move {
            match (id, enkat, vag) {
                (Some(id), Some(enkat), Some(vag)) => paper_form(id, enkat, vag).await,
                _ => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <PageTitle text="Mata in pappersenkät"/>
        <Guard access=crate::auth::page_access("/satsningar/0/enkater/0")>
            {loaded(data, "Hämtar enkäten…", |data| view! { <PaperEntry data/> })}
        </Guard>
    }
}

#[component]
fn PaperEntry(data: PaperData) -> impl IntoView {
    let form = use_form_state();
    let saved = use_query_map().with_untracked(|q| q.get("sparad").is_some());
    let (id, enkat, vag) = (data.initiative_id, data.survey.id, data.wave.id);
    let page = format!("/satsningar/{id}/enkater/{enkat}/utskick/{vag}/papper");
    let of = data.questions.len();
    let submission = form.value_or("inlamning", &data.submission);
    let fields = data
        .questions
        .into_iter()
        .enumerate()
        .map(|(i, q)| view! { <QuestionField q number=i + 1 of form=form.clone() lang=Lang::Sv/> })
        .collect_view();
    view! {
        <section class="page survey-page" aria-labelledby="papper-rubrik">
            <p><a href=format!("/satsningar/{id}/enkater/{enkat}#utskick")>"← "{data.survey.title.clone()}</a></p>
            <h1 id="papper-rubrik">"Mata in pappersenkät"</h1>
            <p class="lead">{format!("{}, utskick {}", data.survey.title, data.wave.name)}{example_tag(data.is_example)}</p>
            {saved.then(|| view! { <p class="notice" role="status">"Svaret är sparat. Mata in nästa enkät nedan."</p> })}
            <p>{format!("{} pappersenkäter är inmatade i utskicket. Svaren räknas som utskickets svar och är lika anonyma: inget om vem som fyllde i eller när sparas med dem.", data.paper_count)}</p>
            <ErrorSummary state=form.clone()/>
            <PostForm action=page fn_path=EnterPaper::PATH class="form survey-form">
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="enkat" value=enkat.to_string()/>
                <input type="hidden" name="vag" value=vag.to_string()/>
                <input type="hidden" name="inlamning" value=submission/>
                {fields}
                <button type="submit" class="button button--large">"Spara och mata in nästa"</button>
            </PostForm>
        </section>
    }
}
