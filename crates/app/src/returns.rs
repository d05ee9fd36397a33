//! Statutory returns from the live record (issue 6): the Children in Need census, and how
//! ready each child's part of it is.
use crate::{App, AppError};
use hearth_cin_census::from_hearth::{self, Source};
use hearth_cin_census::readiness::{self, Issue};
use hearth_cin_census::CensusFile;
use hearth_cin_census::rules::Ctx;
use hearth_domain::audit::Outcome;
use hearth_domain::cin::episode::{CpPlan, Episode};
use hearth_domain::front_door::{assessment::Assessment, referral::Referral};
use hearth_domain::person::PersonRecord;
use hearth_domain::returns::cin::{self, CensusChild, CollectionYear, ReferralRecord, SUPPORTED};
use crate::census_cache::{Census, Checked};
use hearth_store::{CensusRecords, Tx};
use std::collections::{HashMap, HashSet};

/// What would fail the census for one child in the collection year under way.
#[derive(Clone, Debug)]
pub struct Readiness {
    pub year: CollectionYear,
    pub issues: Vec<Issue>,
}

/// The rules' view of a collection year on `today`: a finished year as the DfE will judge
/// it, the year under way as if its census were taken today. The DfE counts working days
/// with England's bank holidays only, not the LA's own closure days.
pub fn census_ctx(year: CollectionYear, today: time::Date) -> Ctx<'static> {
    let calendar = hearth_domain::calendar::shipped();
    if today < year.reference_date() { Ctx::so_far(year.first_day(), today, calendar) } else { Ctx::new(year.reference_date(), calendar) }
}

impl App {
    /// The collection year today falls in, or the latest Hearth supports.
    pub fn current_collection_year(&self) -> CollectionYear {
        let today = self.today();
        SUPPORTED.iter().copied().find(|y| y.first_day() <= today && today <= y.reference_date()).unwrap_or(SUPPORTED[SUPPORTED.len() - 1])
    }

    /// One child as the census for `year` sees them, read in `tx`; `la_child_id`: the id
    /// the store keeps for them (`Tx::kept_la_child_id`).
    pub(crate) async fn census_child_in(&self, tx: &mut dyn Tx, person: &PersonRecord, la_child_id: Option<&str>, year: CollectionYear) -> Result<Option<CensusChild>, AppError> {
        let referrals: Vec<_> = tx.referrals_of(person.id).await?.into_iter().map(|r| r.value).collect();
        if referrals.is_empty() {
            return Ok(None);
        }
        let episodes = tx.episodes_of(person.id).await?.into_iter().map(|e| e.value).collect();
        let assessments = tx.assessments_of(person.id).await?.into_iter().map(|a| a.value).collect();
        Ok(self.census_child(person, la_child_id, referrals, assessments, episodes, year))
    }

    /// One child as the census for `year` sees them, from their referrals, assessments and
    /// episodes already read.
    fn census_child(&self, person: &PersonRecord, la_child_id: Option<&str>, referrals: Vec<Referral>, assessments: Vec<Assessment>, episodes: Vec<Episode>, year: CollectionYear) -> Option<CensusChild> {
        if referrals.is_empty() {
            return None;
        }
        let kept_ids = la_child_id.map(|id| (person.id, id.to_string())).into_iter().collect();
        let records = CensusRecords { children: vec![person.clone()], referrals, assessments, episodes, kept_ids };
        self.census_of(&records, year, |_| true).pop()
    }

    /// The return readiness of a child already opened in `tx` (the API's panel): `None`
    /// when the child is not in the census of the year under way.
    pub(crate) async fn readiness_in(&self, tx: &mut dyn Tx, person: &PersonRecord, la_child_id: Option<&str>) -> Result<Option<Readiness>, AppError> {
        let year = self.current_collection_year();
        let child = self.census_child_in(tx, person, la_child_id, year).await?;
        Ok(child.map(|c| self.readiness(&c, year)))
    }

    /// The record page's readiness panel, from the front-door history it has already read.
    pub(crate) fn readiness_of(&self, person: &PersonRecord, la_child_id: Option<&str>, history: &crate::FrontDoorHistory) -> Option<Readiness> {
        let year = self.current_collection_year();
        let referrals = history.referrals.iter().map(|(r, _)| r.clone()).collect();
        let child = self.census_child(person, la_child_id, referrals, history.assessments.clone(), history.episodes.clone(), year)?;
        Some(self.readiness(&child, year))
    }

    fn readiness(&self, child: &CensusChild, year: CollectionYear) -> Readiness {
        Readiness { year, issues: readiness::check(child, &census_ctx(year, self.today())) }
    }

    /// The children of the CIN census for `year` that `wanted` keeps, in LA child id order,
    /// read in one transaction (a consistent picture, in a few reads whatever the LA's size)
    /// and audited as a whole. `actor`: who asked (`None`: the command line, which writes
    /// every child); someone asking from the web gets only the children they may open.
    async fn census_for(&self, actor: Option<&crate::Actor>, year: CollectionYear) -> Result<(Vec<CensusChild>, usize), AppError> {
        let mut tx = self.store.begin_read().await?;
        let records = tx.census_records(None).await?;
        let visible = match actor {
            Some(a) => Some(self.visible_people(tx.as_mut(), a, &records.children.iter().map(|p| p.id).collect::<Vec<_>>()).await?),
            None => None,
        };
        let mut out = self.census_of(&records, year, |_| true);
        let all = out.len();
        if let Some(visible) = &visible {
            out.retain(|c| visible.contains_key(&c.person));
        }
        let hidden = all - out.len();
        let mut d = self.draft(actor, "returns.cin", None, Outcome::Allowed);
        d.target = Some(year.label());
        d.reason = Some(match hidden {
            0 => format!("{} children", out.len()),
            _ => format!("{} children; {hidden} restricted from the reader left out", out.len()),
        });
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok((out, hidden))
    }

    /// The census for `year` as the file sent to the DfE, from this LA (`la_number`, the
    /// header's LEA), with every child: for the command line, run by whoever holds the
    /// database.
    pub async fn cin_census_file(&self, year: CollectionYear, la_number: &str) -> Result<CensusFile, AppError> {
        Ok(self.census_file(year, la_number, &self.cin_census(year).await?))
    }

    /// Every child of the CIN census for `year` (the command line's, and tests').
    pub async fn cin_census(&self, year: CollectionYear) -> Result<Vec<CensusChild>, AppError> {
        Ok(self.census_for(None, year).await?.0)
    }

    fn census_file(&self, year: CollectionYear, la_number: &str, children: &[CensusChild]) -> CensusFile {
        let source = Source {
            la_number: la_number.to_string(),
            software: "Hearth".into(),
            release: env!("CARGO_PKG_VERSION").into(),
            serial: 1,
            made_at: crate::local_time::uk_local(self.now()),
        };
        from_hearth::file(year, &source, children)
    }

    /// The census children among `records` whose record `wanted` keeps, in LA child id order.
    fn census_of(&self, records: &CensusRecords, year: CollectionYear, wanted: impl Fn(&PersonRecord) -> bool) -> Vec<CensusChild> {
        use std::collections::HashMap;
        let ts = &self.config.timescales;
        let mut referrals: HashMap<hearth_domain::PersonId, Vec<&hearth_domain::front_door::referral::Referral>> = HashMap::new();
        for r in &records.referrals {
            referrals.entry(r.child).or_default().push(r);
        }
        let mut assessments: HashMap<_, Vec<_>> = HashMap::new();
        for a in &records.assessments {
            assessments.entry(a.referral).or_default().push(a);
        }
        let kept: HashMap<_, _> = records.kept_ids.iter().map(|(p, id)| (*p, id.as_str())).collect();
        let episodes: HashMap<_, _> = records.episodes.iter().map(|e| (e.referral, e)).collect();
        let mut plans: HashMap<hearth_domain::PersonId, Vec<CpPlan>> = HashMap::new();
        for e in &records.episodes {
            plans.entry(e.child).or_default().extend(e.cp_plans.iter().cloned());
        }
        let mut out: Vec<CensusChild> = records
            .children
            .iter()
            .filter(|p| wanted(p))
            .filter_map(|person| {
                let theirs = referrals.get(&person.id)?;
                let rows: Vec<ReferralRecord<'_>> = theirs
                    .iter()
                    .map(|r| ReferralRecord { referral: r, assessments: assessments.get(&r.id).cloned().unwrap_or_default(), episode: episodes.get(&r.id).copied() })
                    .collect();
                cin::child(person, kept.get(&person.id).copied(), &rows, plans.get(&person.id).map_or(&[][..], Vec::as_slice), year, &ts.pack, &ts.calendar)
            })
            .collect();
        out.sort_by(|a, b| a.la_child_id.cmp(&b.la_child_id));
        out
    }
}

/// A child of the census with what would fail for them.
#[derive(Clone, Debug)]
pub struct ChildIssues {
    pub person: hearth_domain::PersonId,
    pub name: String,
    pub la_child_id: String,
    pub issues: std::sync::Arc<[Issue]>,
    /// Who should fix them: the allocated worker, else the team holding the case.
    pub fixer: String,
    /// The explanations recorded for the DfE of the queries this child meets, by rule code:
    /// (text, who recorded it, when).
    pub explained: std::collections::HashMap<String, (String, String, time::OffsetDateTime)>,
}

/// Longest explanation of a census query, in characters.
pub const MAX_EXPLANATION: usize = 1000;

/// Narrows the census page to the children of one team or one worker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CensusFilter {
    pub team: Option<hearth_domain::TeamId>,
    pub worker: Option<hearth_domain::UserId>,
}

/// The census's data quality as one reader may see it.
#[derive(Clone, Debug)]
pub struct DataQuality {
    pub year: CollectionYear,
    /// Children in the return the reader may see (all, or their teams').
    pub children_checked: usize,
    /// Those with at least one failure of the chosen rule (or of any rule).
    pub children: Vec<ChildIssues>,
    /// Failures of the whole return (duplicate ids, proportions): only for the whole LA.
    pub return_level: Vec<hearth_cin_census::Failure>,
    /// Every rule that fails somewhere, with how many failures: for the filter.
    pub by_rule: Vec<(&'static str, hearth_cin_census::Kind, &'static str, usize)>,
    /// Whether this is the whole LA (else the reader's teams).
    pub whole_la: bool,
    /// Children of the return whose records are restricted from the reader: neither named
    /// nor in the reader's download.
    pub hidden: usize,
    /// Failures of the whole return about those children, left out of `return_level`.
    pub hidden_failures: usize,
    /// The teams and workers holding children of the census the reader sees, by name: the
    /// filter's choices.
    pub teams: Vec<(hearth_domain::TeamId, String)>,
    pub workers: Vec<(hearth_domain::UserId, String)>,
}

impl App {
    /// The census for `year` checked with the DfE's rules: the whole LA for those who produce
    /// the returns, their teams' children for managers. `rule`: only failures of that rule.
    pub async fn cin_data_quality(&self, actor: &crate::Actor, year: CollectionYear, rule: Option<&str>, filter: CensusFilter) -> Result<DataQuality, AppError> {
        use hearth_domain::user::Permission;
        let whole_la = actor.can(Permission::ProduceReturns);
        if !whole_la && !actor.can(Permission::RecordManagementOversight) {
            self.audit_denied(actor, "returns.cin.quality", None, None).await?;
            return Err(AppError::Forbidden);
        }
        let ctx = census_ctx(year, self.today());
        let mut kept = self.census.lock().await;
        let mut tx = self.store.begin_read().await?;
        let census = self.checked_census(&mut kept, tx.as_mut(), year).await?;
        let teams = &actor.subject.teams;
        let in_scope: Vec<&Checked> = census.children.values().filter(|c| whole_la || c.allocation.team.is_some_and(|t| teams.contains(&t))).collect();
        let visible = self.census_visible(tx.as_mut(), actor, &in_scope).await?;
        let mut hidden_ids = HashSet::new();
        let (mut team_ids, mut worker_ids) = (HashSet::new(), HashSet::new());
        let mut shown = Vec::new();
        for c in in_scope {
            if !visible.contains(&c.person) {
                hidden_ids.insert(c.la_child_id.as_str());
                continue;
            }
            team_ids.extend(c.allocation.team);
            worker_ids.extend(c.allocation.worker);
            if filter.team.is_none_or(|t| c.allocation.team == Some(t)) && filter.worker.is_none_or(|w| c.allocation.worker == Some(w)) {
                shown.push(c);
            }
        }
        // A failure of the whole return about a hidden child (its id used twice, say) is
        // counted, not shown: it would name the child.
        let (mut return_level, mut hidden_failures) = (Vec::new(), 0);
        if whole_la {
            for f in census.return_level(ctx) {
                match &f.child_id {
                    Some(id) if hidden_ids.contains(id.as_str()) => hidden_failures += 1,
                    _ => return_level.push(f.clone()),
                }
            }
        }
        let mut by_rule: std::collections::BTreeMap<&'static str, (hearth_cin_census::Kind, &'static str, usize)> = Default::default();
        for f in shown.iter().flat_map(|c| c.issues.iter().map(|i| &i.failure)).chain(&return_level) {
            by_rule.entry(f.code).or_insert((f.kind, f.message, 0)).2 += 1;
        }
        let wanted = |i: &Issue| rule.is_none_or(|code| i.failure.code.eq_ignore_ascii_case(code));
        let mut with_issues: Vec<&Checked> = shown.iter().copied().filter(|c| c.issues.iter().any(wanted)).collect();
        with_issues.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.la_child_id.cmp(&b.la_child_id)));
        // Names only of those holding children here, and of those who explained a query.
        let explanations = tx.census_explanations(&year.label()).await?;
        let named: HashSet<_> = worker_ids.iter().copied().chain(explanations.iter().map(|e| e.by)).collect();
        let user_names: HashMap<_, _> = tx.display_names(&named.into_iter().collect::<Vec<_>>()).await?.into_iter().collect();
        let team_names: HashMap<_, _> = tx.teams().await?.into_iter().filter(|t| team_ids.contains(&t.id)).map(|t| (t.id, t.name)).collect();
        let mut explained: HashMap<hearth_domain::PersonId, HashMap<String, (String, String, time::OffsetDateTime)>> = HashMap::new();
        for e in explanations {
            let by = user_names.get(&e.by).cloned().unwrap_or_default();
            explained.entry(e.person).or_default().insert(e.rule, (e.text, by, e.at));
        }
        let children_checked = shown.len();
        let children: Vec<ChildIssues> = with_issues
            .into_iter()
            .map(|c| {
                let fixer = match (c.allocation.worker.and_then(|w| user_names.get(&w)), c.allocation.team.and_then(|t| team_names.get(&t))) {
                    (Some(w), _) => w.clone(),
                    (None, Some(t)) => format!("{t} (no worker allocated)"),
                    (None, None) => "Not allocated: the returns team".to_string(),
                };
                ChildIssues {
                    person: c.person,
                    name: c.name.clone(),
                    la_child_id: c.la_child_id.clone(),
                    issues: match rule {
                        None => c.issues.clone(),
                        Some(_) => c.issues.iter().filter(|i| wanted(i)).cloned().collect(),
                    },
                    fixer,
                    explained: explained.remove(&c.person).unwrap_or_default(),
                }
            })
            .collect();
        let hidden = hidden_ids.len();
        drop(kept);
        let mut d = self.draft(Some(actor), "returns.cin.quality", None, Outcome::Allowed);
        d.target = Some(year.label());
        d.reason = Some(format!("{children_checked} children checked, {} with issues", children.len()));
        tx.append_audit(&d).await?;
        tx.commit().await?;
        let by_rule = by_rule.into_iter().map(|(code, (kind, message, n))| (code, kind, message, n)).collect();
        let workers = by_name(user_names.into_iter().filter(|(w, _)| worker_ids.contains(w)).collect());
        Ok(DataQuality { year, children_checked, children, return_level, by_rule, whole_la, hidden, hidden_failures, teams: by_name(team_names), workers })
    }

    /// The census of `year` checked as the store stands in `tx` (begun after `kept` was
    /// locked, so never older than what is kept): the children changed since it was last
    /// brought up to date are built and checked again, or all of them on a new day, when
    /// the log no longer reaches back far enough, or when most have changed.
    async fn checked_census<'k>(&self, kept: &'k mut HashMap<CollectionYear, Census>, tx: &mut dyn Tx, year: CollectionYear) -> Result<&'k mut Census, AppError> {
        let today = self.today();
        let census = kept.entry(year).or_insert_with(|| Census::new(time::Date::MIN, 0, []));
        if census.day == today {
            let changes = tx.census_changes(census.seq).await?;
            if changes.complete && changes.people.len() <= (census.children.len() / 4).max(500) {
                if !changes.people.is_empty() {
                    let records = tx.census_records(Some(&changes.people)).await?;
                    census.refresh(&changes.people, self.checked_of(&records, year, today), changes.latest);
                }
                return Ok(census);
            }
        }
        // The log's newest number before the records, so the records are at least as new.
        let latest = tx.census_changes(i64::MAX).await?.latest;
        let records = tx.census_records(None).await?;
        *census = Census::new(today, latest, self.checked_of(&records, year, today));
        Ok(census)
    }

    /// The census children among `records`, each checked against the DfE's rules on `today`.
    fn checked_of(&self, records: &CensusRecords, year: CollectionYear, today: time::Date) -> Vec<Checked> {
        let ctx = census_ctx(year, today);
        let people: HashMap<_, _> = records.children.iter().map(|p| (p.id, p)).collect();
        self.census_of(records, year, |_| true)
            .into_iter()
            .filter_map(|child| {
                let person = people.get(&child.person)?;
                let in_file = from_hearth::child(&child);
                Some(Checked {
                    person: child.person,
                    seen: hearth_cin_census::rules::Seen::of(&in_file, &ctx),
                    issues: readiness::issues(&child, &in_file, &ctx).into(),
                    name: person.details.full_name(),
                    restricted: person.restricted,
                    allocation: person.allocation.clone(),
                    la_child_id: child.la_child_id,
                })
            })
            .collect()
    }

    /// Those of `children` whose records the actor may open. An unrestricted child whom
    /// the actor's scope opens by role or allocation is decided here, by the rule the store
    /// applies (`AccessScope::lists`); the rest — restricted children, and any a break-glass
    /// grant might open — through the store's scoped read, `listed`.
    async fn census_visible(&self, tx: &mut dyn Tx, actor: &crate::Actor, children: &[&Checked]) -> Result<HashSet<hearth_domain::PersonId>, AppError> {
        use hearth_domain::access::{AccessFacts, Listing};
        let scope = actor.subject.scope();
        let (mut open, mut ask) = (HashSet::new(), Vec::new());
        for c in children {
            let facts = AccessFacts {
                person: c.person,
                restricted: c.restricted,
                allocated_team: c.allocation.team,
                allocated_worker: c.allocation.worker,
                on_access_list: false,
                break_glass_active: false,
            };
            if !c.restricted && scope.lists(&facts, Listing::Open) {
                open.insert(c.person);
            } else {
                ask.push(c.person);
            }
        }
        open.extend(self.listed(tx, actor, &ask, Listing::Open).await?.into_keys());
        Ok(open)
    }

    /// Brings the census of the collection year under way up to date, so that the first
    /// reader of the day does not wait for it (housekeeping's loop calls it on every instance).
    pub async fn warm_census(&self) -> Result<(), AppError> {
        let mut kept = self.census.lock().await;
        let mut tx = self.store.begin_read().await?;
        self.checked_census(&mut kept, tx.as_mut(), self.current_collection_year()).await?;
        Ok(())
    }

    /// The census XML for `year`, for someone who produces the returns (the data-quality
    /// page's download), with how many children restricted from them were left out and how
    /// many errors the DfE's rules find in it. `la_number`: the header's LEA.
    pub async fn cin_census_xml(&self, actor: &crate::Actor, year: CollectionYear, la_number: &str) -> Result<CensusDownload, AppError> {
        self.require(actor, hearth_domain::user::Permission::ProduceReturns, "returns.cin").await?;
        let (children, hidden) = self.census_for(Some(actor), year).await?;
        let file = self.census_file(year, la_number, &children);
        let (errors, _) = hearth_cin_census::report::counts(&hearth_cin_census::rules::validate(&file, census_ctx(year, self.today())));
        Ok(CensusDownload { xml: hearth_cin_census::write::to_string(&file), hidden, errors })
    }
}

/// Ids with their names, in name order.
fn by_name<I: Ord>(names: HashMap<I, String>) -> Vec<(I, String)> {
    let mut v: Vec<_> = names.into_iter().collect();
    v.sort_by(|(a_id, a), (b_id, b)| a.cmp(b).then_with(|| a_id.cmp(b_id)));
    v
}

/// The census file as the returns team downloads it.
#[derive(Clone, Debug)]
pub struct CensusDownload {
    pub xml: String,
    /// Children restricted from the downloader, left out.
    pub hidden: usize,
    /// Errors the DfE's rules find in the file (the DfE refuses a return with any).
    pub errors: usize,
}

impl App {
    /// Who may explain a census query (the returns team, managers) and which rule `code`
    /// is: a query, else not found (an error is fixed, not explained).
    async fn census_query_rule(&self, actor: &crate::Actor, person: hearth_domain::PersonId, code: &str) -> Result<&'static hearth_cin_census::rules::Rule, AppError> {
        use hearth_domain::user::Permission;
        if !actor.can(Permission::ProduceReturns) && !actor.can(Permission::RecordManagementOversight) {
            self.audit_denied(actor, "returns.cin.explain", Some(person), None).await?;
            return Err(AppError::Forbidden);
        }
        hearth_cin_census::rules::all().into_iter().find(|r| r.code == code && r.kind == hearth_cin_census::Kind::Query).ok_or(AppError::NotFound)
    }

    /// Records why a child meets a census query, for the DfE (replacing an earlier
    /// explanation of the same query): the returns team or the child's managers, for a child
    /// they may open, and only for a rule the DfE treats as a query.
    pub async fn explain_census_query(&self, actor: &crate::Actor, year: CollectionYear, person: hearth_domain::PersonId, rule: &str, text: &str) -> Result<(), AppError> {
        let rule = self.census_query_rule(actor, person, rule).await?;
        let text = text.trim();
        let mut e = hearth_domain::FieldErrors::new();
        if text.is_empty() {
            e.add("text", "Enter the explanation for the DfE");
        } else if text.chars().count() > MAX_EXPLANATION {
            e.add("text", format!("The explanation must be {MAX_EXPLANATION} characters or fewer"));
        }
        e.into_result()?;
        let (mut tx, _, _) = self.with_open(actor, person, "returns.cin.explain").await?;
        let at = self.now();
        tx.explain_census_query(&hearth_store::CensusExplanation { year: year.label(), person, rule: rule.code.to_string(), text: text.to_string(), by: actor.user.id, at }).await?;
        let mut d = self.draft(Some(actor), "returns.cin.explain", Some(person), Outcome::Allowed);
        d.target = Some(format!("{} {}", year.label(), rule.code));
        tx.append_audit(&d).await?;
        tx.commit().await?;
        Ok(())
    }

    /// What the explanation form shows: the child's name, the query's rule and the
    /// explanation recorded already. Same permissions as recording one.
    pub async fn census_query(&self, actor: &crate::Actor, year: CollectionYear, person: hearth_domain::PersonId, rule: &str) -> Result<(String, &'static hearth_cin_census::rules::Rule, Option<String>), AppError> {
        let rule = self.census_query_rule(actor, person, rule).await?;
        let (mut tx, record, _) = self.with_read(actor, person, "person.census").await?;
        let text = tx.census_explanations(&year.label()).await?.into_iter().find(|e| e.person == person && e.rule == rule.code).map(|e| e.text);
        tx.commit().await?;
        Ok((record.details.full_name(), rule, text))
    }

    /// A child's return readiness on its own (the API's; the record page gets it with the
    /// rest of the record). Opening it is audited as a read of the record.
    pub async fn census_readiness(&self, actor: &crate::Actor, id: hearth_domain::PersonId) -> Result<Option<Readiness>, AppError> {
        let (mut tx, record, _) = self.with_read(actor, id, "person.census").await?;
        let la_child_id = tx.kept_la_child_id(id).await?;
        let readiness = self.readiness_in(tx.as_mut(), &record, la_child_id.as_deref()).await?;
        tx.commit().await?;
        Ok(readiness)
    }
}
