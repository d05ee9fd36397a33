//! Who may see which people, as SQL: the one condition every query that lists people
//! applies (`hearth_domain::access::AccessScope::lists`). The conformance suite checks it
//! against the domain's rule on both databases.
use crate::convert::micros;
use crate::sql::DynSql;
use hearth_domain::access::{AccessScope, Listing};
use time::OffsetDateTime;

/// The condition on `persons p` (binding its arguments into `s`) under which `scope` may see
/// the person listed for `listing`: a restricted record only for the people on its list;
/// for `Open`, any other for LA-wide readers, holders of an active break-glass grant, and
/// (with a relationship) its allocated worker's or team's managers and members; for
/// `Mention`, any other.
pub(crate) fn listing_condition(s: &mut DynSql, scope: &AccessScope, listing: Listing, now: OffsetDateTime) -> String {
    let user = s.arg(scope.user.to_string());
    let on_list = format!("EXISTS (SELECT 1 FROM person_access_list a WHERE a.person_id = p.id AND a.user_id = {user})");
    let mut open: Vec<String> = Vec::new();
    if scope.la_wide || listing == Listing::Mention {
        open.push("1 = 1".into());
    } else {
        let now = s.arg(micros(now));
        open.push(format!(
            "EXISTS (SELECT 1 FROM break_glass b WHERE b.person_id = p.id AND b.user_id = {user} AND b.expires_at > {now})"
        ));
        if scope.relationship {
            if !scope.workers.is_empty() {
                let workers = s.list(scope.workers.iter().map(|w| w.to_string()));
                open.push(format!("p.allocated_worker_id IN ({workers})"));
            }
            if !scope.teams.is_empty() {
                let teams = s.list(scope.teams.iter().map(|t| t.to_string()));
                open.push(format!("p.allocated_team_id IN ({teams})"));
            }
        }
    }
    format!("((p.restricted = 1 AND {on_list}) OR (p.restricted = 0 AND ({})))", open.join(" OR "))
}
