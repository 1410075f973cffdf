//! Utvärderingsschema: building it through the forms, the completeness rule, the decision
//! gate, validation, retiring, and the six-column view. (Editing, reordering and deleting are
//! in `schema_edits.rs`.)

use app::pages::initiative::ChangeStatus;
use app::schema::EffectForm;
use app::schema::MeasureForm;
use app::schema::api::{AddActivity, AddEffect, AddGoal, AddMeasure, RetireMeasure};
use app::schema::repo::Parent;
use reqwest::StatusCode;

use crate::builders::{InitiativeBuilder, SchemaBuilder, UserBuilder, measure_form};
use crate::helpers::{TestApp, spawn_app, spawn_demo_app};

pub async fn scalar(app: &TestApp, sql: &'static str, id: i64) -> i64 {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(sql)
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

/// A new mål (without målgrupp) for satsning `id`.
pub fn new_goal(id: i64, text: &str) -> AddGoal {
    AddGoal {
        id,
        mal: text.into(),
        malgrupp: String::new(),
    }
}

/// The measure form the tests post: "Mått" counted in st, with a target of 40 by 2029-06-30
/// when `with_target`.
pub fn measure_fields(code: &str, with_target: bool) -> MeasureForm {
    let form = MeasureForm {
        name: "Mått".into(),
        ..measure_form(code)
    };
    if with_target {
        MeasureForm {
            target: "40".into(),
            target_date: "2029-06-30".into(),
            ..form
        }
    } else {
        form
    }
}

/// A new measure of `kind` (aktivitet, effekt, indikator) under `parent` in satsning `id`.
pub fn new_measure(id: i64, kind: &str, parent: Parent, measure: MeasureForm) -> AddMeasure {
    let (aktivitet_id, mal_id) = match parent {
        Parent::Activity(activity) => (Some(activity), None),
        Parent::Goal(goal) => (None, Some(goal)),
    };
    AddMeasure {
        id,
        typ: kind.into(),
        aktivitet_id,
        mal_id,
        measure,
    }
}

/// Moves satsning `id` to status `to`.
pub fn status(id: i64, to: &str) -> ChangeStatus {
    ChangeStatus {
        id,
        till: to.into(),
    }
}

#[tokio::test]
async fn projektledare_builds_a_complete_schema_and_admin_can_then_decide() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let id = app
        .initiative_id("Familjecentral Brickebacken (fiktiv idé)")
        .await;
    let schema = format!("/satsningar/{id}/schema");

    // Empty schema: the checklist says what is missing.
    let page = lead.get(&schema).await.text().await.unwrap();
    assert!(page.contains("Schemat är inte komplett."));
    assert!(page.contains("minst ett mål"));

    // Mål, aktivitet, mått, indikator, ekonomisk effekt — all through plain forms.
    let first_goal = AddGoal {
        malgrupp: "Familjer med barn 0–6 år".into(),
        ..new_goal(id, "Fler familjer får tidigt stöd")
    };
    let r = lead.submit(&schema, &first_goal).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let goal = scalar(&app, "SELECT id FROM goal WHERE initiative_id = $1", id).await;
    let new_activity = AddActivity {
        id,
        mal_id: goal,
        aktivitet: "Öppen förskola med familjestöd".into(),
    };
    let r = lead.submit(&schema, &new_activity).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let activity = scalar(
        &app,
        "SELECT a.id FROM activity a JOIN goal g ON g.id = a.goal_id WHERE g.initiative_id = $1",
        id,
    )
    .await;
    let new = format!("/satsningar/{id}/schema/nytt-matt?typ=aktivitet&aktivitet={activity}");
    assert_eq!(lead.get(&new).await.status(), 200);
    for (kind, code, target) in [("aktivitet", "A1", false), ("effekt", "E1", true)] {
        let fields = measure_fields(code, target);
        let form = new_measure(id, kind, Parent::Activity(activity), fields);
        let r = lead.submit(&new, &form).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{code}");
    }
    let indicator = new_measure(
        id,
        "indikator",
        Parent::Goal(goal),
        measure_fields("I1", false),
    );
    let r = lead.submit(&new, &indicator).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = lead.get(&schema).await.text().await.unwrap();
    assert!(page.contains("minst en ekonomisk effekt"));
    assert!(!page.contains("minst ett mål"));
    let effect_measure = scalar(
        &app,
        "SELECT id FROM measure WHERE initiative_id = $1 AND code = 'E1'",
        id,
    )
    .await;
    let effect = AddEffect {
        id,
        effect: EffectForm {
            text: "Färre placeringar".into(),
            horizon: "lang".into(),
            party: String::new(),
            effect_measure: effect_measure.to_string(),
            yearly_sek: "350 000".into(),
        },
    };
    let r = lead.submit(&schema, &effect).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = lead.get(&schema).await.text().await.unwrap();
    assert!(page.contains("Schemat är komplett."), "still incomplete");

    // The lead takes it to beredning; only the evaluation team decides.
    let detail = format!("/satsningar/{id}");
    for to in ["ansokan", "beredning"] {
        assert_eq!(
            lead.submit(&detail, &status(id, to)).await.status(),
            303,
            "{to}"
        );
    }
    assert_eq!(
        lead.submit(&detail, &status(id, "beslutad")).await.status(),
        400
    );
    let admin = app.as_user("admin@exempel.se").await;
    assert_eq!(
        admin
            .submit(&detail, &status(id, "beslutad"))
            .await
            .status(),
        303
    );

    // After the decision the lead can no longer change the schema; the team can.
    let r = lead.submit(&schema, &new_goal(id, "Ett mål till")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let r = evaluator
        .submit(&schema, &new_goal(id, "Ett mål till"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Every change is in the audit trail.
    assert!(scalar(&app, "SELECT COUNT(*) FROM audit_event WHERE object_type IN ('goal','activity','measure','economic_effect') AND actor_user_id IS NOT NULL AND $1 > 0", 1).await >= 6);
}

#[tokio::test]
async fn bad_schema_input_gets_field_errors_and_saves_nothing() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let id = app.initiative_id("Läxhjälp i Vivalla (fiktiv)").await;
    let activity = scalar(
        &app,
        "SELECT a.id FROM activity a JOIN goal g ON g.id = a.goal_id WHERE g.initiative_id = $1",
        id,
    )
    .await;
    let new = format!("/satsningar/{id}/schema/nytt-matt?typ=effekt&aktivitet={activity}");
    let effect =
        |measure: MeasureForm| new_measure(id, "effekt", Parent::Activity(activity), measure);
    let before = scalar(
        &app,
        "SELECT COUNT(*) FROM measure WHERE initiative_id = $1",
        id,
    )
    .await;
    // The satsning is pågående: only the evaluation team may change it.
    assert_eq!(
        lead.submit(&new, &effect(measure_fields("E9", true)))
            .await
            .status(),
        403
    );
    let evaluator = app.as_user("utvarderare@exempel.se").await;

    let duplicate = evaluator
        .submit(&new, &effect(measure_fields("e1", true)))
        .await;
    assert_eq!(duplicate.status(), StatusCode::BAD_REQUEST);
    let html = duplicate.text().await.unwrap();
    assert!(html.contains("Koden E1 används redan"));
    assert!(
        html.contains("Nästa lediga kod är E2."),
        "the clash names the free code"
    );
    assert!(html.contains(r#"value="e1""#), "typed code kept");

    // A share is measured in %: a unit of its own is refused, not asked twice.
    let share_in_pupils = MeasureForm {
        value_type: "andel".into(),
        unit: "elever".into(),
        name: "<script>alert(1)</script>".into(),
        ..measure_fields("E9", true)
    };
    let response = evaluator.submit(&new, &effect(share_in_pupils)).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = response.text().await.unwrap();
    assert!(html.contains("Andel (%) mäts i %: lämna enheten tom."));
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script>alert(1)"));

    let bad_numbers = MeasureForm {
        value_type: "andel".into(),
        target: "120".into(),
        baseline: "tolv".into(),
        name: String::new(),
        ..measure_fields("E9", true)
    };
    let html = evaluator
        .submit(&new, &effect(bad_numbers))
        .await
        .text()
        .await
        .unwrap();
    for message in ["mellan 0 och 100", "Skriv ett tal", "Ange måttets namn."] {
        assert!(html.contains(message), "{message}");
    }
    let empty_goal = evaluator
        .submit(&format!("/satsningar/{id}/schema"), &new_goal(id, " "))
        .await;
    assert_eq!(empty_goal.status(), StatusCode::BAD_REQUEST);
    assert!(empty_goal.text().await.unwrap().contains("Skriv målet."));

    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM measure WHERE initiative_id = $1",
            id
        )
        .await,
        before
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM goal WHERE initiative_id = $1",
            id
        )
        .await,
        1
    );
}

#[tokio::test]
async fn retiring_keeps_the_measure_but_counts_it_missing() {
    let app = spawn_demo_app().await;
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let id = app
        .initiative_id("Tidigt stöd för unga vuxna (fiktiv)")
        .await;
    let measure = scalar(
        &app,
        "SELECT id FROM measure WHERE initiative_id = $1 AND code = 'E1'",
        id,
    )
    .await;
    let schema = format!("/satsningar/{id}/schema");
    assert!(
        evaluator
            .get(&schema)
            .await
            .text()
            .await
            .unwrap()
            .contains("Schemat är komplett.")
    );
    let retire = RetireMeasure {
        id,
        matt_id: measure,
    };
    let r = evaluator.submit(&schema, &retire).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = evaluator.get(&schema).await.text().await.unwrap();
    assert!(page.contains("Ur bruk"));
    assert!(page.contains("effektmått för aktivitet 1.1"));
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM measure WHERE id = $1", measure).await,
        1,
        "kept"
    );
}

#[tokio::test]
async fn readers_see_the_six_column_view_with_row_spans() {
    let app = spawn_demo_app().await;
    let reader = app.as_user("lasare@exempel.se").await;
    let id = app.initiative_id("Skolfam").await;
    let before = chrono::Utc::now();
    let response = reader.get(&format!("/satsningar/{id}/schema/tabell")).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    for header in [
        "Mål",
        "Aktivitet",
        "Aktivitetsmått",
        "Effektmått",
        "Indikatorer",
        "Ekonomiska effekter",
    ] {
        assert!(
            html.contains(&format!(r#"<th scope="col">{header}</th>"#)),
            "{header}"
        );
    }
    // Skolfam's one goal spans its two activities, and so do its indicators.
    assert!(html.contains(r#"<th scope="rowgroup" rowspan="2">Familjehemsplacerade barn når kunskapsmålen i skolan"#), "{html}");
    assert!(
        html.contains(r#"<td rowspan="2"><ul class="cell-list"><li><span class="measure-name">I1 Behörighet till gymnasiet</span>"#)
    );
    assert!(html.contains("Minskade kostnader för särskilt stöd och omplaceringar"));
    // Each measure's facts, and the printout's header: organisation, satsning, status, date.
    assert!(html.contains("<dt>Utgångsvärde</dt><dd>45 % (2016-06-30)</dd>"));
    assert!(html.contains("<dt>Målvärde</dt><dd>70 % (2019-06-30)</dd>"));
    assert!(html.contains("<dt>Tolerans</dt><dd>gul 5, röd 10</dd>"));
    assert!(html.contains("<dt>Frekvens</dt><dd>Halvår</dd>"));
    assert!(html.contains("<dt>Källa</dt><dd>Enkät</dd>"));
    let header = html
        .split(r#"<dl class="print-header">"#)
        .nth(1)
        .and_then(|rest| rest.split("</dl>").next())
        .expect("the print header");
    assert!(
        header.contains("<dt>Organisation</dt><dd>Örebro kommun</dd>"),
        "{header}"
    );
    assert!(header.contains("<dt>Satsning</dt><dd>Skolfam</dd>"));
    assert!(
        // Its follow-up is approved in the demo: uppföljd.
        header.contains("<dt>Status</dt><dd>Uppföljd</dd>"),
        "{header}"
    );
    // Today in Sweden, as read just before and just after the page (in case midnight passed).
    let day = |at| app::sv::date::long_date(app::sv::time::local_date(at));
    assert!(
        [day(before), day(chrono::Utc::now())]
            .iter()
            .any(|d| header.contains(&format!("<dt>Datum</dt><dd>{d}</dd>"))),
        "{header}"
    );
    // Readers cannot change it.
    let editor = reader
        .get(&format!("/satsningar/{id}/schema"))
        .await
        .text()
        .await
        .unwrap();
    assert!(editor.contains("Du kan läsa schemat men inte ändra det."));
    let r = reader
        .submit(&format!("/satsningar/{id}/schema"), &new_goal(id, "x"))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn schema_downloads_as_csv_and_xlsx_that_read_back() {
    let app = spawn_demo_app().await;
    let reader = app.as_user("lasare@exempel.se").await;
    let id = app.initiative_id("Skolfam").await;

    // CSV for Swedish Excel: BOM, semicolons, the six columns, one row per activity.
    let response = reader.get(&format!("/satsningar/{id}/schema.csv")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("utvarderingsschema-Skolfam.csv")
    );
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    // Cells with a semicolon or a line break in them are quoted: read it as Excel does.
    let rows: Vec<Vec<String>> = app::sv::csv::parse_csv(&text);
    assert_eq!(
        rows[0],
        [
            "Mål",
            "Aktivitet",
            "Aktivitetsmått",
            "Effektmått",
            "Indikatorer",
            "Ekonomiska effekter"
        ]
    );
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[1][1],
        "Kartläggning av varje barns skolsituation och en individuell plan"
    );
    // Each measure carries its unit, utgångsvärde, målvärde, tolerances, frequency and source.
    assert_eq!(
        rows[1][3],
        "E1 Andel barn med godkända betyg i alla ämnen (enhet %; utgångsvärde 45 % (2016-06-30); \
         målvärde 70 % (2019-06-30); tolerans gul 5, röd 10; halvår; manuell rapportering)"
    );
    assert_eq!(
        rows[2][2],
        "A2 Stödtimmar med specialpedagog (enhet timmar; utgångsvärde –; målvärde –; \
         tolerans –; månad; manuell rapportering)"
    );

    // Excel: the same content.
    let response = reader.get(&format!("/satsningar/{id}/schema.xlsx")).await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap().to_vec();
    use calamine::Reader;
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = workbook.worksheet_range("Utvärderingsschema").unwrap();
    assert_eq!(range.get_value((0, 0)).unwrap().to_string(), "Skolfam");
    assert_eq!(range.get_value((2, 4)).unwrap().to_string(), "Indikatorer");
    assert!(
        range
            .get_value((3, 4))
            .unwrap()
            .to_string()
            .starts_with("I1 Behörighet till gymnasiet (enhet %; utgångsvärde 50 % (2016-12-31);"),
        "{:?}",
        range.get_value((3, 4))
    );
    // The sheet "Mått": every fact in its own column, numbers as numbers.
    let measures = workbook.worksheet_range("Mått").unwrap();
    let header: Vec<String> = (0..17)
        .map(|c| measures.get_value((0, c)).unwrap().to_string())
        .collect();
    assert_eq!(header, app::schema::facts::MEASURE_COLUMNS);
    let row_of = |code: &str| {
        (1..measures.height() as u32)
            .find(|r| measures.get_value((*r, 0)).map(|v| v.to_string()) == Some(code.into()))
            .unwrap_or_else(|| panic!("{code} in Mått"))
    };
    let e1 = row_of("E1");
    let cell = |r: u32, c: u32| measures.get_value((r, c)).cloned().unwrap_or_default();
    use calamine::Data;
    assert_eq!(cell(e1, 2), Data::String("Effektmått".into()));
    assert_eq!(cell(e1, 4), Data::String("%".into()));
    assert_eq!(cell(e1, 7), Data::Float(45.0), "utgångsvärde");
    assert_eq!(cell(e1, 8), Data::String("2016-06-30".into()));
    assert_eq!(cell(e1, 9), Data::Float(70.0), "målvärde");
    assert_eq!(cell(e1, 10), Data::String("2019-06-30".into()));
    assert_eq!(cell(e1, 13), Data::Float(5.0), "tolerans gul");
    assert_eq!(cell(e1, 14), Data::Float(10.0), "tolerans röd");
    assert_eq!(cell(e1, 15), Data::String("Halvår".into()));
    assert_eq!(cell(e1, 16), Data::String("Manuell rapportering".into()));
    let e2 = row_of("E2");
    assert_eq!(cell(e2, 16), Data::String("Enkät".into()));
    assert_eq!(cell(row_of("A2"), 4), Data::String("timmar".into()));
    assert_eq!(cell(row_of("A2"), 9), Data::Empty, "no målvärde");

    // Access follows the satsning.
    let lead = app.as_user("projektledare@exempel.se").await;
    assert_eq!(
        lead.get(&format!("/satsningar/{id}/schema.csv"))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.with_new_client()
            .get(&format!("/satsningar/{id}/schema.xlsx"))
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn only_the_evaluation_team_decides_a_satsning_with_a_complete_schema() {
    use app::auth::Role;
    use app::schema::MeasureKind;
    // Arrange: a satsning in beredning whose projektledare has built a complete schema.
    let app = spawn_app().await;
    let (lead, lead_browser) = UserBuilder::with_role(Role::ProjectLead).login(&app).await;
    let (_, evaluator) = UserBuilder::with_role(Role::Evaluator).login(&app).await;
    let initiative = InitiativeBuilder::named("Unga vuxna i arbete")
        .status(app::initiative::Status::Review)
        .led_by(&lead)
        .create(&app)
        .await;
    let schema = SchemaBuilder::new(&app, &initiative, &lead);
    let goal = schema.goal("Fler unga vuxna i arbete").await;
    let activity = schema.activity(goal, "Coachning").await;
    let at_activity = Parent::Activity(activity);
    schema
        .measure(MeasureKind::Activity, at_activity, &measure_form("A1"))
        .await;
    let effect = schema
        .measure(
            MeasureKind::Effect,
            at_activity,
            &measure_fields("E1", true),
        )
        .await;
    schema
        .measure(
            MeasureKind::Indicator,
            Parent::Goal(goal),
            &measure_form("I1"),
        )
        .await;
    schema
        .effect("Minskat försörjningsstöd", Some(effect), 350_000)
        .await;
    let page = format!("/satsningar/{}", initiative.id);
    let schema_page = lead_browser.get(&format!("{page}/schema")).await;
    assert!(
        schema_page
            .text()
            .await
            .unwrap()
            .contains("Schemat är komplett.")
    );

    // Act
    let by_lead = lead_browser
        .submit(&page, &status(initiative.id, "beslutad"))
        .await;
    let by_team = evaluator
        .submit(&page, &status(initiative.id, "beslutad"))
        .await;

    // Assert
    assert_eq!(by_lead.status(), StatusCode::BAD_REQUEST);
    assert_eq!(by_team.status(), StatusCode::SEE_OTHER);
    let html = evaluator.get(&page).await.text().await.unwrap();
    assert!(html.contains("Beredning → Beslutad"), "{html}");
}
