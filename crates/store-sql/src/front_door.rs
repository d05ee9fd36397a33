//! The front door's records (contacts, referrals, assessments) as versioned JSON documents,
//! and the tasks their deadlines make. See `migrations/*/0005_front_door.sql`.
use crate::convert::{date_text, micros, opt_id, to_json, RowExt};
use crate::error::{conflict_or_missing, db_err};
use crate::sql::DynSql;
use hearth_domain::front_door::tasks::{week_end, Bucket, Sent, Task, TaskKind, TaskStatus, TaskSubject, TaskTally, Waiting};
use hearth_domain::cin::episode::Episode;
use hearth_domain::front_door::{assessment::Assessment, referral::Referral, TaskId};
use hearth_domain::person::ChangeMeta;
use hearth_domain::{PersonId, TeamId, UserId};
use hearth_store::{DocVersion, Result, StoreError, TaskQuery, Versioned};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
use time::{Date, OffsetDateTime};

/// What kind of document a row holds.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Contact,
    Referral,
    Assessment,
    Episode,
    CarePeriod,
    CareDecision,
    CareLeaver,
    ServiceReferral,
    /// A provider of placements: about no one, so never among a person's records.
    Provider,
}

impl Kind {
    fn code(self) -> &'static str {
        match self {
            Kind::Contact => "contact",
            Kind::Referral => "referral",
            Kind::Assessment => "assessment",
            Kind::Episode => "episode",
            Kind::CarePeriod => "care_period",
            Kind::CareDecision => "care_decision",
            Kind::CareLeaver => "care_leaver",
            Kind::ServiceReferral => "service_referral",
            Kind::Provider => "provider",
        }
    }
}

/// A document to save: its id, parent and the people it is about, with their roles.
pub(crate) struct Doc<'a, T> {
    pub kind: Kind,
    pub id: String,
    pub parent: Option<String>,
    pub people: Vec<(PersonId, &'static str)>,
    pub value: &'a T,
}

pub(crate) async fn insert<T: Serialize>(c: &mut AnyConnection, d: Doc<'_, T>, meta: &ChangeMeta) -> Result<()> {
    let json = to_json(d.value)?;
    sqlx::query(
        "INSERT INTO front_door_records (id, kind, parent_id, version, doc, created_at, updated_at) \
         VALUES ($1, $2, $3, 1, $4, $5, $5)",
    )
    .bind(&d.id)
    .bind(d.kind.code())
    .bind(d.parent.as_deref())
    .bind(&json)
    .bind(micros(meta.at))
    .execute(&mut *c)
    .await
    .map_err(db_err)?;
    for (person, role) in &d.people {
        sqlx::query("INSERT INTO front_door_people (record_id, person_id, role) VALUES ($1, $2, $3)")
            .bind(&d.id)
            .bind(person.to_string())
            .bind(*role)
            .execute(&mut *c)
            .await
            .map_err(db_err)?;
    }
    insert_version(c, &d.id, 1, &json, meta).await
}

/// Keeps a document's outline (what the lists read instead of the whole document) and the
/// day it ended, if it has.
pub(crate) async fn set_outline<T: Serialize>(c: &mut AnyConnection, id: &str, outline: &T, ended: Option<Date>) -> Result<()> {
    let json = to_json(outline)?;
    sqlx::query("UPDATE front_door_records SET outline = $1, ended = $2 WHERE id = $3")
        .bind(&json)
        .bind(ended.map(date_text))
        .bind(id)
        .execute(&mut *c)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Saves a new version of the document. The people it is about do not change after it is
/// made (a contact about another child is another contact).
pub(crate) async fn update<T: Serialize>(c: &mut AnyConnection, id: &str, value: &T, expected_version: i64, meta: &ChangeMeta) -> Result<()> {
    let json = to_json(value)?;
    let n = sqlx::query("UPDATE front_door_records SET version = version + 1, doc = $1, updated_at = $2 WHERE id = $3 AND version = $4")
        .bind(&json)
        .bind(micros(meta.at))
        .bind(id)
        .bind(expected_version)
        .execute(&mut *c)
        .await
        .map_err(db_err)?
        .rows_affected();
    if n == 0 {
        return Err(conflict_or_missing(c, "SELECT version FROM front_door_records WHERE id = $1", id).await);
    }
    insert_version(c, id, expected_version + 1, &json, meta).await
}

async fn insert_version(c: &mut AnyConnection, id: &str, version: i64, json: &str, meta: &ChangeMeta) -> Result<()> {
    sqlx::query("INSERT INTO front_door_versions (record_id, version, doc, changed_by, changed_at, reason) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id)
        .bind(version)
        .bind(json)
        .bind(meta.by.to_string())
        .bind(micros(meta.at))
        .bind(meta.reason.as_deref())
        .execute(c)
        .await
        .map_err(db_err)?;
    Ok(())
}

fn versioned<T: DeserializeOwned>(r: &AnyRow) -> Result<Versioned<T>> {
    Ok(Versioned { value: r.json("doc")?, version: r.int("version")?, created_at: r.time("created_at")?, updated_at: r.time("updated_at")? })
}

pub(crate) async fn get<T: DeserializeOwned>(c: &mut AnyConnection, kind: Kind, id: &str) -> Result<Option<Versioned<T>>> {
    let row = sqlx::query("SELECT r.doc, r.version, r.created_at, r.updated_at FROM front_door_records r WHERE r.id = $1 AND r.kind = $2")
        .bind(id)
        .bind(kind.code())
        .fetch_optional(c)
        .await
        .map_err(db_err)?;
    row.as_ref().map(versioned).transpose()
}

pub(crate) async fn by_parent<T: DeserializeOwned>(c: &mut AnyConnection, kind: Kind, parent: &str) -> Result<Option<Versioned<T>>> {
    let row = sqlx::query("SELECT r.doc, r.version, r.created_at, r.updated_at FROM front_door_records r WHERE r.parent_id = $1 AND r.kind = $2 ORDER BY r.created_at LIMIT 1")
        .bind(parent)
        .bind(kind.code())
        .fetch_optional(c)
        .await
        .map_err(db_err)?;
    row.as_ref().map(versioned).transpose()
}

/// The documents of `kind` about a person, newest made first (the caller orders by its own
/// dates where they differ).
pub(crate) async fn of_person<T: DeserializeOwned>(c: &mut AnyConnection, kind: Kind, person: PersonId) -> Result<Vec<Versioned<T>>> {
    let rows = sqlx::query(
        "SELECT r.doc, r.version, r.created_at, r.updated_at FROM front_door_records r \
         JOIN front_door_people p ON p.record_id = r.id WHERE p.person_id = $1 AND r.kind = $2 \
         ORDER BY r.created_at DESC, r.id",
    )
    .bind(person.to_string())
    .bind(kind.code())
    .fetch_all(c)
    .await
    .map_err(db_err)?;
    rows.iter().map(versioned).collect()
}

/// Every document about a person, of every kind, newest made first: the record page's
/// front door in one query.
pub(crate) async fn all_of_person(c: &mut AnyConnection, person: PersonId) -> Result<hearth_store::PersonFrontDoor> {
    let rows = sqlx::query(
        "SELECT r.kind, r.doc, r.version, r.created_at, r.updated_at FROM front_door_records r \
         JOIN front_door_people p ON p.record_id = r.id WHERE p.person_id = $1 \
         ORDER BY r.created_at DESC, r.id",
    )
    .bind(person.to_string())
    .fetch_all(c)
    .await
    .map_err(db_err)?;
    let mut out = hearth_store::PersonFrontDoor::default();
    for r in &rows {
        let kind = r.text("kind")?;
        match kind.as_str() {
            k if k == Kind::Contact.code() => out.contacts.push(versioned(r)?),
            k if k == Kind::Referral.code() => out.referrals.push(versioned(r)?),
            k if k == Kind::Assessment.code() => out.assessments.push(versioned(r)?),
            k if k == Kind::Episode.code() => out.episodes.push(versioned(r)?),
            k if k == Kind::CarePeriod.code() => out.care_periods.push(versioned(r)?),
            k if k == Kind::CareDecision.code() => out.care_decisions.push(versioned(r)?),
            k if k == Kind::CareLeaver.code() => out.care_leaver = Some(versioned(r)?),
            // Read on their own (`service_referrals_of`).
            k if k == Kind::ServiceReferral.code() => {}
            other => return Err(StoreError::Corrupt(format!("front_door_records.kind {other:?} is not a kind Hearth knows"))),
        }
    }
    out.care_periods.sort_by_key(|p: &Versioned<hearth_domain::care::CarePeriodRecord>| p.value.period.start);
    out.care_decisions.sort_by_key(|d: &Versioned<hearth_domain::care::decision::CareDecision>| std::cmp::Reverse(d.value.proposed));
    Ok(out)
}

/// Every document of `kind`, as it stands now.
pub(crate) async fn all_of_kind<T: DeserializeOwned>(c: &mut AnyConnection, dialect: crate::dialect::Dialect, kind: Kind) -> Result<Vec<T>> {
    all_by(c, dialect.docs_of_kind(), kind).await
}

/// Every document of `kind` as `sql` (one row, `docs`: the documents joined by commas) gives
/// them.
pub(crate) async fn all_by<T: DeserializeOwned>(c: &mut AnyConnection, sql: &'static str, kind: Kind) -> Result<Vec<T>> {
    let row = sqlx::query(sql).bind(kind.code()).fetch_one(c).await.map_err(db_err)?;
    parse_joined(&row, kind)
}

/// The outlines `sql` joins of the documents of `kind` not ended before `ended_since`.
pub(crate) async fn outlines<T: DeserializeOwned>(c: &mut AnyConnection, sql: &'static str, kind: Kind, ended_since: Date) -> Result<Vec<T>> {
    let row = sqlx::query(sql).bind(kind.code()).bind(date_text(ended_since)).fetch_one(c).await.map_err(db_err)?;
    parse_joined(&row, kind)
}

/// Documents joined with commas in the column `docs`, as a list.
fn parse_joined<T: DeserializeOwned>(row: &AnyRow, kind: Kind) -> Result<Vec<T>> {
    match row.opt_text("docs")? {
        None => Ok(Vec::new()),
        Some(docs) => serde_json::from_str(&format!("[{docs}]")).map_err(|e| StoreError::Corrupt(format!("front_door_records of kind {}: {e}", kind.code()))),
    }
}

/// The referrals, assessments and episodes about any of `people`, read 500 people to a
/// query, each once.
pub(crate) async fn census_docs_of(c: &mut AnyConnection, people: &[PersonId]) -> Result<(Vec<Referral>, Vec<Assessment>, Vec<Episode>)> {
    let mut seen = std::collections::HashSet::new();
    let (mut referrals, mut assessments, mut episodes) = (Vec::new(), Vec::new(), Vec::new());
    for chunk in people.chunks(500) {
        let mut q = DynSql::new("SELECT DISTINCT r.id, r.kind, r.doc FROM front_door_records r JOIN front_door_people p ON p.record_id = r.id WHERE p.person_id IN (");
        let list = q.list(chunk.iter().map(|id| id.to_string()));
        let kinds = q.list([Kind::Referral, Kind::Assessment, Kind::Episode].map(Kind::code));
        q.push(&list).push(") AND r.kind IN (").push(&kinds).push(")");
        q.cache = false;
        for r in q.fetch_all(&mut *c).await? {
            if !seen.insert(r.text("id")?) {
                continue;
            }
            match r.text("kind")?.as_str() {
                k if k == Kind::Referral.code() => referrals.push(r.json("doc")?),
                k if k == Kind::Assessment.code() => assessments.push(r.json("doc")?),
                _ => episodes.push(r.json("doc")?),
            }
        }
    }
    Ok((referrals, assessments, episodes))
}

/// The people with a document of `kind` about them as a child, by id.
pub(crate) async fn people_of_kind(c: &mut AnyConnection, kind: Kind) -> Result<Vec<PersonId>> {
    let rows = sqlx::query(
        "SELECT DISTINCT p.person_id FROM front_door_people p JOIN front_door_records r ON r.id = p.record_id \
         WHERE r.kind = $1 AND p.role = 'child' ORDER BY p.person_id",
    )
    .bind(kind.code())
    .fetch_all(c)
    .await
    .map_err(db_err)?;
    rows.iter().map(|r| r.parsed("person_id")).collect()
}

pub(crate) async fn versions(c: &mut AnyConnection, id: &str) -> Result<Vec<DocVersion>> {
    let rows = sqlx::query(
        "SELECT v.version, v.doc, v.changed_by, u.display_name, v.changed_at, v.reason FROM front_door_versions v \
         LEFT JOIN users u ON u.id = v.changed_by WHERE v.record_id = $1 ORDER BY v.version",
    )
    .bind(id)
    .fetch_all(c)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|r| {
            Ok(DocVersion {
                version: r.int("version")?,
                changed_by: r.parsed("changed_by")?,
                changed_by_name: r.opt_text("display_name")?.unwrap_or_default(),
                changed_at: r.time("changed_at")?,
                reason: r.opt_text("reason")?,
                doc: r.text("doc")?,
            })
        })
        .collect()
}

// Tasks.

macro_rules! select_tasks {
    ($tail:literal) => {
        concat!(
            "SELECT id, kind, subject_type, subject_id, child_id, team_id, assignee_id, due, rule, pack, pack_version, ",
            "explanation, done_at, done_by, step, waiting_with, waiting_since, sent_by, sent_at FROM tasks ",
            $tail
        )
    };
}

fn task(r: &AnyRow) -> Result<Task> {
    let kind = r.text("kind")?;
    let (subject_type, subject_id) = (r.text("subject_type")?, r.text("subject_id")?);
    let status = match (r.opt_time("done_at")?, r.opt_parsed::<UserId>("done_by")?) {
        (Some(at), Some(by)) => TaskStatus::Done { at, by },
        _ => TaskStatus::Open,
    };
    Ok(Task {
        id: r.parsed("id")?,
        kind: TaskKind::from_code(&kind).ok_or_else(|| StoreError::Corrupt(format!("unknown task kind {kind}")))?,
        subject: TaskSubject::from_parts(&subject_type, &subject_id).ok_or_else(|| StoreError::Corrupt(format!("bad task subject {subject_type} {subject_id}")))?,
        child: r.parsed("child_id")?,
        team: r.opt_parsed("team_id")?,
        assignee: r.opt_parsed("assignee_id")?,
        due: r.opt_date("due")?.ok_or_else(|| StoreError::Corrupt("tasks.due is empty".into()))?,
        rule: r.text("rule")?,
        pack: r.text("pack")?,
        pack_version: r.text("pack_version")?,
        explanation: r.text("explanation")?,
        step: r.text("step")?,
        status,
        waiting: r.opt_time("waiting_since")?.map(|since| Ok::<_, StoreError>(Waiting { with: r.opt_parsed("waiting_with")?, since })).transpose()?,
        sent: match (r.opt_parsed::<UserId>("sent_by")?, r.opt_time("sent_at")?) {
            (Some(by), Some(at)) => Some(Sent { by, at }),
            _ => None,
        },
    })
}

/// The values of a task's `waiting_with, waiting_since, sent_by, sent_at` columns.
fn hand_over_columns(t: &Task) -> (Option<String>, Option<i64>, Option<String>, Option<i64>) {
    (
        t.waiting.and_then(|w| w.with).map(|u| u.to_string()),
        t.waiting.map(|w| micros(w.since)),
        t.sent.map(|s| s.by.to_string()),
        t.sent.map(|s| micros(s.at)),
    )
}

pub(crate) async fn insert_task(c: &mut AnyConnection, t: &Task) -> Result<()> {
    let (subject_type, subject_id) = t.subject.parts();
    let (done_at, done_by) = match t.status {
        TaskStatus::Open => (None, None),
        TaskStatus::Done { at, by } => (Some(micros(at)), Some(by.to_string())),
    };
    let (waiting_with, waiting_since, sent_by, sent_at) = hand_over_columns(t);
    sqlx::query(
        "INSERT INTO tasks (id, kind, subject_type, subject_id, child_id, team_id, assignee_id, due, rule, pack, \
         pack_version, explanation, done_at, done_by, step, waiting_with, waiting_since, sent_by, sent_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
    )
    .bind(t.id.to_string())
    .bind(t.kind.code())
    .bind(subject_type)
    .bind(subject_id)
    .bind(t.child.to_string())
    .bind(opt_id(t.team))
    .bind(opt_id(t.assignee))
    .bind(date_text(t.due))
    .bind(&t.rule)
    .bind(&t.pack)
    .bind(&t.pack_version)
    .bind(&t.explanation)
    .bind(done_at)
    .bind(done_by)
    .bind(&t.step)
    .bind(waiting_with)
    .bind(waiting_since)
    .bind(sent_by)
    .bind(sent_at)
    .execute(c)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Inserts tasks many rows to a statement (the generator writes tens of thousands).
pub(crate) async fn insert_tasks(c: &mut AnyConnection, tasks: &[Task]) -> Result<()> {
    for chunk in tasks.chunks(40) {
        let mut q = DynSql::new(
            "INSERT INTO tasks (id, kind, subject_type, subject_id, child_id, team_id, assignee_id, due, rule, pack, \
             pack_version, explanation, done_at, done_by, step, waiting_with, waiting_since, sent_by, sent_at) VALUES ",
        );
        q.cache = false;
        let mut rows = Vec::with_capacity(chunk.len());
        for t in chunk {
            let (subject_type, subject_id) = t.subject.parts();
            let (done_at, done_by) = match t.status {
                TaskStatus::Open => (None, None),
                TaskStatus::Done { at, by } => (Some(micros(at)), Some(by.to_string())),
            };
            let (waiting_with, waiting_since, sent_by, sent_at) = hand_over_columns(t);
            let values = [
                q.arg(t.id.to_string()),
                q.arg(t.kind.code()),
                q.arg(subject_type),
                q.arg(subject_id),
                q.arg(t.child.to_string()),
                q.arg(opt_id(t.team)),
                q.arg(opt_id(t.assignee)),
                q.arg(date_text(t.due)),
                q.arg(t.rule.as_str()),
                q.arg(t.pack.as_str()),
                q.arg(t.pack_version.as_str()),
                q.arg(t.explanation.as_str()),
                q.arg(done_at),
                q.arg(done_by),
                q.arg(t.step.as_str()),
                q.arg(waiting_with),
                q.arg(waiting_since),
                q.arg(sent_by),
                q.arg(sent_at),
            ];
            rows.push(format!("({})", values.join(", ")));
        }
        q.push(&rows.join(", "));
        q.execute(c).await?;
    }
    Ok(())
}

pub(crate) async fn close_tasks(c: &mut AnyConnection, ids: &[TaskId], by: UserId, at: OffsetDateTime) -> Result<u64> {
    if ids.is_empty() {
        return Ok(0);
    }
    let mut q = DynSql::new("UPDATE tasks SET done_at = ");
    let a = q.arg(micros(at));
    let b = q.arg(by.to_string());
    let i = q.list(ids.iter().map(|i| i.to_string()));
    q.push(&format!("{a}, done_by = {b} WHERE done_at IS NULL AND id IN ({i})"));
    q.execute(c).await
}

pub(crate) async fn complete_tasks(c: &mut AnyConnection, subject: TaskSubject, kinds: &[TaskKind], by: UserId, at: OffsetDateTime) -> Result<u64> {
    if kinds.is_empty() {
        return Ok(0);
    }
    let mut q = DynSql::new("UPDATE tasks SET done_at = ");
    let a = q.arg(micros(at));
    let b = q.arg(by.to_string());
    let s = q.arg(subject.parts().1);
    let k = q.list(kinds.iter().map(|k| k.code()));
    q.push(&format!("{a}, done_by = {b} WHERE subject_id = {s} AND done_at IS NULL AND kind IN ({k})"));
    q.execute(c).await
}

pub(crate) async fn set_waiting(c: &mut AnyConnection, subject: TaskSubject, kinds: &[TaskKind], waiting: Option<Waiting>) -> Result<u64> {
    if kinds.is_empty() {
        return Ok(0);
    }
    let mut q = DynSql::new("UPDATE tasks SET waiting_with = ");
    let w = q.arg(waiting.and_then(|w| w.with).map(|u| u.to_string()));
    let since = q.arg(waiting.map(|w| micros(w.since)));
    let s = q.arg(subject.parts().1);
    let k = q.list(kinds.iter().map(|k| k.code()));
    q.push(&format!("{w}, waiting_since = {since} WHERE subject_id = {s} AND done_at IS NULL AND kind IN ({k})"));
    q.execute(c).await
}

pub(crate) async fn tasks_of(c: &mut AnyConnection, subject: TaskSubject) -> Result<Vec<Task>> {
    let (subject_type, subject_id) = subject.parts();
    let rows = sqlx::query(select_tasks!("WHERE subject_id = $1 AND subject_type = $2 ORDER BY due, kind, id"))
        .bind(subject_id)
        .bind(subject_type)
        .fetch_all(c)
        .await
        .map_err(db_err)?;
    rows.iter().map(task).collect()
}

pub(crate) async fn open_tasks_of_child(c: &mut AnyConnection, child: PersonId) -> Result<Vec<Task>> {
    let rows = sqlx::query(select_tasks!("WHERE child_id = $1 AND done_at IS NULL ORDER BY due, kind, id"))
        .bind(child.to_string())
        .fetch_all(c)
        .await
        .map_err(db_err)?;
    rows.iter().map(task).collect()
}

/// `WHERE` text for open tasks assigned to one of `users` or of one of `teams`. Each
/// alternative repeats `done_at IS NULL`, so SQLite answers each from its partial index (with
/// the condition outside the OR it scans every open task). `None` when the scope is empty.
fn open_in_scope(q: &mut DynSql, users: &[UserId], teams: &[TeamId], extra: &str) -> Option<String> {
    let mut parts = Vec::new();
    if !users.is_empty() {
        parts.push(format!("(done_at IS NULL AND assignee_id IN ({}){extra})", q.list(users.iter().map(ToString::to_string))));
    }
    if !teams.is_empty() {
        parts.push(format!("(done_at IS NULL AND team_id IN ({}){extra})", q.list(teams.iter().map(ToString::to_string))));
    }
    q.cache = users.len() + teams.len() <= 8;
    (!parts.is_empty()).then(|| parts.join(" OR "))
}

pub(crate) async fn open_tasks(c: &mut AnyConnection, tq: &TaskQuery<'_>) -> Result<Vec<Task>> {
    let mut q = DynSql::new(select_tasks!("WHERE "));
    // The filters go inside each alternative of the scope too, for the same reason.
    let mut extra = String::new();
    if !tq.kinds.is_empty() {
        let kinds = q.list(tq.kinds.iter().map(|k| k.code()));
        extra += &format!(" AND kind IN ({kinds})");
    }
    match tq.assignee {
        Some(None) => extra += " AND assignee_id IS NULL",
        Some(Some(u)) => extra += &format!(" AND assignee_id = {}", q.arg(u.to_string())),
        None => {}
    }
    if let Some(d) = tq.due_before {
        extra += &format!(" AND due < {}", q.arg(date_text(d)));
    }
    match tq.waiting {
        Some(false) => extra += " AND waiting_since IS NULL",
        Some(true) => extra += " AND waiting_since IS NOT NULL",
        None => {}
    }
    match tq.among {
        None => {
            q.push("done_at IS NULL");
            q.push(&extra);
        }
        Some((users, teams)) => match open_in_scope(&mut q, users, teams, &extra) {
            Some(w) => {
                q.push(&w);
            }
            None => return Ok(Vec::new()),
        },
    }
    q.push(" ORDER BY due, kind, id");
    if let Some(n) = tq.limit {
        let (l, o) = (q.arg(i64::from(n)), q.arg(i64::from(tq.offset)));
        q.push(&format!(" LIMIT {l} OFFSET {o}"));
    }
    q.fetch_all(c).await?.iter().map(task).collect()
}

pub(crate) async fn open_task_tally(c: &mut AnyConnection, users: &[UserId], teams: &[TeamId], today: Date) -> Result<Vec<TaskTally>> {
    let mut q = DynSql::new("");
    // Dates are ISO text, so they compare as dates on both backends.
    let (t, w) = (q.arg(date_text(today)), q.arg(date_text(week_end(today))));
    q.push(&format!(
        "SELECT assignee_id, kind, CAST(CASE WHEN waiting_since IS NOT NULL THEN 4 WHEN due < {t} THEN 0 WHEN due = {t} THEN 1 WHEN due <= {w} THEN 2 ELSE 3 END AS BIGINT) AS bucket, \
         COUNT(*) AS n FROM tasks WHERE "
    ));
    let Some(scope) = open_in_scope(&mut q, users, teams, "") else {
        return Ok(Vec::new());
    };
    q.push(&scope);
    q.push(" GROUP BY assignee_id, kind, bucket");
    let mut tally = q
        .fetch_all(c)
        .await?
        .iter()
        .map(|r| {
            let kind = r.text("kind")?;
            Ok(TaskTally {
                assignee: r.opt_parsed("assignee_id")?,
                kind: TaskKind::from_code(&kind).ok_or_else(|| StoreError::Corrupt(format!("unknown task kind {kind}")))?,
                bucket: match r.int("bucket")? {
                    0 => Bucket::Overdue,
                    1 => Bucket::DueToday,
                    2 => Bucket::DueThisWeek,
                    3 => Bucket::Later,
                    _ => Bucket::Waiting,
                },
                count: usize::try_from(r.int("n")?).map_err(|_| StoreError::Corrupt("negative task count".into()))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    tally.sort();
    Ok(tally)
}

pub(crate) async fn reschedule_task(c: &mut AnyConnection, t: &Task) -> Result<()> {
    let n = sqlx::query("UPDATE tasks SET due = $1, rule = $2, pack = $3, pack_version = $4, explanation = $5 WHERE id = $6")
        .bind(date_text(t.due))
        .bind(&t.rule)
        .bind(&t.pack)
        .bind(&t.pack_version)
        .bind(&t.explanation)
        .bind(t.id.to_string())
        .execute(c)
        .await
        .map_err(db_err)?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub(crate) async fn assign_open_tasks(c: &mut AnyConnection, child: PersonId, kinds: &[TaskKind], team: TeamId, worker: Option<UserId>) -> Result<u64> {
    if kinds.is_empty() {
        return Ok(0);
    }
    let mut q = DynSql::new("UPDATE tasks SET team_id = ");
    let t = q.arg(team.to_string());
    let w = match worker {
        Some(w) => q.arg(w.to_string()),
        None => "NULL".to_string(),
    };
    let ch = q.arg(child.to_string());
    let k = q.list(kinds.iter().map(|k| k.code()));
    q.push(&format!("{t}, assignee_id = {w} WHERE child_id = {ch} AND done_at IS NULL AND kind IN ({k})"));
    q.execute(c).await
}
