//! The audit log in words: what each recorded action means to an auditor or a manager
//! reading it, and the groups the audit view filters by.

/// An action in words ("opened the record"); an action not listed here is shown with its
/// dots and underscores as spaces, so a new one is never hidden.
pub fn describe(action: &str) -> String {
    let words = match action {
        "person.view" => "opened the record",
        "person.create" => "recorded a new person",
        "person.update" => "changed the person's details",
        "person.history" => "read the record's history",
        "person.chronology" => "read the chronology",
        "person.family" => "looked at the family network",
        "person.census" => "checked the census readiness",
        "person.search" => "searched for people",
        "person.list_allocated" => "listed their cases",
        "person.restrict" => "restricted the record",
        "person.unrestrict" => "lifted the restriction",
        "person.break_glass" => "asked for emergency access",
        "case_note.create" => "added a case note",
        "case_note.correct" => "corrected a case note",
        "case_note.view" => "read a case note",
        "case_note.list" => "read the case notes",
        "relationship.create" => "added to the family network",
        "relationship.update" => "changed a household or parental responsibility",
        "relationship.end" => "ended a relationship",
        "allocation.view" => "looked at the allocation",
        "allocation.change" => "changed the allocation",
        "allocation.plan" => "planned a transfer",
        "allocation.cancel" => "called off a planned transfer",
        "allocation.apply" => "applied a planned transfer",
        "contact.create" => "recorded a contact",
        "contact.view" => "read a contact",
        "contact.decide" => "decided on a contact",
        "referral.create" => "made a referral",
        "referral.view" => "read a referral",
        "referral.update" => "changed a referral",
        "assessment.create" | "assessment.update" => "worked on an assessment",
        "assessment.view" => "read an assessment",
        "assessment.submit" => "sent an assessment for authorisation",
        "assessment.return" => "returned an assessment for changes",
        "assessment.authorise" => "authorised an assessment",
        "episode.create" => "opened a child in need episode",
        "episode.view" => "read the child in need episode",
        "care.start" => "recorded that a child became looked after",
        "care.legal_status" => "recorded a change of legal status",
        "care.move" => "recorded a change of placement",
        "care.end" => "recorded that a child stopped being looked after",
        "care.care_plan" => "recorded that a looked-after child's care plan was agreed",
        "care.placement_plan" => "recorded that a placement plan was agreed",
        "care.long_term" => "recorded that a placement was agreed as long-term",
        "care.permanence" => "recorded a looked-after child's permanence plan",
        "care.iro" => "named the independent reviewing officer for a child",
        "care.report" => "sent a looked-after review report for sign-off",
        "care.report_sign_off" => "signed off a looked-after review report",
        "care.report_shared" => "recorded that a looked-after review report was shared",
        "care.review" => "recorded a looked-after child's review",
        "care.missing" => "recorded that a looked-after child went missing",
        "care.missing_return" => "recorded a looked-after child's return from missing",
        "care.uasc" => "recorded a child's status as an unaccompanied asylum seeker",
        "care.health" => "recorded a looked-after child's health check",
        "care.school" => "recorded a looked-after child's school",
        "care.pep" => "recorded a personal education plan meeting",
        "care.exclusion" => "recorded an exclusion from school",
        "care.transport" => "recorded school transport for a looked-after child",
        "care.offence" => "recorded a looked-after child's conviction or caution",
        "care.contact" => "recorded a contact arrangement for a looked-after child",
        "care.contact_session" => "recorded a family time session",
        "care.contact_request" => "asked the Family Contact Service for help",
        "care.contact_outcome" => "allocated or closed a request to the Family Contact Service",
        "family_contact.view" => "opened the Family Contact Service's queue",
        "care.view" => "read a child's periods of care",
        "care_dashboard.view" => "looked at the children-in-care dashboard",
        "provider.list" => "listed the providers of placements",
        "provider.view" => "opened a provider's page and its children",
        "provider.add" => "added a provider of placements",
        "provider.change" => "changed a provider's record",
        "front_door.list" => "looked at contacts and referrals",
        "work.view" => "opened their work tray",
        "work.team_view" => "opened the team's work",
        "cp_dashboard.view" => "opened the child protection dashboard",
        "caseloads.view" => "looked at caseloads",
        "rota.view" => "looked at the duty rota",
        "rota.add" => "added someone to the duty rota",
        "rota.remove" => "took someone off the duty rota",
        "returns.cin" => "worked on the CIN census",
        "returns.cin.quality" => "checked the CIN census",
        "returns.cin.explain" => "explained a CIN census query for the DfE",
        "import.cin" => "imported a CIN census",
        "deadline.recalculate" => "recalculated deadlines",
        "auth.sign_in" => "signed in",
        "auth.sign_out" => "signed out",
        "auth.sign_out_everywhere" => "signed out everywhere",
        "auth.mfa_verify" => "entered a security code",
        "auth.mfa_enrol" => "set up an authenticator app",
        "auth.mfa_replace" => "replaced their authenticator app",
        "auth.password_change" => "changed their password",
        "auth.session_expired_draft_kept" => "had their session end with a form kept",
        "api.authenticate" => "used an API token",
        "api_token.create" => "made an API token",
        "api_token.revoke" => "revoked an API token",
        "user.create" => "made an account",
        "user.change" => "changed someone's team or line manager",
        "user.change_role" => "changed someone's role",
        "user.update" => "changed an account",
        "user.list" => "listed the accounts",
        "user.activate" => "reactivated an account",
        "user.deactivate" => "deactivated an account",
        "user.reset_mfa" => "reset someone's authenticator",
        "user.setup" => "set up their account",
        "user.setup_link" => "sent a set-up link",
        "user.unlock" => "unlocked an account",
        "team.create" => "made a team",
        "audit.view" => "opened the audit log",
        "audit.person" => "read a record's audit trail",
        "audit.search" => "searched the audit log",
        "audit.export" => "downloaded the audit log",
        "csrf.refused" => "sent a form that was refused (security token)",
        "system.housekeeping" | "hearth.housekeeping" => "tidied expired sessions and drafts",
        other => return other.replace(['.', '_'], " "),
    };
    words.to_string()
}

/// The audit view's action filter: a name and the actions it stands for.
pub const ACTION_GROUPS: &[(&str, &[&str])] = &[
    ("Opened a record", &["person.view"]),
    ("Read case notes, history or the chronology", &["case_note.view", "case_note.list", "person.history", "person.chronology", "person.family"]),
    ("Changed a record", &["person.create", "person.update", "case_note.create", "case_note.correct", "relationship.create", "relationship.update", "relationship.end", "allocation.change", "allocation.plan", "allocation.cancel", "allocation.apply"]),
    ("Searched for people", &["person.search"]),
    ("Emergency access", &["person.break_glass"]),
    ("Restricted or lifted a restriction", &["person.restrict", "person.unrestrict"]),
    ("Front door: contacts, referrals, assessments", &["contact.create", "contact.view", "contact.decide", "referral.create", "referral.view", "referral.update", "assessment.create", "assessment.update", "assessment.view", "assessment.submit", "assessment.return", "assessment.authorise", "front_door.list"]),
    ("Signed in or out", &["auth.sign_in", "auth.sign_out", "auth.sign_out_everywhere", "auth.mfa_verify"]),
    ("Accounts and security", &["user.create", "user.change", "user.change_role", "user.update", "user.activate", "user.deactivate", "user.reset_mfa", "user.setup", "user.setup_link", "user.unlock", "auth.mfa_enrol", "auth.mfa_replace", "auth.password_change", "api_token.create", "api_token.revoke"]),
    ("Returns and imports", &["returns.cin", "returns.cin.quality", "returns.cin.explain", "import.cin"]),
    ("Audit", &["audit.view", "audit.person", "audit.search", "audit.export"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grouped_action_has_words_and_unknown_ones_are_readable() {
        for (_, actions) in ACTION_GROUPS {
            for a in *actions {
                assert_ne!(describe(a), a.replace(['.', '_'], " "), "{a} has no words");
            }
        }
        assert_eq!(describe("person.view"), "opened the record");
        assert_eq!(describe("new_thing.done"), "new thing done");
    }
}
