//! What every page's frame needs: the user, the navigation and the CSRF token for forms.
use crate::session::Visitor;
use hearth_domain::user::Permission;

#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub title: String,
    pub user_name: Option<String>,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    /// A success message shown in a notification banner.
    pub flash: Option<String>,
}

#[derive(Clone, Debug)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    /// The reader is on this item's page or below it.
    pub current: bool,
}

/// Marks the item the reader is on: the one whose address is the longest that the path
/// is, or is below ("/work/team?…" is under Team work, not My work).
fn mark_current(nav: &mut [NavItem], path: &str) {
    let under = |href: &str| path == href || (href != "/" && path.strip_prefix(href).is_some_and(|rest| rest.starts_with('/')));
    if let Some(item) = nav.iter_mut().filter(|i| under(i.href)).max_by_key(|i| i.href.len()) {
        item.current = true;
    }
}

impl NavItem {
    fn new(href: &'static str, label: &'static str) -> Self {
        NavItem { href, label, current: false }
    }
}

impl Layout {
    pub fn bare(title: &str) -> Self {
        Layout { title: title.to_string(), ..Default::default() }
    }

    pub fn for_visitor(v: &Visitor, title: impl Into<String>) -> Self {
        let mut l = Layout { title: title.into(), csrf: v.csrf().to_string(), ..Default::default() };
        // Halfway through signing in: no navigation yet, but a way out.
        if let Visitor::Pending { user, .. } = v {
            l.user_name = Some(user.display_name.clone());
        }
        if let Visitor::Signed { actor, .. } = v {
            l.user_name = Some(actor.user.display_name.clone());
            l.nav.push(NavItem::new("/", "Home"));
            if actor.can(Permission::ViewRecords) || actor.can(Permission::ViewAllRecords) {
                l.nav.push(NavItem::new("/search", "Search"));
            }
            if actor.can(Permission::CreatePersons) {
                l.nav.push(NavItem::new("/people/new", "Record a child"));
            }
            if actor.can(Permission::AddCaseNotes) {
                l.nav.push(NavItem::new("/work", "My work"));
            }
            if actor.can(Permission::RecordManagementOversight) {
                l.nav.push(NavItem::new("/work/team", "Team work"));
                l.nav.push(NavItem::new("/child-protection", "Child protection"));
            }
            if actor.can(Permission::OverseeCare) {
                l.nav.push(NavItem::new("/children-in-care", "Children in care"));
                l.nav.push(NavItem::new("/care-leavers", "Care leavers"));
            }
            if actor.can(Permission::RecordManagementOversight) {
                l.nav.push(NavItem::new("/family-contact", "Family contact"));
                l.nav.push(NavItem::new("/caseloads", "Caseloads"));
            }
            if actor.can(Permission::ViewRecords) {
                l.nav.push(NavItem::new("/providers", "Providers"));
                l.nav.push(NavItem::new("/services", "Services"));
            }
            if actor.subject.team.is_some() || !actor.subject.teams.is_empty() {
                l.nav.push(NavItem::new("/rota", "Duty rota"));
            }
            if actor.can(Permission::ProduceReturns) || actor.can(Permission::RecordManagementOversight) {
                l.nav.push(NavItem::new("/returns/cin", "CIN census"));
            }
            l.nav.push(NavItem::new("/timescales", "Timescales"));
            if actor.can(Permission::BreakGlass) {
                l.nav.push(NavItem::new("/break-glass", "Emergency access"));
            }
            if actor.can(Permission::ReadAudit) {
                l.nav.push(NavItem::new("/audit", "Audit"));
            }
            if actor.can(Permission::ManageUsers) {
                l.nav.push(NavItem::new("/admin/users", "Users"));
            }
            l.nav.push(NavItem::new("/account", "Your account"));
            if let Some(path) = crate::observability::current_path() {
                mark_current(&mut l.nav, &path);
            }
        }
        l
    }

    pub fn with_flash(mut self, flash: Option<String>) -> Self {
        self.flash = flash;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_page_is_the_longest_address_the_path_is_under() {
        let current = |path: &str| {
            let mut nav = vec![NavItem::new("/", "Home"), NavItem::new("/work", "My work"), NavItem::new("/work/team", "Team work"), NavItem::new("/search", "Search")];
            mark_current(&mut nav, path);
            nav.iter().filter(|i| i.current).map(|i| i.label).collect::<Vec<_>>()
        };
        assert_eq!(current("/"), ["Home"]);
        assert_eq!(current("/work"), ["My work"]);
        assert_eq!(current("/work/team"), ["Team work"]);
        assert_eq!(current("/searching"), Vec::<&str>::new());
        assert_eq!(current("/people/1"), Vec::<&str>::new());
    }
}
