//! The import pages: the upload form (`/satsningar/{id}/import`) and the dry run with its
//! confirmation (`/satsningar/{id}/import/{import}`).

use crate::html::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

use super::api::CalendarData;
use super::import_api::import_calendar;
use super::ui::{access, url_params};
use crate::auth::ui::Guard;
use crate::error::AppError;
use crate::form::{ErrorSummary, PostForm, use_form_state};
use crate::layout::TableScroll;
use crate::page::loaded;

/// Importera värden: the upload form (multipart, works without JavaScript).
#[component]
pub fn ImportPage() -> impl IntoView {
    view! {
        <PageTitle text="Importera värden"/>
        <Guard access=access()>
            <ImportLoader/>
        </Guard>
    }
}

#[component]
fn ImportLoader() -> impl IntoView {
    let (id, _) = url_params();
    let data = crate::page::by_id(move || id, import_calendar);
    loaded(
        data,
        "Hämtar importsidan…",
        |data| view! { <ImportForm data/> },
    )
}

#[component]
fn ImportForm(data: CalendarData) -> impl IntoView {
    let form = use_form_state();
    let id = data.initiative_id;
    view! {
        <section class="page narrow" aria-labelledby="import-rubrik">
            <p><a href=format!("/satsningar/{id}/rapportera")>"← Rapportering för "{data.initiative_name.clone()}</a></p>
            <h1 id="import-rubrik">"Importera värden"</h1>
            <p class="lead">{data.initiative_name.clone()}</p>
            <ErrorSummary state=form/>
            <p>"Filen ska ha samma kolumner som en nedladdad värdefil: "<strong>"Kod"</strong>", "
                <strong>"Period"</strong>" (ÅÅÅÅ-MM), "<strong>"Värde"</strong>" och gärna "<strong>"Kommentar"</strong>
                ". Övriga kolumner läses inte. CSV (semikolon eller komma) och Excel (.xlsx) går bra."</p>
            <p><a href=format!("/satsningar/{id}/varden.csv") rel="external" download>"Ladda ner nuvarande värden som mall (CSV)"</a></p>
            <p>"Först visas en förhandsgranskning med eventuella fel per rad. Inget sparas förrän du bekräftar, och då sparas allt eller inget."</p>
            <form method="post" action=format!("/satsningar/{id}/import/fil") enctype="multipart/form-data" class="form">
                <div class="field">
                    <label for="fil">"Fil att importera"</label>
                    <input id="fil" name="fil" type="file"
                        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>
                </div>
                <button type="submit" class="button">"Förhandsgranska"</button>
            </form>
        </section>
    }
}

/// Förhandsgranskning av en import, and the confirmation.
#[component]
pub fn ImportPreviewPage() -> impl IntoView {
    view! {
        <PageTitle text="Förhandsgranska import"/>
        <Guard access=access()>
            <PreviewLoader/>
        </Guard>
    }
}

#[component]
fn PreviewLoader() -> impl IntoView {
    let params = use_params_map();
    let ids = params.with_untracked(|p| {
        (
            p.get("id").and_then(|id| id.parse::<i64>().ok()),
            p.get("import").and_then(|id| id.parse::<i64>().ok()),
        )
    });
    let data = Resource::new_blocking(
        move || ids,
        |ids| async move {
            match ids {
                (Some(id), Some(import)) => super::import_api::import_preview(id, import).await,
                _ => Err(AppError::NotFound),
            }
        },
    );
    loaded(
        data,
        "Kontrollerar filen…",
        |data| view! { <Preview data/> },
    )
}

#[component]
fn Preview(data: super::import_api::ImportPreviewData) -> impl IntoView {
    let form = use_form_state();
    let id = data.initiative_id;
    let total = data.rows.len();
    let status = if data.committed {
        "Importen är redan genomförd.".to_string()
    } else if data.errors == 0 {
        format!("Alla {total} rader kan importeras. Inget är sparat ännu.")
    } else {
        format!(
            "{} av {total} rader har fel. Inget har sparats: rätta filen och ladda upp den igen.",
            data.errors
        )
    };
    view! {
        <section class="page wide" aria-labelledby="forhands-rubrik">
            <p><a href=format!("/satsningar/{id}/import")>"← Välj en annan fil"</a></p>
            <h1 id="forhands-rubrik">"Förhandsgranska import"</h1>
            <p class="lead">{data.initiative_name.clone()}" · "{data.file_name.clone()}</p>
            <p class=if data.errors == 0 { "notice" } else { "error-summary" } role="status">{status}</p>
            <ErrorSummary state=form.clone()/>
            {(!data.committed && data.errors == 0).then(|| view! {
                <PostForm action=format!("/satsningar/{id}/import/{}", data.import_id) fn_path=super::import_api::CommitImport::PATH>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="import_id" value=data.import_id.to_string()/>
                    {data.needs_reason.then(|| view! {
                        <crate::form::TextField name="orsak" kind="textarea"
                            label="Orsak till rättelsen (filen ändrar låsta månader)"
                            value=form.value_or("orsak", "") error=form.error("orsak")/>
                    })}
                    <button type="submit" class="button">{format!("Importera {total} rader")}</button>
                </PostForm>
            })}
            <TableScroll label="Raderna i filen">
                <table class="table">
                    <caption class="visually-hidden">"Raderna i filen"</caption>
                    <thead><tr>
                        <th scope="col" class="num">"Rad"</th><th scope="col">"Mått"</th><th scope="col">"Period"</th>
                        <th scope="col">"Värde"</th><th scope="col">"Kommentar"</th><th scope="col">"Kontroll"</th>
                    </tr></thead>
                    <tbody>
                        {data.rows.into_iter().map(|r| {
                            let bad = r.error.is_some();
                            view! {
                                <tr class:row-error=bad>
                                    <td class="num">{r.line}</td><td>{r.measure}</td><td>{r.period}</td>
                                    <td>{r.value}</td><td>{r.comment}</td>
                                    <td>{r.error.unwrap_or_else(|| "OK".into())}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </TableScroll>
        </section>
    }
}
