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
            l.nav.push(NavItem { href: "/", label: "Home" });
            if actor.can(Permission::ViewRecords) || actor.can(Permission::ViewAllRecords) {
                l.nav.push(NavItem { href: "/search", label: "Search" });
                l.nav.push(NavItem { href: "/people/new", label: "Record a child" });
            }
            if actor.can(Permission::AddCaseNotes) {
                l.nav.push(NavItem { href: "/work", label: "My work" });
            }
            if actor.can(Permission::RecordManagementOversight) {
                l.nav.push(NavItem { href: "/work/team", label: "Team work" });
                l.nav.push(NavItem { href: "/child-protection", label: "Child protection" });
                l.nav.push(NavItem { href: "/caseloads", label: "Caseloads" });
            }
            if actor.subject.team.is_some() || !actor.subject.teams.is_empty() {
                l.nav.push(NavItem { href: "/rota", label: "Duty rota" });
            }
            if actor.can(Permission::ProduceReturns) || actor.can(Permission::RecordManagementOversight) {
                l.nav.push(NavItem { href: "/returns/cin", label: "CIN census" });
            }
            l.nav.push(NavItem { href: "/timescales", label: "Timescales" });
            if actor.can(Permission::BreakGlass) {
                l.nav.push(NavItem { href: "/break-glass", label: "Emergency access" });
            }
            if actor.can(Permission::ReadAudit) {
                l.nav.push(NavItem { href: "/audit", label: "Audit" });
            }
            if actor.can(Permission::ManageUsers) {
                l.nav.push(NavItem { href: "/admin/users", label: "Users" });
            }
            l.nav.push(NavItem { href: "/account", label: "Your account" });
        }
        l
    }

    pub fn with_flash(mut self, flash: Option<String>) -> Self {
        self.flash = flash;
        self
    }
}
