//! Bringing a previous system's CIN census into Hearth (issue 6): people, referrals,
//! assessments and episodes as history with their original dates, merged by the LA child id
//! the previous system gave each child. The file is read as a stream, one child at a time,
//! and the whole import is one transaction: a file that turns out to be unreadable halfway
//! (truncated, malformed) leaves nothing behind, and a dry run rolls everything back.
use crate::{Actor, App, AppError};
use hearth_cin_census::to_hearth::{self, Changes, ChildHistory, Held, HeldEpisode};
use hearth_cin_census::{CensusReader, Header, ReadError};
use hearth_domain::audit::Outcome;
use hearth_domain::person::{Allocation, PersonRecord};
use hearth_domain::user::Permission;
use hearth_domain::PersonId;
use hearth_store::Tx;
use std::collections::HashMap;
use std::io::BufRead;

/// How to import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// This LA's number: the header's `LEA` must match it.
    pub la_number: String,
    /// The team that holds the imported children whose episode is still open, until a
    /// manager allocates a worker; `None`: left unallocated.
    pub team: Option<hearth_domain::TeamId>,
    /// Check and match everything, then keep nothing.
    pub dry_run: bool,
}

/// What an import did (or, in a dry run, would do), child by child.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ImportReport {
    /// The header's `Year` and `LEA`.
    pub year: String,
    pub la: String,
    pub dry_run: bool,
    /// Children in the file.
    pub children: usize,
    /// New to Hearth.
    pub created: Vec<String>,
    /// Already in Hearth (by LA child id), with something added.
    pub merged: Vec<Merged>,
    /// Already in Hearth with everything the file says.
    pub unchanged: Vec<String>,
    pub rejected: Vec<Rejected>,
    /// What the file says that Hearth does not keep, by child.
    pub not_kept: Vec<(String, String)>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Merged {
    pub la_child_id: String,
    pub person: PersonId,
    /// Where the file disagrees with Hearth (Hearth's value kept).
    pub conflicts: Vec<String>,
}

/// A child left out, and why.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Rejected {
    /// As the file gives it ("" when missing).
    pub la_child_id: String,
    /// The line the child ends on.
    pub line: usize,
    pub problems: Vec<String>,
}

impl App {
    /// Imports the census read from `input`. Needs the permission to produce the returns.
    /// Every child created or changed is audited; a dry run checks and matches everything,
    /// then keeps nothing.
    pub async fn import_cin_census<R: BufRead>(&self, actor: &Actor, input: R, options: &ImportOptions) -> Result<ImportReport, AppError> {
        self.require(actor, Permission::ProduceReturns, "import.cin").await?;
        let mut reader = CensusReader::new(input).map_err(unreadable)?;
        let (mut report, year_start) = check_header(reader.header(), &options.la_number, self.today())?;
        report.dry_run = options.dry_run;
        let mut tx = self.store.begin().await?;
        if let Some(team) = options.team
            && !tx.teams().await?.iter().any(|t| t.id == team)
        {
            return Err(AppError::invalid("team", "There is no such team"));
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        while let Some(child) = reader.next_child().map_err(unreadable)? {
            report.children += 1;
            let line = reader.line();
            let id = child.id().to_string();
            if let Some(first) = seen.get(&id).filter(|_| !id.is_empty()) {
                report.rejected.push(Rejected { la_child_id: id, line, problems: vec![format!("LAchildID: the same id as the child ending on line {first}; one child, one id")] });
                continue;
            }
            seen.insert(id.clone(), line);
            let existing = tx.person_with_la_child_id(&id).await?;
            let person = existing.unwrap_or_else(PersonId::new);
            match to_hearth::read(&child, person, actor.user.id, self.today(), year_start) {
                Err(problems) => report.rejected.push(Rejected { la_child_id: id, line, problems: problems.iter().map(ToString::to_string).collect() }),
                Ok(history) => {
                    report.not_kept.extend(history.not_kept.iter().map(|n| (id.clone(), n.clone())));
                    match existing {
                        None => {
                            let open = history.episodes.iter().any(|e| e.episode.closure.is_none());
                            let allocation = Allocation { team: options.team.filter(|_| open), worker: None };
                            self.create_imported(tx.as_mut(), actor, person, &history, allocation, &report.year).await?;
                            report.created.push(id);
                        }
                        // The merged facts are checked before anything is written, so a
                        // refusal leaves the child as it was.
                        Some(p) => match self.merge_imported(tx.as_mut(), actor, p, &history, &report.year).await {
                            Ok(None) => report.unchanged.push(id),
                            Ok(Some(conflicts)) => report.merged.push(Merged { la_child_id: id, person: p, conflicts }),
                            Err(AppError::Invalid(e)) => report.rejected.push(Rejected { la_child_id: id, line, problems: e.0.into_iter().map(|x| x.message).collect() }),
                            Err(e) => return Err(e),
                        },
                    }
                }
            }
        }
        if options.dry_run {
            drop(tx);
        } else {
            let mut d = self.draft(Some(actor), "import.cin", None, Outcome::Allowed);
            d.target = Some(format!("CIN census {} LA {}", report.year, report.la));
            d.reason = Some(format!("{} children: {} created, {} merged, {} unchanged, {} rejected", report.children, report.created.len(), report.merged.len(), report.unchanged.len(), report.rejected.len()));
            tx.append_audit(&d).await?;
            tx.commit().await?;
            self.store.analyze().await?;
        }
        Ok(report)
    }

    async fn create_imported(&self, tx: &mut dyn Tx, actor: &Actor, person: PersonId, history: &ChildHistory, allocation: Allocation, year: &str) -> Result<(), AppError> {
        let now = self.now();
        let record = PersonRecord { id: person, version: 1, details: history.details.clone(), allocation, restricted: false, created_at: now, created_by: actor.user.id, updated_at: now };
        tx.insert_person(&record, &import_meta(self, actor, year)).await?;
        tx.keep_la_child_id(person, &history.la_child_id).await?;
        let changes = to_hearth::merge(&Held::default(), history);
        self.apply_import(tx, actor, person, &changes, &HashMap::new(), year).await
    }

    /// `None` when Hearth already has everything the file says about the child; else the
    /// disagreements.
    async fn merge_imported(&self, tx: &mut dyn Tx, actor: &Actor, person: PersonId, history: &ChildHistory, year: &str) -> Result<Option<Vec<String>>, AppError> {
        let record = tx.person(person).await?.ok_or(AppError::NotFound)?;
        let referrals = tx.referrals_of(person).await?;
        let assessments = tx.assessments_of(person).await?;
        let episodes = tx.episodes_of(person).await?;
        let versions: HashMap<String, i64> = referrals
            .iter()
            .map(|r| (r.value.id.to_string(), r.version))
            .chain(assessments.iter().map(|a| (a.value.id.to_string(), a.version)))
            .chain(episodes.iter().map(|e| (e.value.id.to_string(), e.version)))
            .chain([(person.to_string(), record.version)])
            .collect();
        let held = Held {
            details: Some(record.details.clone()),
            episodes: referrals
                .iter()
                .map(|r| HeldEpisode {
                    referral: r.value.clone(),
                    assessments: assessments.iter().filter(|a| a.value.referral == r.value.id).map(|a| a.value.clone()).collect(),
                    episode: episodes.iter().find(|e| e.value.referral == r.value.id).map(|e| e.value.clone()),
                })
                .collect(),
        };
        let changes = to_hearth::merge(&held, history);
        if changes.is_empty() {
            return Ok(None);
        }
        if let Some(details) = &changes.details {
            details.validate(self.today())?;
            let updated = PersonRecord { details: details.clone(), version: record.version + 1, updated_at: self.now(), ..record.clone() };
            tx.update_person(&updated, record.version, &import_meta(self, actor, year)).await?;
        }
        self.apply_import(tx, actor, person, &changes, &versions, year).await?;
        Ok(Some(changes.conflicts))
    }

    /// Stores what an import adds or changes for one child (`versions`: the stored version
    /// of each record changed), audited as one entry. An episode still open gets the tasks
    /// its steps make due, as one recorded in Hearth would.
    async fn apply_import(&self, tx: &mut dyn Tx, actor: &Actor, person: PersonId, c: &Changes, versions: &HashMap<String, i64>, year: &str) -> Result<(), AppError> {
        let meta = import_meta(self, actor, year);
        let version = |id: String| versions.get(&id).copied().unwrap_or(1);
        for r in &c.new_referrals {
            tx.insert_referral(r, &meta).await?;
        }
        for r in &c.changed_referrals {
            tx.update_referral(r, version(r.id.to_string()), &meta).await?;
        }
        for a in &c.new_assessments {
            tx.insert_assessment(a, &meta).await?;
        }
        for a in &c.changed_assessments {
            tx.update_assessment(a, version(a.id.to_string()), &meta).await?;
        }
        for e in &c.new_episodes {
            tx.insert_episode(e, &meta).await?;
        }
        for e in &c.changed_episodes {
            tx.update_episode(e, version(e.id.to_string()), &meta).await?;
        }
        for e in c.new_episodes.iter().chain(&c.changed_episodes).filter(|e| e.is_open()) {
            self.sync_episode_tasks(tx, actor.user.id, e).await?;
        }
        let mut d = self.draft(Some(actor), "import.cin.child", Some(person), Outcome::Allowed);
        d.reason = Some(format!(
            "{} referrals, {} assessments, {} episodes added; {} records changed",
            c.new_referrals.len(),
            c.new_assessments.len(),
            c.new_episodes.len(),
            c.changed_referrals.len() + c.changed_assessments.len() + c.changed_episodes.len() + usize::from(c.details.is_some())
        ));
        tx.append_audit(&d).await?;
        Ok(())
    }
}

/// Who changed a record, when, and that it came from the census of `year` (each record's
/// history shows it).
fn import_meta(app: &App, actor: &Actor, year: &str) -> hearth_domain::person::ChangeMeta {
    hearth_domain::person::ChangeMeta { reason: Some(format!("Brought in from the previous system's CIN census {year}")), ..app.meta(actor) }
}

fn unreadable(e: ReadError) -> AppError {
    AppError::File(format!("the census file cannot be read, so nothing was imported: {e}"))
}

/// The header must be a CIN census of a year that has begun, from this LA.
/// Answers the report to fill and the first day of the file's collection year.
fn check_header(h: &Header, la_number: &str, today: time::Date) -> Result<(ImportReport, time::Date), AppError> {
    let bad = |m: String| Err(AppError::File(format!("{m}; nothing was imported")));
    if !h.collection.as_deref().is_some_and(|c| c.eq_ignore_ascii_case("CIN")) {
        return bad(format!("the header's Collection is {:?}, not CIN: this is not a Children in Need census", h.collection.as_deref().unwrap_or("missing")));
    }
    let year = h.year.as_deref().and_then(|y| y.parse::<i32>().ok());
    let reference = hearth_cin_census::model::date(&h.reference_date);
    let Some(year) = year else {
        return bad(format!("the header's Year {:?} is not a year", h.year.as_deref().unwrap_or("")));
    };
    let census_date = time::Date::from_calendar_date(year, time::Month::March, 31).ok();
    if reference.is_none() || reference != census_date {
        return bad(format!("the header's ReferenceDate {:?} is not 31 March {year}, the census date of the Year it gives", h.reference_date.as_deref().unwrap_or("")));
    }
    let Some(first_day) = time::Date::from_calendar_date(year - 1, time::Month::April, 1).ok().filter(|d| *d <= today) else {
        return bad(format!("the census of {}-{:02} has not begun yet: the file's Year {year} is wrong", year - 1, year % 100));
    };
    let lea = h.lea.as_deref().unwrap_or("");
    if lea != la_number {
        return bad(format!("the file is from local authority {lea:?} (the header's LEA), not this one ({la_number})"));
    }
    Ok((ImportReport { year: format!("{}-{:02}", year - 1, year % 100), la: lea.to_string(), ..ImportReport::default() }, first_day))
}
