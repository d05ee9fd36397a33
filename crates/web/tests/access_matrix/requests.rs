//! From a route of the table, an actor and a record to the request the matrix sends: the
//! path with its parameters filled in, and for writes a body that would succeed for someone
//! allowed to make it (so that a refusal in the table is a refusal, not a bad form).
use super::world::{factor_code, Rec, Who, World, HIDDEN_FAMILY, PASSWORD, ROTA_DAY, TODAY};
use axum::body::Body;
use axum::http::{header, Request};
use serde_json::{json, Value};

/// What a route's path (or body) is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// Nothing in particular: one column, `-`.
    Nothing,
    /// One of the records: a column each.
    Record,
}

/// Routes whose body, not their path, names the record.
const BODY_NAMES_RECORD: [(&str, &str); 2] = [("POST", "/break-glass"), ("POST", "/api/v1/contacts")];

/// The path segments before `{id}` that make it a record's (or a record's contact,
/// referral, assessment or episode).
const RECORD_COLLECTIONS: [&str; 9] = ["people", "contacts", "referrals", "assessments", "episodes", "explain", "care-periods", "care-decisions", "service-referrals"];

pub fn subject(method: &str, template: &str) -> Subject {
    if BODY_NAMES_RECORD.contains(&(method, template)) {
        return Subject::Record;
    }
    let segs: Vec<&str> = template.split('/').collect();
    let bound = segs.iter().enumerate().any(|(i, s)| match *s {
        "{nid}" | "{rid}" | "{note_id}" => true,
        "{id}" => i > 0 && RECORD_COLLECTIONS.contains(&segs[i - 1]),
        _ => false,
    });
    if bound { Subject::Record } else { Subject::Nothing }
}

pub fn is_api(template: &str) -> bool {
    template.starts_with("/api/v1/")
}

/// The unknown set-up token: plausible (64 hex digits) and no one's.
const SETUP_TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// The path, parameters filled in, with the query a listing route is asked with.
pub fn path(method: &str, template: &str, w: &World, rec: Option<&Rec>) -> Result<String, String> {
    let segs: Vec<&str> = template.split('/').collect();
    let mut out = Vec::with_capacity(segs.len());
    for (i, s) in segs.iter().enumerate() {
        let Some(name) = s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
            out.push(s.to_string());
            continue;
        };
        let need = || rec.ok_or_else(|| format!("{template}: {{{name}}} needs a record"));
        let value = match name {
            "id" => match segs[i - 1] {
                "people" => need()?.person.to_string(),
                "contacts" => need()?.contact.to_string(),
                // Starting an assessment or opening an episode needs a referral with neither.
                "referrals" if template.ends_with("/episode") || template.ends_with("/assessment") => need()?.legacy_referral.to_string(),
                "referrals" => need()?.referral.to_string(),
                // Returning and authorising need an assessment waiting for a manager.
                "assessments" if ["/{step}", "/return", "/authorise"].iter().any(|e| template.ends_with(e)) => need()?.submitted.to_string(),
                "assessments" => need()?.assessment.to_string(),
                "episodes" => need()?.episode.to_string(),
                "care-periods" => need()?.care_period.to_string(),
                "care-decisions" => need()?.care_decision.to_string(),
                "service-referrals" => need()?.service_referral.to_string(),
                "providers" => w.provider.to_string(),
                "users" | "caseloads" => w.user("worker_team").id.to_string(),
                "explain" => need()?.person.to_string(),
                "tokens" => w.worker_token_id.to_string(),
                other => return Err(format!("{template}: no value for {{id}} after /{other}/: add one in access_matrix/requests.rs")),
            },
            "nid" | "note_id" => need()?.note.to_string(),
            "rid" if template.contains("/services/") => need()?.service_referral.to_string(),
            "rid" => need()?.rel.to_string(),
            "key" => "therapeutic-counselling".into(),
            "section" => "factors".into(),
            "step" => "authorise".into(),
            "form" if template.starts_with("/people/{id}/leaving-care") => "contact".into(),
            "form" if template.starts_with("/people/") => "start".into(),
            "form" => "oversight".into(),
            "token" => SETUP_TOKEN.into(),
            "*path" => "govuk/govuk-frontend.min.css".into(),
            other => return Err(format!("{template}: no value for {{{other}}}: add one in access_matrix/requests.rs")),
        };
        out.push(value);
    }
    let mut p = out.join("/");
    // Searches for the restricted child's family name: the results must not show them.
    if method == "GET" && (template == "/search" || template == "/api/v1/people") {
        p.push_str(&format!("?q={HIDDEN_FAMILY}"));
    }
    // A census query's explanation is asked for one year and rule.
    if method == "GET" && template == "/returns/cin/explain/{id}" {
        p.push_str("?year=2026-27&rule=8670Q");
    }
    Ok(p)
}

/// A request's body.
pub enum Payload {
    None,
    Form(Vec<(String, String)>),
    Json(Value),
}

fn form(fields: &[(&str, &str)]) -> Payload {
    Payload::Form(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
}

fn dmy(name: &str) -> Vec<(String, String)> {
    vec![
        (format!("{name}-day"), TODAY.day().to_string()),
        (format!("{name}-month"), (TODAY.month() as u8).to_string()),
        (format!("{name}-year"), TODAY.year().to_string()),
    ]
}

fn with(mut fields: Vec<(String, String)>, more: &[(&str, &str)]) -> Payload {
    fields.extend(more.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Payload::Form(fields)
}

/// The code the actor's authenticator shows when the matrix is asked (nothing without one).
fn current_code(w: &World, who: &Who) -> String {
    if who.key == "administrator" { hearth_app::auth::totp_code(&w.admin_secret, super::world::ASKED).unwrap() } else { String::new() }
}

/// The body of a write. A route without one here fails the test, naming it.
pub fn payload(method: &str, template: &str, w: &World, who: &Who, rec: Option<&Rec>) -> Result<Payload, String> {
    if method == "GET" {
        return Ok(Payload::None);
    }
    let missing = || format!("{method} {template}: no request body for it yet: add one in access_matrix/requests.rs");
    let need = || rec.ok_or_else(missing);
    if is_api(template) {
        return api_body(method, template, w, rec).map(|b| b.map_or(Payload::None, Payload::Json)).ok_or_else(missing);
    }
    let me = who.user.as_ref().map(|u| u.id.to_string()).unwrap_or_default();
    let team_a = w.team_a.to_string();
    let worker = w.user("worker_team").id.to_string();
    Ok(match template {
        "/sign-in" => {
            // The anonymous visitor signs in as the worker; everyone else as themselves.
            let username = who.user.as_ref().map_or("worker_team".to_string(), |u| u.username.clone());
            form(&[("username", &username), ("password", PASSWORD)])
        }
        "/mfa" => form(&[("code", &current_code(w, who))]),
        // An attacker's own secret and its code: never what Hearth proposed.
        "/mfa/enrol" => {
            let secret = hearth_app::auth::new_totp_secret();
            let code = hearth_app::auth::totp_code(&secret, super::world::ASKED).unwrap();
            form(&[("secret", &secret), ("code", &code)])
        }
        "/sign-out" | "/account/sign-out-everywhere" | "/people/{id}/allocation/cancel" | "/admin/users/{id}/reset-mfa" | "/admin/users/{id}/setup-link" | "/admin/users/{id}/unlock" | "/account/tokens/{id}/revoke" | "/referrals/{id}/episode" => form(&[]),
        "/setup/{token}" => form(&[("password", "a passphrase of my own"), ("confirm", "a passphrase of my own")]),
        "/break-glass" => form(&[("person_id", &need()?.person.to_string()), ("reason", "Police called out of hours about this child")]),
        "/people/new" => with(dmy_fixed("date_of_birth", "1", "2", "2019"), &[("kind", "child"), ("given_name", "Nova"), ("family_name", "Newchild"), ("confirm_new", "yes")]),
        "/people/{id}/edit" => edit_person_form(need()?),
        "/people/{id}/family/new" => form(&[("relationship", "parent"), ("kind", "adult"), ("given_name", "Pip"), ("family_name", "Newparent")]),
        "/people/{id}/relationships/{rid}/end" => with(dmy("ended"), &[("version", "1")]),
        "/people/{id}/relationships/{rid}" => form(&[("version", "1"), ("lives_with", "yes")]),
        "/people/{id}/restrict" => form(&[("restricted", "yes"), ("users", &me), ("reason", "Adoption: sealed by court order")]),
        "/people/{id}/allocation" => {
            let team = need()?.team.map(|t| t.to_string()).unwrap_or_default();
            with(dmy("from"), &[("team", &team), ("worker", ""), ("reason", "Held by the team while the worker is away")])
        }
        "/people/{id}/notes/new" => note_form(None),
        "/people/{id}/notes/{nid}/correct" => note_form(Some(("1", "The time was wrong"))),
        "/people/{id}/contacts/new" => with(
            dmy("received"),
            &[
                ("received_time", "09:00"),
                ("source", "2A"),
                ("referrer_name", "A. Teacher"),
                ("referrer_agency", "Widcombe Primary"),
                ("reason", "Bruising seen on the arm."),
                ("consent", "not_required"),
                ("consent_reason", "Asking would put the child at risk"),
            ],
        ),
        "/contacts/{id}/decision" => with(dmy("decided"), &[("version", "1"), ("decided_time", "10:30"), ("decision", "referral"), ("rationale", "Threshold met")]),
        "/referrals/{id}" => form(&[("version", &need()?.referral_version.to_string()), ("primary_need", "N1")]),
        "/referrals/{id}/assessment" => Payload::Form(dmy("start_date")),
        "/assessments/{id}/edit/{section}" => form(&[("version", &need()?.assessment_version.to_string()), ("factors", factor_code()), ("factors", "1B")]),
        "/assessments/{id}/{step}" => with(dmy("authorised_on"), &[("version", &need()?.submitted_version.to_string())]),
        "/episodes/{id}/{form}" => form(&[("version", &need()?.episode_version.to_string()), ("note", "Reviewed the plan with the worker."), ("decision", "Continue the plan.")]),
        "/people/{id}/care/{form}" => with(dmy("start"), &[("status", "V2"), ("need", "N1"), ("carer", &w.provider.to_string()), ("kind", "U6")]),
        "/people/{id}/services/new" => with(dmy("on"), &[("service", "therapeutic-counselling"), ("reason", "Support after abuse")]),
        "/people/{id}/services/{rid}" => with(dmy("on"), &[("version", "1"), ("outcome", "accepted")]),
        "/people/{id}/leaving-care/{form}" => with(dmy("on"), &[("version", "0"), ("outcome", "YES")]),
        "/providers/new" => form(&[("name", "The Ash household"), ("kind", "foster_household"), ("provider", "PR1"), ("postcode", "TW1 3SX")]),
        "/providers/{id}/monitoring-visit" => form(&[("version", "1"), ("on-day", "1"), ("on-month", "5"), ("on-year", "2026")]),
        "/providers/{id}/edit" => form(&[("version", "1"), ("name", "The Fern household"), ("kind", "foster_household"), ("provider", "PR1"), ("closed", "no")]),
        "/rota/add" => form(&[("team", &team_a), ("date", &ROTA_DAY.to_string()), ("half", "pm"), ("worker", &worker)]),
        "/rota/remove" => form(&[("team", &team_a), ("date", &ROTA_DAY.to_string()), ("half", "am"), ("worker", &worker)]),
        "/admin/users/new" => form(&[("display_name", "Nell New"), ("username", "nell.new"), ("role", "social_worker"), ("team", &team_a)]),
        "/admin/users/{id}/active" => form(&[("active", "no")]),
        "/admin/users/{id}" => form(&[("role", "team_manager"), ("team", &team_a)]),
        "/returns/cin/explain/{id}" => form(&[("year", "2026-27"), ("rule", "8670Q"), ("text", "Family moved away mid-assessment")]),
        "/admin/teams" => form(&[("name", "Team Z")]),
        "/account/password" => {
            let code = current_code(w, who);
            form(&[("current_password", PASSWORD), ("current_code", &code), ("new_password", "a brand new passphrase"), ("confirm_password", "a brand new passphrase")])
        }
        "/account/authenticator" => {
            let code = who.proposed_totp.as_deref().map(|s| hearth_app::auth::totp_code(s, super::world::ASKED).unwrap()).unwrap_or_default();
            form(&[("mfa_password", PASSWORD), ("mfa_current_code", &current_code(w, who)), ("code", &code)])
        }
        "/account/tokens" => form(&[("name", "Case import script")]),
        _ => return Err(missing()),
    })
}

fn dmy_fixed(name: &str, d: &str, m: &str, y: &str) -> Vec<(String, String)> {
    vec![(format!("{name}-day"), d.into()), (format!("{name}-month"), m.into()), (format!("{name}-year"), y.into())]
}

/// The record's facts as its edit form shows them, with a first language added.
fn edit_person_form(rec: &Rec) -> Payload {
    let d = &rec.details;
    let dob = d.date_of_birth.expect("records have a date of birth");
    let mut f = dmy_fixed("date_of_birth", &dob.day().to_string(), &(dob.month() as u8).to_string(), &dob.year().to_string());
    let nhs = d.nhs_number.as_ref().map(|n| n.to_string()).unwrap_or_default();
    let upn = d.upn.as_ref().map(|n| n.to_string()).unwrap_or_default();
    let version = rec.person_version.to_string();
    for (k, v) in [
        ("kind", "child"),
        ("given_name", d.given_name.as_str()),
        ("family_name", d.family_name.as_str()),
        ("nhs_number", nhs.as_str()),
        ("upn", upn.as_str()),
        ("first_language", "English"),
        ("version", version.as_str()),
        ("reason", "First language recorded at the home visit"),
    ] {
        f.push((k.into(), v.into()));
    }
    Payload::Form(f)
}

/// A case note's form; `correcting`: the version and the reason of a correction.
fn note_form(correcting: Option<(&str, &str)>) -> Payload {
    let mut f = dmy("occurred");
    for (k, v) in [("time", "09:00"), ("note_type", "home_visit"), ("child_seen", "yes"), ("seen_alone", "yes"), ("text", "Saw the child at school.")] {
        f.push((k.into(), v.into()));
    }
    if let Some((version, reason)) = correcting {
        f.push(("version".into(), version.into()));
        f.push(("reason".into(), reason.into()));
    }
    Payload::Form(f)
}

/// The JSON body of an API write; `Some(None)`: the operation takes no body. `None`: no
/// body is defined for it here.
fn api_body(method: &str, template: &str, w: &World, rec: Option<&Rec>) -> Option<Option<Value>> {
    let r = || rec.expect("a record route");
    let today = TODAY.to_string();
    let team_a = w.team_a.to_string();
    let worker = w.user("worker_team").id.to_string();
    let note = json!({"occurred_at": format!("{today}T09:00"), "note_type": "home_visit", "child_seen": true, "seen_alone": true, "significant": false, "text": "Saw the child at school."});
    let body = match (method, template.trim_start_matches("/api/v1")) {
        ("POST", "/people") => json!({"kind": "child", "given_name": "Nova", "family_name": "Newchild", "date_of_birth": "2019-02-01", "confirm_not_duplicate": true}),
        ("PUT", "/people/{id}") => {
            let d = &r().details;
            json!({
                "kind": "child", "given_name": d.given_name, "family_name": d.family_name,
                "date_of_birth": d.date_of_birth.map(|x| x.to_string()),
                "nhs_number": d.nhs_number.as_ref().map(|n| n.as_str().to_string()),
                "upn": d.upn.as_ref().map(|n| n.as_str().to_string()),
                "first_language": "English", "version": r().person_version, "reason": "First language recorded at the home visit"
            })
        }
        ("POST", "/people/{id}/relationships") => json!({"role": "family_friend", "other_person_id": r().unlinked.to_string()}),
        ("POST", "/people/{id}/relationships/{rid}/end") => json!({"version": 1, "ended": today}),
        ("POST", "/people/{id}/case-notes") => note,
        ("PUT", "/people/{id}/case-notes/{note_id}") => {
            let mut n = note;
            n["version"] = json!(1);
            n["reason"] = json!("The time was wrong");
            n
        }
        ("POST", "/people/{id}/allocations") => json!({"team_id": r().team.map(|t| t.to_string()), "worker_id": null, "from": today, "reason": "Held by the team while the worker is away"}),
        ("POST", "/rota") => json!({"team_id": team_a, "date": ROTA_DAY.to_string(), "half": "pm", "worker_id": worker}),
        ("POST", "/rota/remove") => json!({"team_id": team_a, "date": ROTA_DAY.to_string(), "half": "am", "worker_id": worker}),
        ("POST", "/contacts") => json!({
            "received_at": format!("{today}T08:00:00Z"), "source": "2A",
            "referrer": {"name": "A. Teacher", "role": null, "agency": "Widcombe Primary", "phone": null, "email": null, "relationship_to_child": null},
            "reason": "Bruising seen on the arm.", "consent": "not_required", "consent_reason": "Asking would put the child at risk",
            "children": [r().person.to_string()], "family_members": []
        }),
        ("POST", "/contacts/{id}/decision") => json!({"version": 1, "decision": "referral", "decided_at": format!("{today}T09:30:00Z"), "rationale": "Threshold met"}),
        ("PUT", "/referrals/{id}") => json!({"version": r().referral_version, "primary_need": "N1", "nfa": false}),
        ("POST", "/referrals/{id}/assessment") => json!({"start_date": today}),
        ("PUT", "/assessments/{id}") => json!({
            "version": r().assessment_version, "start_date": "2026-05-05",
            "child_seen": [{"date": "2026-05-05", "seen_alone": true}],
            "factors": [factor_code(), "1B"], "outcome": "cin_plan"
        }),
        ("POST", "/assessments/{id}/submit") => json!({"version": r().assessment_version}),
        ("POST", "/assessments/{id}/return") => json!({"version": r().submitted_version, "comment": "Add the school's view"}),
        ("POST", "/assessments/{id}/authorise") => json!({"version": r().submitted_version, "authorised_on": today, "comment": null}),
        ("POST", "/referrals/{id}/episode") => return Some(None),
        ("POST", "/people/{id}/care") => json!({"start": today, "legal_status": "V2", "category_of_need": "N1", "placement_type": "U6", "provider_id": w.provider.to_string()}),
        // The record's proposal is open, so a second is refused (422) to those who may make one.
        ("POST", "/people/{id}/care-decisions") => json!({"route": "section_20", "reasons": "Mother in hospital"}),
        ("POST", "/people/{id}/short-breaks") => json!({"from": "2025-08-01", "to": "2025-08-03", "category_of_need": "N2", "placement_type": "U6", "provider_id": w.provider.to_string()}),
        ("POST", "/care-decisions/{id}/changes") => json!({"version": 1, "change": {"type": "withdraw", "on": today}}),
        ("POST", "/care-periods/{id}/changes") => json!({"version": 2, "change": {"type": "legal_status", "from": "2025-03-03", "legal_status": "C2"}}),
        ("POST", "/people/{id}/service-referrals") => json!({"service": "therapeutic-counselling", "on": today, "reason": "Support after abuse"}),
        ("POST", "/service-referrals/{id}/changes") => json!({"version": 1, "outcome": "accepted", "on": today}),
        ("POST", "/people/{id}/leaving-care/changes") => json!({"version": 0, "change": {"type": "contact", "on": today, "outcome": "YES"}}),
        ("POST", "/providers") => json!({"name": "The Ash household", "kind": "foster_household", "placement_provider": "PR1"}),
        ("POST", "/providers/{id}/monitoring-visits") => json!({"version": 1, "on": today}),
        ("PUT", "/providers/{id}") => json!({"version": 1, "name": "The Fern household", "kind": "foster_household", "placement_provider": "PR1"}),
        ("POST", "/episodes/{id}/changes") => json!({
            "version": r().episode_version,
            "change": {"type": "strategy_discussion", "held_at": format!("{today}T09:00:00Z"),
                "participants": [{"name": "DS Khan", "agency": "Police", "role": "Detective sergeant"}],
                "information": "New concerns from school", "decision": "section_47"}
        }),
        _ => return None,
    };
    Some(Some(body))
}

/// How an actor sends: the session cookie and CSRF token for pages (the anonymous
/// visitor's pre-session cookie and token), the bearer token for the API.
pub fn request(method: &str, path: &str, api: bool, w: &World, who: &Who, payload: Payload) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(path);
    if api {
        if let Some(t) = &who.token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
    } else {
        let cookie = match &who.session {
            Some((token, _)) => format!("{}={token}", hearth_web::session_cookie(w.config.secure_cookies)),
            None => w.anon_csrf.0.clone(),
        };
        req = req.header(header::COOKIE, cookie);
    }
    match payload {
        Payload::None => req.body(Body::empty()).unwrap(),
        Payload::Json(v) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(v.to_string())).unwrap(),
        Payload::Form(mut fields) => {
            let csrf = who.session.as_ref().map_or(w.anon_csrf.1.clone(), |(_, c)| c.clone());
            fields.insert(0, ("csrf_token".into(), csrf));
            let body = serde_urlencoded::to_string(&fields).unwrap();
            req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(body)).unwrap()
        }
    }
}
