//! Case note text from templates: an opening that fits the kind of note, a few sentences that
//! fit the child's age and the team's work, and sometimes a plan. All of it synthetic.
//!
//! Placeholders: `{child}`, `{carer}`, `{carer_role}`, `{sibling}`, `{school}`, `{manager}`,
//! `{lang}`, and pronouns `{he}`, `{He}`, `{him}`, `{his}`, `{His}`. Sentences use a verb form
//! that suits "they" too ("{he} said", never "{he} is").
use crate::rng::Gen;
use hearth_domain::codes::CaseNoteType;

/// Age bands as bits, so one sentence can fit several.
pub(crate) const UNBORN: u8 = 1;
pub(crate) const BABY: u8 = 2;
pub(crate) const YOUNG: u8 = 4;
pub(crate) const TEEN: u8 = 8;
const BORN: u8 = BABY | YOUNG | TEEN;
const TALKS: u8 = YOUNG | TEEN;
const ALL: u8 = UNBORN | BORN;

/// The team whose work a note belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TeamKind {
    FrontDoor,
    ChildProtection,
    Disabled,
    InCare,
    Placement,
}

pub(crate) struct NoteContext<'a> {
    pub child: &'a str,
    pub band: u8,
    /// he/him/his, she/her/her or they/them/their.
    pub pronouns: (&'a str, &'a str, &'a str),
    pub carer: &'a str,
    pub carer_role: &'a str,
    pub sibling: Option<&'a str>,
    pub school: Option<&'a str>,
    pub manager: &'a str,
    /// The carer's first language when an interpreter would be used.
    pub interpreter: Option<&'a str>,
    pub team: TeamKind,
}

type Pool = &'static [(u8, &'static str)];

const HOME_OPEN: Pool = &[
    (BORN, "Unannounced home visit to see {child} and {carer}."),
    (ALL, "Planned home visit. {carer} ({child}'s {carer_role}) was at home and let me in straight away."),
    (ALL, "Home visit as part of the child and family assessment."),
    (BORN, "Statutory visit to {child} at home."),
    (BORN, "Home visit with a student social worker shadowing, with {carer}'s agreement."),
    (ALL, "Home visit. It took several knocks before {carer} answered the door."),
    (UNBORN, "Pre-birth home visit to {carer} to progress the pre-birth assessment."),
    (TALKS, "After-school home visit so that {child} could be seen at home."),
];
const HOME_BODY: Pool = &[
    (BABY, "{child} was asleep in the Moses basket when I arrived and woke during the visit; {he} settled quickly when {carer} picked {him} up."),
    (BABY, "I watched {carer} make up a bottle. The equipment had been sterilised and the feed was prepared safely."),
    (BABY, "{child} was clean and dressed for the weather, and {his} nappy was changed during the visit without prompting."),
    (BABY, "We talked about safe sleep again. The cot was clear of pillows and soft toys, and {carer} said {child} sleeps on {his} back."),
    (BABY, "{child} made good eye contact, smiled and babbled back when {carer} talked to {him}."),
    (BABY, "{carer} said {child} had been teething and waking at night, and that the health visitor had given advice."),
    (YOUNG, "{child} showed me {his} bedroom. It was warm, with a bed, clean bedding and a box of toys."),
    (YOUNG, "{child} was playing with Lego on the living-room floor and seemed relaxed around {carer}."),
    (YOUNG, "{child} was keen to show me a certificate from school for 'super reading'."),
    (YOUNG, "{child} told me {he} had been to the park at the weekend and had fish and chips for tea."),
    (YOUNG, "{child} was quiet at first and stayed close to {carer}, then joined in drawing with me."),
    (TEEN, "{child} was in {his} room when I arrived and agreed to talk to me in the kitchen."),
    (TEEN, "{child} talked about college plans and said things at home had been 'calmer lately'."),
    (TEEN, "{child} did not want to talk at first, but opened up when we walked to the shop together."),
    (TEEN, "{child} said {he} had been staying at a friend's house some nights because of arguments at home."),
    (TEEN, "We talked about who {child} spends time with after school; {he} did not want to name friends."),
    (ALL, "The home was cluttered but clean enough. There was food in the fridge and in the cupboards."),
    (ALL, "Home conditions had got worse since my last visit: dirty dishes, bins overflowing and a strong smell of cigarettes. I talked this through with {carer}."),
    (ALL, "{carer} said money is tight and the electricity meter is often on emergency credit. I gave details of the food bank and the household support fund."),
    (ALL, "{carer} looked tired but talked openly about how hard the last week had been."),
    (ALL, "{carer} said the new partner no longer visits. I was not able to confirm this."),
    (ALL, "There was damp and black mould in the back bedroom; {carer} has reported it to the landlord twice."),
    (ALL, "{carer} is still going to the parenting group on Tuesdays and said it helps."),
    (UNBORN, "{carer} is attending antenatal appointments and the midwife has no current concerns."),
    (UNBORN, "We talked about getting ready for the baby. Family have given a cot and a pram."),
    (UNBORN, "{carer} spoke about previous involvement with children's services and what is different this time."),
    (UNBORN, "{carer} said the pregnancy had been a surprise but the family are now 'really looking forward to it'."),
];

const PHONE_OPEN: Pool = &[
    (ALL, "Telephone call from {carer}, {child}'s {carer_role}."),
    (ALL, "Telephone call to {carer} to arrange the next visit."),
    (TALKS, "!Call from the designated safeguarding lead at {school}. Attendance this term is 82%, with most absences on Mondays; {child} has been late most days this week."),
    (BABY, "!Call from the health visitor, who confirmed that the new birth visit took place and weight gain is good."),
    (UNBORN, "!Call from the midwife: {carer} missed the last two antenatal appointments. I will raise this at the next visit."),
    (ALL, "!Call from the police: notification of a domestic incident at the family address overnight. Nobody was arrested; a DASH risk assessment was completed and graded medium."),
    (ALL, "!Telephone call to {carer}. No answer; I left a voicemail asking {carer} to call me back."),
    (ALL, "Returned a call from {carer}, who had left a message with duty."),
    (TEEN, "Text messages exchanged with {child}, then a short call."),
];
const PHONE_BODY: Pool = &[
    (BORN, "{carer} said {child} had been unsettled since family time last weekend."),
    (ALL, "{carer} asked for help with a housing application. I agreed to send a supporting letter."),
    (ALL, "We agreed the next visit for Thursday afternoon."),
    (ALL, "{carer} was upset and said the family feels 'watched all the time'. I explained why we are involved and what would need to change."),
    (TEEN, "{child} said {he} was safe and staying with an aunt tonight. I let {carer} know."),
    (ALL, "{carer} wanted to know what happens at the conference and who will be there. I explained and offered to meet beforehand."),
    (ALL, "{carer} cancelled tomorrow's visit because of a hospital appointment; rearranged for next week."),
];

const MEETING_OPEN_FRONT: Pool = &[
    (ALL, "Strategy discussion with police and health."),
    (ALL, "Assessment planning meeting with {carer}."),
    (TALKS, "Team Around the Family meeting at {school}."),
    (ALL, "Multi-agency meeting to share information for the assessment."),
];
const MEETING_OPEN_CP: Pool = &[
    (ALL, "Core group meeting."),
    (ALL, "Review child protection conference."),
    (ALL, "Legal planning meeting."),
    (ALL, "Initial child protection conference."),
    (ALL, "Family group conference."),
];
const MEETING_OPEN_DISABLED: Pool = &[
    (BORN, "Short breaks panel."),
    (TALKS, "EHCP annual review at {school}."),
    (TEEN, "Transition planning meeting with adult social care."),
    (BORN, "Child in need review meeting."),
    (BABY, "Meeting with the hospital discharge team and community nurses."),
];
const MEETING_OPEN_CARE: Pool = &[
    (BORN, "Looked after review, chaired by the independent reviewing officer."),
    (TALKS, "Personal education plan meeting at {school}."),
    (TEEN, "Pathway planning meeting."),
    (BORN, "Placement planning meeting with the foster carers."),
    (BORN, "Permanence planning meeting."),
];
const MEETING_OPEN_PLACEMENT: Pool = &[
    (BORN, "Adoption support planning meeting."),
    (BORN, "Life story work planning meeting."),
    (BORN, "Family time review meeting."),
    (BORN, "Special guardianship support plan review."),
];
const MEETING_BODY: Pool = &[
    (ALL, "Present: {carer}, the class teacher, the health visitor and me. Apologies from the GP."),
    (ALL, "Everyone agreed there had been progress on the plan, particularly around routines."),
    (ALL, "Concerns remain about {carer}'s alcohol use. {carer} agreed to attend the drug and alcohol service."),
    (TALKS, "{child}'s views were shared from the 'my wishes and feelings' sheet we completed in direct work."),
    (ALL, "Actions were reviewed: most are done; the housing action is still outstanding."),
    (ALL, "{carer} found the meeting difficult and left for a short break, then came back and contributed well."),
    (ALL, "An interpreter in {lang} joined by phone for {carer}."),
    (TEEN, "{child} attended for the first part of the meeting and said {he} wants to stay at {school}."),
    (ALL, "The plan was updated with clearer timescales, and everyone has a copy."),
    (UNBORN, "The midwife shared that {carer} has been attending appointments regularly."),
];

const SCHOOL_OPEN: Pool = &[
    (TALKS, "Visit to {child} at {school}."),
    (TALKS, "Saw {child} at {school} during lunch break, by arrangement with the school."),
    (BABY, "Visit to {child} at nursery."),
];
const SCHOOL_BODY: Pool = &[
    (TALKS, "I saw {child} on their own in the school's quiet room."),
    (YOUNG, "{child} said {he} likes maths and PE and has a best friend in {his} class."),
    (TALKS, "The class teacher said {child} often arrives hungry and without a coat."),
    (TALKS, "The designated safeguarding lead said {child} has been more settled since the plan started."),
    (YOUNG, "{child} was in clean uniform and said breakfast club has been 'really good'."),
    (TEEN, "{child} said {he} has had detentions for lateness and feels the teachers 'pick on' {him}."),
    (TEEN, "Head of year reports {child} has been truanting from the afternoon sessions."),
    (BABY, "Nursery staff said {child} is settling well and has started to say a few words."),
    (BABY, "{child} was collected late twice last week; nursery have spoken to {carer}."),
];

const OFFICE_OPEN: Pool = &[
    (ALL, "{carer} came to the office without an appointment and asked to see me."),
    (ALL, "Planned meeting at the office with {carer}."),
    (TEEN, "{child} came to the office after school to see me."),
];
const OFFICE_BODY: Pool = &[
    (ALL, "{carer} brought letters from the housing association and we went through them together."),
    (ALL, "{carer} wanted to talk about family time arrangements and said the current plan is not working."),
    (ALL, "We went through the written agreement line by line and {carer} signed it."),
    (TEEN, "{child} asked about getting a provisional driving licence and a bank account; I agreed to help with ID."),
    (ALL, "{carer} has started a new job, which makes weekday visits harder. We agreed late-afternoon visits."),
];

const OBSERVATION_OPEN: Pool = &[
    (BORN, "Observed family time between {child} and {carer} at the family centre."),
    (BORN, "Observation of {child} and {carer} at home at tea time."),
    (UNBORN, "Observed {carer} at the antenatal class."),
];
const OBSERVATION_BODY: Pool = &[
    (BORN, "{carer} arrived on time and had brought snacks and a game."),
    (BORN, "{child} went straight to {carer} and they hugged. The session was warm and relaxed."),
    (BORN, "{carer} spent much of the session on the phone and needed prompting to play with {child}."),
    (BABY, "{carer} responded quickly when {child} cried and soothed {him} well."),
    (TALKS, "{child} became upset at the end of the session and {carer} reassured {him} appropriately."),
    (UNBORN, "{carer} joined in and asked sensible questions about feeding."),
];

const DIRECT_OPEN: Pool = &[
    (TALKS, "Direct work session with {child}."),
    (TALKS, "Direct work with {child} at home, in {his} room."),
    (BABY, "Time with {child} to observe play and development."),
];
const DIRECT_BODY: Pool = &[
    (TALKS, "We used the 'three houses' tool: worries, good things and dreams."),
    (TALKS, "We worked on {his} life story book and looked at photos from when {he} was little."),
    (YOUNG, "We used the feelings cards; {child} chose 'worried' for home and 'happy' for school."),
    (YOUNG, "{child} drew {his} family and put {sibling} right next to {him}."),
    (TEEN, "We talked about staying safe online. {child} agreed to check {his} privacy settings with me next time."),
    (TEEN, "We used a scaling exercise. {child} rated home at 6 out of 10, up from 4 last month."),
    (TALKS, "{child} said the best thing that happened this week was going swimming with {sibling}."),
    (BABY, "{child} explored the toys, stacked cups and looked back to {carer} for reassurance."),
];

const OVERSIGHT_OPEN: Pool = &[
    (ALL, "Management oversight."),
    (ALL, "Management oversight following the assessment."),
    (ALL, "Management oversight before the review conference."),
];
const OVERSIGHT_BODY: Pool = &[
    (ALL, "I have read the case record and the current plan."),
    (ALL, "The assessment is thorough and analytical. I agree with the recommendation of a child in need plan."),
    (BORN, "Visits are up to date and {child} has been seen alone."),
    (ALL, "The chronology needs updating before the next conference."),
    (ALL, "Actions: (1) complete the assessment by the due date; (2) update the chronology; (3) seek the views of the father."),
    (ALL, "Risk is reducing; step down to early help to be considered at the next review."),
    (ALL, "Threshold for section 47 enquiries not met. Proceed with a child and family assessment."),
];

const SUPERVISION_OPEN: Pool = &[
    (ALL, "Case discussed in supervision."),
    (ALL, "Reflective supervision: discussion of this family."),
];
const SUPERVISION_BODY: Pool = &[
    (ALL, "We reflected on {carer}'s engagement and whether the current plan is realistic."),
    (ALL, "We discussed the impact on {child} of the adults' conflict and how to capture it in the assessment."),
    (ALL, "The worker's view is that {carer} can make the changes needed with the right support."),
    (ALL, "We agreed to contact the father, who has not yet been spoken to."),
    (ALL, "Visiting pattern agreed: every two weeks, at least one visit unannounced."),
];

const LETTER_OPEN: Pool = &[
    (ALL, "Letter sent to {carer} confirming the outcome of the assessment."),
    (TALKS, "Email received from {school} with the attendance report."),
    (ALL, "Letter sent to {carer} with the invitation to the review conference."),
    (ALL, "Email from the housing officer about the family's banding."),
    (ALL, "Email to the GP asking for an update for the assessment."),
];
const LETTER_BODY: Pool = &[
    (ALL, "Copy saved to the documents section."),
    (ALL, "The letter was translated into {lang}."),
    (ALL, "No reply yet; I will chase next week."),
    (ALL, "The information has been added to the assessment."),
];

const OTHER_OPEN: Pool = &[
    (ALL, "Case transferred within the team after a change of allocation."),
    (ALL, "Consent form returned, signed by {carer}."),
    (ALL, "Information received from a neighbouring authority about previous involvement."),
    (ALL, "Out-of-hours emergency duty team update."),
];
const OTHER_BODY: Pool = &[
    (ALL, "Record checked and the allocation updated."),
    (ALL, "Nothing further needed at this stage."),
    (ALL, "The information has been shared with the allocated worker."),
];

const PLANS: Pool = &[
    (ALL, "Next visit booked within ten working days."),
    (ALL, "Plan: continue visits and review at the next core group."),
    (ALL, "I will update the chronology and discuss with {manager}."),
    (ALL, "Agreed actions are in the plan and {carer} has a copy."),
    (BORN, "{child} to be seen alone on the next visit."),
    (TALKS, "I will speak to the school again before the review."),
    (ALL, "Referral to be made to the family support service."),
];

/// Closing lines of a manager's note.
const MANAGER_PLANS: Pool = &[
    (ALL, "Next management review in four weeks."),
    (ALL, "To be reviewed in supervision next month."),
    (ALL, "No change to the plan; the case stays open."),
    (ALL, "Worker to book the review and send invitations this week."),
];

/// Sentences for events that enter the chronology.
const SIGNIFICANT: Pool = &[
    (ALL, "Outcome: threshold met for section 47 enquiries."),
    (ALL, "Outcome: a child protection plan was made under the category of neglect."),
    (ALL, "Outcome: a child protection plan was made under the category of emotional abuse."),
    (ALL, "Outcome: the child protection plan ended; support continues under a child in need plan."),
    (ALL, "Decision to start pre-proceedings under the Public Law Outline."),
    (BORN, "{child} disclosed that {carer}'s partner had hit {him}. A strategy discussion was convened the same day."),
    (TALKS, "{child} was reported missing overnight and returned the next morning. A return home interview was offered."),
    (BORN, "{child} was taken to hospital after an injury at home; the explanation given is being checked with the paediatrician."),
    (ALL, "Police attended a domestic incident at the home; {carer} was assaulted by an ex-partner."),
    (BORN, "{child} became looked after under section 20 with {carer}'s agreement and is placed with foster carers."),
    (ALL, "Case closed: outcomes achieved and the family agreed."),
    (UNBORN, "Pre-birth conference held: the baby will be subject to a child protection plan from birth."),
    (TEEN, "{child} was arrested and released under investigation; the youth justice service has been informed."),
    (BORN, "{child} moved to a new placement after the previous one ended at the carers' request."),
];

/// The pools of a note type for the given team: opening sentences and body sentences.
fn pools(t: CaseNoteType, team: TeamKind) -> (Pool, Pool) {
    match t {
        CaseNoteType::HomeVisit | CaseNoteType::StatutoryVisit => (HOME_OPEN, HOME_BODY),
        CaseNoteType::PhoneCall => (PHONE_OPEN, PHONE_BODY),
        CaseNoteType::Meeting => (
            match team {
                TeamKind::FrontDoor => MEETING_OPEN_FRONT,
                TeamKind::ChildProtection => MEETING_OPEN_CP,
                TeamKind::Disabled => MEETING_OPEN_DISABLED,
                TeamKind::InCare => MEETING_OPEN_CARE,
                TeamKind::Placement => MEETING_OPEN_PLACEMENT,
            },
            MEETING_BODY,
        ),
        CaseNoteType::SchoolVisit => (SCHOOL_OPEN, SCHOOL_BODY),
        CaseNoteType::OfficeVisit => (OFFICE_OPEN, OFFICE_BODY),
        CaseNoteType::Observation => (OBSERVATION_OPEN, OBSERVATION_BODY),
        CaseNoteType::DirectWork => (DIRECT_OPEN, DIRECT_BODY),
        CaseNoteType::ManagementOversight => (OVERSIGHT_OPEN, OVERSIGHT_BODY),
        CaseNoteType::Supervision => (SUPERVISION_OPEN, SUPERVISION_BODY),
        CaseNoteType::Correspondence => (LETTER_OPEN, LETTER_BODY),
        CaseNoteType::Other => (OTHER_OPEN, OTHER_BODY),
    }
}

/// Whether a type of note makes sense for a child in this band (and can find a sentence).
pub(crate) fn fits(t: CaseNoteType, band: u8, team: TeamKind) -> bool {
    let (open, _) = pools(t, team);
    open.iter().any(|(m, _)| m & band != 0)
}

/// Picks a sentence that fits the band, or none.
fn pick(g: &mut Gen, pool: Pool, band: u8, ctx: &NoteContext<'_>) -> Option<&'static str> {
    let ok = |s: &str| (!s.contains("{school}") || ctx.school.is_some())
        && (!s.contains("{sibling}") || ctx.sibling.is_some())
        && (!s.contains("{lang}") || ctx.interpreter.is_some());
    let n = pool.iter().filter(|(m, s)| m & band != 0 && ok(s)).count();
    if n == 0 {
        return None;
    }
    let k = g.index(n);
    pool.iter().filter(|(m, s)| m & band != 0 && ok(s)).nth(k).map(|(_, s)| *s)
}

/// Writes the text of a note.
pub(crate) fn note_text(g: &mut Gen, t: CaseNoteType, significant: bool, ctx: &NoteContext<'_>) -> String {
    let (open, body) = pools(t, ctx.team);
    let mut parts: Vec<&str> = Vec::with_capacity(5);
    // An opening marked '!' says all there is to say.
    let mut n_body = g.int(1, 3);
    if let Some(s) = pick(g, open, ctx.band, ctx) {
        if let Some(whole) = s.strip_prefix('!') {
            parts.push(whole);
            n_body = 0;
        } else {
            parts.push(s);
        }
    }
    for _ in 0..n_body {
        if let Some(s) = pick(g, body, ctx.band, ctx)
            && !parts.contains(&s)
        {
            parts.push(s);
        }
    }
    if significant && let Some(s) = pick(g, SIGNIFICANT, ctx.band, ctx) {
        parts.push(s);
    }
    let plans = match t {
        CaseNoteType::ManagementOversight | CaseNoteType::Supervision => Some(MANAGER_PLANS),
        CaseNoteType::Correspondence | CaseNoteType::Other => None,
        _ => Some(PLANS),
    };
    if let Some(plans) = plans.filter(|_| g.chance(0.6))
        && let Some(s) = pick(g, plans, ctx.band, ctx)
    {
        parts.push(s);
    }
    let mut out = String::with_capacity(400);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        fill(&mut out, p, ctx);
    }
    if out.is_empty() {
        out.push_str("Contact recorded.");
    }
    out
}

/// Replaces the placeholders of `template` and appends the result to `out`.
pub(crate) fn fill(out: &mut String, template: &str, ctx: &NoteContext<'_>) {
    let sentence_start = out.len();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            out.push_str(&rest[open..]);
            return;
        };
        let key = &rest[open + 1..open + close];
        let (he, him, his) = ctx.pronouns;
        let value: &str = match key {
            "child" => ctx.child,
            "carer" => ctx.carer,
            "carer_role" => ctx.carer_role,
            "sibling" => ctx.sibling.unwrap_or("the other children"),
            "school" => ctx.school.unwrap_or("school"),
            "manager" => ctx.manager,
            "lang" => ctx.interpreter.unwrap_or("the family's language"),
            "he" | "He" => he,
            "him" => him,
            "his" | "His" => his,
            other => other,
        };
        let capital = key.starts_with(|c: char| c.is_ascii_uppercase()) || out.len() == sentence_start;
        push_cap(out, value, capital);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
}

fn push_cap(out: &mut String, value: &str, capital: bool) {
    let mut chars = value.chars();
    match (capital, chars.next()) {
        (true, Some(c)) => {
            out.extend(c.to_uppercase());
            out.push_str(chars.as_str());
        }
        _ => out.push_str(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_domain::codes::Coded;

    fn ctx(band: u8, school: Option<&'static str>) -> NoteContext<'static> {
        NoteContext {
            child: "Zoë",
            band,
            pronouns: ("she", "her", "her"),
            carer: "Małgorzata",
            carer_role: "mother",
            sibling: None,
            school,
            manager: "Tara",
            interpreter: None,
            team: TeamKind::ChildProtection,
        }
    }

    #[test]
    fn every_type_gives_text_without_placeholders() {
        let mut g = Gen::new(3);
        for band in [UNBORN, BABY, YOUNG, TEEN] {
            for &t in CaseNoteType::ALL {
                for _ in 0..50 {
                    let c = ctx(band, if band & TALKS != 0 { Some("Brookfield Primary School") } else { None });
                    let significant = g.chance(0.5);
                    let text = note_text(&mut g, t, significant, &c);
                    assert!(!text.contains('{') && !text.contains('}'), "{text}");
                    assert!(!text.trim().is_empty());
                }
            }
        }
    }

    #[test]
    fn fills_and_capitalises() {
        let mut out = String::new();
        fill(&mut out, "{he} said {child} and {carer} went to {school}.", &ctx(TEEN, Some("Avonside Academy")));
        assert_eq!(out, "She said Zoë and Małgorzata went to Avonside Academy.");
    }
}
