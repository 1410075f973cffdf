//! Parter: the register of nämnder/förvaltningar, idéburna aktörer and kommunala bolag.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{CIVIL_TYPES, Party, PartyKind};
use crate::auth::ui::Guard;
use crate::error::AppError;
use crate::form::{ACTION_FIELD, ErrorSummary, Saved, TextField, use_form_state};

/// The organisation's parties (anyone who may register satsningar needs the list).
#[server(endpoint = "parter/lista")]
pub async fn list_parties() -> Result<Vec<Party>, AppError> {
    let user =
        crate::auth::require(&[crate::auth::Role::Admin, crate::auth::Role::Evaluator]).await?;
    let db = expect_context::<crate::db::Db>();
    super::repo::list(&db, user.organisation_id).await
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
    )
    .map_err(crate::error::with_status)?;
    let db = expect_context::<crate::db::Db>();
    let actor = crate::auth::repo::Actor {
        user_id: user.id,
        organisation_id: user.organisation_id,
    };
    super::repo::add(&db, actor, &input, chrono::Utc::now())
        .await
        .map_err(crate::error::with_status)?;
    Ok(Saved {
        redirect: "/parter?sparad=1".into(),
    })
}

/// Parter.
#[component]
pub fn PartiesPage() -> impl IntoView {
    view! {
        <Title text="Parter"/>
        <Guard access=crate::auth::page_access("/parter")>
            <PartyRegister/>
        </Guard>
    }
}

#[component]
fn PartyRegister() -> impl IntoView {
    let parties = Resource::new_blocking(|| (), |_| list_parties());
    let form = use_form_state();
    let saved = use_query_map().with_untracked(|q| q.get("sparad").is_some());
    let select =
        |name: &'static str, label: &'static str, options: Vec<(&'static str, &'static str)>| {
            let selected = form.value_or(name, "");
            let error = form.error(name);
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
            <Suspense fallback=|| view! { <p>"Hämtar parter…"</p> }>
                {move || parties.get().map(|result| match result {
                    Err(error) => view! { <p class="error-summary" role="alert">{error.to_string()}</p> }.into_any(),
                    Ok(parties) => view! {
                        <table class="table">
                            <thead><tr>
                                <th scope="col">"Namn"</th><th scope="col">"Typ"</th><th scope="col">"Verksamhetsområde"</th>
                            </tr></thead>
                            <tbody>
                                {parties.into_iter().map(|p| view! {
                                    <tr>
                                        <td>{p.name}</td>
                                        <td>{p.kind.label()}</td>
                                        <td>{p.area.unwrap_or_else(|| "–".into())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Suspense>
            <h2>"Lägg till part"</h2>
            <ErrorSummary state=form.clone()/>
            <form method="post" action="/parter" class="form narrow" novalidate>
                <input type="hidden" name=ACTION_FIELD value="/api/parter/skapa"/>
                <TextField name="namn" label="Namn" value=form.value_or("namn", "") error=form.error("namn")/>
                {select("typ", "Typ", vec![
                    (PartyKind::Board.as_db(), PartyKind::Board.label()),
                    (PartyKind::Civil.as_db(), PartyKind::Civil.label()),
                    (PartyKind::Company.as_db(), PartyKind::Company.label()),
                ])}
                <TextField name="omrade" label="Verksamhetsområde (för nämnder)" hint="Till exempel Skola eller Individ- och familjeomsorg"
                    value=form.value_or("omrade", "") error=form.error("omrade")/>
                {select("ideburen_typ", "Sorts idéburen aktör", std::iter::once(("", "Inte idéburen")).chain(CIVIL_TYPES).collect())}
                <button type="submit" class="button">"Lägg till part"</button>
            </form>
        </section>
    }
}
