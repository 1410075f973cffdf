//! Page scaffolding: one loader for a page's data and one view for a page that cannot be shown.
//!
//! A data page is a [`Resource`] of `Result<T, AppError>` handed to [`loaded`] with the view
//! for its data (`app/src/party/ui.rs` is the shortest example); a page about one object gets
//! its resource from [`by_id`] with the route's [`route_id`]. While the data loads the page
//! says so; when loading fails it shows [`Problem`], which is also the one place a page's HTTP
//! status is set from an [`AppError`] (server functions get theirs in `server/src/edge.rs`).

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// `page` with the resource's data once it has loaded; a whole-page [`Problem`] if loading
/// failed. For data that is the whole page.
pub fn loaded<T, V>(
    data: Resource<Result<T, AppError>>,
    waiting: &'static str,
    page: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    load(data, waiting, page, |error| {
        view! { <Problem error/> }.into_any()
    })
}

/// Like [`loaded`], for data inside a page that already has its heading: a failure is a
/// [`ProblemNotice`] in place.
pub fn loaded_within<T, V>(
    data: Resource<Result<T, AppError>>,
    waiting: &'static str,
    part: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    load(data, waiting, part, |error| {
        view! { <ProblemNotice error/> }.into_any()
    })
}

/// The data of a page about one object, by the id in its address: `fetch(id)`, or "not found"
/// when the address has no id that is a number (one rule for every such page).
pub fn by_id<T, Fut>(
    id: impl Fn() -> Option<i64> + Send + Sync + 'static,
    fetch: impl Fn(i64) -> Fut + Copy + Send + Sync + 'static,
) -> Resource<Result<T, AppError>>
where
    T: Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
{
    Resource::new_blocking(id, move |id| async move {
        match id {
            Some(id) => fetch(id).await,
            None => Err(AppError::NotFound),
        }
    })
}

/// The route's `{id}`, when it is a number.
pub fn route_id() -> impl Fn() -> Option<i64> + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()))
}

fn load<T, V>(
    data: Resource<Result<T, AppError>>,
    waiting: &'static str,
    shown: impl Fn(T) -> V + Send + Sync + 'static,
    failed: fn(AppError) -> AnyView,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=move || view! { <p class="loading">{waiting}</p> }>
            {move || data.get().map(|result| match result {
                Ok(data) => shown(data).into_any(),
                Err(error) => failed(error),
            })}
        </Suspense>
    }
}

/// Sets the page's HTTP status to `error`'s when rendering on the server.
fn set_status(error: &AppError) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(error.status_code())
    {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}

/// A part of a page that could not be loaded: the reason, in place (and the page's status).
#[component]
pub fn ProblemNotice(error: AppError) -> impl IntoView {
    set_status(&error);
    view! { <p class="error-summary" role="alert">{error.to_string()}</p> }
}

/// A page that cannot be shown: what happened, in Swedish, and a way on. Sets the response's
/// status to the error's (404, 403, …) when rendered on the server.
#[component]
pub fn Problem(
    error: AppError,
    /// Where "Tillbaka" leads (default: the start page).
    #[prop(optional, into)]
    back: Option<String>,
) -> impl IntoView {
    set_status(&error);
    let heading = match error {
        AppError::NotFound => "Sidan finns inte",
        AppError::Forbidden => "Åtkomst nekad",
        AppError::Unauthenticated => "Logga in för att fortsätta",
        _ => "Sidan kunde inte visas",
    };
    let (href, label) = match back {
        Some(href) => (href, "Tillbaka"),
        None => ("/".to_string(), "Till startsidan"),
    };
    view! {
        <section class="page problem" aria-labelledby="problem-rubrik">
            <h1 id="problem-rubrik">{heading}</h1>
            <p role="alert">{error.to_string()}</p>
            <p><a href=href>{label}</a></p>
        </section>
    }
}
