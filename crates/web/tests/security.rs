//! The findings of the security review (issue 14), each as the attack it describes: every
//! test here failed before its fix. The access-control matrix (access_matrix.rs) removes the
//! class of bug; these pin each instance and each state of the sign-in flow.
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use hearth_domain::audit::Outcome;
use hearth_domain::user::Role;
use http_body_util::BodyExt;
use time::Duration;
use tower::ServiceExt;

mod browser;
use browser::*;

/// The authenticator key a page proposes.
fn key_on(page: &str) -> String {
    let i = page.find("id=\"totp-secret\">").expect("a key on the page") + 17;
    page[i..].chars().take_while(|c| *c != '<').collect()
}

/// A GET of the JSON API with a bearer token: status and body.
async fn api_get(w: &World, token: &str, path: &str) -> (StatusCode, String) {
    let req = Request::get(format!("/api/v1{path}")).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap();
    let res = w.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    (status, String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap())
}

async fn token_of(w: &World, username: &str) -> String {
    let actor = w.app.local_actor(username).await.unwrap();
    w.app.create_api_token(&actor, "script").await.unwrap().1
}

fn denied(entries: &[hearth_domain::audit::AuditEntry], action: &str) -> bool {
    entries.iter().any(|e| e.draft.action == action && e.draft.outcome == Outcome::Denied)
}

// ---------------------------------------------------------------------------------------
// Findings 1–3, 10, 11: the second factor and the session.

/// Finding 1: with only a password (a pending session), an enrolled factor cannot be
/// replaced through the enrolment form, for a worker or an administrator.
#[tokio::test]
async fn a_password_alone_cannot_enrol_a_new_factor_over_an_enrolled_one() {
    let w = world().await;
    for (name, role) in [("sam", Role::SocialWorker), ("root", Role::Administrator)] {
        let u = user(&w, name, role, None).await;
        let theirs = with_factor(&w, &u).await;
        let mut attacker = Browser::new();
        let res = attacker.sign_in(&w, name).await;
        assert!(res.location().starts_with("/mfa?"), "a code is asked for");
        assert_eq!(attacker.get(&w, "/mfa/enrol").await.location(), "/mfa", "no enrolment form for an enrolled account");
        let before = head(&w).await;
        let mine = hearth_app::auth::new_totp_secret();
        let page = attacker.get(&w, "/mfa").await;
        let token = Browser::csrf(&page.body);
        let res = attacker.post(&w, "/mfa/enrol", &[("csrf_token", &token), ("secret", &mine), ("code", &code_now(&w, &mine))]).await;
        assert_eq!((res.status, res.location()), (StatusCode::SEE_OTHER, "/mfa"), "{name}: refused, back to the code");
        assert_eq!(attacker.get(&w, "/").await.location(), "/mfa", "{name}: still not signed in");
        assert_eq!(stored_user(&w, name).await.totp_secret.as_deref(), Some(theirs.as_str()), "{name}: the factor is unchanged");
        assert!(denied(&audit_since(&w, before).await, "auth.mfa_enrol"), "{name}: the attempt is audited");
    }
}

/// Finding 1: a factor is replaced only from a signed-in session that gives the password
/// and the current code again.
#[tokio::test]
async fn a_factor_is_replaced_only_with_the_password_and_the_current_code() {
    let w = world().await;
    let u = user(&w, "sam", Role::SocialWorker, None).await;
    let old = with_factor(&w, &u).await;
    let mut b = Browser::new();
    b.sign_in_with_code(&w, "sam", &old).await;
    let mut other_device = Browser::new();
    w.clock.advance(Duration::seconds(30));
    other_device.sign_in_with_code(&w, "sam", &old).await;
    // The new key is the one Hearth proposes on the page, the same until it is used.
    let page = b.get(&w, "/account").await;
    let new = key_on(&page.body);
    assert_eq!(key_on(&b.get(&w, "/account").await.body), new);
    w.clock.advance(Duration::seconds(30));
    let wrong_password = b.form_post(&w, "/account", "/account/authenticator", &[("mfa_password", "not my password"), ("mfa_current_code", &code_now(&w, &old)), ("code", &code_now(&w, &new))]).await;
    assert_eq!(wrong_password.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong_password.body.contains("href=\"#mfa_password\""), "{}", wrong_password.body);
    w.clock.advance(Duration::seconds(30));
    let wrong_code = b.form_post(&w, "/account", "/account/authenticator", &[("mfa_password", PASSWORD), ("mfa_current_code", "000000"), ("code", &code_now(&w, &new))]).await;
    assert!(wrong_code.body.contains("href=\"#mfa_current_code\""));
    assert_eq!(stored_user(&w, "sam").await.totp_secret.as_deref(), Some(old.as_str()));
    // A secret sent by the browser is not taken: only the proposed one is.
    let mine = hearth_app::auth::new_totp_secret();
    w.clock.advance(Duration::seconds(30));
    let res = b.form_post(&w, "/account", "/account/authenticator", &[("mfa_password", PASSWORD), ("mfa_current_code", &code_now(&w, &old)), ("secret", &mine), ("code", &code_now(&w, &mine))]).await;
    assert!(res.body.contains("href=\"#code\""), "{}", res.body);
    w.clock.advance(Duration::seconds(30));
    let before = b.cookie("hearth_session").unwrap().to_string();
    let ok = b.form_post(&w, "/account", "/account/authenticator", &[("mfa_password", PASSWORD), ("mfa_current_code", &code_now(&w, &old)), ("code", &code_now(&w, &new))]).await;
    assert_eq!(ok.location(), "/account?saved=authenticator-replaced", "{}", ok.body);
    assert_ne!(b.cookie("hearth_session").unwrap(), before, "a new session");
    assert!(b.get(&w, ok.location()).await.body.contains("authenticator app is replaced"));
    assert_eq!(stored_user(&w, "sam").await.totp_secret.as_deref(), Some(new.as_str()));
    assert_eq!(other_device.get(&w, "/").await.location(), "/sign-in", "other sessions end");
    assert_eq!(b.get(&w, "/").await.status, StatusCode::OK, "this one goes on");
}

/// Finding 2: wrong codes count towards the lockout like wrong passwords; at the threshold
/// the pending session ends, and the right code no longer helps.
#[tokio::test]
async fn wrong_codes_lock_the_account_and_end_the_pending_session() {
    let w = world().await;
    let u = user(&w, "sam", Role::SocialWorker, None).await;
    let secret = with_factor(&w, &u).await;
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    for _ in 0..4 {
        let res = b.form_post(&w, "/mfa", "/mfa", &[("code", "000000")]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let res = b.form_post(&w, "/mfa", "/mfa", &[("code", "000000")]).await;
    assert_eq!(res.location(), "/sign-in?notice=locked", "the fifth wrong code ends the attempt");
    assert!(b.get(&w, "/sign-in?notice=locked").await.body.contains("Too many wrong security codes"));
    assert_eq!(b.get(&w, "/mfa").await.location(), "/sign-in", "the pending session is gone");
    assert!(stored_user(&w, "sam").await.locked_until.is_some(), "the account is locked");
    // The right password and code do not help while the lock lasts.
    let res = b.form_post(&w, "/sign-in", "/sign-in", &[("username", "sam"), ("password", PASSWORD)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    w.clock.advance(Duration::minutes(16));
    b.sign_in_with_code(&w, "sam", &secret).await;
    assert_eq!(stored_user(&w, "sam").await.failed_logins, 0, "a full sign-in forgives the failures");
}

/// Finding 3: the same code works once, in one sign-in, even within its 30 seconds.
#[tokio::test]
async fn a_code_cannot_be_replayed() {
    let w = world().await;
    let u = user(&w, "sam", Role::SocialWorker, None).await;
    let secret = with_factor(&w, &u).await;
    let code = code_now(&w, &secret);
    let mut first = Browser::new();
    first.sign_in(&w, "sam").await;
    assert_eq!(first.form_post(&w, "/mfa", "/mfa", &[("code", &code)]).await.status, StatusCode::SEE_OTHER);
    let mut second = Browser::new();
    second.sign_in(&w, "sam").await;
    w.clock.advance(Duration::seconds(10));
    assert_eq!(second.form_post(&w, "/mfa", "/mfa", &[("code", &code)]).await.status, StatusCode::UNPROCESSABLE_ENTITY, "the same code again");
    w.clock.advance(Duration::seconds(30));
    assert_eq!(second.form_post(&w, "/mfa", "/mfa", &[("code", &code_now(&w, &secret))]).await.status, StatusCode::SEE_OTHER, "the next code");
}

/// Finding 10: the session after the second factor is a new one; the cookie known before
/// it (to whoever planted or saw it) is worthless.
#[tokio::test]
async fn the_session_is_renewed_after_the_second_factor() {
    let w = world().await;
    let u = user(&w, "sam", Role::SocialWorker, None).await;
    let secret = with_factor(&w, &u).await;
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let pending = b.cookie("hearth_session").unwrap().to_string();
    b.form_post(&w, "/mfa", "/mfa", &[("code", &code_now(&w, &secret))]).await;
    let signed = b.cookie("hearth_session").unwrap().to_string();
    assert_ne!(pending, signed, "a new session id");
    let mut fixated = Browser::new();
    fixated.cookies.push(("__Host-hearth_session".into(), pending));
    assert_eq!(fixated.get(&w, "/").await.location(), "/sign-in", "the pending session's cookie no longer works");
}

/// Finding 11: the session and CSRF cookies carry the `__Host-` prefix (Secure, Path=/, no
/// Domain) when cookies are secure, and plain names only when they are not.
#[tokio::test]
async fn cookies_carry_the_host_prefix() {
    let w = world().await;
    user(&w, "sam", Role::SocialWorker, None).await;
    let mut b = Browser::new();
    let page = b.get(&w, "/sign-in").await;
    let set: Vec<String> = page.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect();
    assert!(set.iter().any(|c| c.starts_with("__Host-hearth_csrf=")), "{set:?}");
    let res = b.sign_in(&w, "sam").await;
    let session: Vec<String> = res.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let c = session.iter().find(|c| c.starts_with("__Host-hearth_session=")).expect("a prefixed session cookie");
    assert!(c.contains("; Secure") && c.contains("Path=/") && c.contains("HttpOnly") && c.contains("SameSite=Strict") && !c.contains("Domain"), "{c}");
    // Plain HTTP in a test lab: browsers refuse __Host- cookies without Secure.
    let lab = World { router: hearth_web::router(w.app.clone(), hearth_web::WebConfig { secure_cookies: false, ..Default::default() }), app: w.app.clone(), clock: w.clock.clone(), db: std::env::temp_dir().join(format!("hearth-lab-{}", uuid::Uuid::new_v4())) };
    let mut l = Browser::new();
    let res = l.sign_in(&lab, "sam").await;
    let c = res.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(c.starts_with("hearth_session=") && !c.contains("Secure"), "{c}");
}

// ---------------------------------------------------------------------------------------
// Finding 4: restricted children in lists.

/// A family of two in team A: Amy, and her sister Ruby, whose record is restricted to the
/// team manager alone although Sam is her allocated worker; Ruby is in the census.
struct Family {
    amy: hearth_domain::PersonId,
    ruby: hearth_domain::person::PersonRecord,
}

async fn family(w: &World) -> Family {
    use hearth_app::NewRelationship;
    use hearth_domain::front_door::codes::ScreeningDecision;
    use hearth_domain::relationship::RelationshipType;
    use time::macros::datetime;
    let team = w.app.add_team(None, "Team A").await.unwrap();
    let mo = staff(w, "mo", "Mo Manager", Role::TeamManager, Some(team.id), None).await;
    let sam = staff(w, "sam", "Sam Worker", Role::SocialWorker, Some(team.id), Some(mo.id)).await;
    staff(w, "bo", "Bo Support", Role::BusinessSupport, None, None).await;
    staff(w, "sian", "Sian Service", Role::ServiceManager, None, None).await;
    set_clock(w, datetime!(2026-05-04 12:00 UTC));
    let sam_actor = w.app.local_actor("sam").await.unwrap();
    let amy = w.app.create_person(&sam_actor, child("Amy", "Quill")).await.unwrap();
    let details = hearth_domain::person::PersonDetails {
        nhs_number: Some(hearth_domain::identifiers::NhsNumber::parse("6101029379").unwrap()),
        ..child("Ruby", "Zephyrine")
    };
    let ruby = w.app.create_person(&sam_actor, details).await.unwrap();
    w.app.add_relationship(&sam_actor, amy.id, NewRelationship { role: RelationshipType::Sibling, other: ruby.id, started: Some(time::macros::date!(2015 - 03 - 09)), note: None, household: Default::default() }).await.unwrap();
    police_referral(w, &sam, &mo, ruby.id, datetime!(2026-05-04 09:00 UTC), ScreeningDecision::Referral).await;
    let mo_actor = w.app.local_actor("mo").await.unwrap();
    let version = w.app.person(&mo_actor, ruby.id).await.unwrap().version;
    w.app.set_restriction(&mo_actor, ruby.id, version, true, vec![mo.id], "High-profile family").await.unwrap();
    let ruby = w.app.person(&mo_actor, ruby.id).await.unwrap();
    Family { amy: amy.id, ruby }
}

/// The restricted child's name and ids are nowhere in `body`.
fn hides(body: &str, f: &Family, place: &str) {
    let ruby = &f.ruby;
    for needle in [ruby.details.given_name.as_str(), "Zephyrine", "6101029379", "610 102 9379", &ruby.id.to_string()] {
        assert!(!body.contains(needle), "{place} shows the restricted child ({needle}): {body}");
    }
}

#[tokio::test]
async fn a_restricted_sibling_is_not_in_the_chronology() {
    let w = world().await;
    let f = family(&w).await;
    let mut sam = Browser::new();
    sam.sign_in(&w, "sam").await;
    let page = sam.get(&w, &format!("/people/{}/chronology", f.amy)).await;
    assert_eq!(page.status, StatusCode::OK);
    hides(&page.body, &f, "the sibling's chronology");
    assert!(!page.body.contains("became part of the family network"), "not even unnamed");
    hides(&sam.get(&w, &format!("/people/{}", f.amy)).await.body, &f, "the sibling's record page");
    let token = token_of(&w, "sam").await;
    let (status, body) = api_get(&w, &token, &format!("/people/{}/chronology", f.amy)).await;
    assert_eq!(status, StatusCode::OK);
    hides(&body, &f, "the API chronology");
    let (_, body) = api_get(&w, &token, &format!("/people/{}/relationships", f.amy)).await;
    hides(&body, &f, "the API relationships");
    // Mo, on the list, sees the relationship.
    let mut mo = Browser::new();
    mo.sign_in(&w, "mo").await;
    assert!(mo.get(&w, &format!("/people/{}/chronology", f.amy)).await.body.contains("Ruby Zephyrine"));
}

#[tokio::test]
async fn a_restricted_child_is_not_on_the_census_pages_or_in_the_download() {
    let w = world().await;
    let f = family(&w).await;
    let configured = World { router: hearth_web::router(w.app.clone(), hearth_web::WebConfig { la_number: Some("999".into()), ..Default::default() }), app: w.app.clone(), clock: w.clock.clone(), db: std::env::temp_dir().join(format!("hearth-not-a-db-{}", uuid::Uuid::new_v4())) };
    let la_child_id = {
        let mut tx = w.app.store.begin().await.unwrap();
        tx.kept_la_child_id(f.ruby.id).await.unwrap().unwrap()
    };
    for name in ["bo", "sian"] {
        let mut b = Browser::new();
        b.sign_in(&configured, name).await;
        let page = b.get(&configured, "/returns/cin").await;
        assert_eq!(page.status, StatusCode::OK);
        hides(&page.body, &f, name);
        assert!(!page.body.contains(&la_child_id), "{name}: the LA child id");
        assert!(page.body.contains("a restricted record that does not name you"), "{name}: {}", page.body);
        let file = b.get(&configured, "/returns/cin/download?year=2026-27").await;
        assert_eq!(file.status, StatusCode::OK);
        assert!(!file.body.contains(&la_child_id), "{name}: the download leaves the restricted child out");
        assert_eq!(file.headers["hearth-restricted-left-out"], "1");
        let (status, body) = api_get(&w, &token_of(&w, name).await, "/returns/cin?year=2026-27").await;
        assert_eq!(status, StatusCode::OK);
        hides(&body, &f, name);
        assert!(!body.contains(&la_child_id));
    }
    // Mo is on the list: the child is on Mo's page.
    let mut mo = Browser::new();
    mo.sign_in(&w, "mo").await;
    assert!(mo.get(&w, "/returns/cin").await.body.contains("Ruby Zephyrine"));
    // The complete return is the command line's: every child.
    let file = w.app.cin_census_file(hearth_domain::returns::cin::CollectionYear { start_year: 2026 }, "999").await.unwrap();
    assert!(hearth_cin_census::write::to_string(&file).contains(&la_child_id));
}

/// The census is kept checked between requests: a restriction, a lifted restriction and a
/// new referral made after the page was shown are on it the next time.
#[tokio::test]
async fn the_census_pages_follow_changes_made_after_they_were_shown() {
    use hearth_domain::front_door::codes::ScreeningDecision;
    use time::macros::datetime;
    let w = world().await;
    let f = family(&w).await;
    let mut bo = Browser::new();
    bo.sign_in(&w, "bo").await;
    hides(&bo.get(&w, "/returns/cin").await.body, &f, "before");
    let mo = w.app.local_actor("mo").await.unwrap();
    let version = w.app.person(&mo, f.ruby.id).await.unwrap().version;
    w.app.set_restriction(&mo, f.ruby.id, version, false, vec![], "Family moved on").await.unwrap();
    assert!(bo.get(&w, "/returns/cin").await.body.contains("Ruby Zephyrine"), "restriction lifted");
    w.app.set_restriction(&mo, f.ruby.id, version + 1, true, vec![mo.user.id], "Back in the news").await.unwrap();
    let page = bo.get(&w, "/returns/cin").await.body;
    hides(&page, &f, "restricted again");
    assert!(!page.contains("Amy Quill"), "Amy has no referral yet");
    let sam = w.app.local_actor("sam").await.unwrap();
    police_referral(&w, &sam.user, &mo.user, f.amy, datetime!(2026-05-04 10:00 UTC), ScreeningDecision::Referral).await;
    assert!(bo.get(&w, "/returns/cin").await.body.contains("Amy Quill"), "referred since");
}

#[tokio::test]
async fn a_restricted_child_is_not_among_the_workers_cases_or_tasks() {
    let w = world().await;
    let f = family(&w).await;
    let mut sam = Browser::new();
    sam.sign_in(&w, "sam").await;
    let home = sam.get(&w, "/").await;
    assert!(home.body.contains("Amy Quill"), "Sam's own case is listed");
    hides(&home.body, &f, "Sam's home page");
    let work = sam.get(&w, "/work").await;
    hides(&work.body, &f, "Sam's tray");
    assert!(work.body.contains("about a restricted record that does not name you"), "{}", work.body);
    let (_, body) = api_get(&w, &token_of(&w, "sam").await, "/work").await;
    hides(&body, &f, "Sam's tray in the API");
    let (_, body) = api_get(&w, &token_of(&w, "sam").await, "/people?q=Zephyrine").await;
    hides(&body, &f, "search");
}

// ---------------------------------------------------------------------------------------
// Finding 5: who can be on a restriction list.

#[tokio::test]
async fn only_caseworkers_can_be_named_on_a_restriction_list() {
    let w = world().await;
    let team = w.app.add_team(None, "A").await.unwrap();
    let tara = staff(&w, "tara", "Tara", Role::TeamManager, Some(team.id), None).await;
    let admin = staff(&w, "adam", "Adam Admin", Role::Administrator, None, None).await;
    let auditor = staff(&w, "aud", "Audrey Auditor", Role::Auditor, None, None).await;
    let support = staff(&w, "bo", "Bo Support", Role::BusinessSupport, None, None).await;
    let p = w.app.create_person(&alone(&tara), child("Quiet", "Child")).await.unwrap();
    let mut b = Browser::new();
    b.sign_in(&w, "tara").await;
    let path = format!("/people/{}/restrict", p.id);
    let page = b.get(&w, &path).await;
    assert!(!page.body.contains("Adam Admin") && !page.body.contains("Audrey Auditor") && !page.body.contains("Bo Support"), "only caseworkers are offered");
    let me = tara.id.to_string();
    for (other, name) in [(admin.id.to_string(), "Adam Admin"), (auditor.id.to_string(), "Audrey Auditor"), (support.id.to_string(), "Bo Support")] {
        let res = b.form_post(&w, &path, &path, &[("restricted", "yes"), ("users", &me), ("users", &other), ("reason", "Sealed")]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(res.body.contains(&format!("{name} cannot be on an access list")), "{}", res.body);
    }
    for bad in [uuid::Uuid::now_v7().to_string(), "not-an-id".to_string()] {
        let res = b.form_post(&w, &path, &path, &[("restricted", "yes"), ("users", &me), ("users", &bad), ("reason", "Sealed")]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: a field error, not a 500");
        assert!(res.body.contains("Choose people from the list"));
    }
    assert!(!w.app.person(&alone(&tara), p.id).await.unwrap().restricted, "nothing was saved");
}

// ---------------------------------------------------------------------------------------
// Finding 6: where signing in leads.

#[tokio::test]
async fn after_signing_in_only_a_local_path_is_followed() {
    let w = world().await;
    let u = user(&w, "sam", Role::SocialWorker, None).await;
    let secret = with_factor(&w, &u).await;
    for (next, to) in [
        ("/\t/evil.example", "/"),
        ("/%09/evil.example", "/%09/evil.example"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example", "/"),
        ("/people\r\nSet-Cookie: x=1", "/"),
        ("/ /evil.example", "/"),
        ("/search?q=amy", "/search?q=amy"),
    ] {
        // The page itself never fails on what `next` holds.
        let mut b = Browser::new();
        let page = b.get(&w, &format!("/sign-in?next={}", hearth_web::urlencode(next))).await;
        assert_eq!(page.status, StatusCode::OK, "{next:?}");
        let res = b.form_post(&w, "/sign-in", "/sign-in", &[("username", "sam"), ("password", PASSWORD), ("next", next)]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{next:?}");
        w.clock.advance(Duration::seconds(30));
        let res = b.form_post(&w, "/mfa", "/mfa", &[("code", &code_now(&w, &secret)), ("next", next)]).await;
        assert_eq!((res.status, res.location()), (StatusCode::SEE_OTHER, to), "{next:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Finding 7: API tokens end with the sessions.

#[tokio::test]
async fn api_tokens_are_revoked_with_the_sessions() {
    let w = world().await;
    let team = w.app.add_team(None, "A").await.unwrap();
    user(&w, "sam", Role::SocialWorker, Some(team.id)).await;
    let root = user(&w, "root", Role::Administrator, None).await;
    let admin_secret = with_factor(&w, &root).await;
    let mut admin = Browser::new();
    admin.sign_in_with_code(&w, "root", &admin_secret).await;
    let sam_id = stored_user(&w, "sam").await.id;
    let live = |w: &World, t: String| {
        let app = w.app.clone();
        async move { app.api_actor(&t).await.unwrap().is_some() }
    };

    // Signing out everywhere.
    let token = token_of(&w, "sam").await;
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    assert!(b.get(&w, "/account").await.body.contains("revokes your API tokens"), "the page says so");
    b.form_post(&w, "/account", "/account/sign-out-everywhere", &[]).await;
    assert!(!live(&w, token).await, "sign out everywhere");

    // An administrator's reset of the authenticator.
    let token = token_of(&w, "sam").await;
    let res = admin.form_post(&w, "/admin/users", &format!("/admin/users/{sam_id}/reset-mfa"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!live(&w, token).await, "MFA reset");

    // A password change.
    let token = token_of(&w, "sam").await;
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let res = b.form_post(&w, "/account", "/account/password", &[("current_password", PASSWORD), ("new_password", "a new long passphrase"), ("confirm_password", "a new long passphrase")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = b.get(&w, res.location()).await;
    assert!(page.body.contains("Your password is changed") && page.body.contains("API token was revoked"), "{}", page.body);
    assert!(!live(&w, token).await, "password change");
    assert_eq!(b.get(&w, "/").await.status, StatusCode::OK, "the session that changed it goes on");

    // Deactivation.
    let actor = w.app.local_actor("sam").await.unwrap();
    let token = w.app.create_api_token(&actor, "script").await.unwrap().1;
    admin.form_post(&w, "/admin/users", &format!("/admin/users/{sam_id}/active"), &[("active", "no")]).await;
    admin.form_post(&w, "/admin/users", &format!("/admin/users/{sam_id}/active"), &[("active", "yes")]).await;
    assert!(!live(&w, token).await, "deactivation, even when reactivated");
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one() {
    let w = world().await;
    user(&w, "sam", Role::SocialWorker, None).await;
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let res = b.form_post(&w, "/account", "/account/password", &[("current_password", "wrong one"), ("new_password", "a new long passphrase"), ("confirm_password", "a new long passphrase")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#current_password\"") && !res.body.contains("a new long passphrase"), "{}", res.body);
    let res = b.form_post(&w, "/account", "/account/password", &[("current_password", PASSWORD), ("new_password", "short"), ("confirm_password", "other")]).await;
    assert!(res.body.contains("href=\"#new_password\"") && res.body.contains("href=\"#confirm_password\""));
    let mut again = Browser::new();
    again.sign_in(&w, "sam").await;
}

// ---------------------------------------------------------------------------------------
// Finding 9: a lock is not an oracle.

#[tokio::test]
async fn a_locked_account_answers_like_a_wrong_password() {
    let w = world().await;
    user(&w, "sam", Role::SocialWorker, None).await;
    let root = user(&w, "root", Role::Administrator, None).await;
    let secret = with_factor(&w, &root).await;
    let mut b = Browser::new();
    for _ in 0..5 {
        b.form_post(&w, "/sign-in", "/sign-in", &[("username", "sam"), ("password", "wrong")]).await;
    }
    let time = |name: &'static str| {
        let w = &w;
        async move {
            let mut b = Browser::new();
            let page = b.get(w, "/sign-in").await;
            let token = Browser::csrf(&page.body);
            let started = std::time::Instant::now();
            let res = b.post(w, "/sign-in", &[("csrf_token", &token), ("username", name), ("password", PASSWORD)]).await;
            (started.elapsed(), res)
        }
    };
    let (locked_time, locked) = time("sam").await;
    let (unknown_time, unknown) = time("nobody-here").await;
    let message = |body: &str| body.split("govuk-error-summary__list").nth(1).map(|s| s[..s.find("</ul>").unwrap()].to_string());
    assert_eq!((locked.status, message(&locked.body)), (unknown.status, message(&unknown.body)), "the same answer");
    // Both check a password: neither answers in a fraction of the other's time.
    assert!(locked_time * 4 > unknown_time && unknown_time * 4 > locked_time, "locked {locked_time:?}, unknown {unknown_time:?}");
    // The lock shows to administrators.
    let mut a = Browser::new();
    a.sign_in_with_code(&w, "root", &secret).await;
    let page = a.get(&w, "/admin/users").await;
    assert!(page.body.contains("Locked until"), "{}", page.body);
    let sam_id = stored_user(&w, "sam").await.id;
    assert_eq!(a.form_post(&w, "/admin/users", &format!("/admin/users/{sam_id}/unlock"), &[]).await.status, StatusCode::SEE_OTHER);
    b.sign_in(&w, "sam").await;
}

// ---------------------------------------------------------------------------------------
// Finding 12: what a draft keeps, and for how long.

#[tokio::test]
async fn a_draft_keeps_no_secret_and_expires() {
    let w = world().await;
    let u = user(&w, "sam", Role::SocialWorker, None).await;
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let page = b.get(&w, "/account").await;
    let token = Browser::csrf(&page.body);
    w.clock.advance(Duration::minutes(31));
    let res = b.post(&w, "/account/password", &[("csrf_token", &token), ("current_password", PASSWORD), ("new_password", "my next password"), ("confirm_password", "my next password"), ("note", "kept")]).await;
    assert!(res.location().starts_with("/sign-in?expired=1&draft="), "{}", res.location());
    let id: hearth_domain::DraftId = res.location().split("draft=").nth(1).unwrap().split('&').next().unwrap().parse().unwrap();
    let mut tx = w.app.store.begin().await.unwrap();
    let draft = tx.take_draft(id, u.id).await.unwrap().expect("the draft");
    drop(tx);
    assert_eq!(draft.body, "note=kept", "no password, no CSRF token");
    // A draft waits a week at most.
    let kept = w.app.save_draft(&hearth_store::SessionRecord { id: hearth_domain::SessionId::new(), user: u.id, token_hash: "x".into(), csrf_token: "y".into(), mfa_passed: true, proposed_totp: None, created_at: w.clock.now_for_tests(), last_seen_at: w.clock.now_for_tests() }, "/people/new", "given_name=Zo%C3%AB").await.unwrap();
    w.clock.advance(Duration::days(8));
    assert!(w.app.take_draft(&alone(&u), kept).await.unwrap().is_none(), "expired");
}

// ---------------------------------------------------------------------------------------
// Finding 13: break-glass use reaches the child's worker and team manager.

#[tokio::test]
async fn break_glass_use_is_shown_to_the_childs_worker_and_manager() {
    let w = world().await;
    let a = w.app.add_team(None, "A").await.unwrap();
    let b_team = w.app.add_team(None, "B").await.unwrap();
    let mo = staff(&w, "mo", "Mo Manager", Role::TeamManager, Some(a.id), None).await;
    let sam = staff(&w, "sam", "Sam Worker", Role::SocialWorker, Some(a.id), Some(mo.id)).await;
    staff(&w, "gil", "Gil Glass", Role::SocialWorker, Some(b_team.id), None).await;
    let amy = w.app.create_person(&alone(&sam), child("Amy", "Quill")).await.unwrap();
    let mut gil = Browser::new();
    gil.sign_in(&w, "gil").await;
    let res = gil.form_post(&w, "/break-glass", "/break-glass", &[("person_id", &amy.id.to_string()), ("reason", "Police call at night: need the safety plan")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(gil.get(&w, &format!("/people/{}", amy.id)).await.status, StatusCode::OK);
    let actor = w.app.local_actor("gil").await.unwrap();
    let now = hearth_app::local_time::uk_local(w.clock.now_for_tests());
    let note = hearth_app::NewCaseNote { statutory_visit: false, also_for: Vec::new(),
        occurred_at: time::PrimitiveDateTime::new(now.date(), now.time()) - Duration::minutes(5),
        note_type: hearth_domain::codes::CaseNoteType::PhoneCall,
        child_seen: false,
        seen_alone: false,
        significant: false,
        text: "Spoke to police at the door.".into(),
    };
    w.app.add_case_note(&actor, amy.id, note).await.unwrap();
    for name in ["sam", "mo"] {
        let mut b = Browser::new();
        b.sign_in(&w, name).await;
        let home = b.get(&w, "/").await;
        assert!(home.body.contains("Gil Glass") && home.body.contains("Police call at night"), "{name}: {}", home.body);
        assert!(home.body.contains("added a case note") && home.body.contains("opened the record"), "{name}: what was done: {}", home.body);
    }
}

// ---------------------------------------------------------------------------------------
// Finding 14: refusals leave a trace; typed secrets do not.

#[tokio::test]
async fn refusals_are_audited_and_a_mistyped_username_is_not_kept() {
    let w = world().await;
    user(&w, "sam", Role::SocialWorker, None).await;
    user(&w, "kim", Role::SocialWorker, None).await;
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    let before = head(&w).await;
    // A form without its token.
    let res = b.post(&w, "/account/tokens", &[("name", "x")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    // Pages of other roles.
    assert_eq!(b.get(&w, "/admin/users").await.status, StatusCode::FORBIDDEN);
    assert_eq!(b.get(&w, "/admin/users/new").await.status, StatusCode::FORBIDDEN);
    assert_eq!(b.get(&w, "/audit").await.status, StatusCode::FORBIDDEN);
    // Someone else's token.
    let kims = w.app.create_api_token(&w.app.local_actor("kim").await.unwrap(), "k").await.unwrap().0;
    let res = b.form_post(&w, "/account", &format!("/account/tokens/{}/revoke", kims.id), &[]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let entries = audit_since(&w, before).await;
    let sam_id = stored_user(&w, "sam").await.id;
    for action in ["csrf.refused", "user.list", "user.create", "audit.view", "api_token.revoke"] {
        assert!(entries.iter().any(|e| e.draft.action == action && e.draft.outcome == Outcome::Denied && e.draft.actor == Some(sam_id)), "{action} refused and audited: {entries:?}");
    }
    // A password typed into the username box is not written to the log.
    let before = head(&w).await;
    let mut x = Browser::new();
    x.form_post(&w, "/sign-in", "/sign-in", &[("username", "Tr0ub4dor&3-secret"), ("password", "whatever")]).await;
    let entries = audit_since(&w, before).await;
    let e = entries.iter().find(|e| e.draft.action == "auth.sign_in").unwrap();
    assert_eq!((e.draft.outcome, e.draft.actor, e.draft.target.as_deref()), (Outcome::Denied, None, None));
    assert!(!format!("{entries:?}").contains("Tr0ub4dor"));
    // A known account's failure names the account.
    let before = head(&w).await;
    x.form_post(&w, "/sign-in", "/sign-in", &[("username", "kim"), ("password", "whatever")]).await;
    let e = audit_since(&w, before).await.into_iter().find(|e| e.draft.action == "auth.sign_in").unwrap();
    assert_eq!(e.draft.target.as_deref(), Some("kim"));
}

// ---------------------------------------------------------------------------------------
// Finding 15: accounts made by administrators.

#[tokio::test]
async fn set_up_links_expire_and_are_replaced_and_la_wide_roles_are_shown() {
    let w = world().await;
    let root = user(&w, "root", Role::Administrator, None).await;
    let secret = with_factor(&w, &root).await;
    user(&w, "sian", Role::ServiceManager, None).await;
    user(&w, "sam", Role::SocialWorker, None).await;
    let mut admin = Browser::new();
    admin.sign_in_with_code(&w, "root", &secret).await;
    let res = admin.form_post(&w, "/admin/users/new", "/admin/users/new", &[("display_name", "Bo Support"), ("username", "bo"), ("role", "business_support")]).await;
    let first = setup_link_in(&res.body);
    // Administrators need an authenticator: the set-up asks for one.
    let res = admin.form_post(&w, "/admin/users/new", "/admin/users/new", &[("display_name", "Ada Admin"), ("username", "ada"), ("role", "administrator")]).await;
    let ada = setup_link_in(&res.body);
    // A new link replaces the first.
    let bo_id = stored_user(&w, "bo").await.id;
    let res = admin.form_post(&w, "/admin/users", &format!("/admin/users/{bo_id}/setup-link"), &[]).await;
    let second = setup_link_in(&res.body);
    assert_ne!(first, second);
    let mut bo = Browser::new();
    assert_eq!(bo.get(&w, &first).await.status, StatusCode::NOT_FOUND, "the first link no longer works");
    assert_eq!(bo.get(&w, "/setup/zzz").await.status, StatusCode::NOT_FOUND);
    // The service manager is told of the new LA-wide account; a worker is not.
    let mut sian = Browser::new();
    sian.sign_in(&w, "sian").await;
    let home = sian.get(&w, "/").await;
    assert!(home.body.contains("Accounts given access to every record") && home.body.contains("Bo Support") && home.body.contains("Business support"), "{}", home.body);
    assert!(!home.body.contains("Ada Admin"), "administrators read no records");
    let mut sam = Browser::new();
    sam.sign_in(&w, "sam").await;
    assert!(!sam.get(&w, "/").await.body.contains("Accounts given access to every record"));
    // A role changed to one that reads every record is listed too.
    let sam_page = format!("/admin/users/{}", stored_user(&w, "sam").await.id);
    let res = admin.form_post(&w, &sam_page, &sam_page, &[("role", "business_support")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let home = sian.get(&w, "/").await.body;
    assert!(home.contains("sam name") && home.contains("root name"), "{home}");
    // The administrator's set-up needs an authenticator; without its code nothing is set,
    // and the key is the one the page proposed, the same on every visit.
    let mut a = Browser::new();
    let page = a.get(&w, &ada).await;
    assert!(page.body.contains("Set up your authenticator app"));
    let key = key_on(&page.body);
    let res = a.form_post(&w, &ada, &ada, &[("password", PASSWORD), ("confirm", PASSWORD), ("code", "000000")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("href=\"#code\""));
    assert_eq!(key_on(&res.body), key);
    let res = a.form_post(&w, &ada, &ada, &[("password", PASSWORD), ("confirm", PASSWORD), ("code", &code_now(&w, &key))]).await;
    assert_eq!(res.location(), "/sign-in?notice=setup");
    w.clock.advance(Duration::seconds(30));
    a.sign_in_with_code(&w, "ada", &key).await;
    // After 72 hours the link is dead.
    w.clock.advance(Duration::hours(73));
    assert_eq!(bo.get(&w, &second).await.status, StatusCode::NOT_FOUND);
    let res = bo.form_post(&w, "/sign-in", &second, &[("password", PASSWORD), ("confirm", PASSWORD)]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "an expired link sets nothing");
}

// ---------------------------------------------------------------------------------------
// Sessions end when they should; the headers say what they should.

#[tokio::test]
async fn a_session_ends_after_twelve_hours_however_busy() {
    let w = world().await;
    user(&w, "sam", Role::SocialWorker, None).await;
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    for _ in 0..24 {
        w.clock.advance(Duration::minutes(29));
        assert_eq!(b.get(&w, "/").await.status, StatusCode::OK, "used within the idle timeout");
    }
    w.clock.advance(Duration::minutes(29));
    assert_eq!(b.get(&w, "/").await.location(), "/sign-in", "12 hours after signing in");
}

#[tokio::test]
async fn signing_out_clears_the_browser_and_hsts_is_sent_when_asked() {
    let w = world().await;
    user(&w, "sam", Role::SocialWorker, None).await;
    let mut b = Browser::new();
    b.sign_in(&w, "sam").await;
    assert!(b.get(&w, "/").await.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(), "off unless configured");
    let res = b.form_post(&w, "/", "/sign-out", &[]).await;
    assert_eq!(res.location(), "/sign-in");
    assert!(res.headers["clear-site-data"].to_str().unwrap().contains("cache"));
    let tls = World { router: hearth_web::router(w.app.clone(), hearth_web::WebConfig { hsts: true, ..Default::default() }), app: w.app.clone(), clock: w.clock.clone(), db: std::env::temp_dir().join(format!("hearth-tls-{}", uuid::Uuid::new_v4())) };
    let page = b.get(&tls, "/sign-in").await;
    assert!(page.headers[header::STRICT_TRANSPORT_SECURITY].to_str().unwrap().contains("max-age=31536000"));
    let css = b.get(&tls, "/assets/govuk/govuk-frontend.min.css").await;
    assert_eq!(css.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
}
