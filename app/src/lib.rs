//! Utfall: follow-up and measurement of social investments (sociala investeringar).
//!
//! This crate is compiled twice: with `ssr` into the server (pages rendered to HTML, server
//! functions, database and mail), and with `hydrate` into the browser's WebAssembly, which
//! takes over the server-rendered page. Pages work without JavaScript; hydration improves them.

// Leptos views are deeply nested types; the satsning page needs more than the default 128.
#![recursion_limit = "256"]

pub mod audit;
pub mod auth;
pub mod chart;
pub mod dashboard;
pub mod deviation;
pub mod document;
pub mod economics;
pub mod error;
pub mod form;
pub mod halfyear;
pub mod history;
pub mod html;
pub mod indicator;
pub mod initiative;
#[cfg(test)]
mod layering;
pub mod layout;
pub mod light;
pub mod organisation;
pub mod outbox;
pub mod page;
pub mod pages;
pub mod party;
pub mod reminder;
pub mod report;
pub mod schema;
pub mod survey;
pub mod sv;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod mail;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::auth::admin::{EditUserPage, NewUserPage, UsersPage};
use crate::auth::ui::{LoginPage, LogoutPage, SetPasswordPage, provide_viewer};
use crate::dashboard::ui::PortfolioPage;
use crate::deviation::ui::{DeviationMeetingPage, DeviationPage, DeviationQueuePage};
use crate::economics::ui::{
    EconomicsPage, FundPage, UnitCostImportPage, UnitCostImportPreviewPage, UnitCostsPage,
};
use crate::halfyear::compare_ui::HalfYearComparisonPage;
use crate::halfyear::follow_up_ui::FollowUpReportPage;
use crate::halfyear::ui::{HalfYearListPage, HalfYearReportPage};
use crate::history::ui::{HistoryPage, LogPage};
use crate::indicator::ui::IndicatorsPage;
use crate::initiative::ui::{EditInitiativePage, InitiativesPage, NewInitiativePage};
use crate::layout::{ErrorPage, Footer, Header, SkipLink};
use crate::pages::initiative::InitiativePage;
use crate::pages::schema::SchemaPage;
use crate::pages::{AccessibilityPage, HomePage, NotFound};
use crate::party::ui::PartiesPage;
use crate::reminder::ui::{OutboxMessagePage, OutboxPage, ProfilePage};
use crate::report::import_ui::{ImportPage, ImportPreviewPage};
use crate::report::ui::{
    ReportCalendarPage, ReportFormPage, ReportHistoryPage, ReportOverviewPage,
};
use crate::schema::measure_form::{EditMeasurePage, NewMeasurePage};
use crate::schema::six_columns::SixColumnPage;
use crate::survey::translation_ui::SurveyTranslationPage;
use crate::survey::ui::{
    ParticipantPage, SurveyBuilderPage, SurveyPaperPage, SurveyPreviewPage, SurveyResultsPage,
    SurveyThanksPage, SurveysPage,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    layout::provide_request_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="sv">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: layout and routes. Hydrated in the browser.
///
/// Pages that load data render with `SsrMode::Async`: the whole page is rendered before the
/// response starts, so a 403/404 decided while loading reaches the status line (with
/// streaming it could lose the race with the first chunk), and browsers without JavaScript get
/// complete HTML.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_viewer();
    let hydrated = layout::mark_hydrated();

    view! {
        <Stylesheet id="utfall" href="/pkg/utfall.css"/>
        <html::TitleFormat/>
        <Router>
            <SkipLink/>
            <Header hydrated/>
            <main id="innehall" tabindex="-1">
                <ErrorBoundary fallback=|_errors| view! { <ErrorPage/> }>
                    <Routes fallback=NotFound>
                        <Route path=path!("") ssr=SsrMode::Async view=HomePage/>
                        <Route path=path!("tillganglighet") view=AccessibilityPage/>
                        <Route path=path!("logga-in") view=LoginPage/>
                        <Route path=path!("logga-ut") view=LogoutPage/>
                        <Route path=path!("losenord/:token") view=SetPasswordPage/>
                        <Route path=path!("admin/anvandare") ssr=SsrMode::Async view=UsersPage/>
                        <Route path=path!("admin/anvandare/ny") ssr=SsrMode::Async view=NewUserPage/>
                        <Route path=path!("admin/anvandare/:id") ssr=SsrMode::Async view=EditUserPage/>
                        <Route path=path!("historik") ssr=SsrMode::Async view=LogPage/>
                        <Route path=path!("historik/:typ/:id") ssr=SsrMode::Async view=HistoryPage/>
                        <Route path=path!("parter") ssr=SsrMode::Async view=PartiesPage/>
                        <Route path=path!("satsningar") ssr=SsrMode::Async view=InitiativesPage/>
                        <Route path=path!("satsningar/ny") ssr=SsrMode::Async view=NewInitiativePage/>
                        <Route path=path!("satsningar/:id") ssr=SsrMode::Async view=InitiativePage/>
                        <Route path=path!("satsningar/:id/redigera") ssr=SsrMode::Async view=EditInitiativePage/>
                        <Route path=path!("satsningar/:id/schema") ssr=SsrMode::Async view=SchemaPage/>
                        <Route path=path!("satsningar/:id/schema/nytt-matt") ssr=SsrMode::Async view=NewMeasurePage/>
                        <Route path=path!("satsningar/:id/schema/tabell") ssr=SsrMode::Async view=SixColumnPage/>
                        <Route path=path!("satsningar/:id/schema/matt/:mid") ssr=SsrMode::Async view=EditMeasurePage/>
                        <Route path=path!("satsningar/:id/rapportera") ssr=SsrMode::Async view=ReportCalendarPage/>
                        <Route path=path!("satsningar/:id/rapportera/:manad") ssr=SsrMode::Async view=ReportFormPage/>
                        <Route path=path!("satsningar/:id/rapportera/:manad/historik") ssr=SsrMode::Async view=ReportHistoryPage/>
                        <Route path=path!("satsningar/:id/ekonomi") ssr=SsrMode::Async view=EconomicsPage/>
                        <Route path=path!("satsningar/:id/halvar/:halvar") ssr=SsrMode::Async view=HalfYearReportPage/>
                        <Route path=path!("satsningar/:id/halvar/:halvar/jamforelse") ssr=SsrMode::Async view=HalfYearComparisonPage/>
                        <Route path=path!("satsningar/:id/uppfoljning") ssr=SsrMode::Async view=FollowUpReportPage/>
                        <Route path=path!("halvarsredovisningar") ssr=SsrMode::Async view=HalfYearListPage/>
                        <Route path=path!("enhetskostnader") ssr=SsrMode::Async view=UnitCostsPage/>
                        <Route path=path!("enhetskostnader/import") ssr=SsrMode::Async view=UnitCostImportPage/>
                        <Route path=path!("enhetskostnader/import/:import") ssr=SsrMode::Async view=UnitCostImportPreviewPage/>
                        <Route path=path!("fonden") ssr=SsrMode::Async view=FundPage/>
                        <Route path=path!("satsningar/:id/import") ssr=SsrMode::Async view=ImportPage/>
                        <Route path=path!("satsningar/:id/import/:import") ssr=SsrMode::Async view=ImportPreviewPage/>
                        <Route path=path!("satsningar/:id/enkater") ssr=SsrMode::Async view=SurveysPage/>
                        <Route path=path!("satsningar/:id/enkater/:enkat") ssr=SsrMode::Async view=SurveyBuilderPage/>
                        <Route path=path!("satsningar/:id/enkater/:enkat/forhandsvisning") ssr=SsrMode::Async view=SurveyPreviewPage/>
                        <Route path=path!("satsningar/:id/enkater/:enkat/resultat") ssr=SsrMode::Async view=SurveyResultsPage/>
                        <Route path=path!("satsningar/:id/enkater/:enkat/utskick/:vag/papper") ssr=SsrMode::Async view=SurveyPaperPage/>
                        <Route path=path!("satsningar/:id/enkater/:enkat/oversattning") ssr=SsrMode::Async view=SurveyTranslationPage/>
                        <Route path=path!("enkat/tack") view=SurveyThanksPage/>
                        <Route path=path!("enkat/:token") ssr=SsrMode::Async view=ParticipantPage/>
                        <Route path=path!("rapportering") ssr=SsrMode::Async view=ReportOverviewPage/>
                        <Route path=path!("oversikt") ssr=SsrMode::Async view=PortfolioPage/>
                        <Route path=path!("indikatorer") ssr=SsrMode::Async view=IndicatorsPage/>
                        <Route path=path!("avvikelser") ssr=SsrMode::Async view=DeviationQueuePage/>
                        <Route path=path!("avvikelser/mote") ssr=SsrMode::Async view=DeviationMeetingPage/>
                        <Route path=path!("avvikelser/:id") ssr=SsrMode::Async view=DeviationPage/>
                        <Route path=path!("profil") ssr=SsrMode::Async view=ProfilePage/>
                        <Route path=path!("utskick") ssr=SsrMode::Async view=OutboxPage/>
                        <Route path=path!("utskick/:id") ssr=SsrMode::Async view=OutboxMessagePage/>
                    </Routes>
                </ErrorBoundary>
            </main>
            <Footer/>
        </Router>
    }
}

/// Entry point of the WebAssembly bundle: takes over the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
