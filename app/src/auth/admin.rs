//! Användare: the admin's pages for accounts (list, new, edit).

use crate::html::PageTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::Role;
use super::api::{CreateUser, SendPasswordLink, UpdateUser, UserSummary, get_user, list_users};
use super::ui::Guard;
use crate::form::{ErrorSummary, FormState, PostForm, TextField, use_form_state};
use crate::page::{loaded, loaded_within};

/// Användare (list).
#[component]
pub fn UsersPage() -> impl IntoView {
    view! {
        <PageTitle text="Användare"/>
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
            <p><a class="button" href="/admin/anvandare/ny">"Lägg till användare"</a></p>
            {loaded_within(users, "Hämtar användare…", |users| {
                if users.is_empty() {
                    view! { <p>"Inga användare ännu."</p> }.into_any()
                } else {
                    view! { <UserTable users/> }.into_any()
                }
            })}
        </section>
    }
}

#[component]
fn UserTable(users: Vec<UserSummary>) -> impl IntoView {
    view! {
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
                    let href = format!("/admin/anvandare/{}", u.id);
                    view! {
                        <tr>
                            <td><a href=href>{u.name}</a></td>
                            <td>{u.email}</td>
                            <td>{roles}</td>
                            <td>{if u.active { "Aktiv" } else { "Inaktiverad" }}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Checkboxes for the roles, `user[roles][<role>]`, as one group with a legend (and the
/// group's error, `user[roles]`, which the error summary links to the fieldset).
#[component]
fn RoleChoices(form: FormState, current: Vec<Role>) -> impl IntoView {
    let error = form.error("user[roles]");
    let described = error.as_ref().map(|_| "user-roles-fel");
    view! {
        <fieldset class="field" id="user-roles" aria-describedby=described>
            <legend>"Roller"</legend>
            {error.map(|message| view! { <p class="field-error" id="user-roles-fel">{message}</p> })}
            {Role::ALL.into_iter().map(|role| {
                let name = format!("user[roles][{}]", role.as_db());
                let id = format!("user-roles-{}", role.as_db());
                let checked = form.checked_or(&name, current.contains(&role));
                view! {
                    <div class="checkbox">
                        <input type="checkbox" id=id.clone() name=name value="ja" checked=checked/>
                        <label for=id>{role.label()}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// Ny användare.
#[component]
pub fn NewUserPage() -> impl IntoView {
    view! {
        <PageTitle text="Ny användare"/>
        <Guard access=super::page_access("/admin/anvandare/ny")>
            <NewUserForm/>
        </Guard>
    }
}

#[component]
fn NewUserForm() -> impl IntoView {
    let form = use_form_state();
    view! {
        <section class="page narrow" aria-labelledby="ny-rubrik">
            <p><a href="/admin/anvandare">"← Användare"</a></p>
            <h1 id="ny-rubrik">"Ny användare"</h1>
            <p>"Personen får ett mejl med en länk för att välja sitt lösenord. Länken gäller i 7 dagar."</p>
            <ErrorSummary state=form.clone()/>
            <PostForm action="/admin/anvandare/ny" fn_path=CreateUser::PATH>
                <TextField name="user[name]" label="Namn" value=form.value_or("user[name]", "")
                    error=form.error("user[name]") autocomplete="off"/>
                <TextField name="user[email]" label="E-post" kind="email" value=form.value_or("user[email]", "")
                    error=form.error("user[email]") autocomplete="off"/>
                <RoleChoices form=form.clone() current=vec![]/>
                <button type="submit" class="button">"Skapa användare"</button>
            </PostForm>
        </section>
    }
}

/// Redigera användare.
#[component]
pub fn EditUserPage() -> impl IntoView {
    view! {
        <PageTitle text="Användare"/>
        <Guard access=super::page_access("/admin/anvandare/0")>
            <EditUser/>
        </Guard>
    }
}

/// Loads the user only once the guard has let the viewer in.
#[component]
fn EditUser() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let user = Resource::new_blocking(id, |id| async move {
        match id {
            Some(id) => get_user(id).await,
            None => Err(crate::error::AppError::NotFound),
        }
    });
    loaded(
        user,
        "Hämtar användaren…",
        |user| view! { <EditUserForm user/> },
    )
}

#[component]
fn EditUserForm(user: UserSummary) -> impl IntoView {
    let form = use_form_state();
    let query = use_query_map();
    let flag = move |key: &str| query.with_untracked(|q| q.get(key));
    // The mail is queued with the link in one transaction; the outbox sends it and retries
    // while the mail server is away (its fate shows on Utskick).
    let notice = match (flag("skapad"), flag("sparad"), flag("lank")) {
        (Some(_), _, _) => Some(
            "Användaren skapades och har fått ett mejl med en länk för att välja lösenord. Om mejlet inte kan skickas direkt försöker Utfall igen; läget syns under Utskick.",
        ),
        (_, Some(_), _) => Some("Ändringarna är sparade."),
        (_, _, Some(_)) => Some(
            "En ny lösenordslänk har skickats. Den gäller i 2 timmar. Läget för mejlet syns under Utskick.",
        ),
        _ => None,
    };
    let action = format!("/admin/anvandare/{}", user.id);
    let history = format!("/historik/user_account/{}", user.id);
    // Each form's fields are moved into it.
    let (id, link_id) = (user.id.to_string(), user.id.to_string());
    let active = form.checked_or("user[active]", user.active);
    view! {
        <section class="page narrow" aria-labelledby="anvandare-rubrik">
            <p><a href="/admin/anvandare">"← Användare"</a></p>
            <h1 id="anvandare-rubrik">{user.name.clone()}</h1>
            {notice.map(|text| view! { <p class="notice" role="status">{text}</p> })}
            <ErrorSummary state=form.clone()/>
            <PostForm action=action.clone() fn_path=UpdateUser::PATH>
                <input type="hidden" name="id" value=id/>
                <TextField name="user[name]" label="Namn" value=form.value_or("user[name]", &user.name)
                    error=form.error("user[name]") autocomplete="off"/>
                <TextField name="user[email]" label="E-post" kind="email" value=form.value_or("user[email]", &user.email)
                    error=form.error("user[email]") autocomplete="off"/>
                <RoleChoices form=form.clone() current=user.roles.clone()/>
                <div class="field">
                    {form.error("user[active]").map(|m| view! { <p class="field-error" id="user-active-fel">{m}</p> })}
                    <div class="checkbox">
                        <input type="checkbox" id="user-active" name="user[active]" value="ja" checked=active
                            aria-describedby="user-active-tips"/>
                        <label for="user-active">"Aktivt konto"</label>
                    </div>
                    <p class="hint" id="user-active-tips">
                        "Ett inaktiverat konto kan inte logga in, och pågående inloggningar avslutas direkt. "
                        "Historiken finns kvar och kontot kan aktiveras igen."
                    </p>
                </div>
                <button type="submit" class="button">"Spara ändringar"</button>
            </PostForm>
            <h2>"Lösenord"</h2>
            <p>"Skicka en länk där personen själv väljer ett nytt lösenord. Länken gäller i 2 timmar."</p>
            <PostForm action fn_path=SendPasswordLink::PATH>
                <input type="hidden" name="id" value=link_id/>
                <button type="submit" class="button button--secondary">"Skicka lösenordslänk"</button>
            </PostForm>
            <p><a href=history>"Visa historik för användaren"</a></p>
        </section>
    }
}
