//! In-process tests of the returns API (`/returns/cin`, `/people/{id}/census-readiness`): the
//! CIN census checked with the DfE's rules from the live record, for whom, filtered how, and
//! the refusals (401, 403, 404, 422).
use axum::http::StatusCode;
use hearth_domain::audit::Outcome;
use serde_json::{json, Value};
use time::macros::datetime;

mod support;
use support::*;

fn rules_of(failures: &Value) -> Vec<String> {
    failures.as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn the_census_checked_for_a_child_a_team_and_the_la() {
    let w = world().await;
    w.set_clock(datetime!(2026-05-04 12:00 UTC));
    let ivy = w.child("Ivy").await;
    let referral = w.referral(&ivy, "2026-05-04T09:00:00Z", "2026-05-04T10:00:00Z").await;

    // The child's readiness: the failures with the page where each is fixed.
    let before = w.audit_head().await;
    let r = w.get(&format!("/people/{ivy}/census-readiness"), &w.sam).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json["year"], "2026-27");
    let need = r.json["failures"].as_array().unwrap().iter().find(|f| f["rule"] == "8610").expect("8610: no primary need yet").clone();
    assert_eq!(need, json!({"rule": "8610", "type": "ERROR", "message": "Primary Need code is missing for a referral which led to further action.", "field": "PrimaryNeedCode", "label": "Primary need", "value": null, "fix": format!("/referrals/{referral}")}));
    assert!(rules_of(&r.json["failures"]).contains(&"4220".to_string()), "no ethnicity recorded: {}", r.json);
    w.assert_audited(before, "person.census", Outcome::Allowed).await;
    // Without access to the record it is not there; an unknown id neither.
    w.get(&format!("/people/{ivy}/census-readiness"), &w.bea).await.expect(StatusCode::NOT_FOUND);
    w.get("/people/01900000-0000-7000-8000-000000000000/census-readiness", &w.sam).await.expect(StatusCode::NOT_FOUND);
    // A person not in the census: no year, nothing to fix.
    let adult = w.adult("Ann").await;
    let r = w.get(&format!("/people/{adult}/census-readiness"), &w.sam).await;
    r.expect(StatusCode::OK);
    assert_eq!(r.json, json!({"year": null, "failures": []}));

    // The data-quality view: a worker may not; a manager sees their teams' children.
    let before = w.audit_head().await;
    w.get("/returns/cin", &w.sam).await.expect(StatusCode::FORBIDDEN);
    w.assert_audited(before, "returns.cin.quality", Outcome::Denied).await;
    let q = w.get("/returns/cin", &w.mo).await;
    q.expect(StatusCode::OK);
    assert_eq!((q.json["year"].as_str(), q.json["whole_la"].as_bool(), q.json["children_checked"].as_u64()), (Some("2026-27"), Some(false), Some(1)));
    assert_eq!(q.json["children"][0]["name"], "Ivy Lee");
    assert!(q.json["rules"].as_array().unwrap().iter().any(|r| r["rule"] == "8610" && r["failures"] == 1), "{}", q.json);
    // Filtered by rule.
    let only = w.get("/returns/cin?rule=8610&year=2026-27", &w.mo).await;
    only.expect(StatusCode::OK);
    assert_eq!(rules_of(&only.json["children"][0]["failures"]), ["8610"]);
    let none = w.get("/returns/cin?rule=4180", &w.mo).await;
    assert_eq!(none.json["children"], json!([]));
    // Bad parameters name themselves.
    w.get("/returns/cin?rule=99999", &w.mo).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["rule"]);
    w.get("/returns/cin?year=2019-20", &w.mo).await.expect(StatusCode::UNPROCESSABLE_ENTITY).expect_fields(&["year"]);
    // Business support produces the returns: the whole LA, including the return-level checks.
    let la = w.get("/returns/cin?year=2026-27", &w.bo).await;
    la.expect(StatusCode::OK);
    assert_eq!(la.json["whole_la"], true);
    assert!(la.json["return_failures"].as_array().unwrap().iter().any(|f| f["rule"] == "2887Q"), "fewer than 8 children without a disability: {}", la.json);
    // The previous year holds nothing of this LA.
    let last = w.get("/returns/cin?year=2025-26", &w.bo).await;
    assert_eq!(last.json["children_checked"], 0);
    // Without a token: 401.
    w.call(axum::http::Method::GET, "/returns/cin", None, None).await.expect(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_openapi_document_describes_the_returns_endpoints() {
    let w = world().await;
    let r = w.call(axum::http::Method::GET, "/openapi.json", None, None).await;
    r.expect(StatusCode::OK);
    // A record the caller may not see is a 404, as an unknown one is.
    for (path, statuses) in [("/returns/cin", &["200", "401", "403", "422"][..]), ("/people/{id}/census-readiness", &["200", "401", "404"][..])] {
        let op = &r.json["paths"][path]["get"];
        assert!(op.is_object(), "GET {path} missing");
        assert_eq!(op["tags"], json!(["returns"]), "{path}");
        for status in statuses {
            assert!(op["responses"][status].is_object(), "GET {path} does not document {status}");
        }
    }
    let schema = r.json["components"]["schemas"]["CinDataQuality"].to_string();
    for field in ["whole_la", "children_checked", "rules", "return_failures"] {
        assert!(schema.contains(field), "CinDataQuality does not describe {field}");
    }
}
