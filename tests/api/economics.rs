//! Ekonomi: the unit-cost register (who keeps it, who reads it, what läsare never see), bad
//! input refused in Swedish with nothing written, and a satsning's calculation page showing the
//! verdict the calculation gives.

use app::auth::Role;
use app::economics::api::{
    AddEffectRow, AddUnitCost, CommitUnitCostImport, DeleteUnitCost, PlanRepayment,
    RecordRepayment, SaveEconomicsSettings, SetPriceIndex, UnitCostRegister, UpdateUnitCost,
};
use app::economics::repayment::RepaymentForm;
use app::economics::{EffectRowForm, IndexForm, SettingsForm, UnitCostForm};
use app::schema::MeasureKind;
use app::schema::repo::Parent;
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::builders::{InitiativeBuilder, SchemaBuilder, UserBuilder, measure_form};
use crate::helpers::{Backend, TestApp, postgres_database, spawn_app, spawn_app_with};

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
    })
}

/// A unit cost as the form posts it: 100 000 kr per placering och år, price year 2027, with
/// internal figures.
fn cost(post: &str, year: &str) -> UnitCostForm {
    UnitCostForm {
        post: post.into(),
        area: "ifo".into(),
        unit: "per placering och år".into(),
        cost_sek: "100 000".into(),
        price_year: year.into(),
        source: "KPB".into(),
        comment: "Bruttokostnad delad med antal placeringar.".into(),
        volume: "12345".into(),
        overhead_percent: "8,5".into(),
    }
}

fn add(form: UnitCostForm) -> AddUnitCost {
    AddUnitCost { cost: form }
}

async fn cost_id(app: &TestApp, post: &str) -> i64 {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT id FROM unit_cost WHERE post = $1 ORDER BY price_year DESC")
            .bind(post)
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

fn text_of(page: &str, selector: &str) -> String {
    let document = Html::parse_document(page);
    document
        .select(&Selector::parse(selector).unwrap())
        .next()
        .map(|e| e.text().collect::<String>())
        .unwrap_or_default()
}

async fn register_is_kept_by_evaluators_and_read_by_all_staff(app: TestApp) {
    // Arrange: one user per role.
    let (_, evaluator) = UserBuilder::with_role(Role::Evaluator).login(&app).await;
    let (_, admin) = UserBuilder::with_role(Role::Admin).login(&app).await;
    let mut readers = Vec::new();
    for role in [Role::Review, Role::ProjectLead, Role::Reader] {
        readers.push((role, UserBuilder::with_role(role).login(&app).await.1));
    }

    // Act / Assert: the keepers add, change and delete.
    let added = evaluator
        .submit(
            "/enhetskostnader",
            &add(cost("Placering HVB, barn", "2027")),
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let by_admin = admin
        .submit(
            "/enhetskostnader",
            &add(cost("Placering HVB, barn", "2028")),
        )
        .await;
    assert_eq!(by_admin.status(), StatusCode::SEE_OTHER);
    let id = cost_id(&app, "Placering HVB, barn").await;
    let changed = evaluator
        .submit(
            "/enhetskostnader",
            &UpdateUnitCost {
                cost_id: id,
                cost: UnitCostForm {
                    cost_sek: "104 500".into(),
                    ..cost("Placering HVB, barn", "2028")
                },
            },
        )
        .await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    let page = evaluator
        .get("/enhetskostnader?andrad=1")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("104\u{a0}500\u{a0}kr"), "the change shows");
    assert!(
        page.contains("Kostnadsutveckling"),
        "two years make a development"
    );
    assert!(page.contains("<svg"), "drawn as a chart");

    for (role, reader) in &readers {
        let page = reader.get("/enhetskostnader").await;
        assert_eq!(page.status(), StatusCode::OK, "{role:?} reads the register");
        let page = page.text().await.unwrap();
        assert!(page.contains("Placering HVB, barn"), "{role:?}");
        assert!(
            !page.contains("Lägg till enhetskostnad"),
            "{role:?} gets no form"
        );
        let denied = reader
            .submit("/enhetskostnader", &add(cost("Hemtjänst", "2027")))
            .await;
        assert_eq!(
            denied.status(),
            StatusCode::FORBIDDEN,
            "{role:?} cannot add"
        );
        let denied = reader
            .submit("/enhetskostnader", &DeleteUnitCost { cost_id: id })
            .await;
        assert_eq!(
            denied.status(),
            StatusCode::FORBIDDEN,
            "{role:?} cannot delete"
        );
    }
    let anonymous = app.with_new_client();
    assert_ne!(
        anonymous.get("/enhetskostnader").await.status(),
        StatusCode::OK
    );

    let deleted = evaluator
        .submit("/enhetskostnader", &DeleteUnitCost { cost_id: id })
        .await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM unit_cost").await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_event WHERE object_type = 'unit_cost'"
        )
        .await,
        4,
        "two adds, a change and a delete"
    );
}

#[tokio::test]
async fn the_register_is_kept_by_evaluators_and_read_by_all_staff() {
    register_is_kept_by_evaluators_and_read_by_all_staff(spawn_app().await).await;
}

#[tokio::test]
async fn the_register_is_kept_by_evaluators_and_read_by_all_staff_on_postgres() {
    let Some(url) = postgres_database().await else {
        return;
    };
    register_is_kept_by_evaluators_and_read_by_all_staff(
        spawn_app_with(Backend::Postgres(url), |_| {}).await,
    )
    .await;
}

#[tokio::test]
async fn readers_never_see_the_internal_fields() {
    let app = spawn_app().await;
    let (_, evaluator) = UserBuilder::with_role(Role::Evaluator).login(&app).await;
    let (_, reader) = UserBuilder::with_role(Role::Reader).login(&app).await;
    let (_, lead) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    evaluator
        .submit(
            "/enhetskostnader",
            &add(cost("Placering HVB, barn", "2027")),
        )
        .await;

    let keeper = evaluator
        .get("/enhetskostnader")
        .await
        .text()
        .await
        .unwrap();
    assert!(keeper.contains("Volym (internt)") && keeper.contains("12\u{a0}345"));
    assert!(keeper.contains("8,5 %"));
    for browser in [&reader, &lead] {
        let page = browser.get("/enhetskostnader").await.text().await.unwrap();
        assert!(page.contains("Placering HVB, barn"));
        assert!(!page.contains("Volym (internt)"), "no internal column");
        assert!(
            !page.contains("12\u{a0}345") && !page.contains("12345"),
            "no volume anywhere, hydration data included"
        );
        assert!(!page.contains("8,5"), "no overhead");
        // The server function itself leaves them out.
        let reply = browser
            .call(&UnitCostRegister { post: None })
            .await
            .text()
            .await
            .unwrap();
        assert!(reply.contains("Placering HVB, barn"), "{reply}");
        assert!(
            !reply.contains("12345") && !reply.contains("8.5"),
            "{reply}"
        );
        // Nor does the export.
        let csv = browser.get("/enhetskostnader.csv").await;
        assert_eq!(csv.status(), StatusCode::OK);
        let csv = csv.text().await.unwrap();
        assert!(
            csv.starts_with('\u{feff}') && csv.contains("\"Placering HVB, barn\";"),
            "{csv}"
        );
        assert!(!csv.contains("internt") && !csv.contains("12345"), "{csv}");
        let xlsx = browser
            .get("/enhetskostnader.xlsx")
            .await
            .bytes()
            .await
            .unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).unwrap();
        let sheet = calamine::Reader::worksheet_range(&mut book, "Enhetskostnader").unwrap();
        assert_eq!(sheet.width(), 8, "no internal columns");
    }
    let csv = evaluator
        .get("/enhetskostnader.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("\"Volym (internt)\"") && csv.contains(";12345;8,5"),
        "{csv}"
    );
    assert!(
        csv.contains(";100000;2027;"),
        "numbers bare, for Excel: {csv}"
    );
    let reply = evaluator
        .call(&UnitCostRegister { post: None })
        .await
        .text()
        .await
        .unwrap();
    assert!(reply.contains("12345"), "the keeper gets them: {reply}");
}

#[tokio::test]
async fn bad_input_is_refused_in_swedish_and_nothing_is_written() {
    let app = spawn_app().await;
    let (_, evaluator) = UserBuilder::with_role(Role::Evaluator).login(&app).await;
    evaluator
        .submit(
            "/enhetskostnader",
            &add(cost("Placering HVB, barn", "2027")),
        )
        .await;
    let before = count(&app, "SELECT COUNT(*) FROM unit_cost").await;
    let audits = count(&app, "SELECT COUNT(*) FROM audit_event").await;

    for (form, message) in [
        (
            UnitCostForm {
                cost_sek: "mycket".into(),
                ..cost("Hemtjänst, timme", "2027")
            },
            "Ange kostnaden i hela kronor",
        ),
        (
            UnitCostForm {
                area: "rymden".into(),
                ..cost("Hemtjänst, timme", "2027")
            },
            "Välj verksamhetsområde.",
        ),
        (cost("Hemtjänst, timme", "27"), "Ange ett årtal"),
        (
            cost("Placering HVB, barn", "2027"),
            "Posten har redan en kostnad för det året.",
        ),
    ] {
        let response = evaluator
            .submit("/enhetskostnader", &add(form.clone()))
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{message}");
        let page = response.text().await.unwrap();
        assert!(page.contains(message), "{message}");
        assert!(
            page.contains(&format!("value=\"{}\"", form.post)),
            "keeps what was typed"
        );
    }
    let index = evaluator
        .submit(
            "/enhetskostnader",
            &SetPriceIndex {
                index: IndexForm {
                    year: "2027".into(),
                    value: "0".into(),
                },
            },
        )
        .await;
    assert_eq!(index.status(), StatusCode::BAD_REQUEST);
    assert!(
        index
            .text()
            .await
            .unwrap()
            .contains("Indexvärdet måste vara större än 0.")
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM unit_cost").await, before);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM price_index").await, 0);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_event").await,
        audits
    );
}

#[tokio::test]
async fn the_calculation_page_shows_the_computed_verdict() {
    the_calculation_page_shows_the_computed_verdict_on(spawn_app().await).await;
}

#[tokio::test]
async fn the_calculation_page_shows_the_computed_verdict_on_postgres() {
    let Some(url) = postgres_database().await else {
        return;
    };
    the_calculation_page_shows_the_computed_verdict_on(
        spawn_app_with(Backend::Postgres(url), |_| {}).await,
    )
    .await;
}

async fn the_calculation_page_shows_the_computed_verdict_on(app: TestApp) {
    // Arrange: a satsning 2027–2029 with a budget of 1 000 000 kr (all in 2027) and a unit
    // cost of 100 000 kr a year in 2027's prices.
    let (_, evaluator) = UserBuilder::with_role(Role::Evaluator).login(&app).await;
    let (lead_user, lead) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, other_lead) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, reviewer) = UserBuilder::with_role(Role::Review).login(&app).await;
    let (_, reader) = UserBuilder::with_role(Role::Reader).login(&app).await;
    let initiative = InitiativeBuilder::named("Tidiga insatser")
        .led_by(&lead_user)
        .create(&app)
        .await;
    let id = initiative.id;
    let page = format!("/satsningar/{id}/ekonomi");
    evaluator
        .submit(
            "/enhetskostnader",
            &add(cost("Placering HVB, barn", "2027")),
        )
        .await;
    let unit_cost = cost_id(&app, "Placering HVB, barn").await;
    let settings = evaluator
        .submit(
            &page,
            &SaveEconomicsSettings {
                initiative_id: id,
                settings: SettingsForm {
                    price_year: "2027".into(),
                    discount_rate_percent: "0".into(),
                },
            },
        )
        .await;
    assert_eq!(settings.status(), StatusCode::SEE_OTHER);
    let row = |reduction: &str, unit_cost_id: String| AddEffectRow {
        initiative_id: id,
        effect: EffectRowForm {
            name: "Färre placeringar".into(),
            unit_cost_id,
            reduction_per_year: reduction.into(),
            start_year: "2028".into(),
            party_id: initiative.parties[1].to_string(),
            ..EffectRowForm::default()
        },
    };

    // Before any effect: nothing saved, so the requirement is not met.
    let before = evaluator.get(&page).await.text().await.unwrap();
    assert_eq!(
        text_of(&before, "#bedomning").trim(),
        "Uppfyller kravet: besparingar ≥ kostnad: Nej"
    );

    // Act: the satsning's own projektledare adds one placement fewer a year from 2028.
    let added = lead.submit(&page, &row("1", unit_cost.to_string())).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);

    // Assert: 2028–2039 is twelve years of 100 000 kr against 1 000 000 kr.
    for browser in [&evaluator, &reader, &reviewer] {
        let shown = browser.get(&page).await;
        assert_eq!(shown.status(), StatusCode::OK);
        let shown = shown.text().await.unwrap();
        assert_eq!(
            text_of(&shown, "#bedomning").trim(),
            "Uppfyller kravet: besparingar ≥ kostnad: Ja"
        );
        assert_eq!(
            text_of(&shown, "#nuvarde-kostnader"),
            "1\u{a0}000\u{a0}000\u{a0}kr"
        );
        assert_eq!(
            text_of(&shown, "#nuvarde-besparingar"),
            "1\u{a0}200\u{a0}000\u{a0}kr"
        );
        assert_eq!(text_of(&shown, "#netto"), "200\u{a0}000\u{a0}kr");
        // Ten years of 100 000 kr (2028–2037) reach the million.
        assert_eq!(text_of(&shown, "#break-even-ar"), "2037");
        // 1 000 000 / 1 200 000 = 83,33 %.
        assert!(
            text_of(&shown, "#break-even-effekt").starts_with("83,33\u{a0}%")
                || text_of(&shown, "#break-even-effekt").starts_with("83,33 %")
        );
        assert!(shown.contains("Känslighetsanalys") && shown.contains("Effekterna 20 % mindre"));
        assert!(
            shown.contains("Visa år för år som tabell"),
            "the chart has a table"
        );
    }
    let read_only = reader.get(&page).await.text().await.unwrap();
    assert!(!read_only.contains("Lägg till effektrad"));
    assert!(read_only.contains("Du kan läsa kalkylen men inte ändra den."));

    // Others may not change it; a projektledare of another satsning does not even see it.
    assert_eq!(
        reviewer
            .submit(&page, &row("5", unit_cost.to_string()))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(other_lead.get(&page).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        other_lead
            .submit(&page, &row("5", unit_cost.to_string()))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Bad input is a Swedish 400 that writes nothing.
    let rows = count(&app, "SELECT COUNT(*) FROM economic_effect_row").await;
    for (bad, message) in [
        (
            row("1", "999999".into()),
            "Välj en enhetskostnad ur registret.",
        ),
        (
            row("0", unit_cost.to_string()),
            "Ange hur många enheter färre per år",
        ),
    ] {
        let response = evaluator.submit(&page, &bad).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{message}");
        assert!(
            response.text().await.unwrap().contains(message),
            "{message}"
        );
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM economic_effect_row").await,
        rows
    );

    // A unit cost in use cannot be deleted.
    let refused = evaluator
        .submit("/enhetskostnader", &DeleteUnitCost { cost_id: unit_cost })
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("används i 1 effektrad")
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM unit_cost").await, 1);

    // The satsning page links to its calculation.
    let satsning = reader
        .get(&format!("/satsningar/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(satsning.contains(&format!("href=\"{page}\"")));
}

#[tokio::test]
async fn repayments_are_planned_recorded_and_balanced_per_namnd() {
    repayments_are_planned_recorded_and_balanced_per_namnd_on(spawn_app().await).await;
}

#[tokio::test]
async fn repayments_are_planned_recorded_and_balanced_per_namnd_on_postgres() {
    let Some(url) = postgres_database().await else {
        return;
    };
    repayments_are_planned_recorded_and_balanced_per_namnd_on(
        spawn_app_with(Backend::Postgres(url), |_| {}).await,
    )
    .await;
}

async fn repayments_are_planned_recorded_and_balanced_per_namnd_on(app: TestApp) {
    // Arrange: one satsning under the återföringsmodell, one outside it.
    let (_, evaluator) = UserBuilder::with_role(Role::Evaluator).login(&app).await;
    let (_, reader) = UserBuilder::with_role(Role::Reader).login(&app).await;
    let (_, lead) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let repaying = InitiativeBuilder::named("Med återföring")
        .with_repayment()
        .status(app::initiative::Status::Decided)
        .create(&app)
        .await;
    let without = InitiativeBuilder::named("Utan återföring")
        .create(&app)
        .await;
    let page = format!("/satsningar/{}/ekonomi", repaying.id);
    let form = |party: i64, year: &str, amount: &str| RepaymentForm {
        party_id: party.to_string(),
        year: year.into(),
        amount_sek: amount.into(),
        note: "Delår 2".into(),
    };
    let board = repaying.parties[0];

    // Act: a plan of 300 000 kr for 2030 and a payment of 100 000 kr.
    let planned = evaluator
        .submit(
            &page,
            &PlanRepayment {
                initiative_id: repaying.id,
                repayment: form(board, "2030", "300 000"),
            },
        )
        .await;
    assert_eq!(planned.status(), StatusCode::SEE_OTHER);
    let paid = evaluator
        .submit(
            &page,
            &RecordRepayment {
                initiative_id: repaying.id,
                repayment: form(board, "2030", "100 000"),
            },
        )
        .await;
    assert_eq!(paid.status(), StatusCode::SEE_OTHER);

    // Assert: the balance per nämnd, on the page and in the fund overview.
    let shown = reader.get(&page).await.text().await.unwrap();
    assert!(shown.contains("Saldo per nämnd"));
    assert!(
        shown.contains("300\u{a0}000\u{a0}kr") && shown.contains("200\u{a0}000\u{a0}kr"),
        "planned and left"
    );
    assert!(
        !shown.contains("Registrera återbetalning"),
        "a läsare only reads"
    );
    let fund = reader.get("/fonden").await;
    assert_eq!(fund.status(), StatusCode::OK);
    let fund = fund.text().await.unwrap();
    assert!(
        fund.contains("Skolnämnd") && fund.contains("1\u{a0}000\u{a0}000\u{a0}kr"),
        "the decided budget"
    );
    assert!(fund.contains("100\u{a0}000\u{a0}kr"));
    assert_eq!(lead.get("/fonden").await.status(), StatusCode::FORBIDDEN);

    // Refused: a läsare, a nämnd of another satsning, nothing to pay, and no återföring at all.
    let before = count(&app, "SELECT COUNT(*) FROM repayment").await;
    let denied = reader
        .submit(
            &page,
            &RecordRepayment {
                initiative_id: repaying.id,
                repayment: form(board, "2030", "5"),
            },
        )
        .await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    let foreign = evaluator
        .submit(
            &page,
            &RecordRepayment {
                initiative_id: repaying.id,
                repayment: form(without.parties[0], "2030", "5"),
            },
        )
        .await;
    assert_eq!(foreign.status(), StatusCode::BAD_REQUEST);
    assert!(
        foreign
            .text()
            .await
            .unwrap()
            .contains("Välj en av satsningens nämnder.")
    );
    let nothing = evaluator
        .submit(
            &page,
            &RecordRepayment {
                initiative_id: repaying.id,
                repayment: form(board, "2030", "0"),
            },
        )
        .await;
    assert_eq!(nothing.status(), StatusCode::BAD_REQUEST);
    let other = format!("/satsningar/{}/ekonomi", without.id);
    assert!(
        evaluator
            .get(&other)
            .await
            .text()
            .await
            .unwrap()
            .contains("Ingen återföring")
    );
    let refused = evaluator
        .submit(
            &other,
            &RecordRepayment {
                initiative_id: without.id,
                repayment: form(without.parties[0], "2030", "5"),
            },
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM repayment").await, before);
}

#[tokio::test]
async fn the_demo_has_example_unit_costs_and_a_complete_calculation() {
    let app = crate::helpers::spawn_demo_app().await;
    let reader = app.as_user("lasare@exempel.se").await;
    assert!(count(&app, "SELECT COUNT(DISTINCT post) FROM unit_cost").await >= 20);
    assert_eq!(
        count(&app, "SELECT COUNT(DISTINCT area) FROM unit_cost").await,
        6
    );
    assert!(count(&app, "SELECT COUNT(DISTINCT price_year) FROM unit_cost").await >= 3);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM unit_cost WHERE is_example = FALSE"
        )
        .await,
        0,
        "every demo cost is example data"
    );
    let register = reader.get("/enhetskostnader").await.text().await.unwrap();
    assert!(register.contains("Exempeldata"));
    let skolfam = app.initiative_id("Skolfam").await;
    let page = reader
        .get(&format!("/satsningar/{skolfam}/ekonomi"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Exempeldata"));
    assert_eq!(
        text_of(&page, "#bedomning").trim(),
        "Uppfyller kravet: besparingar ≥ kostnad: Ja"
    );
    assert!(page.contains("Färre sammanbrott och omplaceringar i familjehem"));
    assert!(
        page.contains("Saldo per nämnd"),
        "Skolfam has an återföring plan"
    );
}

async fn upload(user: &TestApp, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    use reqwest::multipart::{Form, Part};
    let form = Form::new().part("fil", Part::bytes(bytes).file_name(name.to_string()));
    user.client
        .post(format!("{}/enhetskostnader/import/fil", user.address))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_import_previews_every_line_and_saves_all_or_nothing() {
    let app = spawn_app().await;
    let (_, evaluator) = UserBuilder::with_role(Role::Evaluator).login(&app).await;
    let (_, reader) = UserBuilder::with_role(Role::Reader).login(&app).await;
    let good = "\u{feff}\"Post\";\"Verksamhetsområde\";\"Enhet\";\"Kostnad (kr)\";\"Prisår\";\"Källa\";\"OH-påslag % (internt)\"\r\n\
                \"Hemtjänst\";\"Vård och omsorg\";\"per timme\";560;2024;\"KPB\";7,5\r\n\
                \"Klotter, sanering\";\"Skadegörelse\";\"per kvadratmeter\";450;2024;\"\";\r\n";

    // A läsare may not import at all.
    let denied = upload(&reader, "kostnader.csv", good.as_bytes().to_vec()).await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);

    // Act: upload, preview, save.
    let staged = upload(&evaluator, "kostnader.csv", good.as_bytes().to_vec()).await;
    assert_eq!(staged.status(), StatusCode::SEE_OTHER);
    let preview = staged.headers()["location"].to_str().unwrap().to_string();
    let page = evaluator.get(&preview).await.text().await.unwrap();
    assert_eq!(
        text_of(&page, "#import-sammanfattning"),
        "Alla 2 rader kan sparas."
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM unit_cost").await,
        0,
        "a preview saves nothing"
    );
    let import_id: i64 = preview.rsplit('/').next().unwrap().parse().unwrap();
    let saved = evaluator
        .submit(&preview, &CommitUnitCostImport { import_id })
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM unit_cost").await, 2);
    let overhead: Option<f64> = app::db_read!(&app.db, |pool| {
        sqlx::query_scalar("SELECT overhead_percent FROM unit_cost WHERE post = 'Hemtjänst'")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    assert_eq!(overhead, Some(7.5), "decimal comma read");

    // A file with one bad line and one already in the register saves nothing.
    let bad = "Post;Verksamhetsområde;Enhet;Kostnad (kr);Prisår\r\n\
               Korttidsplats;Vård och omsorg;per dygn;3 300;2024\r\n\
               Hemtjänst;Vård och omsorg;per timme;560;2024\r\n\
               Familjehem;Individ- och familjeomsorg;per år;mycket;2024\r\n";
    let staged = upload(&evaluator, "fel.csv", bad.as_bytes().to_vec()).await;
    let preview = staged.headers()["location"].to_str().unwrap().to_string();
    let page = evaluator.get(&preview).await.text().await.unwrap();
    assert!(text_of(&page, "#import-sammanfattning").starts_with("2 av 3 rader har fel."));
    assert!(page.contains("redan en kostnad för 2024") && page.contains("hela kronor"));
    assert!(!page.contains("Spara 3 enhetskostnader"), "no save button");
    let import_id: i64 = preview.rsplit('/').next().unwrap().parse().unwrap();
    let refused = evaluator
        .submit(&preview, &CommitUnitCostImport { import_id })
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM unit_cost").await, 2);

    // The register's own .xlsx reads back: every line is there already.
    let xlsx = evaluator
        .get("/enhetskostnader.xlsx")
        .await
        .bytes()
        .await
        .unwrap();
    let staged = upload(&evaluator, "enhetskostnader.xlsx", xlsx.to_vec()).await;
    assert_eq!(staged.status(), StatusCode::SEE_OTHER);
    let preview = staged.headers()["location"].to_str().unwrap().to_string();
    let page = evaluator.get(&preview).await.text().await.unwrap();
    assert!(
        text_of(&page, "#import-sammanfattning").starts_with("2 av 2 rader har fel."),
        "{page}"
    );

    // A file without the columns is refused at once, in Swedish.
    let wrong = upload(&evaluator, "x.csv", b"Namn;Belopp\r\nA;1\r\n".to_vec()).await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Filen saknar kolumnerna Post, Verksamhetsområde")
    );
}

#[tokio::test]
async fn the_measured_effect_stands_beside_the_forecast_and_updates_it() {
    // Arrange: a satsning 2025–2027 (1 000 000 kr, all in 2025) whose effektmått E1 counts
    // placed children, lower is better, baseline 12; its ekonomisk effekt is priced by an
    // effect row forecasting half a placement fewer a year from 2026 at 100 000 kr (0 %).
    let app = spawn_app().await;
    let (_, evaluator) = UserBuilder::with_role(Role::Evaluator).login(&app).await;
    let lead = UserBuilder::with_role(Role::ProjectLead).create(&app).await;
    let initiative = InitiativeBuilder::named("Färre placeringar")
        .period("2025-01-01", "2027-12-31")
        .led_by(&lead)
        .create(&app)
        .await;
    let id = initiative.id;
    let schema = SchemaBuilder::new(&app, &initiative, &lead);
    let goal = schema.goal("Barn bor kvar hemma").await;
    let activity = schema.activity(goal, "Familjestöd").await;
    let mut form = measure_form("E1");
    form.name = "Placerade barn".into();
    form.direction = "lagre".into();
    form.baseline = "12".into();
    form.baseline_date = "2025-01-01".into();
    let e1 = schema
        .measure(MeasureKind::Effect, Parent::Activity(activity), &form)
        .await;
    let effect = schema.effect("Färre placeringar", Some(e1), 0).await;
    evaluator
        .submit(
            "/enhetskostnader",
            &add(cost("Placering HVB, barn", "2027")),
        )
        .await;
    let unit_cost = cost_id(&app, "Placering HVB, barn").await;
    let page = format!("/satsningar/{id}/ekonomi");
    evaluator
        .submit(
            &page,
            &SaveEconomicsSettings {
                initiative_id: id,
                settings: SettingsForm {
                    price_year: "2027".into(),
                    discount_rate_percent: "0".into(),
                },
            },
        )
        .await;
    let added = evaluator
        .submit(
            &page,
            &AddEffectRow {
                initiative_id: id,
                effect: EffectRowForm {
                    name: "Färre placeringar".into(),
                    economic_effect_id: effect.to_string(),
                    unit_cost_id: unit_cost.to_string(),
                    reduction_per_year: "0,5".into(),
                    start_year: "2026".into(),
                    ..EffectRowForm::default()
                },
            },
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);

    // Before any value: the forecast alone (12 × 50 000 kr < 1 000 000 kr), nothing followed up.
    let before = evaluator.get(&page).await.text().await.unwrap();
    assert_eq!(
        text_of(&before, "#bedomning").trim(),
        "Uppfyller kravet: besparingar ≥ kostnad: Nej"
    );
    assert!(before.contains("Ingen effektrad följs upp ännu"));
    assert!(!before.contains("uppdaterad-bedomning"));

    // Act: the projektledare reports 9 placed children (three fewer than the baseline).
    let entries = [app::report::repo::Entry {
        measure_id: e1,
        value: Some(9.0),
        comment: String::new(),
    }];
    let month = app::report::repo::MonthSave {
        period: app::report::Period::new(2026, 6).unwrap(),
        entries: &entries,
        reason: None,
        submit: false,
    };
    let after = app::report::AfterValues::none();
    app::report::repo::save(&app.db, lead.actor, id, month, chrono::Utc::now(), &after)
        .await
        .unwrap();

    // Assert: the measured three a year stand beside the forecast half, and the calculation
    // redone with them (12 × 300 000 kr) meets the requirement; the forecast's verdict stays.
    let after = evaluator.get(&page).await.text().await.unwrap();
    let row = text_of(&after, "#utfall tbody tr");
    assert!(row.contains("Färre placeringar"), "{row}");
    assert!(row.contains("E1 Placerade barn"), "{row}");
    for figure in ["0,5", "12 st", "9 st", "3"] {
        assert!(row.contains(figure), "{figure} in {row}");
    }
    assert_eq!(
        text_of(&after, "#bedomning").trim(),
        "Uppfyller kravet: besparingar ≥ kostnad: Nej"
    );
    assert_eq!(
        text_of(&after, "#uppdaterad-bedomning").trim(),
        "Uppdaterad prognos – uppfyller kravet: Ja"
    );
    assert!(
        after.contains(
            "nuvärde besparingar 3\u{a0}600\u{a0}000\u{a0}kr, netto 2\u{a0}600\u{a0}000\u{a0}kr"
        ),
        "{after}"
    );
}
