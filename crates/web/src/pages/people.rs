//! Person records: the record page, recording and correcting facts, history, chronology,
//! the family network, restriction and emergency (break-glass) access.
use super::{layout, parse_id};
use crate::error::{render, WebError};
use crate::forms::{date_input, set_date, FormData};
use crate::layout::Layout;
use crate::session::{Signed, Visitor};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use hearth_app::{Actor, AppError, CaseSummary, DuplicateWarning, FamilyMember, Household, PersonPage};
use hearth_domain::chronology::{ChronologyEntry, ChronologyKind};
use hearth_domain::codes::{AliasKind, Coded, Disability, Ethnicity, Sex, UpnUnknown};
use hearth_domain::history::{facts, FactChange};
use hearth_domain::identifiers::{NhsNumber, PersonRef, PersonRefError, Upn};
use hearth_domain::person::{Address, OtherName, PersonDetails, PersonKind, PersonRecord, PersonVersion};
use hearth_domain::relationship::RelationshipType;
use hearth_domain::user::{Permission, UserRecord};
use hearth_domain::validation::non_empty;
use hearth_domain::{DraftId, FieldErrors, PersonId, RelationshipId};
use serde::Deserialize;
use time::{Date, OffsetDateTime};

/// A date as people in England write it: 9 March 2015.
pub fn day(d: &Date) -> String {
    hearth_domain::history::long_date(d)
}

/// Whether a date due has passed.
pub fn overdue(due: &Date, today: &Date) -> bool {
    due < today
}

/// A person's age in whole years ("under 1" for a baby), when their date of birth is known.
pub fn age(p: &hearth_domain::person::PersonSummary, today: &Date) -> Option<String> {
    p.age_on(*today).map(|a| if a == 0 { "under 1".into() } else { a.to_string() })
}

/// How a person is told apart from another of the same name in a list: their date of birth.
pub fn born_of(p: &hearth_domain::person::PersonSummary) -> String {
    match (p.date_of_birth, p.expected_date_of_birth) {
        (Some(b), _) => format!("Born {}", day(&b)),
        (None, Some(e)) => format!("Unborn, expected {}", day(&e)),
        (None, None) => "Date of birth not recorded".into(),
    }
}

/// `born_of` inside a sentence: "born 9 March 2015".
pub fn born_in_sentence(p: &hearth_domain::person::PersonSummary) -> String {
    let s = born_of(p);
    let mut c = s.chars();
    c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default()
}

/// The case summary's line about birth: age and date of birth, the expected date for an
/// unborn child, or the dates of birth and death.
pub fn born(s: &hearth_app::CaseSummary) -> String {
    let d = &s.record.details;
    match (d.date_of_birth, d.date_of_death, s.age(), d.expected_date_of_birth) {
        (Some(b), Some(died), _, _) => format!("Born {}, died {}", day(&b), day(&died)),
        (Some(b), None, Some(age), _) => format!("Age {age}, born {}", day(&b)),
        (Some(b), None, None, _) => format!("Born {}", day(&b)),
        (None, _, _, Some(e)) => format!("Unborn, expected {}", day(&e)),
        (None, _, _, None) => "Date of birth not recorded".into(),
    }
}

/// An NHS number in its usual 3-3-4 grouping.
pub fn nhs(n: &str) -> String {
    NhsNumber::parse(n).map(|n| n.to_string()).unwrap_or_else(|_| n.to_string())
}

/// A moment in local time: 9 March 2015 at 14:05.
pub fn when(t: &OffsetDateTime) -> String {
    let l = hearth_app::local_time::uk_local(*t);
    format!("{} at {:02}:{:02}", day(&l.date()), l.hour(), l.minute())
}

/// The local time of day: 14:05.
pub fn time_of(t: &OffsetDateTime) -> String {
    let l = hearth_app::local_time::uk_local(*t);
    format!("{:02}:{:02}", l.hour(), l.minute())
}

pub fn options<C: Coded>(blank: &str) -> Vec<(String, String)> {
    let mut v = vec![(String::new(), blank.to_string())];
    v.extend(C::ALL.iter().map(|c| (c.code().to_string(), c.label().to_string())));
    v
}

/// Select options from (value, text) pairs, after a blank choice.
pub fn options_from(blank: &str, items: impl Iterator<Item = (String, String)>) -> Vec<(String, String)> {
    std::iter::once((String::new(), blank.to_string())).chain(items).collect()
}

fn relationship_options() -> Vec<(String, String)> {
    options::<RelationshipType>("Choose how they are related")
}

const MAX_ROWS: usize = 20;

/// Reads the person form into details, with a field error for everything wrong.
fn details_from_form(f: &FormData, today: Date) -> Result<PersonDetails, FieldErrors> {
    let mut errs = FieldErrors::new();
    let kind = PersonKind::from_code(f.get("kind")).unwrap_or(PersonKind::Child);
    let date_of_birth = date_input(f, "date_of_birth", "Date of birth", &mut errs);
    let expected_date_of_birth = date_input(f, "expected_date_of_birth", "Expected date of birth", &mut errs);
    let date_of_death = date_input(f, "date_of_death", "Date of death", &mut errs);
    let sex = non_empty(f.get("sex")).and_then(|c| Sex::from_code(&c).or_else(|| {
        errs.add("sex", "Choose a sex from the list");
        None
    }));
    let ethnicity = non_empty(f.get("ethnicity")).and_then(|c| Ethnicity::from_code(&c).or_else(|| {
        errs.add("ethnicity", "Choose an ethnicity from the list");
        None
    }));
    let mut disabilities = Vec::new();
    for c in f.all("disabilities") {
        match Disability::from_code(&c) {
            Some(d) => disabilities.push(d),
            None => errs.add("disabilities", "Choose disabilities from the list"),
        }
    }
    let nhs_number = non_empty(f.get("nhs_number")).and_then(|n| NhsNumber::parse(&n).map_err(|e| errs.add("nhs_number", e.to_string())).ok());
    let upn = non_empty(f.get("upn")).and_then(|n| Upn::parse(&n).map_err(|e| errs.add("upn", e.to_string())).ok());
    let upn_unknown = non_empty(f.get("upn_unknown")).and_then(|c| UpnUnknown::from_code(&c).or_else(|| {
        errs.add("upn_unknown", "Choose a reason from the list");
        None
    }));
    let mut other_names = Vec::new();
    for i in 0..MAX_ROWS {
        let (g, fam) = (f.get(&format!("other_{i}_given")).trim(), f.get(&format!("other_{i}_family")).trim());
        if g.is_empty() && fam.is_empty() {
            continue;
        }
        let kind = AliasKind::from_code(f.get(&format!("other_{i}_kind"))).unwrap_or(AliasKind::Alias);
        other_names.push(OtherName { kind, given_name: g.to_string(), family_name: fam.to_string() });
    }
    let mut addresses = Vec::new();
    for i in 0..MAX_ROWS {
        let lines: Vec<String> = ["line1", "line2", "town"].iter().filter_map(|l| non_empty(f.get(&format!("addr_{i}_{l}")))).collect();
        let postcode = non_empty(f.get(&format!("addr_{i}_postcode"))).map(|p| p.to_uppercase());
        let (from_name, to_name) = (format!("addr_{i}_from"), format!("addr_{i}_to"));
        let blank = |name: &str| ["day", "month", "year"].iter().all(|p| f.get(&format!("{name}-{p}")).trim().is_empty());
        if lines.is_empty() && postcode.is_none() && blank(&from_name) && blank(&to_name) {
            continue;
        }
        let from = date_input(f, &from_name, "The date the person moved in", &mut errs);
        let to = date_input(f, &to_name, "The date the person moved out", &mut errs);
        addresses.push(Address { lines, postcode, from, to });
    }
    let details = PersonDetails {
        kind,
        given_name: f.get("given_name").trim().to_string(),
        family_name: f.get("family_name").trim().to_string(),
        other_names,
        date_of_birth,
        expected_date_of_birth,
        date_of_death,
        sex,
        gender: non_empty(f.get("gender")),
        ethnicity,
        first_language: non_empty(f.get("first_language")),
        disabilities,
        nhs_number,
        upn,
        upn_unknown,
        addresses,
    };
    if let Err(more) = details.validate(today) {
        for e in more.0 {
            // Row errors point at the row's first input.
            let field = if let Some(i) = e.field.strip_prefix("addresses[").and_then(|s| s.strip_suffix(']')) {
                format!("addr_{i}_line1")
            } else if let Some(i) = e.field.strip_prefix("other_names[").and_then(|s| s.strip_suffix(']')) {
                format!("other_{i}_given")
            } else {
                e.field
            };
            if errs.get(&field).is_none() {
                errs.add(field, e.message);
            }
        }
    }
    if errs.is_empty() { Ok(details) } else { Err(errs) }
}

fn form_from_details(d: &PersonDetails) -> FormData {
    let mut f = FormData::default();
    f.set("kind", d.kind.code());
    f.set("given_name", d.given_name.clone());
    f.set("family_name", d.family_name.clone());
    set_date(&mut f, "date_of_birth", d.date_of_birth);
    set_date(&mut f, "expected_date_of_birth", d.expected_date_of_birth);
    set_date(&mut f, "date_of_death", d.date_of_death);
    f.set("sex", d.sex.map(|s| s.code()).unwrap_or(""));
    f.set("gender", d.gender.clone().unwrap_or_default());
    f.set("ethnicity", d.ethnicity.map(|s| s.code()).unwrap_or(""));
    f.set("first_language", d.first_language.clone().unwrap_or_default());
    for x in &d.disabilities {
        f.0.push(("disabilities".into(), x.code().into()));
    }
    f.set("nhs_number", d.nhs_number.as_ref().map(|n| n.to_string()).unwrap_or_default());
    f.set("upn", d.upn.as_ref().map(|n| n.to_string()).unwrap_or_default());
    f.set("upn_unknown", d.upn_unknown.map(|r| r.code()).unwrap_or(""));
    for (i, n) in d.other_names.iter().enumerate() {
        f.set(&format!("other_{i}_given"), n.given_name.clone());
        f.set(&format!("other_{i}_family"), n.family_name.clone());
        f.set(&format!("other_{i}_kind"), n.kind.code());
    }
    for (i, a) in d.addresses.iter().enumerate() {
        for (j, l) in ["line1", "line2", "town"].iter().enumerate() {
            f.set(&format!("addr_{i}_{l}"), a.lines.get(j).cloned().unwrap_or_default());
        }
        f.set(&format!("addr_{i}_postcode"), a.postcode.clone().unwrap_or_default());
        set_date(&mut f, &format!("addr_{i}_from"), a.from);
        set_date(&mut f, &format!("addr_{i}_to"), a.to);
    }
    f
}

/// How many rows of other names and addresses the form shows: those filled plus one blank.
fn rows(f: &FormData, prefix: &str, first: &str) -> Vec<usize> {
    let used = (0..MAX_ROWS).filter(|i| !f.get(&format!("{prefix}_{i}_{first}")).is_empty() || !f.get(&format!("{prefix}_{i}_{}", if prefix == "other" { "family" } else { "postcode" })).is_empty()).max().map(|m| m + 1).unwrap_or(0);
    (0..(used + 1).min(MAX_ROWS)).collect()
}

/// A fact as saved by someone else, and as the user typed it.
type Difference = (&'static str, String, String);

#[derive(Template)]
#[template(path = "person_form.html")]
struct PersonFormPage {
    layout: Layout,
    form: FormData,
    errors: FieldErrors,
    action: String,
    heading: String,
    /// Editing: the version the form started from, and the reason field.
    editing: bool,
    duplicates: Vec<DuplicateWarning>,
    /// Adding a relative: the person they are being linked to.
    relative_of: Option<(PersonId, String)>,
    /// Someone else saved first: the record now, who saved it and when, and the differences.
    conflict: Option<(PersonRecord, String, Vec<Difference>)>,
    other_rows: Vec<usize>,
    address_rows: Vec<usize>,
    draft_restored: bool,
    /// Adding a relative: what was searched for to link an existing record, and the people
    /// found (those the reader may open).
    find: Option<(String, Vec<hearth_domain::person::PersonSummary>)>,
}

impl PersonFormPage {
    fn new(v: &Visitor, title: &str, action: String, form: FormData, errors: FieldErrors) -> Self {
        let other_rows = rows(&form, "other", "given");
        let address_rows = rows(&form, "addr", "line1");
        PersonFormPage {
            layout: layout(v, title),
            form,
            errors,
            action,
            heading: title.to_string(),
            editing: false,
            duplicates: Vec::new(),
            relative_of: None,
            conflict: None,
            other_rows,
            address_rows,
            draft_restored: false,
            find: None,
        }
    }

    fn sexes(&self) -> Vec<(String, String)> {
        options::<Sex>("Not recorded")
    }
    fn ethnicities(&self) -> Vec<(String, String)> {
        options::<Ethnicity>("Not recorded")
    }
    fn upn_reasons(&self) -> Vec<(String, String)> {
        options::<UpnUnknown>("Not recorded")
    }
    fn alias_kinds(&self) -> Vec<(String, String)> {
        AliasKind::ALL.iter().map(|c| (c.code().to_string(), c.label().to_string())).collect()
    }
    fn relationship_types(&self) -> Vec<(String, String)> {
        relationship_options()
    }
    fn disability_list(&self) -> Vec<(String, String, bool)> {
        let chosen = self.form.all("disabilities");
        Disability::ALL.iter().map(|d| (d.code().to_string(), d.label().to_string(), chosen.iter().any(|c| c == d.code()))).collect()
    }
    fn field(&self, name: String) -> String {
        self.form.get(&name).to_string()
    }
    fn row_error(&self, name: String) -> Option<String> {
        self.errors.get(&name).map(str::to_string)
    }
}

#[derive(Deserialize, Default)]
pub struct DraftQuery {
    #[serde(default)]
    pub draft: String,
    /// A new case note of this type (a link from the Care tab asks for a statutory visit).
    #[serde(default, rename = "type")]
    pub note_type: String,
}

/// Gives back a form kept when the session expired, if it is this user's.
pub(super) async fn restore(s: &AppState, actor: &Actor, q: &DraftQuery) -> Result<Option<FormData>, WebError> {
    let Ok(id) = q.draft.parse::<DraftId>() else { return Ok(None) };
    Ok(s.app.take_draft(actor, id).await?.map(|d| FormData::parse(d.body.as_bytes())))
}

pub async fn new_page(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Query(q): Query<DraftQuery>) -> Result<Response, WebError> {
    // The form is for those who may record people, as its submission and the menu are.
    s.app.require(&actor, Permission::CreatePersons, "person.create").await?;
    let restored = restore(&s, &actor, &q).await?;
    let mut form = restored.clone().unwrap_or_default();
    if form.get("kind").is_empty() {
        form.set("kind", "child");
    }
    let mut page = PersonFormPage::new(&v, "Record a child or young person", "/people/new".into(), form, FieldErrors::new());
    page.draft_restored = restored.is_some();
    Ok(render(StatusCode::OK, &page))
}

pub async fn create(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, form: FormData) -> Result<Response, WebError> {
    let title = "Record a child or young person";
    let details = match details_from_form(&form, s.app.today()) {
        Ok(d) => d,
        Err(errors) => return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &PersonFormPage::new(&v, title, "/people/new".into(), form, errors))),
    };
    if !form.checked("confirm_new") {
        let duplicates = s.app.possible_duplicates(&actor, &details).await?;
        if !duplicates.is_empty() {
            let mut page = PersonFormPage::new(&v, title, "/people/new".into(), form, FieldErrors::new());
            page.duplicates = duplicates;
            return Ok(render(StatusCode::OK, &page));
        }
    }
    match s.app.create_person(&actor, details).await {
        Ok(p) => Ok(Redirect::to(&format!("/people/{}?saved=created", p.id)).into_response()),
        Err(AppError::Invalid(errors)) => Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &PersonFormPage::new(&v, title, "/people/new".into(), form, errors))),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "person.html")]
struct RecordPage {
    layout: Layout,
    p: PersonPage,
    tab: &'static str,
    today: Date,
    can_add_notes: bool,
    can_edit: bool,
    can_restrict: bool,
    can_allocate: bool,
}

/// A management decision of the child's decision log: when, who, what, and its episode.
pub struct Decision {
    pub at: String,
    pub by: String,
    pub decision: String,
    pub episode: hearth_domain::cin::EpisodeId,
}

impl RecordPage {
    fn census_rows(&self) -> Vec<crate::pages::returns::CensusRow> {
        self.p.census.as_ref().map(|c| crate::pages::returns::census_rows(&c.issues)).unwrap_or_default()
    }

    /// The child's decision log: every management decision in the child's episodes, newest
    /// first.
    fn decisions(&self) -> Vec<Decision> {
        let h = &self.p.front_door;
        let mut v: Vec<(time::OffsetDateTime, Decision)> = h
            .episodes
            .iter()
            .flat_map(|e| e.oversight.iter().map(move |o| (e.id, o)))
            .filter_map(|(episode, o)| {
                let decision = o.decision.clone()?;
                let by = h.names.get(&o.by).cloned().unwrap_or_else(|| "Unknown user".into());
                Some((o.at, Decision { at: when(&o.at), by, decision, episode }))
            })
            .collect();
        v.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
        v.into_iter().map(|(_, d)| d).collect()
    }

    fn facts(&self) -> Vec<(&'static str, String)> {
        facts(&self.p.summary.record.details).into_iter().filter(|(k, _)| *k != "Addresses").collect()
    }
    fn age(&self) -> Option<i32> {
        self.p.summary.record.details.age_on(self.today)
    }
    /// Brought in from a census, which has no names, and not named since.
    fn unnamed(&self) -> bool {
        self.p.summary.record.details.given_name == hearth_cin_census::to_hearth::UNNAMED
    }
    fn current_address(&self) -> Option<String> {
        self.p.summary.record.details.current_address(self.today).map(|a| a.one_line())
    }
    fn break_glass(&self) -> bool {
        self.p.summary.emergency_access()
    }
    fn family(&self) -> &[FamilyMember] {
        &self.p.family
    }
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    pub saved: String,
}

pub fn flash(saved: &str) -> Option<String> {
    match saved {
        "created" => Some("Record created".into()),
        "updated" => Some("Changes saved".into()),
        "note" => Some("Case note saved".into()),
        "corrected" => Some("Correction saved. The earlier version is kept".into()),
        "relative" => Some("Family network updated".into()),
        "restricted" => Some("Access to this record has been updated".into()),
        "allocated" => Some("Allocation saved".into()),
        "transfer_planned" => Some("Transfer planned: it takes effect on its first day".into()),
        "transfer_cancelled" => Some("Planned transfer called off".into()),
        "glass" => Some("Emergency access granted. Your managers can see that you opened this record and why".into()),
        _ => None,
    }
}

pub async fn record(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path(id): Path<String>, Query(q): Query<SavedQuery>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let p = s.app.person_page(&actor, id).await?;
    let page = RecordPage {
        layout: layout(&v, p.summary.record.details.full_name()).with_flash(flash(&q.saved)),
        p,
        tab: "summary",
        today: s.app.today(),
        can_add_notes: actor.can(Permission::AddCaseNotes),
        can_edit: actor.can(Permission::EditPersons),
        can_restrict: actor.can(Permission::ManageRestrictions),
        can_allocate: actor.can(Permission::RecordManagementOversight),
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn edit_page(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path(id): Path<String>, Query(q): Query<DraftQuery>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let record = s.app.person(&actor, id).await?;
    let restored = restore(&s, &actor, &q).await?;
    let mut form = restored.clone().unwrap_or_else(|| form_from_details(&record.details));
    if restored.is_none() {
        form.set("version", record.version.to_string());
    }
    let mut page = PersonFormPage::new(&v, &format!("Change details of {}", record.details.full_name()), format!("/people/{id}/edit"), form, FieldErrors::new());
    page.editing = true;
    page.draft_restored = restored.is_some();
    Ok(render(StatusCode::OK, &page))
}

pub async fn edit(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path(id): Path<String>, form: FormData) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let action = format!("/people/{id}/edit");
    let title = "Change details";
    let fail = |form: FormData, errors: FieldErrors| {
        let mut page = PersonFormPage::new(&v, title, action.clone(), form, errors);
        page.editing = true;
        render(StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    let details = match details_from_form(&form, s.app.today()) {
        Ok(d) => d,
        Err(errors) => return Ok(fail(form, errors)),
    };
    let version: i64 = form.get("version").parse().unwrap_or(0);
    let reason = non_empty(form.get("reason"));
    match s.app.update_person(&actor, id, version, details.clone(), reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/people/{id}?saved=updated")).into_response()),
        Err(AppError::Invalid(errors)) => Ok(fail(form, errors)),
        Err(AppError::Conflict { .. }) => {
            // Show both versions; the user's input stays in the form, now based on theirs.
            let (summary, versions, _) = s.app.person_history(&actor, id).await?;
            let theirs = summary.record;
            let saved_by = versions.last().map(|v| format!("{} on {}", v.changed_by_name, when(&v.changed_at))).unwrap_or_default();
            let mine = facts(&details);
            let differences: Vec<Difference> = facts(&theirs.details)
                .into_iter()
                .zip(mine)
                .filter(|((_, a), (_, b))| a != b)
                .map(|((k, a), (_, b))| (k, a, b))
                .collect();
            let mut form = form;
            form.set("version", theirs.version.to_string());
            let mut page = PersonFormPage::new(&v, title, action.clone(), form, FieldErrors::new());
            page.editing = true;
            page.conflict = Some((theirs, saved_by, differences));
            Ok(render(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "person_history.html")]
struct HistoryPage {
    layout: Layout,
    summary: CaseSummary,
    tab: &'static str,
    versions: Vec<PersonVersion>,
    changes: Vec<FactChange>,
}

pub async fn history(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path(id): Path<String>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let (summary, versions, mut changes) = s.app.person_history(&actor, id).await?;
    // Newest version first; within a version, facts in the record page's order.
    changes.sort_by_key(|c| std::cmp::Reverse(c.version));
    let page = HistoryPage { layout: layout(&v, format!("History of {}", summary.record.details.full_name())), summary, tab: "history", versions, changes };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize, Default)]
pub struct ChronologyQuery {
    #[serde(default)]
    kind: String,
}

#[derive(Template)]
#[template(path = "chronology.html")]
struct ChronologyPage {
    layout: Layout,
    summary: CaseSummary,
    tab: &'static str,
    entries: Vec<ChronologyEntry>,
    kind: String,
}

impl ChronologyPage {
    /// Where an entry's record is read in full, and what it is.
    fn link(&self, e: &ChronologyEntry) -> Option<(String, &'static str)> {
        use hearth_domain::chronology::FrontDoorRecord as R;
        match (e.front_door, e.episode) {
            (Some(R::Contact(id)), _) => Some((format!("/contacts/{id}"), "contact")),
            (Some(R::Referral(id)), _) => Some((format!("/referrals/{id}"), "referral")),
            (Some(R::Assessment(id)), _) => Some((format!("/assessments/{id}"), "assessment")),
            (None, Some(id)) => Some((format!("/episodes/{id}"), "episode")),
            (None, None) => None,
        }
    }

    fn kinds(&self) -> Vec<(String, String)> {
        let mut v = vec![(String::new(), "Everything".to_string())];
        v.extend(ChronologyKind::ALL.iter().map(|k| (k.code().to_string(), k.label().to_string())));
        v
    }
}

pub async fn chronology(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path(id): Path<String>, Query(q): Query<ChronologyQuery>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let filter = ChronologyKind::from_code(&q.kind);
    let (summary, entries) = s.app.chronology(&actor, id, filter).await?;
    let page = ChronologyPage {
        layout: layout(&v, format!("Chronology of {}", summary.record.details.full_name())),
        summary,
        tab: "chronology",
        entries,
        kind: filter.map(|k| k.code().to_string()).unwrap_or_default(),
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize, Default)]
pub struct FindQuery {
    /// Someone already recorded, to link: a name, date of birth, reference …
    #[serde(default)]
    find: String,
}

pub async fn relative_page(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path(id): Path<String>, Query(q): Query<FindQuery>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let record = s.app.person(&actor, id).await?;
    let mut form = FormData::default();
    form.set("kind", "adult");
    let mut errors = FieldErrors::new();
    let text: String = q.find.trim().chars().take(200).collect();
    let find = if text.is_empty() {
        None
    } else {
        match s.app.search(&actor, &text, 20).await {
            Ok(found) => Some((text, found.into_iter().filter(|p| p.id != id).collect())),
            Err(AppError::Invalid(e)) => {
                errors.add("find", e.0.first().map_or("Check what you searched for", |x| x.message.as_str()));
                Some((text, Vec::new()))
            }
            Err(e) => return Err(e.into()),
        }
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut page = PersonFormPage::new(&v, &format!("Add someone to {}'s family network", record.details.given_name), format!("/people/{id}/family/new"), form, errors);
    page.relative_of = Some((id, record.details.full_name()));
    page.find = find;
    Ok(render(status, &page))
}

pub async fn add_relative(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path(id): Path<String>, form: FormData) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let record = s.app.person(&actor, id).await?;
    let action = format!("/people/{id}/family/new");
    let title = format!("Add someone to {}'s family network", record.details.given_name);
    let mut errors = FieldErrors::new();
    let role = RelationshipType::from_code(form.get("relationship"));
    if role.is_none() {
        errors.add("relationship", "Choose how they are related");
    }
    let started = date_input(&form, "started", "The date the relationship started", &mut errors);
    // Said with the other problems of the form, not after them.
    if household_of(&form).holds_pr && role.is_some_and(|r| !r.can_hold_pr()) {
        errors.add("holds_pr", hearth_app::NOT_A_PR_HOLDER);
    }
    let existing = non_empty(form.get("existing_id"));
    let result = match (role, existing) {
        (Some(role), Some(other)) if errors.is_empty() => match s.app.resolve_person(&other).await? {
            Ok(other) => s
                .app
                .add_relationship(&actor, id, hearth_app::NewRelationship { role, other, started, note: non_empty(form.get("note")), household: household_of(&form) })
                .await
                .map(|_| ())
                .map_err(|e| match e {
                    AppError::Invalid(f) => {
                        let mut renamed = FieldErrors::new();
                        for x in f.0 {
                            renamed.add(if x.field == "other" { "existing_id".to_string() } else { x.field }, x.message);
                        }
                        AppError::Invalid(renamed)
                    }
                    e => e,
                }),
            // An unknown reference reads as a record the reader cannot open: whether it
            // exists is not said.
            Err(_) if PersonRef::parse(&other).is_ok() => Err(AppError::invalid("existing_id", "Choose a person you can open")),
            Err(msg) => Err(AppError::invalid("existing_id", &msg)),
        },
        (Some(role), None) => match details_from_form(&form, s.app.today()) {
            Ok(details) if errors.is_empty() => s.app.add_related_person(&actor, id, details, role, started, non_empty(form.get("note")), household_of(&form)).await.map(|_| ()),
            Ok(_) => Err(AppError::Invalid(errors.clone())),
            Err(more) => {
                errors.0.extend(more.0);
                Err(AppError::Invalid(errors.clone()))
            }
        },
        _ => Err(AppError::Invalid(errors.clone())),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?saved=relative")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut page = PersonFormPage::new(&v, &title, action, form, errors);
            page.relative_of = Some((id, record.details.full_name()));
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "relationship.html")]
struct RelationshipPage {
    layout: Layout,
    summary: hearth_app::CaseSummary,
    member: FamilyMember,
    /// The name of the person whose network it is.
    whom: String,
    can_edit: bool,
    form: FormData,
    errors: FieldErrors,
}

/// The household choices of a form.
fn household_of(form: &FormData) -> Household {
    Household { lives_with: form.get("lives_with") == "yes", holds_pr: form.get("holds_pr") == "yes" }
}

/// The relationship's own page: its facts, the household form and the end form. `form`
/// holds what was entered when a form comes back with errors.
async fn relationship_form(s: &AppState, actor: &Actor, v: &Visitor, (id, rid): (PersonId, RelationshipId), form: Option<FormData>, errors: FieldErrors, status: StatusCode) -> Result<Response, WebError> {
    let (summary, member) = s.app.relationship_page(actor, id, rid).await?;
    let whom = summary.record.details.full_name();
    let form = form.unwrap_or_else(|| {
        let mut f = FormData::default();
        set_date(&mut f, "ended", Some(s.app.today()));
        if member.relationship.lives_together {
            f.set("lives_with", "yes");
        }
        if member.relationship.other_holds_pr_for(id) {
            f.set("holds_pr", "yes");
        }
        f
    });
    let title = format!("{} in {whom}'s family network", member.person.full_name());
    let can_edit = actor.can(Permission::EditPersons);
    Ok(render(status, &RelationshipPage { layout: layout(v, title), summary, member, whom, can_edit, form, errors }))
}

pub async fn relationship_page(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path((id, rid)): Path<(String, String)>) -> Result<Response, WebError> {
    let ids = (parse_id(&id)?, parse_id(&rid)?);
    relationship_form(&s, &actor, &v, ids, None, FieldErrors::new(), StatusCode::OK).await
}

pub async fn change_household(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path((id, rid)): Path<(String, String)>, form: FormData) -> Result<Response, WebError> {
    let (id, rid): (PersonId, RelationshipId) = (parse_id(&id)?, parse_id(&rid)?);
    let version: i64 = form.get("version").parse().unwrap_or(0);
    match s.app.change_household(&actor, id, rid, version, household_of(&form)).await {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?saved=relative")).into_response()),
        Err(AppError::Invalid(errors)) => relationship_form(&s, &actor, &v, (id, rid), Some(form), errors, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn end_relationship(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path((id, rid)): Path<(String, String)>, form: FormData) -> Result<Response, WebError> {
    let (id, rid): (PersonId, RelationshipId) = (parse_id(&id)?, parse_id(&rid)?);
    let version: i64 = form.get("version").parse().unwrap_or(0);
    let mut errors = FieldErrors::new();
    let ended = date_input(&form, "ended", "The date the relationship ended", &mut errors);
    let result = match ended {
        Some(ended) if errors.is_empty() => s.app.end_relationship(&actor, id, rid, version, ended).await,
        _ => {
            if errors.is_empty() {
                errors.add("ended", "Enter the date the relationship ended");
            }
            Err(AppError::Invalid(errors))
        }
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?saved=relative")).into_response()),
        Err(AppError::Invalid(errors)) => relationship_form(&s, &actor, &v, (id, rid), Some(form), errors, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "restrict.html")]
struct RestrictPage {
    layout: Layout,
    record: PersonRecord,
    users: Vec<(UserRecord, bool)>,
    errors: FieldErrors,
    form: FormData,
}

async fn restrict_form(s: &AppState, actor: &Actor, v: &Visitor, id: PersonId, form: FormData, errors: FieldErrors, status: StatusCode) -> Result<Response, WebError> {
    let record = s.app.person(actor, id).await?;
    let chosen = form.all("users");
    // Only people who may hold casework can be named (the use case refuses anyone else).
    let users = s.app.users(actor).await?.into_iter().filter(|u| u.active && u.role.holds_casework()).map(|u| {
        let on = chosen.iter().any(|c| *c == u.id.to_string());
        (u, on)
    }).collect();
    Ok(render(status, &RestrictPage { layout: layout(v, format!("Who can see {}", record.details.full_name())), record, users, errors, form }))
}

pub async fn restrict_page(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path(id): Path<String>) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let mut form = FormData::default();
    form.0.push(("users".into(), actor.user.id.to_string()));
    restrict_form(&s, &actor, &v, id, form, FieldErrors::new(), StatusCode::OK).await
}

pub async fn restrict(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, Path(id): Path<String>, form: FormData) -> Result<Response, WebError> {
    let id: PersonId = parse_id(&id)?;
    let record = s.app.person(&actor, id).await?;
    let Ok(list) = form.all("users").iter().map(|u| u.parse()).collect::<Result<Vec<hearth_domain::UserId>, _>>() else {
        let mut errors = FieldErrors::new();
        errors.add("users", "Choose people from the list");
        return restrict_form(&s, &actor, &v, id, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let restricted = form.get("restricted") == "yes";
    match s.app.set_restriction(&actor, id, record.version, restricted, list, form.get("reason")).await {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?saved=restricted")).into_response()),
        Err(AppError::Invalid(errors)) => restrict_form(&s, &actor, &v, id, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "break_glass.html")]
struct BreakGlassPage {
    layout: Layout,
    form: FormData,
    errors: FieldErrors,
    minutes: i64,
}

pub async fn break_glass_page(State(s): State<AppState>, Signed { actor }: Signed, v: Visitor) -> Result<Response, WebError> {
    // Only roles that may break the glass see the form, as only they see it in the menu.
    s.app.require(&actor, Permission::BreakGlass, "person.break_glass").await?;
    let minutes = s.app.config.break_glass_duration.whole_minutes();
    Ok(render(StatusCode::OK, &BreakGlassPage { layout: layout(&v, "Emergency access to a record"), form: FormData::default(), errors: FieldErrors::new(), minutes }))
}

pub async fn break_glass(State(s): State<AppState>, Signed { actor, .. }: Signed, v: Visitor, form: FormData) -> Result<Response, WebError> {
    let minutes = s.app.config.break_glass_duration.whole_minutes();
    let mut errors = FieldErrors::new();
    let typed = form.get("person_id").trim();
    let granted = if let Ok(id) = typed.parse::<PersonId>() {
        Some(s.app.break_glass(&actor, id, form.get("reason")).await)
    } else {
        match PersonRef::parse(typed) {
            Ok(r) => Some(s.app.break_glass_by_reference(&actor, r, form.get("reason")).await),
            Err(PersonRefError::Check) => {
                errors.add("person_id", "Check the reference: one of its characters is wrong");
                None
            }
            Err(PersonRefError::Format) => {
                errors.add("person_id", "Enter the record's reference, like H-4K7Q-2M, or its Hearth ID");
                None
            }
        }
    };
    match granted {
        Some(Ok(g)) => return Ok(Redirect::to(&format!("/people/{}?saved=glass", g.person)).into_response()),
        Some(Err(AppError::NotFound)) => errors.add("person_id", "There is no record with that reference that can be opened with emergency access"),
        Some(Err(AppError::Invalid(e))) => errors = e,
        Some(Err(e)) => return Err(e.into()),
        None => {}
    }
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &BreakGlassPage { layout: layout(&v, "Emergency access to a record"), form, errors, minutes }))
}
