//! In-process HTTP tests of the web UI: real router, real SQLite store, a clock we move.
use axum::http::{header, StatusCode};
use hearth_app::clock::TestClock;
use hearth_app::{App, AppConfig, NewUser};
use hearth_domain::codes::Coded;
use hearth_domain::person::PersonKind;
use hearth_domain::user::Role;
use hearth_store::Store;
use hearth_store_sql::SqlStore;
use std::sync::Arc;
use time::{Duration, OffsetDateTime};

mod browser;
use browser::*;

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in_and_headers_are_set() {
    let w = world().await;
    let mut b = Browser::new();
    let res = b.get(&w, "/").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/sign-in");
    let res = b.get(&w, "/people/0190d4c2-7a1e-7c3b-9f00-2b6a3c1d4e5f").await;
    assert!(res.location().starts_with("/sign-in?next="));
    let page = b.get(&w, "/sign-in").await;
    assert_eq!(page.status, StatusCode::OK);
    let h = &page.headers;
    assert!(h[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert!(!h[header::CONTENT_SECURITY_POLICY].to_str().unwrap().contains("unsafe-inline"));
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
    assert!(h.get(header::REFERRER_POLICY).is_some());
    let css = b.get(&w, "/assets/govuk/govuk-frontend.min.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.headers[header::CACHE_CONTROL].to_str().unwrap().contains("max-age"));
    let health = b.get(&w, "/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
}

#[tokio::test]
async fn sign_in_rejects_bad_passwords_and_forged_csrf_then_locks() {
    let w = world().await;
    user(&w, "sam", Role::SocialWorker, None).await;
    let mut b = Browser::new();
    // No CSRF token at all.
    b.get(&w, "/sign-in").await;
    let res = b.post(&w, "/sign-in", &[("username", "sam"), ("password", PASSWORD)]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // A forged token.
    let res = b.post(&w, "/sign-in", &[("csrf_token", "0123456789abcdef0123456789abcdef"), ("username", "sam"), ("password", PASSWORD)]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = b.form_post(&w, "/sign-in", "/sign-in", &[("username", "sam"), ("password", "wrong")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("govuk-error-summary"));
    assert!(res.body.contains("value=\"sam\""), "the username is kept");
    for _ in 0..5 {
        b.form_post(&w, "/sign-in", "/sign-in", &[("username", "sam"), ("password", "wrong")]).await;
    }
    let res = b.form_post(&w, "/sign-in", "/sign-in", &[("username", "sam"), ("password", PASSWORD)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "locked even with the right password");
    assert!(res.body.contains("The username or password is not correct"), "a lock is not told apart from a wrong password");
    assert!(!res.body.contains("locked"));
    w.clock.advance(Duration::minutes(16));
    b.sign_in(&w, "sam").await;
}

#[tokio::test]
async fn administrators_must_enrol_a_second_factor() {
    let w = world().await;
    user(&w, "root", Role::Administrator, None).await;
    let mut b = Browser::new();
    let res = b.sign_in(&w, "root").await;
    assert!(res.location().starts_with("/mfa/enrol"));
    // Pending sessions cannot reach pages.
    let res = b.get(&w, "/admin/users").await;
    assert_eq!(res.location(), "/mfa");
    let page = b.get(&w, "/mfa/enrol").await;
    assert!(page.body.contains("src=\"data:image&#x2f;svg+xml;base64,") || page.body.contains("src=\"data:image/svg+xml;base64,"), "a QR code to scan");
    let i = page.body.find("id=\"totp-secret\">").unwrap() + 17;
    let secret: String = page.body[i..].chars().take_while(|c| *c != '<').collect();
    let token = Browser::csrf(&page.body);
    let bad = b.post(&w, "/mfa/enrol", &[("csrf_token", &token), ("secret", &secret), ("code", "000000")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let code = hearth_app::auth::totp_code(&secret, w.clock.now_for_tests()).unwrap();
    let ok = b.post(&w, "/mfa/enrol", &[("csrf_token", &token), ("secret", &secret), ("code", &code)]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(b.get(&w, "/admin/users").await.status, StatusCode::OK);
    // Next time, a code is asked for.
    let mut b2 = Browser::new();
    let res = b2.sign_in(&w, "root").await;
    assert!(res.location().starts_with("/mfa?"));
    // The code that enrolled the app was used once: it is refused now (a replay).
    let res = b2.form_post(&w, "/mfa", "/mfa", &[("code", &code)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a code is accepted once");
    w.clock.advance(Duration::seconds(30));
    let code = hearth_app::auth::totp_code(&secret, w.clock.now_for_tests()).unwrap();
    let res = b2.form_post(&w, "/mfa", "/mfa", &[("code", &code)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(b2.get(&w, "/").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_worker_records_a_child_a_note_and_a_correction() {
    let w = world().await;
    let team = w.app.add_team(None, "Front door").await.unwrap();
    user(&w, "sam", Role::SocialWorker, Some(team.id)).await;
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;

    // Invalid input: nothing saved, input kept, errors summarised.
    let res = b
        .form_post(&w, "/people/new", "/people/new", &[("kind", "child"), ("given_name", "<script>alert(1)</script>"), ("family_name", "O'Brien"), ("date_of_birth-day", "1"), ("date_of_birth-month", "1"), ("date_of_birth-year", "2099"), ("nhs_number", "123")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#nhs_number\""));
    assert!(res.body.contains("href=\"#date_of_birth\""));
    assert!(res.body.contains("&#60;script&#62;alert(1)"), "input kept and escaped");
    assert!(!res.body.contains("<script>alert(1)"));

    let res = b
        .form_post(&w, "/people/new", "/people/new", &[("kind", "child"), ("given_name", "<b>Zoë</b>"), ("family_name", "O'Brien"), ("date_of_birth-day", "9"), ("date_of_birth-month", "3"), ("date_of_birth-year", "2015"), ("nhs_number", "943 476 5919")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let person_path = res.location().split('?').next().unwrap().to_string();
    let page = b.get(&w, &person_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("&#60;b&#62;Zoë&#60;/b&#62;"));

    // Search finds her by folded name and by NHS number.
    let res = b.get(&w, "/search?q=zoe").await;
    assert!(res.body.contains(&person_path));
    let res = b.get(&w, "/search?q=9434765919").await;
    assert!(res.body.contains(&person_path));

    // A duplicate is flagged before a second record is made.
    let res = b
        .form_post(&w, "/people/new", "/people/new", &[("kind", "child"), ("given_name", "<b>Zoe</b>"), ("family_name", "OBrien"), ("date_of_birth-day", "9"), ("date_of_birth-month", "3"), ("date_of_birth-year", "2015")])
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("may already have a record"));

    // A case note: invalid, then valid.
    let notes_new = format!("{person_path}/notes/new");
    let res = b.form_post(&w, &notes_new, &notes_new, &[("time", "25:00"), ("text", "")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#time\""));
    let today = hearth_app::local_time::uk_local(w.clock.now_for_tests()).date();
    let (d, m, y) = (today.day().to_string(), (today.month() as u8).to_string(), today.year().to_string());
    let fields = [
        ("occurred-day", d.as_str()),
        ("occurred-month", m.as_str()),
        ("occurred-year", y.as_str()),
        ("time", "00:01"),
        ("note_type", hearth_domain::codes::CaseNoteType::HomeVisit.code()),
        ("child_seen", "yes"),
        ("seen_alone", "yes"),
        ("significant", "yes"),
        ("text", "Saw Zoë in her room; she said '; DROP TABLE persons; --"),
    ];
    let res = b.form_post(&w, &notes_new, &notes_new, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let list = b.get(&w, res.location()).await;
    assert!(list.body.contains("Case note saved"));
    let chron = b.get(&w, &format!("{person_path}/chronology")).await;
    assert!(chron.body.contains("DROP TABLE persons"));
    let i = chron.body.find(&format!("{person_path}/notes/")).unwrap();
    let note_path: String = chron.body[i..].chars().take_while(|c| *c != '"').collect();

    // Correction: reason required; then a new version with the old one readable.
    let correct = format!("{note_path}/correct");
    let page = b.get(&w, &correct).await;
    let token = Browser::csrf(&page.body);
    let mut fields2: Vec<(&str, &str)> = vec![("csrf_token", token.as_str()), ("version", "1")];
    fields2.extend_from_slice(&fields[..8]);
    fields2.push(("text", "Saw Zoë in the kitchen."));
    let res = b.post(&w, &correct, &fields2).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#reason\""));
    fields2.push(("reason", "Wrong room recorded"));
    let res = b.post(&w, &correct, &fields2).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let note = b.get(&w, &note_path).await;
    assert!(note.body.contains("Version 2"));
    assert!(note.body.contains("Previous versions"));
    assert!(note.body.contains("in her room"));
    // The same stale version again is a conflict showing the other version.
    let res = b.post(&w, &correct, &fields2).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Someone else corrected this note"));
}

#[tokio::test]
async fn records_are_invisible_without_a_relationship_and_refusals_are_audited() {
    let w = world().await;
    let a = w.app.add_team(None, "A").await.unwrap();
    let bteam = w.app.add_team(None, "B").await.unwrap();
    let owner = user(&w, "owner", Role::SocialWorker, Some(a.id)).await;
    user(&w, "other", Role::SocialWorker, Some(bteam.id)).await;
    let actor = alone(&owner);
    let p = w.app.create_person(&actor, child("Hidden", "Child")).await.unwrap();
    let mut b = Browser::new();
    b.sign_in(&w, "other").await;
    let before = head(&w).await;
    let res = b.get(&w, &format!("/people/{}", p.id)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let unknown = b.get(&w, "/people/0190d4c2-7a1e-7c3b-9f00-2b6a3c1d4e5f").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get(&w, "/people/not-an-id").await.status, StatusCode::NOT_FOUND);
    assert!(head(&w).await > before, "refusals are audited");
    let res = b.get(&w, "/search?q=hidden").await;
    assert!(!res.body.contains(&p.id.to_string()));
    // Break-glass opens it, with a reason, and the record says so.
    let res = b.form_post(&w, "/break-glass", "/break-glass", &[("person_id", &p.id.to_string()), ("reason", "short")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = b.form_post(&w, "/break-glass", "/break-glass", &[("person_id", &p.id.to_string()), ("reason", "Police called out of hours about this child")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = b.get(&w, &format!("/people/{}", p.id)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("emergency access"));
    w.clock.advance(Duration::hours(2));
    b.sign_in(&w, "other").await;
    assert_eq!(b.get(&w, &format!("/people/{}", p.id)).await.status, StatusCode::NOT_FOUND, "the grant expires");
}

#[tokio::test]
async fn every_record_page_writes_audit() {
    let w = world().await;
    let team = w.app.add_team(None, "A").await.unwrap();
    let u = user(&w, "sam", Role::SocialWorker, Some(team.id)).await;
    let actor = alone(&u);
    let p = w.app.create_person(&actor, child("Amy", "Lee")).await.unwrap();
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    for path in ["", "/edit", "/history", "/chronology", "/notes", "/notes/new", "/family/new"] {
        let before = head(&w).await;
        let res = b.get(&w, &format!("/people/{}{path}", p.id)).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert!(head(&w).await > before, "{path} wrote no audit entry");
    }
    let before = head(&w).await;
    b.get(&w, "/search?q=amy").await;
    assert!(head(&w).await > before, "search is audited");
}

#[tokio::test]
async fn an_expired_session_keeps_the_form_for_after_sign_in() {
    let w = world().await;
    let team = w.app.add_team(None, "A").await.unwrap();
    let u = user(&w, "sam", Role::SocialWorker, Some(team.id)).await;
    let actor = alone(&u);
    let p = w.app.create_person(&actor, child("Amy", "Lee")).await.unwrap();
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let path = format!("/people/{}/notes/new", p.id);
    let page = b.get(&w, &path).await;
    let token = Browser::csrf(&page.body);
    w.clock.advance(Duration::minutes(31));
    let res = b.post(&w, &path, &[("csrf_token", &token), ("text", "A long note typed over lunch")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().starts_with("/sign-in?expired=1&draft="));
    let sign_in_page = b.get(&w, res.location()).await;
    assert!(sign_in_page.body.contains("has been kept"));
    let token = Browser::csrf(&sign_in_page.body);
    let draft_field = {
        let i = sign_in_page.body.find("name=\"draft\" value=\"").unwrap() + 20;
        sign_in_page.body[i..].chars().take_while(|c| *c != '"').collect::<String>()
    };
    let next_field = {
        let i = sign_in_page.body.find("name=\"next\" value=\"").unwrap() + 19;
        sign_in_page.body[i..].chars().take_while(|c| *c != '"').collect::<String>()
    };
    let res = b.post(&w, "/sign-in", &[("csrf_token", &token), ("username", "sam"), ("password", PASSWORD), ("draft", &draft_field), ("next", &next_field)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().starts_with(&path), "{}", res.location());
    let form = b.get(&w, res.location()).await;
    assert!(form.body.contains("A long note typed over lunch"));
    assert!(form.body.contains("before you were signed out"));
}

#[tokio::test]
async fn concurrent_edits_conflict_and_keep_both_versions() {
    let w = world().await;
    let team = w.app.add_team(None, "A").await.unwrap();
    let u = user(&w, "sam", Role::SocialWorker, Some(team.id)).await;
    user(&w, "kim", Role::SocialWorker, Some(team.id)).await;
    let actor = alone(&u);
    let p = w.app.create_person(&actor, child("Amy", "Lee")).await.unwrap();
    let mut sam = Browser::new();
    sam.sign_in(&w, "sam").await;
    let mut kim = Browser::new();
    kim.sign_in(&w, "kim").await;
    let edit = format!("/people/{}/edit", p.id);
    let sam_page = sam.get(&w, &edit).await;
    let kim_page = kim.get(&w, &edit).await;
    let base = |given: &'static str, reason: &'static str| {
        vec![("kind", "child"), ("given_name", given), ("family_name", "Lee"), ("date_of_birth-day", "9"), ("date_of_birth-month", "3"), ("date_of_birth-year", "2015"), ("version", "1"), ("reason", reason)]
    };
    let t = Browser::csrf(&sam_page.body);
    let mut f = base("Aimee", "Spelling from birth certificate");
    f.push(("csrf_token", &t));
    assert_eq!(sam.post(&w, &edit, &f).await.status, StatusCode::SEE_OTHER);
    let t = Browser::csrf(&kim_page.body);
    let mut f = base("Amie", "Spelling from school");
    f.push(("csrf_token", &t));
    let res = kim.post(&w, &edit, &f).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Aimee") && res.body.contains("Amie"));
    assert!(res.body.contains("saved by sam name on "), "the page names who saved first: {}", res.body);
    let hist = kim.get(&w, &format!("/people/{}/history", p.id)).await;
    assert!(hist.body.contains("Spelling from birth certificate"));
}

/// The reason a child has no UPN: chosen from the DfE's list, shown on the record, and
/// refused beside a UPN.
#[tokio::test]
async fn why_a_child_has_no_upn() {
    let w = world().await;
    let team = w.app.add_team(None, "A").await.unwrap();
    let u = user(&w, "sam", Role::SocialWorker, Some(team.id)).await;
    let p = w.app.create_person(&alone(&u), child("Amy", "Lee")).await.unwrap();
    let mut sam = Browser::new();
    sam.sign_in(&w, "sam").await;
    let edit = format!("/people/{}/edit", p.id);
    let page = sam.get(&w, &edit).await;
    assert!(page.body.contains("If there is no UPN, why not") && page.body.contains("<option value=\"UN2\""), "{}", page.body);
    let t = Browser::csrf(&page.body);
    let form = |upn: &'static str, reason: &'static str, version: &'static str| {
        vec![("kind", "child"), ("given_name", "Amy"), ("family_name", "Lee"), ("date_of_birth-day", "9"), ("date_of_birth-month", "3"), ("date_of_birth-year", "2015"), ("version", version), ("reason", "School says"), ("upn", upn), ("upn_unknown", reason)]
    };
    let mut f = form("Y800210217940", "UN2", "1");
    f.push(("csrf_token", &t));
    let res = sam.post(&w, &edit, &f).await;
    assert!(res.body.contains("Give the UPN or the reason it is not known, not both") && res.body.contains("href=\"#upn_unknown\""), "{}", res.body);
    let mut f = form("", "UN99", "1");
    f.push(("csrf_token", &t));
    assert!(sam.post(&w, &edit, &f).await.body.contains("Choose a reason from the list"));
    let mut f = form("", "UN2", "1");
    f.push(("csrf_token", &t));
    assert_eq!(sam.post(&w, &edit, &f).await.status, StatusCode::SEE_OTHER);
    let record = sam.get(&w, &format!("/people/{}", p.id)).await;
    assert!(record.body.contains("Why there is no UPN") && record.body.contains("Has never attended a state-funded school in England and has no UPN (UN2)"), "{}", record.body);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let w = world().await;
    let mut b = Browser::new();
    let page = b.get(&w, "/sign-in").await;
    let token = Browser::csrf(&page.body);
    let big = "x".repeat(100 * 1024);
    let res = b.post(&w, "/sign-in", &[("csrf_token", &token), ("username", &big)]).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn role_pages_are_forbidden_to_others() {
    let w = world().await;
    user(&w, "sam", Role::SocialWorker, None).await;
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    assert_eq!(b.get(&w, "/admin/users").await.status, StatusCode::FORBIDDEN);
    assert_eq!(b.get(&w, "/audit").await.status, StatusCode::FORBIDDEN);
    let res = b.form_post(&w, "/account", "/admin/teams", &[("name", "Sneaky")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(w.app.teams().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_relationship_is_ended_on_a_date_and_stays_in_the_network() {
    let w = world().await;
    let team = w.app.add_team(None, "A").await.unwrap();
    let u = user(&w, "sam", Role::SocialWorker, Some(team.id)).await;
    let actor = alone(&u);
    let p = w.app.create_person(&actor, child("Amy", "Lee")).await.unwrap();
    let mut dad = child("Tom", "Lee");
    dad.kind = PersonKind::Adult;
    dad.date_of_birth = Some(time::macros::date!(1980 - 01 - 01));
    let dad = w
        .app
        .add_related_person(&actor, p.id, dad, hearth_domain::relationship::RelationshipType::Parent, Some(time::macros::date!(2015 - 03 - 09)), None, hearth_app::Household { lives_with: true, holds_pr: true })
        .await
        .unwrap();
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let page = b.get(&w, &format!("/people/{}", p.id)).await;
    assert!(page.body.contains("Tom Lee"));
    // The question names the child (not the form field), and the navigation marks no item
    // for a record's own pages.
    let add = b.get(&w, &format!("/people/{}/family/new", p.id)).await;
    assert!(add.body.contains("What are they to Amy Lee?"), "{}", add.body);
    assert!(!add.body.contains("aria-current=\"page\""));
    assert!(b.get(&w, "/search").await.body.contains("href=\"/search\" aria-current=\"page\">Search</a>"));
    let i = page.body.find("/relationships/").unwrap();
    let rel: String = page.body[i + 15..].chars().take_while(|c| c.is_ascii_hexdigit() || *c == '-').collect();
    // The network says who the child lives with and who holds parental responsibility; the
    // relationship's own page changes that and ends it (no "End" on every row).
    assert!(page.body.contains("Lives with Amy") && page.body.contains("Parental responsibility"), "{}", page.body);
    assert!(!page.body.contains(">End<"), "ending is on the relationship's page");
    let own = format!("/people/{}/relationships/{rel}", p.id);
    let rel_page = b.get(&w, &own).await;
    assert_eq!(rel_page.status, StatusCode::OK);
    assert!(rel_page.body.contains("data-testid=\"case-summary\"") && rel_page.body.contains("Holds parental responsibility for Amy Lee"), "{}", rel_page.body);
    let res = b.form_post(&w, &own, &own, &[("version", "1"), ("holds_pr", "yes")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = b.get(&w, &format!("/people/{}", p.id)).await;
    assert!(!page.body.contains("Lives with Amy") && page.body.contains("Parental responsibility"), "moved out, still holds it");
    let res = b.form_post(&w, &own, &own, &[("version", "1"), ("lives_with", "yes")]).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "a stale version is refused");
    let end = format!("/people/{}/relationships/{rel}/end", p.id);
    let res = b.form_post(&w, &own, &end, &[("version", "2"), ("ended-day", "1"), ("ended-month", "1"), ("ended-year", "2014")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "before it started");
    assert!(res.body.contains("href=\"#ended-day\"") || res.body.contains("href=\"#ended\""));
    assert!(res.body.contains("<title>Error:"));
    let res = b.form_post(&w, &own, &end, &[("version", "2"), ("ended-day", "1"), ("ended-month", "6"), ("ended-year", "2024")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = b.get(&w, &format!("/people/{}", p.id)).await;
    assert!(page.body.contains("Ended") && page.body.contains("1 June 2024"));
    let chron = b.get(&w, &format!("/people/{}/chronology?kind=relationship_ended", p.id)).await;
    assert!(chron.body.contains("Relationship with Tom Lee (parent) ended"));
    // The relative's own record shows the child, from their side.
    let theirs = b.get(&w, &format!("/people/{}", dad.id)).await;
    assert!(theirs.body.contains("Amy Lee") && theirs.body.contains("Child"));
    // Someone already recorded is found and chosen, never typed as an id.
    let kay = w.app.create_person(&actor, child("Kay", "Lee")).await.unwrap();
    let find = b.get(&w, &format!("/people/{}/family/new?find=kay+lee", p.id)).await;
    assert_eq!(find.status, StatusCode::OK);
    assert!(find.body.contains(&format!("name=\"existing_id\" type=\"radio\" value=\"{}\"", kay.id)) && find.body.contains("Kay Lee, born 9 March 2015"), "{}", find.body);
    let add = format!("/people/{}/family/new", p.id);
    let res = b.form_post(&w, &add, &add, &[("relationship", "sibling"), ("existing_id", &kay.id.to_string()), ("lives_with", "yes")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(b.get(&w, &format!("/people/{}", p.id)).await.body.contains("Kay Lee"));
    let res = b.form_post(&w, &add, &add, &[("relationship", "family_friend"), ("existing_id", "H-0000-00")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#existing_id\""), "{}", res.body);
    // A sibling cannot hold parental responsibility; the form says so beside the boxes.
    let res = b.form_post(&w, &add, &add, &[("relationship", "sibling"), ("kind", "child"), ("given_name", "Ben"), ("family_name", "Lee"), ("lives_with", "yes"), ("holds_pr", "yes")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("href=\"#holds_pr\"") && res.body.contains("id=\"holds_pr-error\""), "{}", res.body);
    assert!(res.body.contains("id=\"lives_with\" name=\"lives_with\" type=\"checkbox\" value=\"yes\" checked"), "what was ticked is kept");
}

#[tokio::test]
async fn an_auditor_sees_who_looked_at_a_record_and_checks_the_chain() {
    let w = world().await;
    let team = w.app.add_team(None, "A").await.unwrap();
    let u = user(&w, "sam", Role::SocialWorker, Some(team.id)).await;
    user(&w, "eve", Role::SocialWorker, None).await;
    user(&w, "ava", Role::Auditor, None).await;
    let actor = alone(&u);
    let p = w.app.create_person(&actor, child("Amy", "Lee")).await.unwrap();
    let mut sam = Browser::new();
    sam.sign_in(&w, "sam").await;
    sam.get(&w, &format!("/people/{}", p.id)).await;
    let mut eve = Browser::new();
    eve.sign_in(&w, "eve").await;
    assert_eq!(eve.get(&w, &format!("/people/{}", p.id)).await.status, StatusCode::NOT_FOUND);
    let mut ava = Browser::new();
    ava.sign_in(&w, "ava").await;
    // Auditors do not read records themselves.
    assert_eq!(ava.get(&w, &format!("/people/{}", p.id)).await.status, StatusCode::NOT_FOUND);
    let trail = ava.get(&w, &format!("/audit/people/{}", p.id)).await;
    assert_eq!(trail.status, StatusCode::OK);
    assert!(trail.body.contains("sam name (sam)") && trail.body.contains("opened the record"), "actions in words: {}", trail.body);
    assert!(trail.body.contains("Amy Lee, Hearth ID"), "the record is named");
    assert!(trail.body.contains("eve name (eve)") && trail.body.contains("Refused"), "refusals are shown");
    let res = ava.get(&w, "/audit?person=not-an-id").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#person\"") && res.body.contains("<title>Error:"));
    let res = ava.get(&w, &format!("/audit?person={}", p.id)).await;
    assert_eq!(res.location(), format!("/audit/people/{}", p.id));
    let page = ava.get(&w, "/audit").await;
    assert!(!page.body.contains("is intact"), "the check runs only when asked for");
    let page = ava.get(&w, "/audit?verify=1").await;
    assert!(page.body.contains("The audit log is intact"));

    // The log, filtered by who and what, in words, with the record named unless restricted.
    let sam_id = u.id;
    let opened = hearth_domain::audit_words::ACTION_GROUPS.iter().position(|(n, _)| *n == "Opened a record").unwrap();
    let page = ava.get(&w, &format!("/audit?user={sam_id}&action={opened}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("opened the record") && page.body.contains(&format!("href=\"/audit/people/{}\">Amy Lee", p.id)), "{}", page.body);
    assert!(!page.body.contains("eve name (eve)</td>"), "only Sam's entries");
    let today = hearth_app::local_time::uk_local(w.clock.now_for_tests()).date();
    let future = today + Duration::days(2);
    let bad = ava.get(&w, &format!("/audit?from-day={}&from-month={}&from-year={}", future.day(), future.month() as u8, future.year())).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("href=\"#from\"") && bad.body.contains("The first day must be today or in the past"));
    let bad = ava.get(&w, "/audit?user=nobody").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let q = format!("user={sam_id}&from-day={}&from-month={}&from-year={}", today.day(), today.month() as u8, today.year());
    let csv = ava.get(&w, &format!("/audit/export.csv?{q}")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with("sequence,when,who,action,in words,record,person id,outcome,reason\r\n"), "{}", csv.body);
    assert!(csv.body.contains(",person.view,opened the record,Amy Lee,"), "{}", csv.body);
    assert!(!csv.body.contains("eve name"));
    let restricted = ava.get(&w, "/audit").await;
    assert!(restricted.body.contains("searched the audit log") || restricted.body.contains("downloaded the audit log"), "searching the log is itself in the log");
    // Only auditors read the log.
    assert_eq!(sam.get(&w, "/audit/export.csv").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn account_tokens_and_signing_out_everywhere() {
    let w = world().await;
    user(&w, "sam", Role::SocialWorker, None).await;
    let mut phone = Browser::new();
    phone.sign_in(&w, "sam").await;
    let mut laptop = Browser::new();
    laptop.sign_in(&w, "sam").await;
    let res = laptop.form_post(&w, "/account", "/account/tokens", &[("name", "")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = laptop.form_post(&w, "/account", "/account/tokens", &[("name", "Case import script")]).await;
    assert_eq!(res.status, StatusCode::OK);
    let i = res.body.find("id=\"new-token\">").unwrap() + 15;
    let token: String = res.body[i..].chars().take_while(|c| *c != '<').collect();
    assert!(token.starts_with("hearth_"));
    assert!(w.app.api_actor(&token).await.unwrap().is_some());
    let page = laptop.get(&w, "/account").await;
    assert!(page.body.contains("Case import script") && !page.body.contains(&token), "shown once");
    let i = page.body.find("/account/tokens/").unwrap();
    let revoke: String = page.body[i..].chars().take_while(|c| *c != '"').collect();
    assert_eq!(laptop.form_post(&w, "/account", &revoke, &[]).await.status, StatusCode::SEE_OTHER);
    assert!(w.app.api_actor(&token).await.unwrap().is_none(), "revoked");
    let res = laptop.form_post(&w, "/account", "/account/sign-out-everywhere", &[]).await;
    assert_eq!(res.location(), "/sign-in?notice=everywhere");
    assert!(laptop.get(&w, "/sign-in?notice=everywhere").await.body.contains("your API tokens are revoked"));
    assert_eq!(phone.get(&w, "/").await.location(), "/sign-in", "the other device is signed out too");
}

/// An administrator with an authenticator, signed in past the second factor (a wrong code
/// first is refused).
async fn signed_in_administrator(w: &World) -> (hearth_domain::user::UserRecord, Browser) {
    let mut admin = user(w, "root", Role::Administrator, None).await;
    let secret = hearth_app::auth::new_totp_secret();
    admin.totp_secret = Some(secret.clone());
    let mut tx = w.app.store.begin().await.unwrap();
    tx.update_user(&admin).await.unwrap();
    tx.commit().await.unwrap();
    let mut b = Browser::new();
    b.sign_in(w, "root").await;
    let res = b.form_post(w, "/mfa", "/mfa", &[("code", "123456")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let code = hearth_app::auth::totp_code(&secret, w.clock.now_for_tests()).unwrap();
    assert_eq!(b.form_post(w, "/mfa", "/mfa", &[("code", &code)]).await.status, StatusCode::SEE_OTHER);
    (admin, b)
}

#[tokio::test]
async fn administrators_change_role_team_and_manager_and_it_is_audited() {
    let w = world().await;
    let (admin, mut b) = signed_in_administrator(&w).await;
    let team = w.app.add_team(None, "Front door").await.unwrap();
    let tara = staff(&w, "tara", "Tara Manager", Role::TeamManager, Some(team.id), None).await;
    let kim = staff(&w, "kim", "Kim Lee", Role::SocialWorker, None, None).await;
    let page_path = format!("/admin/users/{}", kim.id);
    let list = b.get(&w, "/admin/users").await.body;
    assert!(list.contains(&format!("href=\"{page_path}\"")), "each name opens the account's page");
    let page = b.get(&w, &page_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Change Kim Lee&#39;s role, team or manager"), "{}", page.body);
    assert!(page.body.contains("value=\"social_worker\" selected"), "the current role is chosen");

    let (team_id, tara_id, kim_id) = (team.id.to_string(), tara.id.to_string(), kim.id.to_string());
    let res = b.form_post(&w, &page_path, &page_path, &[("role", "social_worker"), ("team", "not-a-team"), ("manager", &kim_id)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#team\""), "{}", res.body);
    let res = b.form_post(&w, &page_path, &page_path, &[("role", "social_worker"), ("team", &team_id), ("manager", &kim_id)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("cannot be their own line manager"), "{}", res.body);
    // The account changes that were audited: (action, target, reason).
    let changes = || async {
        let mut tx = w.app.store.begin().await.unwrap();
        let log = tx.audit_page(0, 1000).await.unwrap();
        drop(tx);
        log.into_iter().filter(|e| e.draft.action.starts_with("user.change")).map(|e| (e.draft.action, e.draft.target, e.draft.reason)).collect::<Vec<_>>()
    };
    assert!(changes().await.is_empty(), "refused changes change nothing");
    let res = b.form_post(&w, &page_path, &page_path, &[("role", "team_manager"), ("team", &team_id), ("manager", &tara_id)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let reason = "role Social worker → Team manager; team no team → Front door; manager no manager → Tara Manager";
    assert_eq!(changes().await, [("user.change_role".to_string(), Some(kim_id.clone()), Some(reason.to_string()))]);
    let mut tx = w.app.store.begin().await.unwrap();
    let now = tx.user(kim.id).await.unwrap().unwrap();
    drop(tx);
    assert_eq!((now.role, now.team, now.manager), (Role::TeamManager, Some(team.id), Some(tara.id)));
    // Saving without a change writes nothing.
    let res = b.form_post(&w, &page_path, &page_path, &[("role", "team_manager"), ("team", &team_id), ("manager", &tara_id)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(changes().await.len(), 1);

    // Tara cannot be managed by Kim, whom she manages.
    let tara_path = format!("/admin/users/{tara_id}");
    let res = b.form_post(&w, &tara_path, &tara_path, &[("role", "team_manager"), ("team", &team_id), ("manager", &kim_id)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("Kim Lee is managed by Tara Manager"), "{}", res.body);
    // Nobody changes their own role; their team, yes.
    let own = format!("/admin/users/{}", admin.id);
    let res = b.form_post(&w, &own, &own, &[("role", "social_worker")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#role\"") && res.body.contains("ask another administrator"), "{}", res.body);
    let res = b.form_post(&w, &own, &own, &[("role", "administrator"), ("team", &team_id)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(changes().await[1].0, "user.change", "a team change is not a role change");
    // An unknown account is not found.
    let unknown = "/admin/users/0190d4c2-7a1e-7c3b-9f00-2b6a3c1d4e5f";
    assert_eq!(b.get(&w, unknown).await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.form_post(&w, "/admin/users", unknown, &[("role", "social_worker")]).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn administrators_manage_users_and_teams() {
    let w = world().await;
    let (admin, mut b) = signed_in_administrator(&w).await;

    let res = b.form_post(&w, "/admin/users", "/admin/teams", &[("name", "Front door")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let res = b.form_post(&w, "/admin/users", "/admin/teams", &[("name", "front door")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "names are unique");
    let team = w.app.teams().await.unwrap().remove(0);
    let res = b.form_post(&w, "/admin/users/new", "/admin/users/new", &[("display_name", "Kim Lee"), ("username", "kim"), ("role", "")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#role\"") && res.body.contains("value=\"kim\""));
    assert!(!res.body.contains("type=\"password\""), "an administrator never chooses a password");
    let team_id = team.id.to_string();
    let res = b
        .form_post(&w, "/admin/users/new", "/admin/users/new", &[("display_name", "Kim Lee"), ("username", "kim"), ("role", "social_worker"), ("team", &team_id), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let link = setup_link_in(&res.body);
    assert!(link.starts_with("/setup/") && link.len() == 7 + 64, "{link}");
    assert!(!b.get(&w, "/admin/users").await.body.contains(&link[7..]), "the link is shown once");
    // A password sent with the form is ignored: nobody can sign in as Kim yet.
    let mut guess = Browser::new();
    let res = guess.form_post(&w, "/sign-in", "/sign-in", &[("username", "kim"), ("password", PASSWORD)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Kim chooses her own password with the link, once.
    let mut kim = Browser::new();
    let page = kim.get(&w, &link).await;
    assert!(page.status == StatusCode::OK && page.body.contains("Kim Lee"));
    let res = kim.form_post(&w, &link, &link, &[("password", "too short"), ("confirm", "too short")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#password\""));
    let res = kim.form_post(&w, &link, &link, &[("password", PASSWORD), ("confirm", PASSWORD)]).await;
    assert_eq!(res.location(), "/sign-in?notice=setup");
    assert_eq!(kim.get(&w, &link).await.status, StatusCode::NOT_FOUND, "a link works once");
    kim.sign_in(&w, "kim").await;
    let page = b.get(&w, "/admin/users").await;
    assert!(page.body.contains("Kim Lee") && page.body.contains("Front door"));
    let mut tx = w.app.store.begin().await.unwrap();
    let kim_id = tx.user_by_username("kim").await.unwrap().unwrap().id;
    drop(tx);
    let res = b.form_post(&w, "/admin/users", &format!("/admin/users/{kim_id}/active"), &[("active", "no")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(kim.get(&w, "/").await.location(), "/sign-in", "deactivation signs the user out");
    // The list is searched and filtered.
    let found = b.get(&w, "/admin/users?q=KIM").await.body;
    assert!(found.contains("Kim Lee") && !found.contains(">root<") && found.contains("1 of "), "{found}");
    let off = b.get(&w, "/admin/users?status=deactivated").await.body;
    assert!(off.contains("Kim Lee") && off.contains("Deactivated"));
    assert!(!b.get(&w, "/admin/users?status=active").await.body.contains("Kim Lee"));
    assert!(!b.get(&w, "/admin/users?role=administrator").await.body.contains("Kim Lee"));
    assert!(b.get(&w, &format!("/admin/users?team={team_id}&role=social_worker")).await.body.contains("Kim Lee"));
    assert!(!b.get(&w, "/admin/users?team=none").await.body.contains("Kim Lee"));
    let res = b.form_post(&w, "/admin/users", "/admin/users/0190d4c2-7a1e-7c3b-9f00-2b6a3c1d4e5f/reset-mfa", &[]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = b.form_post(&w, "/admin/users", &format!("/admin/users/{}/reset-mfa", admin.id), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(b.get(&w, "/admin/users").await.location().starts_with("/sign-in"), "resetting your own authenticator signs you out");
}

#[tokio::test]
async fn a_manager_restricts_a_record_to_named_people() {
    let w = world().await;
    let team = w.app.add_team(None, "A").await.unwrap();
    let tara = staff(&w, "tara", "Tara", Role::TeamManager, Some(team.id), None).await;
    let sam = staff(&w, "sam", "Sam", Role::SocialWorker, Some(team.id), Some(tara.id)).await;
    let actor = alone(&sam);
    let p = w.app.create_person(&actor, child("Quiet", "Child")).await.unwrap();
    let mut b = Browser::new();
    b.sign_in(&w, "tara").await;
    let path = format!("/people/{}/restrict", p.id);
    let tara_id = tara.id.to_string();
    let res = b.form_post(&w, &path, &path, &[("restricted", "yes"), ("users", &tara_id), ("reason", "")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required");
    let res = b.form_post(&w, &path, &path, &[("restricted", "yes"), ("users", &tara_id), ("reason", "Adoption: sealed on court order")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = b.get(&w, &format!("/people/{}", p.id)).await;
    assert!(page.body.contains("Restricted"));
    // The allocated worker is not on the list: the record is gone for them, search included.
    let mut s = Browser::new();
    s.sign_in(&w, "sam").await;
    assert_eq!(s.get(&w, &format!("/people/{}", p.id)).await.status, StatusCode::NOT_FOUND);
    assert!(!s.get(&w, "/search?q=quiet").await.body.contains(&p.id.to_string()));
    // Nor can emergency access reach it; the answer is the same as for an unknown id.
    let res = s.form_post(&w, "/break-glass", "/break-glass", &[("person_id", &p.id.to_string()), ("reason", "I need to check this child's plan urgently")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("no record with that reference"));
    // A social worker cannot restrict records at all.
    let res = s.get(&w, &format!("/people/{}/restrict", p.id)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_timescales_in_force_explain_themselves() {
    let w = world().await;
    user(&w, "sam", Role::SocialWorker, None).await;
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let page = b.get(&w, "/timescales").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("national"));
    assert!(page.body.contains("Statutory"));
    assert!(page.body.contains("45 working days"), "the national single assessment timescale");
    assert!(page.body.contains("due "), "worked examples from today");

    // With the Bath and North East Somerset layer, its tighter timescales show as its own.
    let national = hearth_domain::policy::Pack::national();
    let local = national.with_layer(hearth_domain::policy::BATH_NE_SOMERSET_PACK).unwrap();
    let config = AppConfig {
        timescales: Arc::new(hearth_app::Timescales { pack: local.clone(), calendar: hearth_domain::calendar::Calendar::shipped() }),
        ..AppConfig::default()
    };
    let app = App::new(w.app.store.clone(), config, w.clock.clone());
    let w2 = World { router: hearth_web::router(app.clone(), hearth_web::WebConfig::default()), app, clock: w.clock.clone(), db: std::env::temp_dir().join("unused-timescales.db") };
    let mut b = Browser::new();
    b.sign_in(&w2, "sam").await;
    let page = b.get(&w2, "/timescales").await;
    assert!(page.body.contains(&local.name), "{}", local.name);
    assert!(page.body.contains("10 working days"), "the initial assessment of seed 001");
}

#[tokio::test]
async fn managers_see_their_workers_caseloads_against_the_pack() {
    let w = world().await;
    let team = w.app.add_team(None, "Front door").await.unwrap();
    let tara = staff(&w, "tara", "Tara", Role::TeamManager, Some(team.id), None).await;
    let sam = staff(&w, "sam", "Sam Worker", Role::SocialWorker, Some(team.id), Some(tara.id)).await;
    let actor = alone(&sam);
    for i in 0..3 {
        w.app.create_person(&actor, child("Kid", &format!("Number{i}"))).await.unwrap();
    }
    let mut b = Browser::new();
    b.sign_in(&w, "tara").await;
    let page = b.get(&w, "/caseloads").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Sam Worker"));
    assert!(page.body.contains(">3<"), "three children");
    // The national pack sets no caseload threshold; no judgement is shown.
    assert!(!page.body.contains("Under"));
    // The count opens the worker's children.
    let theirs = format!("/caseloads/{}", sam.id);
    assert!(page.body.contains(&format!("href=\"{theirs}\"")));
    let list = b.get(&w, &theirs).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Children allocated to Sam Worker") && list.body.matches("Kid Number").count() == 3, "{}", list.body);
    assert_eq!(b.get(&w, &format!("/caseloads/{}", tara.id)).await.status, StatusCode::NOT_FOUND, "only the people one manages");
    let mut s = Browser::new();
    s.sign_in(&w, "sam").await;
    assert_eq!(s.get(&w, "/caseloads").await.status, StatusCode::FORBIDDEN);
    assert_eq!(s.get(&w, &theirs).await.status, StatusCode::FORBIDDEN);
    // Under the Bath and North East Somerset pack (20 to 25), three is under.
    let local = hearth_domain::policy::Pack::national().with_layer(hearth_domain::policy::BATH_NE_SOMERSET_PACK).unwrap();
    let config = AppConfig {
        timescales: Arc::new(hearth_app::Timescales { pack: local, calendar: hearth_domain::calendar::Calendar::shipped() }),
        ..AppConfig::default()
    };
    let app = App::new(w.app.store.clone(), config, w.clock.clone());
    let loads = app.caseloads(&hearth_app::Actor { subject: hearth_domain::access::Subject::from_users(&tara, &[tara.clone(), sam.clone()]), user: tara.clone() }).await.unwrap();
    assert_eq!(loads.rows.len(), 1);
    assert_eq!(loads.rows[0].status, Some(hearth_domain::front_door::allocation::CaseloadLevel::Under));
    assert_eq!((loads.min, loads.max), (Some(20), Some(25)));
}

#[tokio::test]
async fn a_manager_transfers_a_case_and_access_follows_with_history_kept() {
    let w = world().await;
    let (front, cp) = (w.app.add_team(None, "Front door").await.unwrap(), w.app.add_team(None, "Child protection").await.unwrap());
    let tara = staff(&w, "tara", "Tara", Role::ServiceManager, None, None).await;
    let mk = |name: &str, team: hearth_domain::TeamId| NewUser { username: name.into(), display_name: format!("{name} name"), role: Role::SocialWorker, team: Some(team), manager: Some(tara.id), password: PASSWORD.into() };
    let sam = w.app.add_user(mk("sam", front.id)).await.unwrap();
    let kim = w.app.add_user(mk("kim", cp.id)).await.unwrap();
    let actor = alone(&sam);
    let p = w.app.create_person(&actor, child("Moving", "Case")).await.unwrap();
    let mut b = Browser::new();
    b.sign_in(&w, "tara").await;
    let path = format!("/people/{}/allocation", p.id);
    let page = b.get(&w, &path).await;
    assert!(page.body.contains("Allocated when the record was created"));
    // Workers are offered under their teams with what they hold now.
    assert!(page.body.contains("<optgroup label=\"Child protection\">") && page.body.contains("kim name: 0 children"), "{}", page.body);
    assert!(page.body.contains("sam name: 1 child<"), "Sam holds this child");
    let today = hearth_app::local_time::uk_local(w.clock.now_for_tests()).date();
    let (d, m, y) = (today.day().to_string(), (today.month() as u8).to_string(), today.year().to_string());
    let (cp_id, kim_id, sam_id) = (cp.id.to_string(), kim.id.to_string(), sam.id.to_string());
    // Sam is not in the child protection team.
    let res = b.form_post(&w, &path, &path, &[("team", &cp_id), ("worker", &sam_id), ("from-day", &d), ("from-month", &m), ("from-year", &y)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#worker\""));
    // The same day as the record's creation is not a transfer.
    let res = b.form_post(&w, &path, &path, &[("team", &cp_id), ("worker", &kim_id), ("from-day", &d), ("from-month", &m), ("from-year", &y)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "must start after the current allocation started");
    w.clock.advance(Duration::days(3));
    let today = hearth_app::local_time::uk_local(w.clock.now_for_tests()).date();
    let (d, m, y) = (today.day().to_string(), (today.month() as u8).to_string(), today.year().to_string());
    b.sign_in(&w, "tara").await;
    let res = b
        .form_post(&w, &path, &path, &[("team", &cp_id), ("worker", &kim_id), ("from-day", &d), ("from-month", &m), ("from-year", &y), ("reason", "Child protection plan made")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = b.get(&w, &path).await;
    assert!(page.body.contains("kim name") && page.body.contains("sam name") && page.body.contains("Child protection plan made"));
    let mut kim_b = Browser::new();
    kim_b.sign_in(&w, "kim").await;
    assert_eq!(kim_b.get(&w, &format!("/people/{}", p.id)).await.status, StatusCode::OK, "the new worker sees the record");
    let mut sam_b = Browser::new();
    sam_b.sign_in(&w, "sam").await;
    assert_eq!(sam_b.get(&w, &format!("/people/{}", p.id)).await.status, StatusCode::NOT_FOUND, "the old worker no longer does");
    assert_eq!(sam_b.get(&w, &path).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_transfer_dated_ahead_moves_access_on_its_day_and_can_be_called_off() {
    let w = world().await;
    let (front, cp) = (w.app.add_team(None, "Front door").await.unwrap(), w.app.add_team(None, "Child protection").await.unwrap());
    let tara = staff(&w, "tara", "Tara", Role::ServiceManager, None, None).await;
    let mk = |name: &str, team: hearth_domain::TeamId| NewUser { username: name.into(), display_name: format!("{name} name"), role: Role::SocialWorker, team: Some(team), manager: Some(tara.id), password: PASSWORD.into() };
    let sam = w.app.add_user(mk("sam", front.id)).await.unwrap();
    let kim = w.app.add_user(mk("kim", cp.id)).await.unwrap();
    let p = w.app.create_person(&alone(&sam), child("Moving", "Later")).await.unwrap();
    let record = format!("/people/{}", p.id);
    let path = format!("{record}/allocation");
    let mut b = Browser::new();
    b.sign_in(&w, "tara").await;
    let (cp_id, kim_id) = (cp.id.to_string(), kim.id.to_string());
    let fields = |days: i64| {
        let d = hearth_app::local_time::uk_local(w.clock.now_for_tests()).date() + Duration::days(days);
        let date = [("from-day", d.day().to_string()), ("from-month", (d.month() as u8).to_string()), ("from-year", d.year().to_string())];
        let mut f = vec![("team".to_string(), cp_id.clone()), ("worker".to_string(), kim_id.clone())];
        f.extend(date.into_iter().map(|(k, v)| (k.to_string(), v)));
        f
    };
    let res = post_pairs(&mut b, &w, &path, fields(100)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("up to three months ahead"), "{}", res.body);
    let res = post_pairs(&mut b, &w, &path, fields(7)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(res.location().ends_with("saved=transfer_planned"));
    let page = b.get(&w, &path).await.body;
    assert!(page.contains("Transfer planned") && page.contains("(planned)") && page.contains("Call off the planned transfer"), "{page}");
    let res = post_pairs(&mut b, &w, &path, fields(10)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "one planned transfer at a time");
    assert!(res.body.contains("call it off"), "{}", res.body);
    let mut kim_b = Browser::new();
    kim_b.sign_in(&w, "kim").await;
    let mut sam_b = Browser::new();
    sam_b.sign_in(&w, "sam").await;
    assert_eq!(kim_b.get(&w, &record).await.status, StatusCode::NOT_FOUND, "not Kim's yet");
    assert_eq!(sam_b.get(&w, &record).await.status, StatusCode::OK, "still Sam's");
    // Called off, then planned again.
    let res = b.form_post(&w, &path, &format!("{path}/cancel"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!b.get(&w, &path).await.body.contains("Transfer planned"));
    let res = b.form_post(&w, &path, &format!("{path}/cancel"), &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "nothing to call off");
    assert_eq!(post_pairs(&mut b, &w, &path, fields(7)).await.status, StatusCode::SEE_OTHER);
    // Housekeeping before the day changes nothing; on the day, access moves.
    w.clock.advance(Duration::days(6));
    assert_eq!(w.app.housekeeping().await.unwrap().unwrap().allocations, 0);
    w.clock.advance(Duration::days(1));
    assert_eq!(w.app.housekeeping().await.unwrap().unwrap().allocations, 1);
    kim_b.sign_in(&w, "kim").await;
    sam_b.sign_in(&w, "sam").await;
    assert_eq!(kim_b.get(&w, &record).await.status, StatusCode::OK, "Kim's now");
    assert_eq!(sam_b.get(&w, &record).await.status, StatusCode::NOT_FOUND, "no longer Sam's");
    b.sign_in(&w, "tara").await;
    let page = b.get(&w, &path).await.body;
    assert!(!page.contains("Transfer planned") && page.contains("(current)"), "{page}");
    let mut tx = w.app.store.begin().await.unwrap();
    let log = tx.audit_page(0, 1000).await.unwrap();
    drop(tx);
    // Each change once (the record's opening for it is logged under the request's action).
    let mut actions: Vec<&str> = log.iter().map(|e| e.draft.action.as_str()).filter(|a| ["allocation.plan", "allocation.cancel", "allocation.apply"].contains(a)).collect();
    actions.dedup();
    assert_eq!(actions, ["allocation.plan", "allocation.cancel", "allocation.plan", "allocation.apply"]);
}

/// A world under the Bath and North East Somerset pack (2 qualified social workers a session).
async fn rota_world() -> World {
    let db = std::env::temp_dir().join(format!("hearth-web-{}.db", uuid::Uuid::new_v4()));
    let store = SqlStore::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    store.migrate().await.unwrap();
    let clock = Arc::new(TestClock::new(OffsetDateTime::now_utc()));
    let store: Arc<dyn Store> = Arc::new(store);
    let local = hearth_domain::policy::Pack::national().with_layer(hearth_domain::policy::BATH_NE_SOMERSET_PACK).unwrap();
    let config = AppConfig {
        timescales: Arc::new(hearth_app::Timescales { pack: local, calendar: hearth_domain::calendar::Calendar::shipped() }),
        ..AppConfig::default()
    };
    let app = App::new(store, config, clock.clone());
    let cfg = hearth_web::WebConfig { max_body_bytes: 64 * 1024, ..Default::default() };
    World { router: hearth_web::router(app.clone(), cfg), app, clock, db }
}

#[tokio::test]
async fn a_manager_puts_qualified_workers_on_the_duty_rota_and_the_warning_goes() {
    const WARNING: &str = "Under the minimum of 2 qualified social workers";
    let w = rota_world().await;
    let front = w.app.add_team(None, "Front door").await.unwrap();
    let cp = w.app.add_team(None, "Child protection").await.unwrap();
    user(&w, "tara", Role::TeamManager, Some(front.id)).await;
    let sam = user(&w, "sam", Role::SocialWorker, Some(front.id)).await;
    let ria = user(&w, "ria", Role::SocialWorker, Some(front.id)).await;
    let olu = user(&w, "olu", Role::SocialWorker, Some(cp.id)).await;
    let cal = hearth_domain::calendar::Calendar::shipped();
    let today = w.app.today();
    let mut day = today + Duration::days(1);
    while !cal.is_working_day(day) {
        day += Duration::days(1);
    }
    let mut saturday = today + Duration::days(1);
    while saturday.weekday() != time::Weekday::Saturday {
        saturday += Duration::days(1);
    }
    let (day, saturday, yesterday) = (day.to_string(), saturday.to_string(), (today - Duration::days(1)).to_string());
    let team = front.id.to_string();

    let mut b = Browser::new();
    b.sign_in(&w, "tara").await;
    let page = b.get(&w, "/rota").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Duty rota: Front door"));
    assert!(page.body.contains("href=\"/rota\""), "the nav links the rota");
    let before = page.body.matches(WARNING).count();
    assert!(before >= 18, "every session of two weeks starts under the minimum ({before})");

    assert!(page.body.contains("<option value=\"\">Choose a worker</option>"), "no one is chosen for the manager");
    let none = b.form_post(&w, "/rota", "/rota/add", &[("team", &team), ("date", &day), ("half", "am"), ("worker", "")]).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.body.contains(&format!("href=\"#worker-{day}-am\"")) && none.body.contains("<title>Error:"), "{}", none.body);
    let mut last = String::new();
    for worker in [&sam, &ria] {
        let res = b.form_post(&w, "/rota", "/rota/add", &[("team", &team), ("date", &day), ("half", "am"), ("worker", &worker.id.to_string())]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert!(res.location().starts_with("/rota?team="), "{}", res.location());
        last = res.location().to_string();
    }
    let page = b.get(&w, &last).await;
    assert!(page.body.contains("ria name added to ") && page.body.contains(", morning"), "says who was added to which session: {}", page.body);
    assert!(page.body.contains("sam name") && page.body.contains("ria name"));
    assert_eq!(page.body.matches(WARNING).count(), before - 1, "the covered session no longer warns");

    // Bad input re-renders the page with an error summary.
    let weekend = b.form_post(&w, "/rota", "/rota/add", &[("team", &team), ("date", &saturday), ("half", "pm"), ("worker", &sam.id.to_string())]).await;
    assert_eq!(weekend.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weekend.body.contains("govuk-error-summary") && weekend.body.contains("must be a working day"), "{}", weekend.body);
    let past = b.form_post(&w, "/rota", "/rota/add", &[("team", &team), ("date", &yesterday), ("half", "am"), ("worker", &sam.id.to_string())]).await;
    assert_eq!(past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(past.body.contains("govuk-error-summary") && past.body.contains("today or in the future"));
    let other = b.form_post(&w, "/rota", "/rota/add", &[("team", &team), ("date", &day), ("half", "pm"), ("worker", &olu.id.to_string())]).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(other.body.contains("govuk-error-summary") && other.body.contains("Choose a worker in this team"));
    assert!(other.body.contains(&format!("href=\"#worker-{day}-pm\"")), "the error links to the session's select");

    // Taking one off brings the warning back.
    let res = b.form_post(&w, "/rota", "/rota/remove", &[("team", &team), ("date", &day), ("half", "am"), ("worker", &ria.id.to_string())]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(b.get(&w, "/rota").await.body.matches(WARNING).count(), before);

    // A social worker sees the rota but cannot change it; another team's rota is not theirs.
    let mut s = Browser::new();
    s.sign_in(&w, "sam").await;
    let page = s.get(&w, "/rota").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("sam name") && !page.body.contains("action=\"/rota/add\""));
    let res = s.form_post(&w, "/rota", "/rota/add", &[("team", &team), ("date", &day), ("half", "pm"), ("worker", &sam.id.to_string())]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(s.get(&w, &format!("/rota?team={}", cp.id)).await.status, StatusCode::FORBIDDEN);

    // Every change and refusal is in the audit log.
    let mut tx = w.app.store.begin().await.unwrap();
    let log = tx.audit_page(0, 1000).await.unwrap();
    let count = |action: &str, outcome: hearth_domain::audit::Outcome| log.iter().filter(|e| e.draft.action == action && e.draft.outcome == outcome).count();
    assert_eq!(count("rota.add", hearth_domain::audit::Outcome::Allowed), 2);
    assert_eq!(count("rota.remove", hearth_domain::audit::Outcome::Allowed), 1);
    assert_eq!(count("rota.add", hearth_domain::audit::Outcome::Denied), 1);
    assert!(count("rota.view", hearth_domain::audit::Outcome::Allowed) >= 4);
    let added = log.iter().find(|e| e.draft.action == "rota.add").unwrap();
    assert!(added.draft.target.as_deref().unwrap().contains(&sam.id.to_string()));
}

#[tokio::test]
async fn the_home_page_lists_the_workers_own_cases() {
    let w = world().await;
    let team = w.app.add_team(None, "A").await.unwrap();
    let sam = user(&w, "sam", Role::SocialWorker, Some(team.id)).await;
    user(&w, "kim", Role::SocialWorker, Some(team.id)).await;
    let actor = alone(&sam);
    let p = w.app.create_person(&actor, child("Own", "Case")).await.unwrap();
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let home = b.get(&w, "/").await;
    assert!(home.body.contains("Your cases (1)") && home.body.contains(&format!("/people/{}", p.id)));
    let mut k = Browser::new();
    k.sign_in(&w, "kim").await;
    assert!(!k.get(&w, "/").await.body.contains("Your cases"), "a team-mate's cases are not theirs");
}

/// Moves the world's clock to `at`.
/// A police contact about `kid` received at `received`, decided an hour later by `manager`
/// (with `worker` below them): the referral (or referrals) it makes.
fn date_fields<'a>(name: &str, d: &'a (String, String, String)) -> Vec<(String, &'a str)> {
    vec![(format!("{name}-day"), d.0.as_str()), (format!("{name}-month"), d.1.as_str()), (format!("{name}-year"), d.2.as_str())]
}

fn dmy(d: time::Date) -> (String, String, String) {
    (d.day().to_string(), (d.month() as u8).to_string(), d.year().to_string())
}

async fn post_fields(b: &mut Browser, w: &World, page: &str, path: &str, fields: Vec<(String, &str)>) -> Res {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    b.form_post(w, page, path, &refs).await
}

/// The issue's journey through the pages: contact → decision → referral → assessment →
/// submitted → returned → resubmitted → authorised, with the deadlines shown and both work
/// trays, and the bad input of each step refused with an error summary.
#[tokio::test]
async fn the_front_door_from_contact_to_authorised_assessment() {
    use time::macros::{date, datetime};
    let w = world().await;
    let team = w.app.add_team(None, "Front door").await.unwrap();
    let tara = staff(&w, "tara", "Tara Manager", Role::TeamManager, Some(team.id), None).await;
    let sam = staff(&w, "sam", "Sam Worker", Role::SocialWorker, Some(team.id), Some(tara.id)).await;
    set_clock(&w, datetime!(2023-12-22 15:30 UTC));
    let kid = w.app.create_person(&alone(&sam), child("Ava", "Frontdoor")).await.unwrap();
    let mut s = Browser::new();
    s.sign_in(&w, "sam").await;
    let new = format!("/people/{}/contacts/new", kid.id);
    let received = dmy(date!(2023 - 12 - 22));

    // Everything missing at once.
    let res = b_post(&mut s, &w, &new, vec![]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in ["#source", "#consent", "#referrer_name", "#reason"] {
        assert!(res.body.contains(&format!("href=\"{f}\"")), "{f}");
    }
    let mut fields = date_fields("received", &received);
    fields.extend([
        ("received_time".to_string(), "15:30"),
        ("source".to_string(), "2A"),
        ("referrer_name".to_string(), "A Teacher"),
        ("referrer_agency".to_string(), "Widcombe Primary"),
        ("reason".to_string(), "Bruising on the arm; Ava said her dad did it."),
        ("consent".to_string(), "not_required"),
        ("consent_reason".to_string(), "Asking would put Ava at risk of significant harm"),
    ]);
    let res = post_fields(&mut s, &w, &new, &new, fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let contact = res.location().split('?').next().unwrap().to_string();
    let page = s.get(&w, &contact).await;
    assert!(
        page.body.contains("due Wed 27 Dec 2023 — 1 working day after the contact on Fri 22 Dec (25 and 26 Dec are bank holidays)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Waiting for a manager&#39;s decision") || page.body.contains("Waiting for a manager's decision"));
    // A worker cannot decide.
    let res = s.form_post(&w, &contact, &format!("{contact}/decision"), &[("decision", "referral")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // The manager sees it waiting in the team's tray, and decides after Christmas.
    let mut t = Browser::new();
    t.sign_in(&w, "tara").await;
    let team_work = t.get(&w, "/work/team").await;
    assert!(team_work.body.contains("Decide on the contact") && team_work.body.contains("Ava Frontdoor"), "{}", team_work.body);
    set_clock(&w, datetime!(2023-12-27 11:00 UTC));
    t.sign_in(&w, "tara").await;
    let decision = format!("{contact}/decision");
    let v = version(&t.get(&w, &contact).await.body);
    let mut early = date_fields("decided", &received);
    early.extend([("version".to_string(), v.as_str()), ("decided_time".to_string(), "15:00"), ("decision".to_string(), "referral"), ("rationale".to_string(), "Threshold met")]);
    let res = post_fields(&mut t, &w, &contact, &decision, early).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("on or after the date and time the contact was received"), "{}", res.body);
    let today = dmy(date!(2023 - 12 - 27));
    let mut ok = date_fields("decided", &today);
    ok.extend([("version".to_string(), v.as_str()), ("decided_time".to_string(), "11:00"), ("decision".to_string(), "referral"), ("rationale".to_string(), "Threshold met: disclosure of physical harm")]);
    let res = post_fields(&mut t, &w, &contact, &decision, ok).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let referral = res.location().split('?').next().unwrap().to_string();
    assert!(referral.starts_with("/referrals/"));
    let page = t.get(&w, &contact).await;
    assert!(page.body.contains(">Done<"), "the decision task is closed");

    // The referral's deadline: 45 working days from 27 Dec 2023.
    let due = hearth_domain::calendar::Calendar::shipped().add_working_days(date!(2023 - 12 - 27), 45).unwrap().date;
    s.sign_in(&w, "sam").await;
    let page = s.get(&w, &referral).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&hearth_domain::history::long_date(&due)), "{}", page.body);
    assert!(page.body.contains("45 working days after the referral"), "{}", page.body);
    let work = s.get(&w, "/work").await;
    assert!(work.body.contains("Complete the assessment") && work.body.contains(&referral), "{}", work.body);
    let home = s.get(&w, "/").await;
    assert!(home.body.contains("href=\"/work\""));

    // Start the assessment, record the child seen (not in the future), factors and outcome.
    set_clock(&w, datetime!(2023-12-28 10:00 UTC));
    s.sign_in(&w, "sam").await;
    t.sign_in(&w, "tara").await;
    let start = dmy(date!(2023 - 12 - 28));
    let res = post_fields(&mut s, &w, &referral, &format!("{referral}/assessment"), date_fields("start_date", &start)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let assessment = res.location().split('?').next().unwrap().to_string();
    let seen = format!("{assessment}/edit/seen");
    let future = dmy(date!(2024 - 01 - 05));
    let mut f = date_fields("start_date", &start);
    f.extend(date_fields("new_seen", &future));
    let res = post_fields(&mut s, &w, &seen, &seen, f).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#child_seen\""), "{}", res.body);
    let mut f = date_fields("start_date", &start);
    f.extend(date_fields("new_seen", &start));
    f.push(("new_seen_alone".into(), "yes"));
    assert_eq!(post_versioned(&mut s, &w, &seen, f).await.status, StatusCode::SEE_OTHER);
    let factors = format!("{assessment}/edit/factors");
    assert_eq!(post_versioned(&mut s, &w, &factors, vec![("factors".into(), "3A")]).await.status, StatusCode::SEE_OTHER);
    let outcome = format!("{assessment}/edit/outcome");
    let res = s.form_post(&w, &outcome, &outcome, &[]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(post_versioned(&mut s, &w, &outcome, vec![("outcome".into(), "cin_plan")]).await.status, StatusCode::SEE_OTHER);
    // The substance and, for further action, the primary need stand between it and a manager.
    let page = s.get(&w, &assessment).await;
    for missing in ["Enter the child&#39;s lived experience and voice", "Enter the analysis", "Select the child&#39;s primary need"] {
        assert!(page.body.contains(missing), "{missing}: {}", page.body);
    }
    assert!(!page.body.contains("Send for authorisation</button>"));
    let long = "x".repeat(50_001);
    let child = format!("{assessment}/edit/child");
    let res = post_fields(&mut s, &w, &child, &child, vec![("child_voice".into(), long.as_str())]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#child_voice\""), "{}", res.body);
    let voice = "Kai said he likes school and is scared when mum and dad shout.";
    assert_eq!(post_versioned(&mut s, &w, &child, vec![("child_voice".into(), voice)]).await.status, StatusCode::SEE_OTHER);
    let parents = format!("{assessment}/edit/parents");
    assert_eq!(post_versioned(&mut s, &w, &parents, vec![("parents_views".into(), "Mum wants help; dad declined to meet.")]).await.status, StatusCode::SEE_OTHER);
    let analysis = format!("{assessment}/edit/analysis");
    let fields = vec![("analysis".into(), "Conflict at home is frightening Kai."), ("recommendation".into(), "A child in need plan.")];
    assert_eq!(post_versioned(&mut s, &w, &analysis, fields).await.status, StatusCode::SEE_OTHER);
    let res = post_fields(&mut s, &w, &outcome, &outcome, vec![("outcome".into(), "cin_plan"), ("primary_need".into(), "N99")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown need code is refused");
    let form = s.get(&w, &outcome).await;
    assert!(form.body.contains("The child&#39;s primary need (CIN census code)"), "{}", form.body);
    assert_eq!(post_versioned(&mut s, &w, &outcome, vec![("outcome".into(), "cin_plan"), ("primary_need".into(), "N2")]).await.status, StatusCode::SEE_OTHER);
    let page = s.get(&w, &assessment).await;
    assert!(page.body.contains("Send for authorisation"), "{}", page.body);
    let v = version(&page.body);
    let res = s.form_post(&w, &assessment, &format!("{assessment}/submit"), &[("version", &v)]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // The manager sees it awaiting authorisation, returns it, then authorises it.
    let team_work = t.get(&w, "/work/team").await;
    assert!(team_work.body.contains("1 awaiting authorisation, soonest due first"), "{}", team_work.body);
    assert!(team_work.body.contains("Authorise the assessment"));
    assert!(team_work.body.contains("Sent by Sam Worker on "), "who sent it and when: {}", team_work.body);
    // The worker's assessment task is with the manager meanwhile, not overdue for them.
    let work = s.get(&w, "/work").await;
    assert!(work.body.contains("With someone else (1)") && work.body.contains("govuk-tag--grey\">With Tara Manager since "), "{}", work.body);
    assert!(work.body.contains(&format!("href=\"/people/{}\"", kid.id)), "the child's name links to the record");
    let page = t.get(&w, &assessment).await;
    let v = version(&page.body);
    let res = t.form_post(&w, &assessment, &format!("{assessment}/return"), &[("version", &v), ("comment", " ")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = t.form_post(&w, &assessment, &format!("{assessment}/return"), &[("version", &v), ("comment", "Add the school's view")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(t.get(&w, "/work/team").await.body.contains("No assessments are waiting for a manager."), "the authorisation task closed");
    assert!(!s.get(&w, "/work").await.body.contains("With someone else"), "back with the worker");
    let page = s.get(&w, &assessment).await;
    assert!(page.body.contains("Add the school&#39;s view") || page.body.contains("Add the school's view"), "{}", page.body);
    let v = version(&page.body);
    assert_eq!(s.form_post(&w, &assessment, &format!("{assessment}/submit"), &[("version", &v)]).await.status, StatusCode::SEE_OTHER);
    // A stale version is refused without change.
    let res = t.form_post(&w, &assessment, &format!("{assessment}/authorise"), &[("version", &v)]).await;
    assert!(matches!(res.status, StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY), "{}", res.status);
    let page = t.get(&w, &assessment).await;
    let v = version(&page.body);
    let mut f: Vec<(String, &str)> = date_fields("authorised_on", &start);
    f.push(("version".into(), &v));
    let res = post_fields(&mut t, &w, &assessment, &format!("{assessment}/authorise"), f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = t.get(&w, &assessment).await;
    assert!(page.body.contains(">Authorised<"), "{}", page.body);
    assert!(page.body.contains(voice) && page.body.contains("A child in need plan."), "the manager reads the substance");
    assert!(page.body.contains("What happens next") && page.body.contains("/cin-plan\">Start the child in need plan</a>"), "{}", page.body);
    assert!(s.get(&w, &referral).await.body.contains("N2 Child&#39;s disability or illness"), "the need became the referral's");
    assert!(page.body.contains("Sent for authorisation again") && page.body.contains("Returned for changes"), "the sign-off history");
    assert!(!page.body.contains("Authorise the assessment</button>"));
    let work = s.get(&w, "/work").await;
    assert!(!work.body.contains("Complete the assessment"), "{}", work.body);
    assert!(t.get(&w, "/work/team").await.body.contains("No assessments are waiting for a manager."));
    // The record lists the referral and the assessment.
    let record = s.get(&w, &format!("/people/{}", kid.id)).await;
    assert!(record.body.contains(&referral) && record.body.contains("Authorised"), "{}", record.body);
}

/// The optimistic-concurrency version in a page's form.
fn version(body: &str) -> String {
    let i = body.find("name=\"version\" value=\"").expect("a version field") + 22;
    body[i..].split('"').next().unwrap().to_string()
}

/// Posts a form of `page` with the version the page shows, as a browser would.
async fn post_versioned(b: &mut Browser, w: &World, page: &str, fields: Vec<(String, &str)>) -> Res {
    let v = version(&b.get(w, page).await.body);
    let mut f: Vec<(String, &str)> = fields.iter().map(|(k, x)| (k.clone(), *x)).collect();
    f.push(("version".into(), v.as_str()));
    post_fields(b, w, page, page, f).await
}

async fn b_post(b: &mut Browser, w: &World, path: &str, fields: Vec<(String, &str)>) -> Res {
    post_fields(b, w, path, path, fields).await
}

#[tokio::test]
async fn front_door_pages_are_not_found_without_access_and_forbidden_by_role() {
    let w = world().await;
    let (a, b) = (w.app.add_team(None, "A").await.unwrap(), w.app.add_team(None, "B").await.unwrap());
    let sam = staff(&w, "sam", "Sam", Role::SocialWorker, Some(a.id), None).await;
    staff(&w, "kim", "Kim", Role::SocialWorker, Some(b.id), None).await;
    user(&w, "ava", Role::Auditor, None).await;
    let kid = w.app.create_person(&alone(&sam), child("Hidden", "Child")).await.unwrap();
    let mut k = Browser::new();
    k.sign_in(&w, "kim").await;
    assert_eq!(k.get(&w, &format!("/people/{}/contacts/new", kid.id)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(k.get(&w, "/contacts/not-an-id").await.status, StatusCode::NOT_FOUND);
    assert_eq!(k.get(&w, &format!("/referrals/{}", uuid::Uuid::now_v7())).await.status, StatusCode::NOT_FOUND);
    assert_eq!(k.get(&w, &format!("/assessments/{}/edit/nonsense", uuid::Uuid::now_v7())).await.status, StatusCode::NOT_FOUND);
    assert_eq!(k.get(&w, "/work/team").await.status, StatusCode::FORBIDDEN);
    assert_eq!(k.get(&w, "/work").await.status, StatusCode::OK);
    let mut au = Browser::new();
    au.sign_in(&w, "ava").await;
    assert_eq!(au.get(&w, "/work/team").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_new_pack_moves_stored_deadlines_only_when_recalculated() {
    use hearth_domain::front_door::codes::{ReferralSource, ScreeningDecision};
    use hearth_domain::front_door::contact::{Consent, Referrer};
    use hearth_domain::front_door::tasks::{TaskKind, TaskSubject};
    use time::macros::{date, datetime};
    let w = world().await;
    let team = w.app.add_team(None, "Front door").await.unwrap();
    let tara = staff(&w, "tara", "Tara", Role::TeamManager, Some(team.id), None).await;
    let sam = staff(&w, "sam", "Sam", Role::SocialWorker, Some(team.id), Some(tara.id)).await;
    let (sam_a, tara_a) = (alone(&sam), hearth_app::Actor { subject: hearth_domain::access::Subject::from_users(&tara, &[tara.clone(), sam.clone()]), user: tara.clone() });
    set_clock(&w, datetime!(2023-12-22 15:30 UTC));
    let kid = w.app.create_person(&sam_a, child("Pack", "Change")).await.unwrap();
    let new = hearth_app::NewContact {
        received_at: datetime!(2023-12-22 15:30 UTC),
        source: ReferralSource::Police,
        referrer: Referrer { name: "PC Smith".into(), ..Referrer::default() },
        reason: "Domestic abuse incident; child present".into(),
        consent: Consent::Given,
        children: vec![kid.id],
        family_members: vec![],
    };
    let contact = w.app.record_contact(&sam_a, new).await.unwrap();
    set_clock(&w, datetime!(2023-12-27 11:00 UTC));
    let decision = hearth_app::NewDecision { decision: ScreeningDecision::Referral, decided_at: datetime!(2023-12-27 10:00 UTC), rationale: "Threshold met".into() };
    let referral = w.app.decide_contact(&tara_a, contact, 1, decision).await.unwrap()[0];
    let single = |tasks: &[hearth_domain::front_door::tasks::Task]| tasks.iter().find(|t| t.kind == TaskKind::SingleAssessment).cloned().unwrap();
    let before = single(&w.app.referral_page(&sam_a, referral).await.unwrap().tasks);
    let cal = hearth_domain::calendar::Calendar::shipped();
    assert_eq!((before.due, before.pack.as_str()), (cal.add_working_days(date!(2023 - 12 - 27), 45).unwrap().date, "national"));

    // A local layer tightens the assessment to 40 working days.
    let layer = "name = \"tighter\"\nversion = \"2027.1\"\nextends = \"national\"\n\n[timescale.single_assessment]\ntitle = \"Assessment completed\"\nfrom = \"referral\"\nwithin = \"40 working days\"\nsource = \"Test\"\n";
    let pack = hearth_domain::policy::Pack::national().with_layer(layer).unwrap();
    let config = AppConfig { timescales: Arc::new(hearth_app::Timescales { pack, calendar: cal.clone() }), ..AppConfig::default() };
    let app = App::new(w.app.store.clone(), config, w.clock.clone());
    assert_eq!(single(&app.referral_page(&sam_a, referral).await.unwrap().tasks), before, "not moved silently");
    let would = app.recalculate_deadlines(false).await.unwrap();
    assert_eq!(would.len(), 1, "{would:?}");
    let expected = cal.add_working_days(date!(2023 - 12 - 27), 40).unwrap().date;
    assert_eq!((would[0].task.id, would[0].task.due, would[0].old_due), (before.id, expected, before.due));
    assert_eq!(single(&app.referral_page(&sam_a, referral).await.unwrap().tasks), before, "a dry run changes nothing");
    let audit_before = head(&w).await;
    assert_eq!(app.recalculate_deadlines(true).await.unwrap().len(), 1);
    let after = single(&app.referral_page(&sam_a, referral).await.unwrap().tasks);
    assert_eq!((after.due, after.pack.as_str(), after.pack_version.as_str()), (expected, "tighter", "2027.1"));
    assert!(after.explanation.contains("40 working days"), "{}", after.explanation);
    assert!(head(&w).await > audit_before, "the move is audited");
    assert!(app.recalculate_deadlines(true).await.unwrap().is_empty(), "nothing left to move");
    // The closed screening task is history: never recalculated.
    let mut tx = w.app.store.begin().await.unwrap();
    assert!(!tx.tasks_of(TaskSubject::Contact(contact)).await.unwrap()[0].is_open());
}

/// The episode's pages: a strategy discussion through its form (refused empty, with the
/// errors of a half-filled participant row on the row the user filled), the enquiry from it,
/// the deadline shown, oversight for managers only, the dashboard for managers only, a
/// stale form refused, and nothing shown to another team.
#[tokio::test]
async fn the_episode_pages_record_steps_and_refuse_bad_input() {
    use hearth_domain::front_door::codes::ScreeningDecision;
    use time::macros::{date, datetime};
    let w = world().await;
    let team = w.app.add_team(None, "Front door").await.unwrap();
    let other = w.app.add_team(None, "Elsewhere").await.unwrap();
    let tara = staff(&w, "tara", "Tara Manager", Role::TeamManager, Some(team.id), None).await;
    let sam = staff(&w, "sam", "Sam Worker", Role::SocialWorker, Some(team.id), Some(tara.id)).await;
    staff(&w, "bea", "Bea Worker", Role::SocialWorker, Some(other.id), None).await;
    set_clock(&w, datetime!(2024-01-10 12:00 UTC));
    let kid = w.app.create_person(&alone(&sam), child("Ivy", "Episode")).await.unwrap();
    let referral = police_referral(&w, &sam, &tara, kid.id, datetime!(2024-01-08 09:00 UTC), ScreeningDecision::StrategyDiscussion).await;
    let mut tx = w.app.store.begin().await.unwrap();
    let episode = tx.episode_of_referral(referral).await.unwrap().unwrap().value.id;
    tx.commit().await.unwrap();
    let page = format!("/episodes/{episode}");

    let mut s = Browser::new();
    s.sign_in(&w, "sam").await;
    let res = s.get(&w, &page).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Nothing is due in this episode.") && res.body.contains("Record a strategy discussion"), "{}", res.body);
    let referral_page = s.get(&w, &format!("/referrals/{referral}")).await;
    assert!(referral_page.body.contains(&page), "the referral links to its episode");

    // Empty: every required field named; a half-filled third row is named as row 3.
    let form = format!("{page}/strategy");
    let res = post_versioned(&mut s, &w, &form, vec![("participants-3-name".into(), "DS Khan")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in ["#held_at", "#participants-3-agency", "#information", "#decision"] {
        assert!(res.body.contains(&format!("href=\"{f}\"")), "{f}: {}", res.body);
    }
    assert!(res.body.contains("Enter the agency of participant 3"), "{}", res.body);
    assert!(res.body.contains("value=\"DS Khan\""), "what was typed is kept");
    let held = dmy(date!(2024 - 01 - 09));
    let mut f = date_fields("held_at", &held);
    f.extend([
        ("held_at_time".to_string(), "10:00"),
        ("participants-1-name".to_string(), "DS Khan"),
        ("participants-1-agency".to_string(), "Police"),
        ("information".to_string(), "Bruising seen"),
        ("decision".to_string(), "section_47"),
    ]);
    let res = post_versioned(&mut s, &w, &form, f).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), format!("{page}?saved=strategy"));
    let res = s.get(&w, &page).await;
    assert!(res.body.contains("Hold the initial child protection conference") && res.body.contains("15 working days after the"), "{}", res.body);

    // The enquiry from that discussion; a start before it is refused naming it.
    let sd = w.app.episode_page(&alone(&sam), episode).await.unwrap().episode.value.strategy_discussions[0].id;
    let enquiry = format!("{page}/enquiry?step={sd}");
    let res = post_versioned(&mut s, &w, &enquiry, date_fields("start", &dmy(date!(2024 - 01 - 08)))).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("on or after the strategy discussion on Tue 9 Jan 2024"), "{}", res.body);
    let res = post_versioned(&mut s, &w, &enquiry, date_fields("start", &held)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(s.get(&w, &page).await.body.contains("Section 47 enquiry</strong>"), "the stage tag");
    // A form from before the enquiry, posted now: a conflict, nothing saved.
    let res = s.form_post(&w, &form, &form, &[("version", "1"), ("information", "x")]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    // Unknown steps and steps of another episode are not found.
    assert_eq!(s.get(&w, &format!("{page}/teleport")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(s.get(&w, &format!("{page}/review?step={sd}")).await.status, StatusCode::NOT_FOUND);

    // Oversight and the dashboard are a manager's.
    assert_eq!(s.get(&w, &format!("{page}/oversight")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(s.get(&w, "/child-protection").await.status, StatusCode::FORBIDDEN);
    let mut t = Browser::new();
    t.sign_in(&w, "tara").await;
    let oversight = format!("{page}/oversight?step={sd}");
    let res = post_versioned(&mut t, &w, &oversight, vec![("note".into(), "Threshold met."), ("decision".into(), "Proceed under section 47.")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = t.get(&w, &page).await;
    assert!(res.body.contains("Proceed under section 47.") && res.body.contains("1 decision in the decision log."), "{}", res.body);
    let record = t.get(&w, &format!("/people/{}", kid.id)).await;
    assert!(record.body.contains("Decision log") && record.body.contains("Tara Manager: Proceed under section 47."), "the child's decision log: {}", record.body);
    let res = t.get(&w, "/child-protection").await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Child protection dashboard") && res.body.contains("No child of your teams is on a child protection plan."), "{}", res.body);

    // Another team's worker sees nothing of it.
    let mut b = Browser::new();
    b.sign_in(&w, "bea").await;
    assert_eq!(b.get(&w, &page).await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get(&w, &form).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_census_readiness_panel_and_the_data_quality_page() {
    use hearth_domain::front_door::codes::{PrimaryNeed, ScreeningDecision};
    use time::macros::datetime;
    let w = world().await;
    let team = w.app.add_team(None, "Front door").await.unwrap();
    let other = w.app.add_team(None, "Elsewhere").await.unwrap();
    let tara = staff(&w, "tara", "Tara Manager", Role::TeamManager, Some(team.id), None).await;
    let sam = staff(&w, "sam", "Sam Worker", Role::SocialWorker, Some(team.id), Some(tara.id)).await;
    staff(&w, "bea", "Bea Support", Role::BusinessSupport, Some(other.id), None).await;
    staff(&w, "olly", "Olly Manager", Role::TeamManager, Some(other.id), None).await;
    set_clock(&w, datetime!(2026-05-04 12:00 UTC));
    let kid = w.app.create_person(&alone(&sam), child("Ivy", "Census")).await.unwrap();
    let referral = police_referral(&w, &sam, &tara, kid.id, datetime!(2026-05-04 09:00 UTC), ScreeningDecision::Referral).await;

    // The worker sees on the record what the census would fail, linked to where it is fixed.
    let mut s = Browser::new();
    s.sign_in(&w, "sam").await;
    let record = s.get(&w, &format!("/people/{}", kid.id)).await;
    assert_eq!(record.status, StatusCode::OK);
    assert!(record.body.contains("Return readiness") && record.body.contains("census 2026-27"), "{}", record.body);
    assert!(record.body.contains("8610") && record.body.contains(&format!("href=\"/referrals/{referral}#primary_need\">Primary need")), "the primary need links to the referral: {}", record.body);
    assert!(record.body.contains("4220") && record.body.contains(&format!("href=\"/people/{}/edit#ethnicity\">Ethnicity", kid.id)), "{}", record.body);
    // The data-quality page is for managers and the returns team.
    assert_eq!(s.get(&w, "/returns/cin").await.status, StatusCode::FORBIDDEN);
    assert_eq!(s.get(&w, "/returns/cin/download").await.status, StatusCode::FORBIDDEN);

    // The team's manager sees the team's children, filtered by rule; no download.
    let mut t = Browser::new();
    t.sign_in(&w, "tara").await;
    let head_before = head(&w).await;
    let page = t.get(&w, "/returns/cin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Children in Need census 2026-27") && page.body.contains("Ivy Census") && page.body.contains("allocated to your teams"), "{}", page.body);
    assert!(!page.body.contains("/returns/cin/download"), "no download for a team manager");
    assert!(head(&w).await > head_before, "the page is audited");
    let only = t.get(&w, "/returns/cin?rule=8610").await;
    assert!(only.body.contains("Ivy Census") && !only.body.contains(">4220<"), "{}", only.body);
    let none = t.get(&w, "/returns/cin?rule=4180").await;
    assert!(none.body.contains("No child fails rule 4180"), "{}", none.body);
    // Who fixes each child's failures, and the team and worker filters.
    assert!(page.body.contains("Who fixes it") && page.body.contains("data-label=\"Who fixes it\">Sam Worker<"), "{}", page.body);
    let mine = t.get(&w, &format!("/returns/cin?worker={}", sam.id)).await.body;
    assert!(mine.contains("Ivy Census") && mine.contains(&format!("value=\"{}\" selected", sam.id)), "{mine}");
    let theirs = t.get(&w, &format!("/returns/cin?worker={}", tara.id)).await.body;
    assert!(!theirs.contains("Ivy Census"), "{theirs}");
    assert!(t.get(&w, &format!("/returns/cin?team={}", team.id)).await.body.contains("Ivy Census"));
    assert!(t.get(&w, "/returns/cin?team=nonsense").await.body.contains("Ivy Census"), "an id that is not one filters nothing");
    assert_eq!(t.get(&w, "/returns/cin?year=2019-20").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(t.get(&w, "/returns/cin/download").await.status, StatusCode::FORBIDDEN);
    // Another team's manager does not see the child.
    let mut o = Browser::new();
    o.sign_in(&w, "olly").await;
    let theirs = o.get(&w, "/returns/cin").await;
    assert!(!theirs.body.contains("Ivy Census") && theirs.body.contains("No child in the census"), "{}", theirs.body);

    // The returns team sees the whole LA; downloading needs the LA number configured.
    let mut b = Browser::new();
    b.sign_in(&w, "bea").await;
    let la = b.get(&w, "/returns/cin").await;
    assert!(la.body.contains("for the local authority") && la.body.contains("Ivy Census") && la.body.contains("la_number"), "{}", la.body);
    assert_eq!(b.get(&w, "/returns/cin/download").await.status, StatusCode::CONFLICT);
    let configured = World {
        router: hearth_web::router(w.app.clone(), hearth_web::WebConfig { la_number: Some("999".into()), ..Default::default() }),
        app: w.app.clone(),
        clock: w.clock.clone(),
        db: std::env::temp_dir().join(format!("hearth-not-a-db-{}", uuid::Uuid::new_v4())),
    };
    // The return has errors: the page and the download say so before the file is given.
    let la = b.get(&configured, "/returns/cin").await.body;
    assert!(la.contains("You will be asked to confirm"), "{la}");
    let warned = b.get(&configured, "/returns/cin/download?year=2026-27").await;
    assert_eq!(warned.status, StatusCode::OK);
    assert!(warned.body.contains("The DfE's system rejects a return with errors") && warned.body.contains("confirm=yes"), "{}", warned.body);
    let file = b.get(&configured, "/returns/cin/download?year=2026-27&confirm=yes").await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/xml"));
    assert!(file.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("cin-census-2026-27.xml"));
    let parsed = hearth_cin_census::read::read_all(file.body.as_bytes()).expect("the download is a census file");
    assert_eq!((parsed.header.lea.as_deref(), parsed.children.len()), (Some("999"), 1));

    // A query is explained for the DfE: the returns team or the child's manager, a query
    // rule only, for a child they may open; saving again replaces it.
    let explain = format!("/returns/cin/explain/{}", kid.id);
    let form_path = format!("{explain}?year=2026-27&rule=8670Q");
    let page = b.get(&w, &form_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Explain the query for the DfE") && page.body.contains("Ivy Census"), "{}", page.body);
    assert_eq!(b.get(&w, &format!("{explain}?year=2026-27&rule=8610")).await.status, StatusCode::NOT_FOUND, "an error needs fixing, not explaining");
    assert_eq!(s.get(&w, &form_path).await.status, StatusCode::FORBIDDEN, "not for a worker");
    assert_eq!(o.get(&w, &form_path).await.status, StatusCode::NOT_FOUND, "not for a child the manager cannot open");
    let res = b.form_post(&w, &form_path, &explain, &[("year", "2026-27"), ("rule", "8670Q"), ("text", "  ")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#text\""), "{}", res.body);
    let res = b.form_post(&w, &form_path, &explain, &[("year", "2026-27"), ("rule", "8670Q"), ("text", "Assessment paused: the family moved to Wales")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/returns/cin?year=2026-27&rule=8670Q");
    let res = t.form_post(&w, &form_path, &explain, &[("year", "2026-27"), ("rule", "8670Q"), ("text", "Family moved to Cardiff on 3 May")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "the child's manager too");
    assert!(b.get(&w, &form_path).await.body.contains("Family moved to Cardiff on 3 May"), "the form shows the one in force");
    let q = w.app.cin_data_quality(&alone(&tara), hearth_domain::returns::cin::CollectionYear::parse("2026-27").unwrap(), None, Default::default()).await.unwrap();
    let ivy = q.children.iter().find(|c| c.person == kid.id).expect("Ivy is listed");
    assert_eq!(ivy.explained.get("8670Q").map(|e| (e.0.as_str(), e.1.as_str())), Some(("Family moved to Cardiff on 3 May", "Tara Manager")));

    // Fixed where the panel pointed: the failure goes at once.
    let mut tx = w.app.store.begin().await.unwrap();
    let version = tx.referral(referral).await.unwrap().unwrap().version;
    tx.commit().await.unwrap();
    w.app.update_referral(&alone(&sam), referral, version, Some(PrimaryNeed::AbuseOrNeglect), false).await.unwrap();
    let record = s.get(&w, &format!("/people/{}", kid.id)).await;
    assert!(!record.body.contains(">8610<") && record.body.contains("4220"), "{}", record.body);
}

/// A child brought in from a previous system's census has no name yet: the record says so,
/// shows the id the child had there and links to where the name is recorded.
#[tokio::test]
async fn an_imported_childs_record_asks_for_the_name() {
    use hearth_app::import::ImportOptions;
    use time::macros::datetime;
    let w = world().await;
    let team = w.app.add_team(None, "Children in need").await.unwrap();
    let bea = staff(&w, "bea", "Bea Support", Role::BusinessSupport, None, None).await;
    staff(&w, "sam", "Sam Worker", Role::SocialWorker, Some(team.id), None).await;
    set_clock(&w, datetime!(2026-05-04 12:00 UTC));
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>2026</Year><ReferenceDate>2026-03-31</ReferenceDate></CollectionDetails>
<Source><SourceLevel>L</SourceLevel><LEA>999</LEA><SoftwareCode>Old</SoftwareCode><Release>1</Release><SerialNo>1</SerialNo><DateTime>2026-04-02T10:00:00</DateTime></Source></Header>
<Children><Child><ChildIdentifiers><LAchildID>OLD77</LAchildID><PersonBirthDate>2014-02-03</PersonBirthDate><Sex>M</Sex></ChildIdentifiers>
<ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
<CINdetails><CINreferralDate>2025-09-01</CINreferralDate><ReferralSource>3A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode><ReferralNFA>false</ReferralNFA>
<CINPlanDates><CINPlanStartDate>2025-10-01</CINPlanStartDate><CINPlanEndDate>2025-11-20</CINPlanEndDate></CINPlanDates>
<Section47><S47ActualStartDate>2025-11-03</S47ActualStartDate><InitialCPCtarget>2025-11-24</InitialCPCtarget><DateOfInitialCPC>2025-11-20</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired></Section47>
<ChildProtectionPlans><CPPstartDate>2025-11-20</CPPstartDate><InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse><LatestCategoryOfAbuse>NEG</LatestCategoryOfAbuse><NumberOfPreviousCPP>1</NumberOfPreviousCPP><Reviews><CPPreviewDate>2026-02-16</CPPreviewDate></Reviews></ChildProtectionPlans>
</CINdetails></Child></Children></Message>"#;
    let options = ImportOptions { la_number: "999".into(), team: Some(team.id), dry_run: false };
    let report = w.app.import_cin_census(&alone(&bea), xml.as_bytes(), &options).await.unwrap();
    assert_eq!(report.created.len(), 1, "{:?}", report.rejected);
    let mut tx = w.app.store.begin().await.unwrap();
    let id = tx.person_with_la_child_id("OLD77").await.unwrap().unwrap();
    drop(tx);
    let mut s = Browser::new();
    s.sign_in(&w, "sam").await;
    let page = s.get(&w, &format!("/people/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "the team holding the open case sees it");
    assert!(page.body.contains("brought in from the previous system's CIN census (LA child id OLD77), which has no names"), "{}", page.body);
    assert!(page.body.contains("LA child id (CIN census)</dt><dd class=\"govuk-summary-list__value\">OLD77") && page.body.contains(&format!("href=\"/people/{id}/edit\">change the details")), "{}", page.body);
    // The episode shows the imported enquiry (no strategy discussion) with its target, and
    // the plan with its conference, review and the earlier plan the previous system counted.
    let mut tx = w.app.store.begin().await.unwrap();
    let episode = tx.episodes_of(id).await.unwrap().remove(0).value.id;
    drop(tx);
    let page = s.get(&w, &format!("/episodes/{episode}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in ["Section 47 enquiry from 3 November 2025", "which does not record the strategy discussion", "24 November 2025", "16 February 2026"] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    assert!(!page.body.contains("No strategy discussion in this episode"), "{}", page.body);
    assert!(page.body.contains("Bea Support: Brought in from the previous system&#39;s CIN census 2025-26"), "the history says where it came from: {}", page.body);
    assert!(!page.body.contains("Nothing is due in this episode"), "the open plan's next steps are due: {}", page.body);
}

/// A stale correction names whoever saved the version now stored, not the note's author.
#[tokio::test]
async fn a_conflicting_correction_names_who_saved_first() {
    let w = world().await;
    let team = w.app.add_team(None, "A").await.unwrap();
    let tara = staff(&w, "tara", "Tara Manager", Role::TeamManager, Some(team.id), None).await;
    let kim = staff(&w, "kim", "Kim Worker", Role::SocialWorker, Some(team.id), Some(tara.id)).await;
    let p = w.app.create_person(&alone(&kim), child("Amy", "Lee")).await.unwrap();
    let now = hearth_app::local_time::uk_local(w.clock.now_for_tests());
    let details = hearth_app::NewCaseNote { statutory_visit: false, also_for: Vec::new(),
        occurred_at: time::PrimitiveDateTime::new(now.date(), now.time()) - Duration::hours(1),
        note_type: hearth_domain::codes::CaseNoteType::HomeVisit,
        child_seen: true,
        seen_alone: false,
        significant: false,
        text: "Saw Amy at home.".into(),
    };
    let note = w.app.add_case_note(&alone(&kim), p.id, details.clone()).await.unwrap();
    let correct = format!("/people/{}/notes/{}/correct", p.id, note.id);
    let mut k = Browser::new();
    k.sign_in(&w, "kim").await;
    let page = k.get(&w, &correct).await;
    let token = Browser::csrf(&page.body);
    // Meanwhile the manager corrects it.
    let manager = w.app.local_actor("tara").await.unwrap();
    w.app.correct_case_note(&manager, p.id, note.id, 1, hearth_app::NewCaseNote { statutory_visit: false, also_for: Vec::new(), text: "Saw Amy and her mother at home.".into(), ..details }, "Mother was there too").await.unwrap();
    let d = time::PrimitiveDateTime::new(now.date(), now.time()) - Duration::hours(1);
    let (day, month, year, hm) = (d.day().to_string(), (d.month() as u8).to_string(), d.year().to_string(), format!("{:02}:{:02}", d.hour(), d.minute()));
    let res = k
        .post(&w, &correct, &[("csrf_token", &token), ("version", "1"), ("note_type", "home_visit"), ("occurred-day", &day), ("occurred-month", &month), ("occurred-year", &year), ("time", &hm), ("child_seen", "yes"), ("text", "Saw Amy at home, in the garden."), ("reason", "Where")])
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(res.body.contains("saved by Tara Manager on "), "{}", res.body);
}

/// Every page about a child opens with the case summary: name, age, reference, worker and
/// team, alerts, key dates and the other children — never one the reader may not see.
#[tokio::test]
async fn the_case_summary_heads_every_page_about_a_child() {
    use hearth_app::NewRelationship;
    use hearth_domain::cin::change::Change;
    use hearth_domain::cin::episode::PlanContent;
    use hearth_domain::codes::CaseNoteType;
    use hearth_domain::front_door::codes::ScreeningDecision;
    use hearth_domain::relationship::RelationshipType;
    let w = world().await;
    let team = w.app.add_team(None, "Locality North").await.unwrap();
    let other = w.app.add_team(None, "Locality South").await.unwrap();
    let mo = staff(&w, "mo", "Mo Manager", Role::TeamManager, Some(team.id), None).await;
    let sam = staff(&w, "sam", "Sam Worker", Role::SocialWorker, Some(team.id), Some(mo.id)).await;
    staff(&w, "bea", "Bea Elsewhere", Role::SocialWorker, Some(other.id), None).await;
    let sam_actor = w.app.local_actor("sam").await.unwrap();
    let mo_actor = w.app.local_actor("mo").await.unwrap();
    let amy = w.app.create_person(&sam_actor, child("Amy", "Quill")).await.unwrap();
    let ruby = w.app.create_person(&sam_actor, hearth_domain::person::PersonDetails { date_of_birth: Some(time::macros::date!(2019 - 01 - 02)), ..child("Ruby", "Quill") }).await.unwrap();
    let hidden = w.app.create_person(&sam_actor, child("Secretsibling", "Quill")).await.unwrap();
    for (other, role) in [(ruby.id, RelationshipType::Sibling), (hidden.id, RelationshipType::HalfSibling)] {
        w.app.add_relationship(&sam_actor, amy.id, NewRelationship { role, other, started: None, note: None, household: Default::default() }).await.unwrap();
    }
    // The half-sibling is restricted to the manager alone: Sam may not even learn the name.
    let version = w.app.person(&mo_actor, hidden.id).await.unwrap().version;
    w.app.set_restriction(&mo_actor, hidden.id, version, true, vec![mo.id], "Placed for adoption").await.unwrap();

    let now = w.clock.now_for_tests();
    let referral = police_referral(&w, &sam, &mo, amy.id, now - Duration::days(2), ScreeningDecision::Referral).await;
    let episode = w.app.referral_page(&sam_actor, referral).await.unwrap().episode.expect("the referral opened an episode");
    let today = hearth_app::local_time::uk_local(now).date();
    let plan = Change::StartCinPlan { start: Some(today), content: PlanContent { needs: "Safe sleep".into(), outcomes: "Settled".into(), actions: vec![] }, visit_every: None };
    w.app.change_episode(&sam_actor, episode, 1, plan).await.unwrap();
    let seen_at = hearth_app::local_time::uk_local(now - Duration::days(1));
    let seen_at = time::PrimitiveDateTime::new(seen_at.date(), seen_at.time());
    let note = hearth_app::NewCaseNote { statutory_visit: false, also_for: Vec::new(), occurred_at: seen_at, note_type: CaseNoteType::HomeVisit, child_seen: true, seen_alone: true, significant: false, text: "Saw Amy alone in her room.".into() };
    w.app.add_case_note(&sam_actor, amy.id, note).await.unwrap();

    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let record = b.get(&w, &format!("/people/{}", amy.id)).await;
    assert_eq!(record.status, StatusCode::OK);
    let reference = {
        let i = record.body.find("class=\"hearth-ref\">").expect("a reference") + "class=\"hearth-ref\">".len();
        record.body[i..i + 9].to_string()
    };
    assert!(reference.starts_with("H-"), "{reference}");
    let seen_day = hearth_domain::history::long_date(&seen_at.date());
    let pages = [
        format!("/people/{}", amy.id),
        format!("/people/{}/notes", amy.id),
        format!("/people/{}/chronology", amy.id),
        format!("/people/{}/history", amy.id),
        format!("/episodes/{episode}"),
        format!("/referrals/{referral}"),
    ];
    for path in &pages {
        let page = b.get(&w, path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let body = &page.body;
        let start = body.find("data-testid=\"case-summary\"").unwrap_or_else(|| panic!("no case summary on {path}"));
        let banner = &body[start..start + body[start..].find("</section>").unwrap()];
        for expected in [
            "Amy Quill",
            reference.as_str(),
            "Age 11, born 9 March 2015",
            "Worker: Sam Worker",
            "Team: Locality North",
            "Child in need plan since",
            "Next statutory visit",
            &format!("<dt>Last seen alone</dt><dd>{seen_day}"),
            &format!("/people/{}\">Ruby Quill</a> (sibling, ", ruby.id),
        ] {
            assert!(banner.contains(expected), "{path}: no {expected:?} in {banner}");
        }
        assert!(!body.contains("Secretsibling"), "{path} names a child restricted from the reader");
        let h1s = body.matches("<h1").count();
        assert_eq!(h1s, 1, "{path} has one main heading");
    }

    // The chronology tells the front door's part too, each entry linked to its record.
    let chronology = b.get(&w, &format!("/people/{}/chronology", amy.id)).await;
    for expected in ["Contact (Police): Injury", "Contact decision: ", "Referral to children", &format!("href=\"/referrals/{referral}\""), &format!("href=\"/episodes/{episode}\"")] {
        assert!(chronology.body.contains(expected), "no {expected:?} in the chronology");
    }
    let only = b.get(&w, &format!("/people/{}/chronology?kind=front_door", amy.id)).await;
    assert!(only.body.contains("Referral to children") && !only.body.contains("Child in need plan started"));

    // The reference finds her; a mistyped one is caught, not mistaken for someone else.
    let found = b.get(&w, &format!("/search?q={}", reference.to_lowercase())).await;
    assert!(found.body.contains(&format!("/people/{}", amy.id)), "{}", found.body);
    for expected in ["1 person found", "Age 11", "Sam Worker", "Locality North", "Child in need plan</strong>"] {
        assert!(found.body.contains(expected), "no {expected:?} in the results: {}", found.body);
    }
    let by_long_date = b.get(&w, "/search?q=quill+9+March+2015").await;
    assert!(by_long_date.body.contains(&format!("/people/{}", amy.id)), "the app's own date format is accepted");
    let mut typo = reference.clone();
    let last = if typo.ends_with('0') { "1" } else { "0" };
    typo.replace_range(8..9, last);
    let wrong = b.get(&w, &format!("/search?q={typo}")).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("href=\"#q\"") && wrong.body.contains("one of its characters is wrong"), "{}", wrong.body);
    assert!(wrong.body.contains("<title>Error:"), "the title says there is an error");

    // Someone from another team is told how to ask for emergency access, and asks by reference.
    let mut bea = Browser::new();
    bea.sign_in(&w, "bea").await;
    let refused = bea.get(&w, &format!("/people/{}", amy.id)).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert!(refused.body.contains("href=\"/break-glass\""), "{}", refused.body);
    let unknown = bea.get(&w, "/people/0190d4c2-7a1e-7c3b-9f00-2b6a3c1d4e5f").await;
    assert_eq!(unknown.body.replace(&amy.id.to_string(), ""), unknown.body, "the same page whether or not the record exists");
    assert!(unknown.body.contains("href=\"/break-glass\""));
    let res = bea.form_post(&w, "/break-glass", "/break-glass", &[("person_id", &typo), ("reason", "Police called out of hours about this child")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("one of its characters is wrong"));
    let res = bea.form_post(&w, "/break-glass", "/break-glass", &[("person_id", &reference), ("reason", "Police called out of hours about this child")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let opened = bea.get(&w, res.location()).await;
    assert!(opened.body.contains("You are using emergency access"), "the banner says how the record was opened");
}

#[tokio::test]
async fn search_results_say_how_many_matched_and_come_a_page_at_a_time() {
    let w = world().await;
    let team = w.app.add_team(None, "Locality East").await.unwrap();
    let u = user(&w, "sam", Role::SocialWorker, Some(team.id)).await;
    let actor = alone(&u);
    for i in 0..25 {
        let mut c = child("Pip", "Manyfold");
        c.date_of_birth = Some(time::macros::date!(2015 - 01 - 01) + time::Duration::days(i));
        w.app.create_person(&actor, c).await.unwrap();
    }
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let first = b.get(&w, "/search?q=manyfold").await;
    assert!(first.body.contains("25 people found") && first.body.contains("Showing 1 to 20 of 25"), "{}", first.body);
    assert_eq!(first.body.matches("Pip Manyfold</a>").count(), 20);
    assert!(first.body.contains("href=\"/search?q=manyfold&#38;page=2\""), "a link to the next page: {}", &first.body[first.body.find("govuk-pagination").unwrap_or(0)..]);
    assert!(first.body.contains("No case</strong>") && first.body.contains("Locality East"), "status and allocation: {}", first.body);
    let second = b.get(&w, "/search?q=manyfold&page=2").await;
    assert!(second.body.contains("Showing 21 to 25 of 25") && second.body.contains("Previous page"));
    assert_eq!(second.body.matches("Pip Manyfold</a>").count(), 5);
    let beyond = b.get(&w, "/search?q=manyfold&page=9").await;
    assert!(beyond.body.contains("There is no page 9"), "{}", beyond.body);
    let odd = b.get(&w, "/search?q=manyfold&page=x").await;
    assert!(odd.body.contains("Showing 1 to 20 of 25"), "an unreadable page is the first");
}

/// A home visit recorded as the plan's statutory visit closes the visit task; one note can be
/// recorded for siblings at once, each in their own record and linked; a restricted sibling
/// is neither offered nor accepted.
#[tokio::test]
async fn a_home_visit_can_be_the_plans_visit_and_one_note_serves_siblings() {
    use hearth_app::NewRelationship;
    use hearth_domain::cin::change::Change;
    use hearth_domain::cin::episode::PlanContent;
    use hearth_domain::front_door::codes::ScreeningDecision;
    use hearth_domain::front_door::tasks::{TaskKind, TaskSubject};
    use hearth_domain::relationship::RelationshipType;
    let w = world().await;
    let team = w.app.add_team(None, "Locality North").await.unwrap();
    let mo = staff(&w, "mo", "Mo Manager", Role::TeamManager, Some(team.id), None).await;
    let sam = staff(&w, "sam", "Sam Worker", Role::SocialWorker, Some(team.id), Some(mo.id)).await;
    let sam_actor = w.app.local_actor("sam").await.unwrap();
    let mo_actor = w.app.local_actor("mo").await.unwrap();
    let amy = w.app.create_person(&sam_actor, child("Amy", "Quill")).await.unwrap();
    let ruby = w.app.create_person(&sam_actor, child("Ruby", "Quill")).await.unwrap();
    let hidden = w.app.create_person(&sam_actor, child("Secretsibling", "Quill")).await.unwrap();
    for (other, role) in [(ruby.id, RelationshipType::Sibling), (hidden.id, RelationshipType::HalfSibling)] {
        w.app.add_relationship(&sam_actor, amy.id, NewRelationship { role, other, started: None, note: None, household: Default::default() }).await.unwrap();
    }
    let version = w.app.person(&mo_actor, hidden.id).await.unwrap().version;
    w.app.set_restriction(&mo_actor, hidden.id, version, true, vec![mo.id], "Placed for adoption").await.unwrap();
    let now = w.clock.now_for_tests();
    let referral = police_referral(&w, &sam, &mo, amy.id, now - Duration::days(2), ScreeningDecision::Referral).await;
    let episode = w.app.referral_page(&sam_actor, referral).await.unwrap().episode.expect("an episode");
    let today = hearth_app::local_time::uk_local(now).date();
    let plan = Change::StartCinPlan { start: Some(today), content: PlanContent { needs: "Safe sleep".into(), outcomes: "Settled".into(), actions: vec![] }, visit_every: None };
    w.app.change_episode(&sam_actor, episode, 1, plan).await.unwrap();
    let store = w.app.store.clone();
    let open_visits = || async {
        let mut tx = store.begin().await.unwrap();
        let t: Vec<_> = tx.tasks_of(TaskSubject::Episode(episode)).await.unwrap().into_iter().filter(|t| t.kind == TaskKind::Visit && t.is_open()).map(|t| t.id).collect();
        tx.commit().await.unwrap();
        t
    };
    let before = open_visits().await;
    assert_eq!(before.len(), 1, "the plan's first visit is due");

    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let new = format!("/people/{}/notes/new", amy.id);
    let form = b.get(&w, &new).await;
    assert!(form.body.contains("Was this a statutory visit under Amy&#39;s plan?") || form.body.contains("Was this a statutory visit under Amy's plan?"), "{}", form.body);
    assert!(form.body.contains(&format!("value=\"{}\"", ruby.id)) && form.body.contains("Ruby Quill (sibling"));
    assert!(!form.body.contains("Secretsibling") && !form.body.contains(&hidden.id.to_string()), "a restricted sibling is not offered");
    assert!(form.body.contains("data-testid=\"case-summary\""), "the form is headed by the case summary");
    // An hour ago, unless that was yesterday (before the plan began): then midnight.
    let an_hour_ago = hearth_app::local_time::uk_local(now - Duration::hours(1));
    let t = if an_hour_ago.date() < today { today.midnight() } else { an_hour_ago };
    let (day, month, year, hm) = (t.day().to_string(), (t.month() as u8).to_string(), t.year().to_string(), format!("{:02}:{:02}", t.hour(), t.minute()));
    let fields = |seen: &'static str, also: String| -> Vec<(String, String)> {
        vec![
            ("note_type".into(), "home_visit".into()),
            ("occurred-day".into(), day.clone()),
            ("occurred-month".into(), month.clone()),
            ("occurred-year".into(), year.clone()),
            ("time".into(), hm.clone()),
            ("child_seen".into(), seen.into()),
            ("statutory_visit".into(), "yes".into()),
            ("also_for".into(), also),
            ("text".into(), "Saw Amy and Ruby at home; the cot is set up safely.".into()),
        ]
    };
    // Not seen: not a statutory visit. A restricted sibling: refused. Nothing is saved.
    let res = post_pairs(&mut b, &w, &new, fields("no", ruby.id.to_string())).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#statutory_visit\"") && res.body.contains("<title>Error:"), "{}", res.body);
    let res = post_pairs(&mut b, &w, &new, fields("yes", hidden.id.to_string())).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#also_for\""), "{}", res.body);
    assert_eq!(w.app.case_notes(&sam_actor, ruby.id, 10, 0).await.unwrap().1.len(), 0);
    assert_eq!(open_visits().await, before);

    let res = post_pairs(&mut b, &w, &new, fields("yes", ruby.id.to_string())).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let after = open_visits().await;
    assert!(!after.contains(&before[0]), "the visit task closed: {after:?}");
    let amys = w.app.case_notes(&sam_actor, amy.id, 10, 0).await.unwrap().1;
    let rubys = w.app.case_notes(&sam_actor, ruby.id, 10, 0).await.unwrap().1;
    assert_eq!((amys.len(), rubys.len()), (1, 1));
    assert_eq!((amys[0].details.also_for.clone(), rubys[0].details.also_for.clone()), (vec![ruby.id], vec![amy.id]));
    assert_eq!(amys[0].details.text, rubys[0].details.text);
    let page = b.get(&w, &format!("/people/{}/notes/{}", amy.id, amys[0].id)).await;
    assert!(page.body.contains("Also recorded for") && page.body.contains(&format!("href=\"/people/{}/notes\">Ruby Quill", ruby.id)), "{}", page.body);
    assert!(page.body.contains("Statutory visit</dt>"));
}

async fn post_pairs(b: &mut Browser, w: &World, path: &str, fields: Vec<(String, String)>) -> Res {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    b.form_post(w, path, path, &refs).await
}

/// An address's dates are entered with the GOV.UK date input; a date that is not real is
/// said beside it and linked from the summary, and nothing is saved.
#[tokio::test]
async fn address_dates_use_the_date_input() {
    let w = world().await;
    let team = w.app.add_team(None, "A").await.unwrap();
    user(&w, "sam", Role::SocialWorker, Some(team.id)).await;
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let form = b.get(&w, "/people/new").await;
    assert!(form.body.contains("id=\"addr_0_from-day\"") && form.body.contains("Moved in (optional)"), "{}", form.body);
    let base = [("kind", "child"), ("given_name", "Ada"), ("family_name", "Movedin"), ("date_of_birth-day", "9"), ("date_of_birth-month", "3"), ("date_of_birth-year", "2015"), ("addr_0_line1", "1 High Street"), ("addr_0_town", "Bath"), ("addr_0_postcode", "ba1 1aa")];
    let mut bad = base.to_vec();
    bad.extend([("addr_0_from-day", "31"), ("addr_0_from-month", "2"), ("addr_0_from-year", "2020")]);
    let res = b.form_post(&w, "/people/new", "/people/new", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#addr_0_from\"") && res.body.contains("id=\"addr_0_from-error\""), "{}", res.body);
    assert!(res.body.contains("value=\"31\""), "what was typed is kept");
    let mut good = base.to_vec();
    good.extend([("addr_0_from-day", "1"), ("addr_0_from-month", "6"), ("addr_0_from-year", "2020")]);
    let res = b.form_post(&w, "/people/new", "/people/new", &good).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let record = b.get(&w, res.location()).await;
    assert!(record.body.contains("1 High Street") && record.body.contains("BA1 1AA"), "{}", record.body);
    let edit = b.get(&w, &format!("{}/edit", res.location().split('?').next().unwrap())).await;
    assert!(edit.body.contains("id=\"addr_0_from-year\" name=\"addr_0_from-year\" type=\"text\" inputmode=\"numeric\" value=\"2020\""), "the saved date comes back in the date input");
}
