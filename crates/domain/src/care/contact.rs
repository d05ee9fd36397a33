//! Family time (seed 000's Family Contact Service): the contact arrangements between a
//! looked-after child and their family (direct, supervised, indirect, letterbox; how often,
//! where, who supervises, whether a court ordered it), the sessions held with attendance and
//! observations, and requests to the Family Contact Service, queued as seed 000 sets out:
//! children in court proceedings where contact is needed for evidence first, then contact
//! supervised because of assessed risk, then children under 14, oldest request first in each.
use crate::calendar::describe_date;
use crate::codes::code_list;
use crate::validation::FieldErrors;
use crate::PersonId;
use serde::{Deserialize, Serialize};
use time::Date;

/// Longest free text (observations, a note).
pub const MAX_TEXT: usize = 20_000;
/// Longest short text (a name, a venue, a frequency).
pub const MAX_SHORT: usize = 200;
/// The age under which a child's request comes before others (seed 000).
pub const PRIORITY_AGE: i32 = 14;

code_list!(
    /// How the child and the family member keep in touch.
    ContactKind {
        DirectSupervised = "direct_supervised": "Face to face, supervised",
        DirectSupported = "direct_supported": "Face to face, supported",
        DirectUnsupervised = "direct_unsupervised": "Face to face, not supervised",
        Indirect = "indirect": "Indirect (phone, video, messages)",
        Letterbox = "letterbox": "Letterbox (letters and cards through the council)",
    }
);

code_list!(
    /// Whether a session took place.
    Attendance {
        TookPlace = "took_place": "Took place",
        ChildDidNotAttend = "child_did_not_attend": "The child did not attend",
        FamilyDidNotAttend = "family_did_not_attend": "The family member did not attend",
        Cancelled = "cancelled": "Cancelled",
    }
);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactSession {
    pub on: Date,
    pub attendance: Attendance,
    pub observations: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactArrangement {
    /// Numbered from 1 within the period, in the order made.
    pub number: u32,
    /// Who with, in the worker's words ("Jane Quill, mother").
    pub with: String,
    /// The family member's own record, when they have one in the child's network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonId>,
    pub kind: ContactKind,
    /// How often and for how long ("Weekly, two hours").
    pub frequency: String,
    pub venue: String,
    pub supervisor: String,
    pub court_ordered: bool,
    pub from: Date,
    pub until: Option<Date>,
    /// In date order.
    pub sessions: Vec<ContactSession>,
}

/// What became of a request to the Family Contact Service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RequestOutcome {
    /// A contact worker takes it on.
    Allocated { to: String, on: Date },
    /// Closed without a contact worker (withdrawn, arranged otherwise).
    Closed { on: Date, reason: String },
}

impl RequestOutcome {
    pub fn on(&self) -> Date {
        match self {
            RequestOutcome::Allocated { on, .. } | RequestOutcome::Closed { on, .. } => *on,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRequest {
    /// Numbered from 1 within the period.
    pub number: u32,
    /// The arrangement the service is asked to support.
    pub arrangement: u32,
    pub made: Date,
    /// The child is subject to court proceedings and contact is needed as evidence.
    pub for_proceedings: bool,
    /// There is an assessed risk, so contact has to be supervised.
    pub supervised_for_risk: bool,
    pub note: String,
    pub outcome: Option<RequestOutcome>,
}

fn short(e: &mut FieldErrors, field: String, value: &str, what: &str, required: bool) {
    if required && value.trim().is_empty() {
        e.add(field, format!("Enter {what}"));
    } else if value.chars().count() > MAX_SHORT {
        e.add(field, format!("This must be {MAX_SHORT} characters or fewer"));
    }
}

/// Checks the arrangements and requests of a period from `start` to `last` (its end, or
/// today), each error naming its field.
pub fn check(arrangements: &[ContactArrangement], requests: &[ContactRequest], start: Date, last: Date, e: &mut FieldErrors) {
    let within = |d: Date| start <= d && d <= last;
    for (i, a) in arrangements.iter().enumerate() {
        let f = |x: &str| format!("planning.contact[{i}].{x}");
        short(e, f("with"), &a.with, "who the contact is with", true);
        short(e, f("frequency"), &a.frequency, "how often contact happens", true);
        short(e, f("venue"), &a.venue, "the venue", false);
        short(e, f("supervisor"), &a.supervisor, "who supervises", false);
        if !within(a.from) {
            e.add(f("from"), format!("An arrangement is made while the child is looked after: between {start} and {last}"));
        }
        if a.until.is_some_and(|u| u < a.from) {
            e.add(f("until"), "An arrangement ends after it begins");
        } else if a.until.is_some_and(|u| u > last) {
            e.add(f("until"), format!("An arrangement ends while the child is looked after, by {}", describe_date(last)));
        }
        for (j, s) in a.sessions.iter().enumerate() {
            let g = |x: &str| format!("planning.contact[{i}].sessions[{j}].{x}");
            if s.on < a.from || a.until.is_some_and(|u| s.on > u) || s.on > last {
                e.add(g("on"), format!("A session is held while the arrangement is in place, from {}", describe_date(a.from)));
            }
            if s.observations.chars().count() > MAX_TEXT {
                e.add(g("observations"), format!("Observations must be {MAX_TEXT} characters or fewer"));
            }
        }
    }
    for (i, r) in requests.iter().enumerate() {
        let f = |x: &str| format!("planning.contact_requests[{i}].{x}");
        match arrangements.iter().find(|a| a.number == r.arrangement) {
            None => e.add(f("arrangement"), "Choose the contact arrangement the service is asked to support"),
            Some(a) if r.supervised_for_risk && a.kind != ContactKind::DirectSupervised => {
                e.add(f("supervised_for_risk"), format!("The arrangement with {} is not supervised: change it, or say there is no assessed risk", a.with));
            }
            Some(_) => {}
        }
        if !within(r.made) {
            e.add(f("made"), format!("A request is made while the child is looked after: between {start} and {last}"));
        }
        if r.note.chars().count() > MAX_TEXT {
            e.add(f("note"), format!("The note must be {MAX_TEXT} characters or fewer"));
        }
        if let Some(o) = &r.outcome {
            if o.on() < r.made || o.on() > last {
                e.add(f("outcome"), format!("The request was made on {}: its outcome comes after that", describe_date(r.made)));
            }
            let who = match o {
                RequestOutcome::Allocated { to, .. } => to,
                RequestOutcome::Closed { reason, .. } => reason,
            };
            short(e, f("outcome"), who, "the contact worker's name, or why the request is closed", true);
        }
    }
}

/// Where a request sits in the Family Contact Service's queue, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    Proceedings,
    SupervisedForRisk,
    UnderFourteen,
    Other,
}

impl Priority {
    pub fn of(r: &ContactRequest, age: Option<i32>) -> Priority {
        if r.for_proceedings {
            Priority::Proceedings
        } else if r.supervised_for_risk {
            Priority::SupervisedForRisk
        } else if age.is_some_and(|a| a < PRIORITY_AGE) {
            Priority::UnderFourteen
        } else {
            Priority::Other
        }
    }

    /// Why a request sits in this group, in the words of seed 000's priorities.
    pub fn why(self) -> &'static str {
        match self {
            Priority::Proceedings => "First: the child is in court proceedings and contact is needed as evidence",
            Priority::SupervisedForRisk => "Second: contact has to be supervised because of an assessed risk",
            Priority::UnderFourteen => "Third: the child is under 14",
            Priority::Other => "After the priority groups",
        }
    }
}

/// A request waiting in the queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Queued {
    pub child: PersonId,
    pub request: ContactRequest,
    pub arrangement: Option<ContactArrangement>,
    pub priority: Priority,
    pub age: Option<i32>,
}

/// The requests still waiting (no outcome), in the order the service takes them: by
/// priority group, then oldest first; `age_of` gives a child's age today.
pub fn queue<'a>(periods: impl IntoIterator<Item = (PersonId, &'a [ContactArrangement], &'a [ContactRequest])>, age_of: impl Fn(PersonId) -> Option<i32>) -> Vec<Queued> {
    let mut out: Vec<Queued> = periods
        .into_iter()
        .flat_map(|(child, arrangements, requests)| {
            let age = age_of(child);
            requests.iter().filter(|r| r.outcome.is_none()).map(move |r| Queued {
                child,
                request: r.clone(),
                arrangement: arrangements.iter().find(|a| a.number == r.arrangement).cloned(),
                priority: Priority::of(r, age),
                age,
            })
        })
        .collect();
    out.sort_by_key(|q| (q.priority, q.request.made, q.child, q.request.number));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn arrangement(number: u32, kind: ContactKind) -> ContactArrangement {
        ContactArrangement {
            number,
            with: "Jane Quill, mother".into(),
            person: None,
            kind,
            frequency: "Weekly, two hours".into(),
            venue: "Riverside family centre".into(),
            supervisor: String::new(),
            court_ordered: false,
            from: date!(2026 - 02 - 01),
            until: None,
            sessions: vec![],
        }
    }

    fn request(arrangement: u32, made: Date, for_proceedings: bool, supervised_for_risk: bool) -> ContactRequest {
        ContactRequest { number: 1, arrangement, made, for_proceedings, supervised_for_risk, note: String::new(), outcome: None }
    }

    #[test]
    fn the_queue_puts_proceedings_first_then_supervised_for_risk_then_under_14_oldest_first() {
        let (amy, ben, cal, dot, eve) = (PersonId::new(), PersonId::new(), PersonId::new(), PersonId::new(), PersonId::new());
        let sup = [arrangement(1, ContactKind::DirectSupervised)];
        let open = [arrangement(1, ContactKind::DirectUnsupervised)];
        let amy_r = [request(1, date!(2026 - 03 - 10), false, false)];
        let ben_r = [request(1, date!(2026 - 03 - 05), false, true)];
        let cal_r = [request(1, date!(2026 - 03 - 12), true, false)];
        let dot_r = [request(1, date!(2026 - 03 - 01), false, false)];
        let mut eve_r = [request(1, date!(2026 - 02 - 01), true, false)];
        eve_r[0].outcome = Some(RequestOutcome::Allocated { to: "Kim Contact".into(), on: date!(2026 - 02 - 03) });
        let ages = [(amy, 9), (ben, 15), (cal, 16), (dot, 15), (eve, 8)];
        let q = queue(
            [(amy, &open[..], &amy_r[..]), (ben, &sup[..], &ben_r[..]), (cal, &open[..], &cal_r[..]), (dot, &open[..], &dot_r[..]), (eve, &open[..], &eve_r[..])],
            |c| ages.iter().find(|(p, _)| *p == c).map(|(_, a)| *a),
        );
        let order: Vec<(PersonId, Priority)> = q.iter().map(|x| (x.child, x.priority)).collect();
        assert_eq!(order, [(cal, Priority::Proceedings), (ben, Priority::SupervisedForRisk), (amy, Priority::UnderFourteen), (dot, Priority::Other)], "Eve's request has a worker");
        assert!(q[0].priority.why().contains("court proceedings"));
    }

    #[test]
    fn bad_arrangements_sessions_and_requests_are_refused_naming_the_field() {
        let (start, last) = (date!(2026 - 01 - 05), date!(2026 - 06 - 01));
        let mut a = arrangement(1, ContactKind::DirectUnsupervised);
        a.with = " ".into();
        a.until = Some(date!(2026 - 01 - 31));
        a.sessions = vec![ContactSession { on: date!(2026 - 01 - 20), attendance: Attendance::TookPlace, observations: "Warm".into() }];
        let mut r = request(1, date!(2026 - 02 - 02), false, true);
        r.outcome = Some(RequestOutcome::Closed { on: date!(2026 - 02 - 01), reason: "Withdrawn".into() });
        let stray = ContactRequest { number: 2, ..request(7, date!(2026 - 07 - 01), false, false) };
        let mut e = FieldErrors::new();
        check(&[a], &[r, stray], start, last, &mut e);
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "planning.contact[0].with",
                "planning.contact[0].until",
                "planning.contact[0].sessions[0].on",
                "planning.contact_requests[0].supervised_for_risk",
                "planning.contact_requests[0].outcome",
                "planning.contact_requests[1].arrangement",
                "planning.contact_requests[1].made"
            ]
        );
        crate::codes::assert_distinct::<ContactKind>();
        crate::codes::assert_distinct::<Attendance>();
    }
}
