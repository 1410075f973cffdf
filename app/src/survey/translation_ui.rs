//! Översättning (`/satsningar/{id}/enkater/{enkat}/oversattning?sprak=en|ar`): the builder
//! enters the English or Arabic version of every text a participant reads, each beside its
//! Swedish original. Every text is optional; an empty one shows the Swedish. A plain post.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{BuilderData, SaveTranslation, survey_builder};
use super::{Lang, QuestionKind, TranslationForm};
use crate::auth::ui::Guard;
use crate::form::{ErrorSummary, FormState, PostForm, field_id, use_form_state};
use crate::html::{PageTitle, TextArea};
use crate::page::loaded;

/// The language being translated into: `?sprak=ar` is Arabic, anything else English.
fn target_lang() -> Lang {
    let query = use_query_map();
    query.with_untracked(|q| match Lang::from_query(q.get("sprak").as_deref()) {
        Lang::Ar => Lang::Ar,
        _ => Lang::En,
    })
}

/// One translated text: a Swedish label and the original as a hint; the input itself is
/// marked with the language it is typed in (and written right to left for Arabic).
#[component]
fn TranslatedField(
    name: String,
    label: String,
    original: String,
    value: String,
    form: FormState,
    lang: Lang,
    #[prop(optional)] multiline: bool,
) -> impl IntoView {
    let id = field_id(&name);
    let error = form.error(&name);
    let value = form.value_or(&name, &value);
    let (hint_id, error_id) = (format!("{id}-tips"), format!("{id}-fel"));
    let described = if error.is_some() {
        format!("{error_id} {hint_id}")
    } else {
        hint_id.clone()
    };
    let invalid = error.is_some().then_some("true");
    let input = if multiline {
        view! { <TextArea id=id.clone() name=name.clone() value invalid described_by=Some(described)/> }
            .into_any()
    } else {
        view! {
            <input type="text" id=id.clone() name=name.clone() value=value aria-invalid=invalid
                aria-describedby=described/>
        }
        .into_any()
    };
    let has_error = error.is_some();
    view! {
        <div class="field" class:field--error=has_error>
            <label for=id>{label}</label>
            <p class="hint" id=hint_id>"På svenska: "<span lang="sv">{original}</span></p>
            {error.map(|m| view! { <p class="field-error" id=error_id>{m}</p> })}
            <div lang=lang.code() dir=lang.dir()>{input}</div>
        </div>
    }
}

/// Översättning of a survey into English or Arabic.
#[component]
pub fn SurveyTranslationPage() -> impl IntoView {
    let params = use_params_map();
    let ids = move || {
        params.with(|p| {
            (
                p.get("id").and_then(|v| v.parse::<i64>().ok()),
                p.get("enkat").and_then(|v| v.parse::<i64>().ok()),
            )
        })
    };
    let data = Resource::new_blocking(ids, |(id, enkat)| async move {
        match (id, enkat) {
            (Some(id), Some(enkat)) => survey_builder(id, enkat).await,
            _ => Err(crate::error::AppError::NotFound),
        }
    });
    let lang = target_lang();
    view! {
        <PageTitle text=format!("Översättning till {}", lang.swedish_name())/>
        <Guard access=crate::auth::page_access("/satsningar/0/enkater/0")>
            {loaded(data, "Hämtar enkäten…", move |data| view! { <Translation data lang/> })}
        </Guard>
    }
}

#[component]
fn Translation(data: BuilderData, lang: Lang) -> impl IntoView {
    let form = use_form_state();
    let saved = use_query_map().with_untracked(|q| q.get("sparad").is_some());
    let (id, enkat) = (data.initiative_id, data.survey.id);
    let builder = format!("/satsningar/{id}/enkater/{enkat}");
    let page = format!("{builder}/oversattning");
    let here = format!("{page}?sprak={}", lang.code());
    let survey = data.survey.clone();
    let stored = match lang {
        Lang::Ar => survey.ar.clone(),
        _ => survey.en.clone(),
    };
    let other_languages = Lang::TRANSLATED
        .into_iter()
        .map(|l| {
            let href = format!("{page}?sprak={}", l.code());
            let current = (l == lang).then_some("page");
            view! { <li><a href=href aria-current=current>{format!("Till {}", l.swedish_name())}</a></li> }
        })
        .collect_view();
    let count = data.questions.len();
    let questions = data
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let texts = q.texts(lang).cloned().unwrap_or_default();
            let field = |part: &str| TranslationForm::field(q.id, part);
            let help = (!q.help.is_empty()).then(|| view! {
                <TranslatedField name=field("help") label="Hjälptext".into() original=q.help.clone()
                    value=texts.help.clone() form=form.clone() lang/>
            });
            let ends = (q.kind == QuestionKind::Likert).then(|| view! {
                <TranslatedField name=field("low_label") label="Vid 1".into() original=q.low_label.clone()
                    value=texts.low_label.clone() form=form.clone() lang/>
                <TranslatedField name=field("high_label") label="Vid 5".into() original=q.high_label.clone()
                    value=texts.high_label.clone() form=form.clone() lang/>
            });
            let options = matches!(q.kind, QuestionKind::Single | QuestionKind::Multiple).then(|| view! {
                <TranslatedField name=field("options") label="Svarsalternativ, ett per rad i samma ordning".into()
                    original=q.options.join(" / ") value=texts.options.join("\n") form=form.clone() lang multiline=true/>
            });
            view! {
                <fieldset>
                    <legend>{format!("Fråga {} av {count}", i + 1)}</legend>
                    <TranslatedField name=field("text") label="Frågan".into() original=q.text.clone()
                        value=texts.text.clone() form=form.clone() lang/>
                    {help}
                    {ends}
                    {options}
                </fieldset>
            }
        })
        .collect_view();
    let participant_view = format!("{builder}/forhandsvisning{}", lang.query());
    view! {
        <section class="page" aria-labelledby="oversattning-rubrik">
            <p><a href=builder.clone()>"← Tillbaka till enkäten"</a></p>
            <h1 id="oversattning-rubrik">{format!("Översättning till {}: {}", lang.swedish_name(), survey.title)}</h1>
            <nav aria-label="Språk att översätta till"><ul class="inline-list">{other_languages}</ul></nav>
            <p class="hint">"Deltagarna väljer språk överst på enkätens sida när enkätens namn är översatt. En tom ruta visar den svenska texten. Svaren sparas som samma svarsalternativ oavsett språk, så översättningen går att ändra även när utskicken har fått svar."</p>
            {saved.then(|| view! { <p class="notice" role="status">"Översättningen är sparad."</p> })}
            <p><a href=participant_view>{format!("Förhandsvisa på {}", lang.swedish_name())}</a></p>
            {if data.may_build {
                view! {
                    <ErrorSummary state=form.clone()/>
                    <PostForm action=here fn_path=SaveTranslation::PATH class="form">
                        <input type="hidden" name="id" value=id.to_string()/>
                        <input type="hidden" name="enkat" value=enkat.to_string()/>
                        <input type="hidden" name="sprak" value=lang.code()/>
                        <TranslatedField name="translation[title]".into() label="Enkätens namn".into() original=survey.title.clone()
                            value=stored.title.clone() form=form.clone() lang/>
                        <TranslatedField name="translation[intro]".into() label="Inledning".into() original=survey.intro.clone()
                            value=stored.intro.clone() form=form.clone() lang multiline=true/>
                        {questions}
                        <button type="submit" class="button">"Spara översättningen"</button>
                    </PostForm>
                }.into_any()
            } else {
                view! { <p>"Bara administratörer, utvärderare och satsningens projektledare kan översätta enkäten."</p> }.into_any()
            }}
        </section>
    }
}
