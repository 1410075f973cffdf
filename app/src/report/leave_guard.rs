//! With JavaScript: a question before leaving the month's form while it holds typed values that
//! are not saved. A link inside the app is followed by the router without loading a new page,
//! so the browser's own `beforeunload` question never comes; a click on such a link (month
//! navigation, the calendar, the menu) therefore asks first, and staying keeps every typed
//! value. Reloading or closing the tab gets the browser's own question. Links within the page
//! (the error summary's) and downloads do not ask. Without JavaScript nothing of this runs and
//! nothing changes: the form is a plain form. (Hydrate only.)

use std::cell::Cell;

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::wasm_bindgen::closure::Closure;
use leptos::web_sys;

/// What the question says.
pub const QUESTION: &str =
    "Du har skrivit in värden som inte är sparade. Vill du lämna sidan utan att spara dem?";

thread_local! {
    /// Whether the form on the page now has unsaved changes.
    static DIRTY: Cell<bool> = const { Cell::new(false) };
    /// The listeners are added once and stay; they only act while `DIRTY` is set.
    static INSTALLED: Cell<bool> = const { Cell::new(false) };
}

/// Asks before leaving while the form is [`set`] dirty (from `dirty` on), for as long as the
/// calling component lives.
pub fn watch(dirty: bool) {
    install();
    set(dirty);
    on_cleanup(|| set(false));
}

/// The form has unsaved changes (typing), or not (it is being sent). Set at once, not in an
/// effect: the browser asks `beforeunload` right after a submit event.
pub fn set(dirty: bool) {
    DIRTY.with(|d| d.set(dirty));
}

fn is_dirty() -> bool {
    DIRTY.with(Cell::get)
}

fn install() {
    if INSTALLED.with(|i| i.replace(true)) {
        return;
    }
    // Capture phase on the window: runs before the router's own click handler.
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(|ev: web_sys::MouseEvent| {
        if !is_dirty() || ev.default_prevented() || ev.button() != 0 {
            return;
        }
        if ev.meta_key() || ev.ctrl_key() || ev.shift_key() || ev.alt_key() {
            return; // a new tab or window: this page stays
        }
        let link = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
            .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
        if !link.is_some_and(|link| leaves_the_page(&link)) {
            return;
        }
        if window().confirm_with_message(QUESTION).unwrap_or(true) {
            set(false); // asked once is enough
        } else {
            ev.prevent_default();
            ev.stop_immediate_propagation();
        }
    });
    let _ = window().add_event_listener_with_callback_and_bool(
        "click",
        on_click.as_ref().unchecked_ref(),
        true,
    );
    on_click.forget();
    // The handle is dropped without `remove()`: the listener stays, like the one above.
    let _ = window_event_listener(leptos::ev::beforeunload, |ev| {
        if is_dirty() {
            ev.prevent_default();
        }
    });
}

/// Whether following `link` shows another page (not a part of this one, not a download).
fn leaves_the_page(link: &web_sys::HtmlAnchorElement) -> bool {
    if link.has_attribute("download") || !link.target().is_empty() {
        return false;
    }
    let here = window().location();
    link.pathname() != here.pathname().unwrap_or_default()
        || link.search() != here.search().unwrap_or_default()
}
