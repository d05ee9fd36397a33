//! The OpenAPI document and the handlers agree (issue 14): what the document forbids is
//! refused with a problem+json 422 naming the field, what it allows is not refused for its
//! shape, and every status an operation answers is documented for it. Each case here is one
//! that schemathesis (`scripts/api-contract`) found where the two disagreed.
use axum::http::StatusCode;
use serde_json::{json, Value};

mod support;
use support::{world, World, UNKNOWN_ID};

const NOT_BLANK: &str = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";

async fn doc(w: &World) -> Value {
    let r = w.get("/openapi.json", &w.sam).await;
    r.expect(StatusCode::OK);
    r.json
}

fn query_param<'a>(doc: &'a Value, path: &str, name: &str) -> &'a Value {
    doc["paths"][path]["get"]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("no parameter {name} on GET {path}"))
}

#[tokio::test]
async fn the_search_text_is_required_not_blank_and_at_most_200_characters_as_sent() {
    let w = world().await;
    w.child("Amy").await;
    for q in ["", "%20%20", "%E3%80%80"] {
        w.get(&format!("/people?q={q}"), &w.sam).await.expect_fields(&["q"]);
    }
    w.get("/people", &w.sam).await.expect_fields(&["q"]);
    // 201 characters as sent, 199 of them after trimming: the schema's maxLength counts the
    // spaces, and so does Hearth now.
    let padded = format!("%20{}%20", "a".repeat(199));
    w.get(&format!("/people?q={padded}"), &w.sam).await.expect_fields(&["q"]);
    w.get(&format!("/people?q={}", "a".repeat(201)), &w.sam).await.expect_fields(&["q"]);
    let found = w.get("/people?q=Lee", &w.sam).await;
    found.expect(StatusCode::OK);
    assert_eq!(found.json["results"].as_array().map(Vec::len), Some(1));
    w.get(&format!("/people?q={}", "a".repeat(200)), &w.sam).await.expect(StatusCode::OK);

    let d = doc(&w).await;
    let q = query_param(&d, "/people", "q");
    assert_eq!(q["required"], true);
    assert_eq!((&q["schema"]["minLength"], &q["schema"]["maxLength"]), (&json!(1), &json!(200)));
    assert_eq!(q["schema"]["pattern"], NOT_BLANK);
}

#[tokio::test]
async fn offsets_and_pages_beyond_the_documented_maximum_are_refused() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let notes = format!("/people/{amy}/case-notes");
    w.get(&format!("{notes}?offset=2147483648"), &w.sam).await.expect_fields(&["offset"]);
    w.get(&format!("{notes}?offset=4294967295"), &w.sam).await.expect_fields(&["offset"]);
    let last = w.get(&format!("{notes}?offset=2147483647"), &w.sam).await;
    last.expect(StatusCode::OK);
    assert_eq!(last.json["offset"], 2147483647);

    w.get("/work/team?page=2147483648", &w.mo).await.expect_fields(&["page"]);
    w.get("/work/team?page=0", &w.mo).await.expect_fields(&["page"]);
    w.get("/work/team?page=2147483647", &w.mo).await.expect(StatusCode::OK);

    let d = doc(&w).await;
    assert_eq!(query_param(&d, "/people/{id}/case-notes", "offset")["schema"]["maximum"], 2147483647);
    assert_eq!(query_param(&d, "/work/team", "page")["schema"]["maximum"], 2147483647);
}

#[tokio::test]
async fn an_empty_query_value_is_refused_where_the_schema_names_the_values() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let team_a = w.user("mo").team.map(|t| t.to_string()).unwrap_or_default();

    // The rota: the team's id or nothing; an empty or other spelling of an id is neither.
    w.get("/rota?team=", &w.mo).await.expect_fields(&["team"]);
    w.get(&format!("/rota?team={}", team_a.replace('-', "")), &w.mo).await.expect_fields(&["team"]);
    w.get(&format!("/rota?team=%20{team_a}"), &w.mo).await.expect_fields(&["team"]);
    w.get(&format!("/rota?team={team_a}"), &w.mo).await.expect(StatusCode::OK);
    w.get("/rota", &w.mo).await.expect(StatusCode::OK);

    // The CIN census: a year and a rule Hearth knows, exactly.
    for q in ["year=", "rule=", "year=%202025-26", "rule=8610%20", "year=2025-2026"] {
        w.get(&format!("/returns/cin?{q}"), &w.mo).await.expect(StatusCode::UNPROCESSABLE_ENTITY);
    }
    w.get("/returns/cin?year=2025-26&rule=8610", &w.mo).await.expect(StatusCode::OK);

    // The chronology: a kind from the list, or no parameter at all.
    w.get(&format!("/people/{amy}/chronology?kind="), &w.sam).await.expect_fields(&["kind"]);
    w.get(&format!("/people/{amy}/chronology?kind=case_note"), &w.sam).await.expect(StatusCode::OK);

    // The team's work: a worker's id, `none`, or no parameter.
    w.get("/work/team?worker=", &w.mo).await.expect_fields(&["worker"]);
    w.get("/work/team?worker=nobody", &w.mo).await.expect_fields(&["worker"]);
    w.get("/work/team?worker=none", &w.mo).await.expect(StatusCode::OK);
    w.get(&format!("/work/team?worker={}", w.uid("sam")), &w.mo).await.expect(StatusCode::OK);

    let d = doc(&w).await;
    assert_eq!(query_param(&d, "/rota", "team")["schema"]["format"], "uuid");
    assert_eq!(query_param(&d, "/returns/cin", "year")["schema"]["$ref"], "#/components/schemas/CollectionYearCode");
    assert_eq!(d["components"]["schemas"]["CollectionYearCode"]["enum"], json!(["2025-26", "2026-27"]));
    let rules = d["components"]["schemas"]["CinRuleCode"]["enum"].as_array().cloned().unwrap_or_default();
    assert!(rules.contains(&json!("8610")) && rules.len() > 100, "{rules:?}");
    let worker = &query_param(&d, "/work/team", "worker")["schema"]["oneOf"];
    assert_eq!(worker[0]["format"], "uuid");
    assert_eq!(worker[1]["enum"], json!(["none"]));
}

#[tokio::test]
async fn an_empty_date_is_not_a_date_and_null_is_no_date() {
    let w = world().await;
    let mut body = json!({"kind": "child", "given_name": "Una", "family_name": "Born", "expected_date_of_birth": "", "date_of_birth": "2016-05-01", "confirm_not_duplicate": true});
    w.post("/people", &w.sam, body.clone()).await.expect_fields(&["expected_date_of_birth"]);
    body["expected_date_of_birth"] = Value::Null;
    w.post("/people", &w.sam, body.clone()).await.expect(StatusCode::CREATED);
    body["given_name"] = json!("Ola");
    body["addresses"] = json!([{"lines": ["1 High St"], "from": ""}]);
    w.post("/people", &w.sam, body).await.expect_fields(&["addresses[0].from"]);

    let amy = w.child("Amy").await;
    let dad = w.adult("Dan").await;
    let rel = json!({"role": "parent", "other_person_id": dad, "started": ""});
    w.post(&format!("/people/{amy}/relationships"), &w.sam, rel).await.expect_fields(&["started"]);
}

#[tokio::test]
async fn both_dates_of_birth_are_refused_and_the_document_says_so() {
    let w = world().await;
    let body = json!({"kind": "child", "given_name": "Una", "family_name": "Born", "expected_date_of_birth": "2016-05-02", "date_of_birth": "2016-05-01", "confirm_not_duplicate": true});
    w.post("/people", &w.sam, body).await.expect_fields(&["expected_date_of_birth"]);
    let d = doc(&w).await;
    assert_eq!(d["components"]["schemas"]["PersonDetails"]["not"]["required"], json!(["date_of_birth", "expected_date_of_birth"]));
    assert_eq!(d["components"]["schemas"]["CaseNoteDetails"]["not"]["properties"]["seen_alone"]["const"], true);
    // A nullable date is a date or null: written so that no generator takes "" for a date.
    let dob = &d["components"]["schemas"]["PersonDetails"]["properties"]["expected_date_of_birth"];
    assert_eq!(dob["anyOf"], json!([{"type": "string", "format": "date"}, {"type": "null"}]), "{dob}");
}

#[tokio::test]
async fn a_whole_number_written_with_a_fraction_is_an_integer() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let body = |version: Value| json!({"kind": "child", "given_name": "Amy", "family_name": "Lee", "date_of_birth": "2016-05-01", "gender": "girl", "version": version, "reason": "Told by Amy"});
    // JSON Schema's `integer` includes 1.0: the version is accepted as 1.
    let r = w.put(&format!("/people/{amy}"), &w.sam, body(json!(1.0))).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["version"], 2);
    w.put(&format!("/people/{amy}"), &w.sam, body(json!(1.5))).await.expect_fields(&["version"]);
    // A stale whole-number float is a conflict like any stale version.
    w.put(&format!("/people/{amy}"), &w.sam, body(json!(1.0))).await.expect_conflict(2);
}

#[tokio::test]
async fn required_texts_must_not_be_blank_as_the_pattern_says() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let note = json!({"occurred_at": "2023-12-20T09:30", "note_type": "home_visit", "child_seen": true, "text": "\u{3000}\u{2003} "});
    w.post(&format!("/people/{amy}/case-notes"), &w.sam, note).await.expect_fields(&["text"]);
    let d = doc(&w).await;
    let schemas = &d["components"]["schemas"];
    for (schema, field) in [
        ("CaseNoteDetails", "text"),
        ("PersonDetails", "given_name"),
        ("PersonDetails", "family_name"),
        ("CreateContact", "reason"),
        ("Referrer", "name"),
        ("DecideContact", "rationale"),
        ("ReturnAssessment", "comment"),
        ("CorrectCaseNote", "reason"),
    ] {
        let props = match &schemas[schema]["properties"] {
            Value::Null => schemas[schema]["allOf"].as_array().and_then(|a| a.iter().find(|x| x["properties"][field].is_object())).map(|x| x["properties"].clone()).unwrap_or_default(),
            p => p.clone(),
        };
        assert_eq!(props[field]["pattern"], NOT_BLANK, "{schema}.{field}");
    }
    assert_eq!(schemas["CreateContact"]["properties"]["children"]["minItems"], 1);
}

#[tokio::test]
async fn ids_in_bodies_are_hyphenated_uuids_only() {
    let w = world().await;
    let amy = w.child("Amy").await;
    let team_a = w.user("mo").team.map(|t| t.to_string()).unwrap_or_default();
    // The current allocation started when Amy was recorded: the new one starts later.
    w.set_clock(time::macros::datetime!(2024-01-10 10:00 UTC));
    let alloc = |worker: Value| json!({"team_id": team_a, "worker_id": worker, "from": "2024-01-08"});
    // Blank was taken as "no worker"; the schema says a UUID or null.
    w.post(&format!("/people/{amy}/allocations"), &w.mo, alloc(json!(""))).await.expect_fields(&["worker_id"]);
    w.post(&format!("/people/{amy}/allocations"), &w.mo, alloc(json!(format!("{{{}}}", w.uid("ali"))))).await.expect_fields(&["worker_id"]);
    w.post(&format!("/people/{amy}/allocations"), &w.mo, alloc(Value::Null)).await.expect(StatusCode::NO_CONTENT);

    let braced = format!("{{{amy}}}");
    let body = support::contact_body(support::RECEIVED, &[&braced], &[]);
    w.post("/contacts", &w.sam, body).await.expect_fields(&["children[0]"]);
    let dad = w.adult("Dan").await;
    let rel = json!({"role": "parent", "other_person_id": format!(" {dad}")});
    w.post(&format!("/people/{amy}/relationships"), &w.sam, rel).await.expect_fields(&["other_person_id"]);
}

/// Every status an operation can answer is in its documented responses: 401 everywhere, 404
/// wherever there is an id in the path, 400/413/415/422 wherever there is a body, 422
/// wherever there are query parameters.
#[tokio::test]
async fn every_operation_documents_the_statuses_it_can_answer() {
    let w = world().await;
    let d = doc(&w).await;
    let paths = d["paths"].as_object().cloned().unwrap_or_default();
    assert!(paths.len() > 25);
    for (path, ops) in &paths {
        for (method, op) in ops.as_object().into_iter().flatten() {
            let documented: Vec<&str> = op["responses"].as_object().map(|r| r.keys().map(String::as_str).collect()).unwrap_or_default();
            let mut needed = vec!["401", "500", "503"];
            if path.contains('{') {
                needed.push("404");
            }
            if op["requestBody"].is_object() {
                needed.extend(["400", "413", "415", "422"]);
            }
            if op["parameters"].as_array().is_some_and(|ps| ps.iter().any(|p| p["in"] == "query")) {
                needed.push("422");
            }
            for status in needed {
                assert!(documented.contains(&status), "{method} {path} does not document {status}: {documented:?}");
            }
            for (status, res) in op["responses"].as_object().into_iter().flatten() {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(res["content"]["application/problem+json"].is_object(), "{method} {path} {status} is not a problem");
                }
            }
        }
    }
    // It takes no body, so it cannot answer 400, 413 or 415; an unknown referral is a 404.
    let open = &d["paths"]["/referrals/{id}/episode"]["post"]["responses"];
    assert!(open["404"].is_object() && open["415"].is_null() && open["413"].is_null(), "{open}");
    let r = w.call(axum::http::Method::POST, &format!("/referrals/{UNKNOWN_ID}/episode"), Some(&w.mo), None).await;
    r.expect(StatusCode::NOT_FOUND);
}
