//! Login page, the current user in context, role guard, admin's user list.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

use super::{Access, CurrentUser, Decision, Role, decide};
use crate::error::AppError;

/// The logged-in user (or `None`), shared from the server render to the hydrated page.
#[derive(Debug, Clone)]
pub struct Viewer(pub Option<CurrentUser>);

/// Puts the request's user into context; call once, in `App`.
pub fn provide_viewer() {
    let shared = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<CurrentUser>().cloned())
        }
        #[cfg(not(feature = "ssr"))]
        {
            None::<CurrentUser>
        }
    });
    provide_context(Viewer(shared.into_inner()));
}

/// The logged-in user, if any.
pub fn viewer() -> Option<CurrentUser> {
    use_context::<Viewer>().and_then(|v| v.0)
}

/// What a rejected login form shows again: the typed e-mail (never the password) and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginFeedback {
    pub email: String,
    pub message: String,
}

/// Logga in.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let feedback = SharedValue::new(|| use_context::<LoginFeedback>()).into_inner();
    let email = feedback
        .as_ref()
        .map(|f| f.email.clone())
        .unwrap_or_default();
    let message = feedback.map(|f| f.message);
    let next = query.with_untracked(|q| q.get("nasta")).unwrap_or_default();
    let logged_out = query.with_untracked(|q| q.get("utloggad").is_some());
    let invalid = message.is_some().then_some("true");

    view! {
        <Title text="Logga in"/>
        <section class="page narrow" aria-labelledby="logga-in-rubrik">
            <h1 id="logga-in-rubrik">"Logga in"</h1>
            {logged_out.then(|| view! {
                <p class="notice" role="status">"Du är utloggad."</p>
            })}
            {message.map(|message| view! {
                <div class="error-summary" role="alert" id="inloggning-fel">
                    <p>{message}</p>
                </div>
            })}
            <form method="post" action="/logga-in" class="form" novalidate>
                <input type="hidden" name="nasta" value=next/>
                <div class="field">
                    <label for="epost">"E-post"</label>
                    <input
                        id="epost"
                        name="epost"
                        type="email"
                        autocomplete="username"
                        required
                        value=email
                        aria-invalid=invalid
                        aria-describedby=invalid.map(|_| "inloggning-fel")
                    />
                </div>
                <div class="field">
                    <label for="losenord">"Lösenord"</label>
                    <input
                        id="losenord"
                        name="losenord"
                        type="password"
                        autocomplete="current-password"
                        required
                        aria-invalid=invalid
                        aria-describedby=invalid.map(|_| "inloggning-fel")
                    />
                </div>
                <button type="submit" class="button">"Logga in"</button>
            </form>
            <p class="hint">
                "Efter fem felaktiga försök i rad låses kontot i 15 minuter. "
                "Har du glömt lösenordet? Kontakta processledaren, som kan skicka en ny länk."
            </p>
        </section>
    }
}

/// Renders `children` only for users the page's access rule lets in; otherwise a calm
/// explanation. (The server has already answered 403 or sent the visitor to log in.)
#[component]
pub fn Guard(access: Access, children: ChildrenFn) -> impl IntoView {
    let user = viewer();
    match decide(access, user.as_ref()) {
        Decision::Allow => children().into_any(),
        Decision::Login => view! {
            <section class="page">
                <h1>"Logga in för att fortsätta"</h1>
                <p><a href="/logga-in">"Till inloggningen"</a></p>
            </section>
        }
        .into_any(),
        Decision::Forbidden => view! {
            <Title text="Åtkomst nekad"/>
            <section class="page" aria-labelledby="nekad-rubrik">
                <h1 id="nekad-rubrik">"Åtkomst nekad"</h1>
                <p>
                    "Din roll ger inte tillgång till den här sidan. Behöver du den i ditt "
                    "arbete, kontakta processledaren."
                </p>
                <p><a href="/">"Till startsidan"</a></p>
            </section>
        }
        .into_any(),
    }
}

/// One user in the admin list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub active: bool,
    pub roles: Vec<Role>,
}

/// The users of the admin's own organisation.
#[server(endpoint = "anvandare/lista")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    let user = crate::auth::require(&[Role::Admin]).await?;
    let db = expect_context::<crate::db::Db>();
    let rows = super::repo::list(&db, user.organisation_id).await?;
    Ok(rows
        .into_iter()
        .map(|(row, roles)| UserSummary {
            id: row.id,
            name: row.name,
            email: row.email,
            active: row.active,
            roles,
        })
        .collect())
}

/// Användare (admin).
#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <Title text="Användare"/>
        <Guard access=super::page_access("/admin/anvandare")>
            <UserList/>
        </Guard>
    }
}

#[component]
fn UserList() -> impl IntoView {
    let users = Resource::new_blocking(|| (), |_| list_users());
    view! {
        <section class="page" aria-labelledby="anvandare-rubrik">
            <h1 id="anvandare-rubrik">"Användare"</h1>
            <Suspense fallback=|| view! { <p>"Hämtar användare…"</p> }>
                {move || users.get().map(|result| match result {
                    Err(error) => view! { <p class="error-summary" role="alert">{error.to_string()}</p> }.into_any(),
                    Ok(users) if users.is_empty() => view! { <p>"Inga användare ännu."</p> }.into_any(),
                    Ok(users) => view! {
                        <table class="table">
                            <caption class="visually-hidden">"Användare i din organisation"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Namn"</th>
                                    <th scope="col">"E-post"</th>
                                    <th scope="col">"Roller"</th>
                                    <th scope="col">"Status"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {users.into_iter().map(|u| {
                                    let roles = u.roles.iter().map(|r| r.label()).collect::<Vec<_>>().join(", ");
                                    view! {
                                        <tr>
                                            <td>{u.name}</td>
                                            <td>{u.email}</td>
                                            <td>{roles}</td>
                                            <td>{if u.active { "Aktiv" } else { "Inaktiverad" }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
