//! The portal's pages and their paths: the only place a route string is written.

/// A page of the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Overview,
    MyRoles,
    Approvals,
    Roles,
    Alerts,
    Audit,
    SecurityInfo,
    SignIn,
    Bootstrap,
}

impl Page {
    /// The pages in the navigation, in order.
    pub const NAV: [Page; 7] = [
        Page::Overview,
        Page::MyRoles,
        Page::Approvals,
        Page::Roles,
        Page::Alerts,
        Page::Audit,
        Page::SecurityInfo,
    ];

    /// The path segment (no leading slash); empty for the overview.
    pub const fn segment(self) -> &'static str {
        match self {
            Page::Overview => "",
            Page::MyRoles => "my-roles",
            Page::Approvals => "approvals",
            Page::Roles => "roles",
            Page::Alerts => "alerts",
            Page::Audit => "audit",
            Page::SecurityInfo => "security-info",
            Page::SignIn => "sign-in",
            Page::Bootstrap => "first-run",
        }
    }

    pub fn href(self) -> String {
        format!("/{}", self.segment())
    }

    pub const fn title(self) -> &'static str {
        match self {
            Page::Overview => "Overview",
            Page::MyRoles => "My roles",
            Page::Approvals => "Approvals",
            Page::Roles => "Roles",
            Page::Alerts => "Alerts",
            Page::Audit => "Audit",
            Page::SecurityInfo => "Security info",
            Page::SignIn => "Sign in",
            Page::Bootstrap => "First-run setup",
        }
    }
}
