//! The portal's pages and their paths: the only place a route string is written.

use elevate_shared::api::users::InvitationCode;

/// A page of the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Overview,
    MyRoles,
    Approvals,
    Roles,
    Users,
    /// OATH hardware tokens; reached from Users, not listed in the navigation.
    Tokens,
    Alerts,
    Audit,
    /// MFA reports.
    Reports,
    SecurityInfo,
    SignIn,
    Bootstrap,
    /// Redeeming an administrator's invitation; reachable signed out, never in the navigation.
    Enrol,
}

/// The key of the invitation code in an enrolment link's fragment (`/enrol#code=…`). A fragment
/// never reaches the server, so the code stays out of request logs.
const CODE_KEY: &str = "code";

impl Page {
    /// The pages in the navigation, in order; [`Page::nav`] leaves out what a person may not use.
    pub const NAV: [Page; 9] = [
        Page::Overview,
        Page::MyRoles,
        Page::Approvals,
        Page::Roles,
        Page::Users,
        Page::Alerts,
        Page::Audit,
        Page::Reports,
        Page::SecurityInfo,
    ];

    /// The navigation as this person sees it: administrators' pages only for administrators.
    pub fn nav(is_admin: bool) -> impl Iterator<Item = Page> {
        Self::NAV.into_iter().filter(move |page| is_admin || !page.admin_only())
    }

    /// Pages whose every answer is for administrators; the server refuses everyone else.
    pub const fn admin_only(self) -> bool {
        matches!(self, Page::Users | Page::Tokens | Page::Alerts | Page::Reports)
    }

    /// The path segment (no leading slash); empty for the overview.
    pub const fn segment(self) -> &'static str {
        match self {
            Page::Overview => "",
            Page::MyRoles => "my-roles",
            Page::Approvals => "approvals",
            Page::Roles => "roles",
            Page::Users => "users",
            Page::Tokens => "hardware-tokens",
            Page::Alerts => "alerts",
            Page::Audit => "audit",
            Page::Reports => "reports",
            Page::SecurityInfo => "security-info",
            Page::SignIn => "sign-in",
            Page::Bootstrap => "first-run",
            Page::Enrol => "enrol",
        }
    }

    pub fn href(self) -> String {
        format!("/{}", self.segment())
    }

    /// Whether the location's path is this page (a trailing slash is allowed).
    pub fn is_at(self, pathname: &str) -> bool {
        pathname.trim_matches('/') == self.segment()
    }

    pub const fn title(self) -> &'static str {
        match self {
            Page::Overview => "Overview",
            Page::MyRoles => "My roles",
            Page::Approvals => "Approvals",
            Page::Roles => "Roles",
            Page::Users => "Users",
            Page::Tokens => "Hardware tokens",
            Page::Alerts => "Alerts",
            Page::Audit => "Audit",
            Page::Reports => "MFA reports",
            Page::SecurityInfo => "Security info",
            Page::SignIn => "Sign in",
            Page::Bootstrap => "First-run setup",
            Page::Enrol => "Join Elevate",
        }
    }
}

/// The link an administrator hands to a new person: `<origin>/enrol#code=<code>`.
pub fn enrol_link(origin: &str, code: &InvitationCode) -> String {
    code.link(origin)
}

/// The invitation code in what a person has: the location's fragment (`#code=…`), a whole
/// enrolment link pasted, or the bare code. `None` when there is nothing that could be one.
pub fn invitation_code(text: &str) -> Option<InvitationCode> {
    let text = text.trim();
    let fragment = text.split_once('#').map_or(text, |(_, after)| after);
    let code = fragment
        .split('&')
        .find_map(|pair| pair.strip_prefix(CODE_KEY).and_then(|rest| rest.strip_prefix('=')))
        .unwrap_or(fragment)
        .trim();
    // A bare code has no separators of a link in it.
    let plausible = !code.is_empty() && !code.contains(['/', '=', '&', ' ']);
    plausible.then(|| InvitationCode(code.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn administrators_pages_are_in_their_navigation_only() {
        let names = |admin| Page::nav(admin).map(Page::title).collect::<Vec<_>>();
        assert_eq!(
            names(true),
            [
                "Overview",
                "My roles",
                "Approvals",
                "Roles",
                "Users",
                "Alerts",
                "Audit",
                "MFA reports",
                "Security info"
            ]
        );
        assert_eq!(names(false), ["Overview", "My roles", "Approvals", "Roles", "Audit", "Security info"]);
        assert!(!Page::nav(true).any(|p| p == Page::Enrol || p == Page::SignIn));
        // Hardware tokens are reached from Users, and are for administrators alone.
        assert!(!Page::nav(true).any(|p| p == Page::Tokens));
        assert!(Page::Tokens.admin_only());
    }

    #[test]
    fn pages_are_found_at_their_paths() {
        assert!(Page::Enrol.is_at("/enrol"));
        assert!(Page::Enrol.is_at("/enrol/"));
        assert!(!Page::Enrol.is_at("/enrolment"));
        assert!(!Page::Enrol.is_at("/"));
        assert!(Page::Overview.is_at("/"));
        assert_eq!(Page::Users.href(), "/users");
        assert!(Page::Tokens.is_at("/hardware-tokens"));
    }

    #[test]
    fn an_enrolment_link_carries_its_code_in_the_fragment_and_reads_back() {
        let code =
            InvitationCode("0f8fad5b-d9cb-469f-a165-70867728950e.abababababababababababababababab".into());
        let link = enrol_link("https://elevate.example/", &code);
        assert_eq!(
            link,
            "https://elevate.example/enrol#code=0f8fad5b-d9cb-469f-a165-70867728950e.abababababababababababababababab"
        );
        assert_eq!(invitation_code(&link), Some(code.clone()));
        // The location's fragment, as `location.hash` gives it.
        assert_eq!(invitation_code(&format!("#code={}", code.0)), Some(code.clone()));
        assert_eq!(invitation_code(&format!("#x=1&code={}&y=2", code.0)), Some(code.clone()));
        // The bare code, pasted with spaces around it.
        assert_eq!(invitation_code(&format!("  {}\n", code.0)), Some(code));
    }

    #[test]
    fn nothing_like_a_code_is_no_code() {
        for text in ["", "#", "#code=", "   ", "https://elevate.example/enrol", "#other=1"] {
            assert_eq!(invitation_code(text), None, "{text:?}");
        }
    }
}
