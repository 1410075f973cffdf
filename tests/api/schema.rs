//! Utvärderingsschema: building it through the forms, the completeness rule, the decision
//! gate, validation, retiring, and the six-column view.

use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_demo_app};

async fn scalar(app: &TestApp, sql: &'static str, id: i64) -> i64 {
    app::db_read!(&app.db, |pool| {
        sqlx::query_scalar(sql)
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

async fn post(user: &TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    user.post_form(path, fields).await
}

fn measure<'a>(
    id: &'a str,
    kind: &'a str,
    parent: (&'a str, &'a str),
    code: &'a str,
    with_target: bool,
) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("_atgard", "/api/schema/matt"),
        ("id", id),
        ("typ", kind),
        parent,
        ("kod", code),
        ("namn", "Mått"),
        ("definition", ""),
        ("enhet", "st"),
        ("vardetyp", "antal"),
        ("frekvens", "manad"),
        ("riktning", "hogre"),
        ("baslinje", ""),
        ("baslinjedatum", ""),
        ("malvarde", ""),
        ("maldatum", ""),
        ("tolerans_gul", ""),
        ("tolerans_rod", ""),
        ("kalla", "manuell"),
    ];
    if with_target {
        for (k, v) in f.iter_mut() {
            match *k {
                "malvarde" => *v = "40",
                "maldatum" => *v = "2029-06-30",
                _ => {}
            }
        }
    }
    f
}

#[tokio::test]
async fn projektledare_builds_a_complete_schema_and_admin_can_then_decide() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let id = app
        .initiative_id("Familjecentral Brickebacken (fiktiv idé)")
        .await;
    let id_text = id.to_string();
    let schema = format!("/satsningar/{id}/schema");

    // Empty schema: the checklist says what is missing.
    let page = lead.get(&schema).await.text().await.unwrap();
    assert!(page.contains("Schemat är inte komplett."));
    assert!(page.contains("minst ett mål"));

    // Mål, aktivitet, mått, indikator, ekonomisk effekt — all through plain forms.
    let r = post(
        &lead,
        &schema,
        &[
            ("_atgard", "/api/schema/mal"),
            ("id", &id_text),
            ("mal", "Fler familjer får tidigt stöd"),
            ("malgrupp", "Familjer med barn 0–6 år"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let goal = scalar(&app, "SELECT id FROM goal WHERE initiative_id = $1", id)
        .await
        .to_string();
    let r = post(
        &lead,
        &schema,
        &[
            ("_atgard", "/api/schema/aktivitet"),
            ("id", &id_text),
            ("mal_id", &goal),
            ("aktivitet", "Öppen förskola med familjestöd"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let activity = scalar(
        &app,
        "SELECT a.id FROM activity a JOIN goal g ON g.id = a.goal_id WHERE g.initiative_id = $1",
        id,
    )
    .await
    .to_string();
    let new = format!("/satsningar/{id}/schema/nytt-matt?typ=aktivitet&aktivitet={activity}");
    assert_eq!(lead.get(&new).await.status(), 200);
    for (kind, code, target) in [("aktivitet", "A1", false), ("effekt", "E1", true)] {
        let r = post(
            &lead,
            &new,
            &measure(&id_text, kind, ("aktivitet_id", &activity), code, target),
        )
        .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{code}");
    }
    let r = post(
        &lead,
        &new,
        &measure(&id_text, "indikator", ("mal_id", &goal), "I1", false),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = lead.get(&schema).await.text().await.unwrap();
    assert!(page.contains("minst en ekonomisk effekt"));
    assert!(!page.contains("minst ett mål"));
    let effect_measure = scalar(
        &app,
        "SELECT id FROM measure WHERE initiative_id = $1 AND code = 'E1'",
        id,
    )
    .await
    .to_string();
    let r = post(
        &lead,
        &schema,
        &[
            ("_atgard", "/api/schema/ekonomisk-effekt"),
            ("id", &id_text),
            ("effekt", "Färre placeringar"),
            ("horisont", "lang"),
            ("part", ""),
            ("effektmatt", &effect_measure),
            ("belopp", "350 000"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = lead.get(&schema).await.text().await.unwrap();
    assert!(page.contains("Schemat är komplett."), "still incomplete");

    // The lead takes it to beredning; only the evaluation team decides.
    let status = |to: &'static str| {
        vec![
            ("_atgard", "/api/satsningar/status"),
            ("id", id_text.as_str()),
            ("till", to),
        ]
    };
    let detail = format!("/satsningar/{id}");
    for to in ["ansokan", "beredning"] {
        assert_eq!(
            post(&lead, &detail, &status(to)).await.status(),
            303,
            "{to}"
        );
    }
    assert_eq!(
        post(&lead, &detail, &status("beslutad")).await.status(),
        400
    );
    let admin = app.as_user("admin@exempel.se").await;
    assert_eq!(
        post(&admin, &detail, &status("beslutad")).await.status(),
        303
    );

    // After the decision the lead can no longer change the schema; the team can.
    let r = post(
        &lead,
        &schema,
        &[
            ("_atgard", "/api/schema/mal"),
            ("id", &id_text),
            ("mal", "Ett mål till"),
            ("malgrupp", ""),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let r = post(
        &evaluator,
        &schema,
        &[
            ("_atgard", "/api/schema/mal"),
            ("id", &id_text),
            ("mal", "Ett mål till"),
            ("malgrupp", ""),
        ],
    )
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
    let id_text = id.to_string();
    let activity = scalar(
        &app,
        "SELECT a.id FROM activity a JOIN goal g ON g.id = a.goal_id WHERE g.initiative_id = $1",
        id,
    )
    .await
    .to_string();
    let new = format!("/satsningar/{id}/schema/nytt-matt?typ=effekt&aktivitet={activity}");
    let before = scalar(
        &app,
        "SELECT COUNT(*) FROM measure WHERE initiative_id = $1",
        id,
    )
    .await;
    // The satsning is pågående: only the evaluation team may change it.
    assert_eq!(
        post(
            &lead,
            &new,
            &measure(&id_text, "effekt", ("aktivitet_id", &activity), "E9", true)
        )
        .await
        .status(),
        403
    );
    let evaluator = app.as_user("utvarderare@exempel.se").await;

    let duplicate = post(
        &evaluator,
        &new,
        &measure(&id_text, "effekt", ("aktivitet_id", &activity), "e1", true),
    )
    .await;
    assert_eq!(duplicate.status(), StatusCode::BAD_REQUEST);
    let html = duplicate.text().await.unwrap();
    assert!(html.contains("Koden E1 används redan"));
    assert!(html.contains(r#"value="e1""#), "typed code kept");

    let mut no_unit = measure(&id_text, "effekt", ("aktivitet_id", &activity), "E9", true);
    for (k, v) in no_unit.iter_mut() {
        if *k == "enhet" {
            *v = "";
        }
        if *k == "namn" {
            *v = "<script>alert(1)</script>";
        }
    }
    let response = post(&evaluator, &new, &no_unit).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = response.text().await.unwrap();
    assert!(html.contains("Ange enhet när måttet har ett målvärde"));
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script>alert(1)"));

    let mut bad_numbers = measure(&id_text, "effekt", ("aktivitet_id", &activity), "E9", true);
    for (k, v) in bad_numbers.iter_mut() {
        match *k {
            "vardetyp" => *v = "andel",
            "malvarde" => *v = "120",
            "baslinje" => *v = "tolv",
            "namn" => *v = "",
            _ => {}
        }
    }
    let html = post(&evaluator, &new, &bad_numbers)
        .await
        .text()
        .await
        .unwrap();
    for message in ["mellan 0 och 100", "Skriv ett tal", "Ange måttets namn."] {
        assert!(html.contains(message), "{message}");
    }
    let empty_goal = post(
        &evaluator,
        &format!("/satsningar/{id}/schema"),
        &[
            ("_atgard", "/api/schema/mal"),
            ("id", &id_text),
            ("mal", " "),
            ("malgrupp", ""),
        ],
    )
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
    let r = post(
        &evaluator,
        &schema,
        &[
            ("_atgard", "/api/schema/ta-ur-bruk"),
            ("id", &id.to_string()),
            ("matt_id", &measure.to_string()),
        ],
    )
    .await;
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
        html.contains(r#"<td rowspan="2"><ul class="cell-list"><li>I1 Behörighet till gymnasiet"#)
    );
    assert!(html.contains("Minskade kostnader för särskilt stöd och omplaceringar"));
    // Readers cannot change it.
    let editor = reader
        .get(&format!("/satsningar/{id}/schema"))
        .await
        .text()
        .await
        .unwrap();
    assert!(editor.contains("Du kan läsa schemat men inte ändra det."));
    let r = post(
        &reader,
        &format!("/satsningar/{id}/schema"),
        &[
            ("_atgard", "/api/schema/mal"),
            ("id", &id.to_string()),
            ("mal", "x"),
            ("malgrupp", ""),
        ],
    )
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
    let rows: Vec<Vec<String>> = text
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.split(';')
                .map(|c| c.trim_matches('"').to_string())
                .collect()
        })
        .collect();
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
    assert_eq!(rows[1][3], "E1 Andel barn med godkända betyg i alla ämnen");
    assert_eq!(rows[2][2], "A2 Stödtimmar med specialpedagog");

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
    assert_eq!(
        range.get_value((3, 4)).unwrap().to_string(),
        "I1 Behörighet till gymnasiet"
    );

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
async fn measures_are_edited_and_items_reordered_without_javascript() {
    let app = spawn_demo_app().await;
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let id = app.initiative_id("Skolfam").await;
    let id_text = id.to_string();
    let e1 = scalar(
        &app,
        "SELECT id FROM measure WHERE initiative_id = $1 AND code = 'E1'",
        id,
    )
    .await;
    let edit = format!("/satsningar/{id}/schema/matt/{e1}");

    // The edit form shows the stored values.
    let page = evaluator.get(&edit).await.text().await.unwrap();
    assert!(page.contains(r#"value="Andel barn med godkända betyg i alla ämnen""#));
    assert!(page.contains(r#"value="70""#));

    let e1_text = e1.to_string();
    let mut fields = measure(&id_text, "effekt", ("matt_id", &e1_text), "E1", true);
    fields[0].1 = "/api/schema/andra-matt";
    for (k, v) in fields.iter_mut() {
        match *k {
            "namn" => *v = "Andel barn med godkända betyg",
            "malvarde" => *v = "72,5",
            "vardetyp" => *v = "andel",
            "enhet" => *v = "%",
            _ => {}
        }
    }
    let saved = post(&evaluator, &edit, &fields).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let page = evaluator.get(&edit).await.text().await.unwrap();
    assert!(
        page.contains(r#"value="72,5""#),
        "decimal comma round-trips"
    );
    let history = evaluator
        .get(&format!("/satsningar/{id}/schema"))
        .await
        .text()
        .await
        .unwrap();
    assert!(history.contains("Andel barn med godkända betyg"));
    let audited = scalar(&app, "SELECT COUNT(*) FROM audit_event WHERE object_type = 'measure' AND action = 'update' AND object_id = $1", e1).await;
    assert_eq!(audited, 1);

    // Renaming the code to one in use is a field error.
    for (k, v) in fields.iter_mut() {
        if *k == "kod" {
            *v = "A1";
        }
    }
    let clash = post(&evaluator, &edit, &fields).await;
    assert_eq!(clash.status(), StatusCode::BAD_REQUEST);
    assert!(
        clash
            .text()
            .await
            .unwrap()
            .contains("Koden A1 används redan")
    );

    // Move activity 1.2 up: it becomes the first row of the six-column table.
    let second = scalar(&app, "SELECT MAX(a.id) FROM activity a JOIN goal g ON g.id = a.goal_id WHERE g.initiative_id = $1", id).await.to_string();
    let moved = post(
        &evaluator,
        &format!("/satsningar/{id}/schema"),
        &[
            ("_atgard", "/api/schema/flytta"),
            ("id", &id_text),
            ("typ", "aktivitet"),
            ("post", &second),
            ("riktning", "upp"),
        ],
    )
    .await;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);
    let table = evaluator
        .get(&format!("/satsningar/{id}/schema/tabell"))
        .await
        .text()
        .await
        .unwrap();
    let first = table.find("Stöd i skolarbetet av specialpedagog").unwrap();
    let then = table
        .find("Kartläggning av varje barns skolsituation")
        .unwrap();
    assert!(first < then, "moved activity comes first");
    // Moving the first one further up changes nothing and is not an error.
    let edge = post(
        &evaluator,
        &format!("/satsningar/{id}/schema"),
        &[
            ("_atgard", "/api/schema/flytta"),
            ("id", &id_text),
            ("typ", "aktivitet"),
            ("post", &second),
            ("riktning", "upp"),
        ],
    )
    .await;
    assert_eq!(edge.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn delmal_are_saved_shown_edited_and_checked() {
    let app = spawn_demo_app().await;
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let id = app.initiative_id("Läxhjälp i Vivalla (fiktiv)").await;
    let id_text = id.to_string();
    let activity = scalar(
        &app,
        "SELECT a.id FROM activity a JOIN goal g ON g.id = a.goal_id WHERE g.initiative_id = $1",
        id,
    )
    .await
    .to_string();
    let new = format!("/satsningar/{id}/schema/nytt-matt?typ=effekt&aktivitet={activity}");
    let with = |delmal: &'static str| {
        let mut f = measure(&id_text, "effekt", ("aktivitet_id", &activity), "E7", true);
        f.push(("delmal", delmal));
        f
    };
    let milestones = || {
        scalar(
            &app,
            "SELECT COUNT(*) FROM measure_milestone s JOIN measure m ON m.id = s.measure_id
             WHERE m.initiative_id = $1",
            id,
        )
    };

    // Bad delmål: a per-field message, the typed text kept, nothing saved.
    let bad = post(&evaluator, &new, &with("2027-06-30: 10\n2030-01-01: 50")).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let html = bad.text().await.unwrap();
    assert!(html.contains("Delmålens datum ska ligga före måldatumet."));
    assert!(html.contains("2030-01-01: 50"));
    assert_eq!(milestones().await, 0);

    // Act
    let ok = post(&evaluator, &new, &with("2028-06-30: 30\n2027-06-30: 20")).await;

    // Assert
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(milestones().await, 2);
    let page = evaluator
        .get(&format!("/satsningar/{id}/schema"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("20 (2027-06-30), 30 (2028-06-30)"));
    let measure_id = scalar(
        &app,
        "SELECT id FROM measure WHERE initiative_id = $1 AND code = 'E7'",
        id,
    )
    .await;
    let edit = format!("/satsningar/{id}/schema/matt/{measure_id}");
    let form = evaluator.get(&edit).await.text().await.unwrap();
    assert!(
        form.contains("2027-06-30: 20\n2028-06-30: 30"),
        "sorted, one per line"
    );
    // Editing replaces them, and the audit row names the change.
    let mut change = with("2028-06-30: 35");
    change[0].1 = "/api/schema/andra-matt";
    let measure_text = measure_id.to_string();
    change.push(("matt_id", &measure_text));
    assert_eq!(post(&evaluator, &edit, &change).await.status(), 303);
    assert_eq!(milestones().await, 1);
    let audited = scalar(
        &app,
        "SELECT COUNT(*) FROM audit_event WHERE object_type = 'measure' AND object_id = $1
           AND action = 'update' AND changes LIKE '%milestones%'",
        measure_id,
    )
    .await;
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn texts_are_edited_and_empty_parts_deleted_after_confirmation() {
    let app = spawn_demo_app().await;
    let lead = app.as_user("projektledare@exempel.se").await;
    let id = app
        .initiative_id("Familjecentral Brickebacken (fiktiv idé)")
        .await;
    let id_text = id.to_string();
    let schema = format!("/satsningar/{id}/schema");
    post(
        &lead,
        &schema,
        &[
            ("_atgard", "/api/schema/mal"),
            ("id", &id_text),
            ("mal", "Fler familjer får stöd"),
            ("malgrupp", ""),
        ],
    )
    .await;
    let goal = scalar(&app, "SELECT id FROM goal WHERE initiative_id = $1", id).await;
    let goal_text = goal.to_string();
    post(
        &lead,
        &schema,
        &[
            ("_atgard", "/api/schema/aktivitet"),
            ("id", &id_text),
            ("mal_id", &goal_text),
            ("aktivitet", "Öppen förskola"),
        ],
    )
    .await;
    let activity = scalar(&app, "SELECT id FROM activity WHERE goal_id = $1", goal).await;
    let activity_text = activity.to_string();
    let new = format!("/satsningar/{id}/schema/nytt-matt?typ=effekt&aktivitet={activity}");
    post(
        &lead,
        &new,
        &measure(
            &id_text,
            "effekt",
            ("aktivitet_id", &activity_text),
            "E1",
            true,
        ),
    )
    .await;
    let measure_id = scalar(
        &app,
        "SELECT id FROM measure WHERE activity_id = $1",
        activity,
    )
    .await
    .to_string();
    let edit_text = |typ: &'static str, item: &str, text: &str| {
        vec![
            ("_atgard".to_string(), "/api/schema/andra-text".to_string()),
            ("id".into(), id_text.clone()),
            ("typ".into(), typ.into()),
            ("post".into(), item.into()),
            ("text".into(), text.into()),
            ("malgrupp".into(), "Familjer med barn 0–6 år".into()),
        ]
    };
    let send = |fields: Vec<(String, String)>| {
        let lead = &lead;
        let schema = schema.clone();
        async move {
            let f: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            lead.post_form(&schema, &f).await
        }
    };
    let delete = |typ: &'static str, item: &str| {
        vec![
            ("_atgard".to_string(), "/api/schema/ta-bort".to_string()),
            ("id".into(), id_text.clone()),
            ("typ".into(), typ.into()),
            ("post".into(), item.into()),
        ]
    };

    // Edit: the goal's text and målgrupp, the activity's text; empty text is refused.
    let empty = send(edit_text("mal", &goal_text, "  ")).await;
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    assert!(empty.text().await.unwrap().contains("Skriv målet."));
    assert_eq!(
        send(edit_text(
            "mal",
            &goal_text,
            "Fler familjer får tidigt stöd"
        ))
        .await
        .status(),
        303
    );
    assert_eq!(
        send(edit_text(
            "aktivitet",
            &activity_text,
            "Öppen förskola med familjestöd"
        ))
        .await
        .status(),
        303
    );
    let page = lead.get(&schema).await.text().await.unwrap();
    assert!(page.contains("Mål 1: Fler familjer får tidigt stöd"));
    assert!(page.contains(">Familjer med barn 0–6 år<"));
    assert!(page.contains("Aktivitet 1.1: Öppen förskola med familjestöd"));

    // Delete: refused while something hangs under it, allowed from the bottom up.
    let refused = send(delete("mal", &goal_text)).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Målet har aktiviteter")
    );
    let refused = send(delete("aktivitet", &activity_text)).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    for (typ, item) in [
        ("matt", &measure_id),
        ("aktivitet", &activity_text),
        ("mal", &goal_text),
    ] {
        assert_eq!(send(delete(typ, item)).await.status(), 303, "{typ}");
    }
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM goal WHERE initiative_id = $1",
            id
        )
        .await,
        0
    );
    let deletions = scalar(
        &app,
        "SELECT COUNT(*) FROM audit_event
         WHERE action = 'delete' AND object_type IN ('goal', 'activity', 'measure') AND $1 > 0",
        goal,
    )
    .await;
    assert!(deletions >= 3, "{deletions}");
    // Another satsning's goal is not found from this one.
    let other_goal = scalar(
        &app,
        "SELECT MIN(id) FROM goal WHERE initiative_id <> $1",
        id,
    )
    .await
    .to_string();
    assert_eq!(
        send(edit_text("mal", &other_goal, "Kapat")).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn economic_effects_are_edited_and_deleted_and_decided_measures_only_retired() {
    let app = spawn_demo_app().await;
    let evaluator = app.as_user("utvarderare@exempel.se").await;
    let id = app.initiative_id("Läxhjälp i Vivalla (fiktiv)").await;
    let id_text = id.to_string();
    let schema = format!("/satsningar/{id}/schema");
    let effect = scalar(
        &app,
        "SELECT MIN(id) FROM economic_effect WHERE initiative_id = $1",
        id,
    )
    .await
    .to_string();
    let edit = |amount: &'static str| {
        vec![
            ("_atgard", "/api/schema/andra-effekt"),
            ("id", id_text.as_str()),
            ("effekt_id", effect.as_str()),
            ("effekt", "Minskat försörjningsstöd"),
            ("horisont", "lang"),
            ("part", ""),
            ("effektmatt", ""),
            ("belopp", amount),
        ]
    };
    let bad = post(&evaluator, &schema, &edit("mycket")).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let html = bad.text().await.unwrap();
    assert!(html.contains("Ange beloppet i hela kronor"));
    assert!(html.contains("value=\"mycket\""), "typed amount kept");
    assert_eq!(
        post(&evaluator, &schema, &edit("420 000")).await.status(),
        303
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT yearly_sek FROM economic_effect WHERE id = $1",
            effect.parse().unwrap()
        )
        .await,
        420_000
    );
    let delete = |typ: &'static str, item: String| {
        vec![
            ("_atgard".to_string(), "/api/schema/ta-bort".to_string()),
            ("id".into(), id_text.clone()),
            ("typ".into(), typ.into()),
            ("post".into(), item),
        ]
    };
    let send = |fields: Vec<(String, String)>| {
        let evaluator = &evaluator;
        let schema = schema.clone();
        async move {
            let f: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            evaluator.post_form(&schema, &f).await
        }
    };
    assert_eq!(send(delete("effekt", effect.clone())).await.status(), 303);
    assert_eq!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM economic_effect WHERE id = $1",
            effect.parse().unwrap()
        )
        .await,
        0
    );

    // The satsning is pågående: a measure is retired, never deleted.
    let measure = scalar(
        &app,
        "SELECT MIN(id) FROM measure WHERE initiative_id = $1",
        id,
    )
    .await;
    let refused = send(delete("matt", measure.to_string())).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(refused.text().await.unwrap().contains("ta måttet ur bruk"));
    assert_eq!(
        scalar(&app, "SELECT COUNT(*) FROM measure WHERE id = $1", measure).await,
        1
    );
    let page = evaluator.get(&schema).await.text().await.unwrap();
    assert!(
        !page.contains("Ja, ta bort A1"),
        "no delete offered after the decision"
    );
}
