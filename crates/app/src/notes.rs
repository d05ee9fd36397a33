//! Case notes: recording what happened, and correcting it without losing what was written.
use crate::{local_time, Actor, App, AppError, CaseSummary};
use hearth_domain::audit::Outcome;
use hearth_domain::case_note::{CaseNote, CaseNoteDetails, CaseNoteVersion};
use hearth_domain::codes::CaseNoteType;
use hearth_domain::person::{ChangeMeta, PersonKind};
use hearth_domain::user::{Permission, Role};
use hearth_domain::{CaseNoteId, PersonId};

pub type NewCaseNote = CaseNoteDetails;

impl App {
    fn check_note(&self, actor: &Actor, details: &CaseNoteDetails) -> Result<(), AppError> {
        if details.note_type == CaseNoteType::ManagementOversight && !actor.can(Permission::RecordManagementOversight) {
            return Err(AppError::invalid("note_type", "Only managers can record management oversight"));
        }
        details.validate(local_time::uk_local(self.now()))?;
        Ok(())
    }

    /// Records a note; with `details.also_for`, the same note for other children of the
    /// person's network too, one note in each record, each naming the others. All are saved
    /// together or none. Returns the person's own note.
    pub async fn add_case_note(&self, actor: &Actor, person: PersonId, details: NewCaseNote) -> Result<CaseNote, AppError> {
        self.require(actor, Permission::AddCaseNotes, "case_note.create").await?;
        self.check_note(actor, &details)?;
        let mut also = details.also_for.clone();
        also.sort();
        also.dedup();
        also.retain(|p| *p != person);
        let (mut tx, _, _) = self.with_open(actor, person, "case_note.create").await?;
        if !also.is_empty() {
            // Only children of the network, in a current relationship, whose records the
            // author may open.
            let family = self.family_in(tx.as_mut(), actor, person).await?;
            let allowed = |p: &PersonId| family.iter().any(|m| m.person.id == *p && m.can_open && m.person.kind == PersonKind::Child && m.relationship.ended.is_none());
            if !also.iter().all(allowed) {
                return Err(AppError::invalid("also_for", "Choose children of the family network whose records you can open"));
            }
        }
        let now = self.now();
        let everyone: Vec<PersonId> = std::iter::once(person).chain(also).collect();
        let mut own = None;
        for &p in &everyone {
            let note = CaseNote {
                id: CaseNoteId::new(),
                person: p,
                version: 1,
                details: CaseNoteDetails { also_for: everyone.iter().copied().filter(|x| *x != p).collect(), ..details.clone() },
                author: actor.user.id,
                author_name: actor.user.display_name.clone(),
                created_at: now,
                updated_at: now,
            };
            tx.insert_case_note(&note).await?;
            if note.details.is_statutory_visit() {
                self.sync_child_work(tx.as_mut(), actor.user.id, p).await?;
            }
            let mut d = self.draft(Some(actor), "case_note.create", Some(p), Outcome::Allowed);
            d.target = Some(note.id.to_string());
            tx.append_audit(&d).await?;
            own.get_or_insert(note);
        }
        tx.commit().await?;
        own.ok_or(AppError::NotFound)
    }

    /// A case note with all its versions, oldest first.
    pub async fn case_note(&self, actor: &Actor, person: PersonId, id: CaseNoteId) -> Result<(CaseSummary, CaseNote, Vec<CaseNoteVersion>), AppError> {
        let (mut tx, summary) = self.with_summary(actor, person, "case_note.view").await?;
        let note = tx.case_note(id).await?.filter(|n| n.person == person).ok_or(AppError::NotFound)?;
        let versions = tx.case_note_versions(id).await?;
        tx.commit().await?;
        Ok((summary, note, versions))
    }

    pub async fn case_notes(&self, actor: &Actor, person: PersonId, limit: u32, offset: u32) -> Result<(CaseSummary, Vec<CaseNote>, i64), AppError> {
        let (mut tx, summary) = self.with_summary(actor, person, "case_note.list").await?;
        let notes = tx.case_notes_of(person, false, limit, offset).await?;
        let total = tx.count_case_notes(person).await?;
        tx.commit().await?;
        Ok((summary, notes, total))
    }

    /// Saves a correction as a new version. Only the author or a manager may correct a note,
    /// a reason is required, and a stale version is a conflict.
    pub async fn correct_case_note(&self, actor: &Actor, person: PersonId, id: CaseNoteId, expected_version: i64, details: CaseNoteDetails, reason: &str) -> Result<CaseNote, AppError> {
        self.require(actor, Permission::AddCaseNotes, "case_note.correct").await?;
        self.check_note(actor, &details)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::invalid("reason", "Enter the reason for the correction"));
        }
        if reason.chars().count() > 1000 {
            return Err(AppError::invalid("reason", "The reason must be 1000 characters or fewer"));
        }
        let (mut tx, _, _) = self.with_open(actor, person, "case_note.correct").await?;
        let mut note = tx.case_note(id).await?.filter(|n| n.person == person).ok_or(AppError::NotFound)?;
        let manager = matches!(actor.user.role, Role::TeamManager | Role::ServiceManager);
        if note.author != actor.user.id && !manager {
            drop(tx);
            self.audit_denied(actor, "case_note.correct", Some(person), Some(id.to_string())).await?;
            return Err(AppError::Forbidden);
        }
        if note.version != expected_version {
            return Err(AppError::Conflict { current: note.version });
        }
        let now = self.now();
        // The children it was recorded for together stay linked.
        let details = CaseNoteDetails { also_for: note.details.also_for.clone(), ..details };
        tx.correct_case_note(id, &details, expected_version, &ChangeMeta { by: actor.user.id, at: now, reason: Some(reason.to_string()) }).await?;
        if details.is_statutory_visit() || note.details.is_statutory_visit() {
            self.sync_child_work(tx.as_mut(), actor.user.id, person).await?;
        }
        let mut d = self.draft(Some(actor), "case_note.correct", Some(person), Outcome::Allowed);
        d.target = Some(id.to_string());
        d.reason = Some(reason.to_string());
        tx.append_audit(&d).await?;
        tx.commit().await?;
        note.details = details;
        note.version = expected_version + 1;
        note.updated_at = now;
        Ok(note)
    }
}
