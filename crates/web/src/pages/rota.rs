//! The duty rota of a team: who is on duty in each session of the next two weeks, with a
//! warning for a session under the pack's minimum of qualified social workers.
use super::{layout, parse_id};
use crate::error::{render, WebError};
use crate::forms::FormData;
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::{Actor, AppError, Rota, RotaChange, RotaSession, RotaWorker};
use hearth_domain::front_door::rota::{HalfDay, Session};
use hearth_domain::{FieldErrors, TeamId};
use serde::Deserialize;
use time::Date;
use time::macros::format_description;

#[derive(Template)]
#[template(path = "rota.html")]
struct RotaPage {
    layout: Layout,
    r: Rota,
    errors: FieldErrors,
}

impl RotaPage {
    /// The team's members not yet on duty in the session.
    fn available(&self, x: &RotaSession) -> Vec<&RotaWorker> {
        self.r.members.iter().filter(|m| !x.workers.iter().any(|w| w.user == m.user)).collect()
    }
}

/// "Mon 30 Nov, morning".
pub fn session_label(s: &Session) -> String {
    let day = s.date.format(format_description!("[weekday repr:short] [day padding:none] [month repr:short]")).unwrap_or_default();
    format!("{day}, {}", if s.half == HalfDay::Am { "morning" } else { "afternoon" })
}

/// The id of a session's worker select, which error messages link to.
pub fn session_key(s: &Session) -> String {
    format!("{}-{}", s.date, half_code(&s.half))
}

pub fn half_code(h: &HalfDay) -> &'static str {
    match h {
        HalfDay::Am => "am",
        HalfDay::Pm => "pm",
    }
}

#[derive(Deserialize, Default)]
pub struct RotaQuery {
    #[serde(default)]
    team: String,
    #[serde(default)]
    saved: String,
    /// Who was added or removed, and the session, for the message.
    #[serde(default)]
    worker: String,
    #[serde(default)]
    session: String,
}

/// "Sam Worker added to Tue 8 Dec, morning": said from the rota as it now is, so the names
/// are the team's own (an unknown worker or session is said without them).
fn flash(q: &RotaQuery, r: &hearth_app::Rota) -> Option<String> {
    let verb = match q.saved.as_str() {
        "added" => "added to",
        "removed" => "removed from",
        _ => return None,
    };
    let who = r.members.iter().find(|m| m.user.to_string() == q.worker).map(|m| m.name.clone());
    let when = r.sessions.iter().find(|x| session_key(&x.session) == q.session).map(|x| session_label(&x.session));
    Some(match (who, when) {
        (Some(who), Some(when)) => format!("{who} {verb} {when}"),
        (Some(who), None) => format!("{who} {verb} the duty rota"),
        _ => format!("{} the duty rota", if verb == "added to" { "Added to" } else { "Removed from" }),
    })
}

fn team_param(team: &str) -> Result<Option<TeamId>, WebError> {
    if team.is_empty() { Ok(None) } else { parse_id(team).map(Some) }
}

pub async fn page(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Query(q): Query<RotaQuery>) -> Result<Response, WebError> {
    let team = team_param(&q.team)?;
    let r = s.app.rota(&actor, team).await?;
    let title = format!("Duty rota: {}", r.team.name);
    let flash = flash(&q, &r);
    Ok(render(StatusCode::OK, &RotaPage { layout: layout(&v, title).with_flash(flash), r, errors: FieldErrors::new() }))
}

pub async fn add(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, form: FormData) -> Result<Response, WebError> {
    change(s, actor, v, form, true).await
}

pub async fn remove(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, form: FormData) -> Result<Response, WebError> {
    change(s, actor, v, form, false).await
}

async fn change(s: AppState, actor: Actor, v: Visitor, form: FormData, add: bool) -> Result<Response, WebError> {
    let team: TeamId = parse_id(form.get("team"))?;
    // Errors link to the session's worker select when the page shows the session.
    let key = format!("{}-{}", form.get("date"), form.get("half"));
    let mut errors = FieldErrors::new();
    let date = Date::parse(form.get("date"), format_description!("[year]-[month]-[day]")).ok();
    if date.is_none() {
        errors.add("date", "Enter the date of the session");
    }
    let half = match form.get("half") {
        "am" => Some(HalfDay::Am),
        "pm" => Some(HalfDay::Pm),
        _ => {
            errors.add("half", "Choose the morning or the afternoon");
            None
        }
    };
    let worker = form.get("worker").parse().ok();
    if worker.is_none() {
        errors.add("worker", "Choose a worker in this team");
    }
    let result = match (date, half, worker) {
        (Some(date), Some(half), Some(worker)) => {
            let c = RotaChange { team, session: Session { date, half }, worker };
            if add { s.app.add_to_rota(&actor, c).await } else { s.app.remove_from_rota(&actor, c).await }
        }
        _ => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(()) => {
            let saved = if add { "added" } else { "removed" };
            Ok(Redirect::to(&format!("/rota?team={team}&saved={saved}&worker={}&session={key}", form.get("worker"))).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let r = s.app.rota(&actor, Some(team)).await?;
            let shown = r.sessions.iter().any(|x| session_key(&x.session) == key) && add;
            let target = if shown { format!("worker-{key}") } else { "rota".to_string() };
            let mut linked = FieldErrors::new();
            for e in errors.0 {
                linked.add(target.clone(), e.message);
            }
            let title = format!("Duty rota: {}", r.team.name);
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &RotaPage { layout: layout(&v, title), r, errors: linked }))
        }
        Err(e) => Err(e.into()),
    }
}
