//! Roles as administrators see them: a short MFA summary, the list's filter, what a role's
//! settings say in words, the settings form's fields read back into [`RoleSettings`], and a new
//! role or member as typed. Pure, so it is tested natively; the server checks everything again and
//! is the authority on what is allowed.

use elevate_shared::api::roles::{CreateRole, RoleView};
use elevate_shared::domain::assignment::{Assignment, AssignmentKind, AssignmentOrigin};
use elevate_shared::domain::audit::Actor;
use elevate_shared::domain::durations::{
    AssignmentMaxDuration, ExtensionWindow, FreshnessWindow, MaxActivation, PendingExpiry,
};
use elevate_shared::domain::mfa::{AllowedMethods, MfaFreshness};
use elevate_shared::domain::settings::{AssignmentLimit, MAX_MIN_CREDENTIAL_AGE, RoleSettings};
use elevate_shared::domain::{
    Description, Hint, Justification, RoleId, RoleName, Scope, TicketPattern, TicketSystem,
};
use elevate_shared::ids::UserId;
use elevate_shared::time::{DurationMs, UnixMillis};

const MINUTE: u64 = 60_000;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

/// The role's MFA on activation in a few words, and whether it is a warning (no MFA at all).
pub fn mfa_summary(settings: &RoleSettings) -> (String, bool) {
    let mfa = &settings.activation_mfa;
    if !mfa.required {
        return ("No MFA".to_owned(), true);
    }
    let methods = match mfa.authenticators.allowed {
        AllowedMethods::Any => "passkey or app",
        AllowedMethods::PhishingResistant => "phishing-resistant only",
    };
    (format!("MFA: {methods}, {}", freshness(mfa.freshness)), false)
}

/// How recent the MFA must be, e.g. "fresh tap" or "within 10 min".
pub fn freshness(f: MfaFreshness) -> String {
    match f {
        MfaFreshness::RequireFreshTap => "fresh tap".to_owned(),
        MfaFreshness::Within(w) => format!("within {} min", w.get().0 / MINUTE),
    }
}

/// Whether the role is shown under the list's filter: the text in its name or scope (ignoring
/// case), and only privileged roles when asked.
pub fn shown(view: &RoleView, filter: &str, privileged_only: bool) -> bool {
    if privileged_only && !view.role.privileged {
        return false;
    }
    let filter = filter.trim().to_lowercase();
    filter.is_empty()
        || view.role.name.as_str().to_lowercase().contains(&filter)
        || view.role.scope.as_str().to_lowercase().contains(&filter)
        || view.role.id.as_str().contains(&filter)
}

/// An assignment limit in words: "permanent allowed" or "at most 30 days".
pub fn limit_text(limit: AssignmentLimit) -> String {
    match limit {
        AssignmentLimit::Permanent => "permanent allowed".to_owned(),
        AssignmentLimit::AtMost(d) => format!("at most {}", days(d.get())),
    }
}

fn days(d: DurationMs) -> String {
    let n = d.0 / DAY;
    format!("{n} day{}", if n == 1 { "" } else { "s" })
}

/// A duration as hours and minutes, e.g. "8 h", "1 h 30 min", "45 min".
pub fn hours_text(d: DurationMs) -> String {
    let (h, m) = (d.0 / HOUR, (d.0 % HOUR) / MINUTE);
    match (h, m) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// The limit on assignments of this kind.
pub fn limit_for(settings: &RoleSettings, kind: AssignmentKind) -> AssignmentLimit {
    match kind {
        AssignmentKind::Eligible => settings.eligible_assignment,
        AssignmentKind::Active => settings.active_assignment,
    }
}

/// How an assignment came about, in one word.
pub fn origin_text(origin: &AssignmentOrigin) -> &'static str {
    match origin {
        AssignmentOrigin::Direct => "direct",
        AssignmentOrigin::Activated { .. } => "activated",
        AssignmentOrigin::External => "external",
    }
}

/// Who made an assignment; `name` names a person.
pub fn creator(actor: &Actor, name: impl Fn(&UserId) -> String) -> String {
    match actor {
        Actor::System => "Elevate".to_owned(),
        Actor::User(id) => name(id),
    }
}

/// The eligible and the active assignments, each soonest-starting first.
pub fn split_members(all: &[Assignment]) -> (Vec<Assignment>, Vec<Assignment>) {
    let mut all = all.to_vec();
    all.sort_by_key(|a| (a.start, a.id.to_string()));
    all.into_iter().partition(|a| a.kind == AssignmentKind::Eligible)
}

/// The role's settings as label/value rows for the read view; `name` names an approver.
pub fn settings_facts(s: &RoleSettings, name: impl Fn(&UserId) -> String) -> Vec<(&'static str, String)> {
    let yes_no = |b: bool| if b { "Yes" } else { "No" }.to_owned();
    let mfa = &s.activation_mfa;
    let auth = &mfa.authenticators;
    let mut rows = vec![
        ("Maximum activation", hours_text(s.max_activation.get())),
        ("MFA on activation", if mfa.required { "Required".to_owned() } else { "Not required".to_owned() }),
        (
            "Allowed methods",
            match auth.allowed {
                AllowedMethods::Any => "Any (passkey, security key or authenticator app)".to_owned(),
                AllowedMethods::PhishingResistant => {
                    "Phishing-resistant only (passkeys, security keys)".to_owned()
                }
            },
        ),
        ("User verification", yes_no(auth.user_verification)),
        ("Refuse synced passkeys", yes_no(auth.refuse_synced_passkeys)),
        (
            "Minimum credential age",
            auth.min_credential_age.map_or_else(|| "None".to_owned(), |d| format!("{} h", d.0 / HOUR)),
        ),
        ("MFA freshness", freshness(mfa.freshness)),
        ("Justification", if s.justification.required { "Required" } else { "Optional" }.to_owned()),
    ];
    if let Some(hint) = &s.justification.hint {
        rows.push(("Justification hint", hint.to_string()));
    }
    rows.push(("Ticket", if s.ticket.required { "Required" } else { "Not required" }.to_owned()));
    if !s.ticket.systems.is_empty() {
        rows.push((
            "Ticket systems",
            s.ticket.systems.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
        ));
    }
    if let Some(p) = &s.ticket.pattern {
        rows.push(("Ticket pattern", p.to_string()));
    }
    rows.push(("Approval", if s.approval.required { "Required" } else { "Not required" }.to_owned()));
    if !s.approval.approvers.is_empty() || s.approval.required {
        let names = s.approval.approvers.iter().map(&name).collect::<Vec<_>>();
        rows.push(("Approvers", if names.is_empty() { "None".to_owned() } else { names.join(", ") }));
        rows.push(("Approvals needed", s.approval.quorum.to_string()));
    }
    rows.extend([
        ("MFA on direct active assignment", yes_no(s.mfa_on_direct_active)),
        ("Eligible assignments", limit_text(s.eligible_assignment)),
        ("Active assignments", limit_text(s.active_assignment)),
        ("Extension window", hours_text(s.extension_window.get())),
        ("Pending requests expire after", hours_text(s.pending_expiry.get())),
        ("Notify on activation", s.notifications.on_activation.len().to_string() + " recipient(s)"),
        ("Notify on assignment", s.notifications.on_assignment.len().to_string() + " recipient(s)"),
    ]);
    rows
}

/// The settings form as typed: numbers as their text, so a half-typed value is kept as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsForm {
    pub max_activation_hours: String,
    pub mfa_required: bool,
    pub phishing_resistant: bool,
    pub user_verification: bool,
    pub refuse_synced_passkeys: bool,
    /// Hours; empty for none.
    pub min_credential_age_hours: String,
    pub fresh_tap: bool,
    pub within_minutes: String,
    pub justification_required: bool,
    pub hint: String,
    pub ticket_required: bool,
    /// Comma-separated.
    pub ticket_systems: String,
    pub ticket_pattern: String,
    pub approval_required: bool,
    pub approvers: Vec<UserId>,
    pub quorum: String,
    pub mfa_on_direct_active: bool,
    pub eligible_permanent: bool,
    pub eligible_days: String,
    pub active_permanent: bool,
    pub active_days: String,
    pub extension_minutes: String,
    pub pending_hours: String,
}

/// Hours as typed: whole, or with a fraction of whole minutes ("1.5").
fn hours_field(d: DurationMs) -> String {
    if d.0.is_multiple_of(HOUR) { (d.0 / HOUR).to_string() } else { format!("{}", d.0 as f64 / HOUR as f64) }
}

fn limit_fields(limit: AssignmentLimit, fallback_days: u64) -> (bool, String) {
    match limit {
        AssignmentLimit::Permanent => (true, fallback_days.to_string()),
        AssignmentLimit::AtMost(d) => (false, (d.get().0 / DAY).to_string()),
    }
}

impl SettingsForm {
    pub fn from_settings(s: &RoleSettings) -> Self {
        let mfa = &s.activation_mfa;
        let (fresh_tap, within) = match mfa.freshness {
            MfaFreshness::RequireFreshTap => (true, FreshnessWindow::default()),
            MfaFreshness::Within(w) => (false, w),
        };
        let (eligible_permanent, eligible_days) = limit_fields(s.eligible_assignment, 365);
        let (active_permanent, active_days) = limit_fields(s.active_assignment, 30);
        Self {
            max_activation_hours: hours_field(s.max_activation.get()),
            mfa_required: mfa.required,
            phishing_resistant: mfa.authenticators.allowed == AllowedMethods::PhishingResistant,
            user_verification: mfa.authenticators.user_verification,
            refuse_synced_passkeys: mfa.authenticators.refuse_synced_passkeys,
            min_credential_age_hours: mfa
                .authenticators
                .min_credential_age
                .map(hours_field)
                .unwrap_or_default(),
            fresh_tap,
            within_minutes: (within.get().0 / MINUTE).to_string(),
            justification_required: s.justification.required,
            hint: s.justification.hint.as_ref().map(ToString::to_string).unwrap_or_default(),
            ticket_required: s.ticket.required,
            ticket_systems: s.ticket.systems.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
            ticket_pattern: s.ticket.pattern.as_ref().map(ToString::to_string).unwrap_or_default(),
            approval_required: s.approval.required,
            approvers: s.approval.approvers.clone(),
            quorum: s.approval.quorum.to_string(),
            mfa_on_direct_active: s.mfa_on_direct_active,
            eligible_permanent,
            eligible_days,
            active_permanent,
            active_days,
            extension_minutes: (s.extension_window.get().0 / MINUTE).to_string(),
            pending_hours: hours_field(s.pending_expiry.get()),
        }
    }

    /// The settings the form describes, keeping what it does not show (notifications) from
    /// `base`; or every field that is not a valid value, in the form's order. Rules across
    /// fields (approvers against the quorum, the extension window against the maximum) are the
    /// server's to check, and it lists every one it finds.
    pub fn to_settings(&self, base: &RoleSettings) -> Result<RoleSettings, Vec<String>> {
        let mut problems = Vec::new();
        let mut s = base.clone();
        let mut note = |r: Result<(), String>| {
            if let Err(e) = r {
                problems.push(e);
            }
        };
        note(
            minutes_of(&self.max_activation_hours, HOUR, "Maximum activation (hours)")
                .and_then(|d| {
                    MaxActivation::new(d).map_err(|_| "Maximum activation must be 1 to 24 hours.".to_owned())
                })
                .map(|v| s.max_activation = v),
        );
        s.activation_mfa.required = self.mfa_required;
        s.activation_mfa.authenticators.allowed =
            if self.phishing_resistant { AllowedMethods::PhishingResistant } else { AllowedMethods::Any };
        s.activation_mfa.authenticators.user_verification = self.user_verification;
        s.activation_mfa.authenticators.refuse_synced_passkeys = self.refuse_synced_passkeys;
        if self.min_credential_age_hours.trim().is_empty() {
            s.activation_mfa.authenticators.min_credential_age = None;
        } else {
            note(
                minutes_of(&self.min_credential_age_hours, HOUR, "Minimum credential age (hours)").and_then(
                    |d| {
                        if d > MAX_MIN_CREDENTIAL_AGE {
                            Err(format!(
                                "Minimum credential age may be at most {} hours.",
                                MAX_MIN_CREDENTIAL_AGE.0 / HOUR
                            ))
                        } else {
                            s.activation_mfa.authenticators.min_credential_age = Some(d);
                            Ok(())
                        }
                    },
                ),
            );
        }
        if self.fresh_tap {
            s.activation_mfa.freshness = MfaFreshness::RequireFreshTap;
        } else {
            note(
                minutes_of(&self.within_minutes, MINUTE, "MFA freshness (minutes)")
                    .and_then(|d| {
                        FreshnessWindow::new(d).map_err(|_| {
                            format!(
                                "MFA freshness must be {} to {} minutes.",
                                bound(FreshnessWindow::MIN, MINUTE),
                                bound(FreshnessWindow::MAX, MINUTE)
                            )
                        })
                    })
                    .map(|w| s.activation_mfa.freshness = MfaFreshness::Within(w)),
            );
        }
        s.justification.required = self.justification_required;
        s.justification.hint = None;
        if !self.hint.trim().is_empty() {
            note(
                Hint::parse(self.hint.trim())
                    .map(|h| s.justification.hint = Some(h))
                    .map_err(|e| sentence(&e.to_string())),
            );
        }
        s.ticket.required = self.ticket_required;
        s.ticket.systems = Vec::new();
        for system in self.ticket_systems.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            note(
                TicketSystem::parse(system)
                    .map(|t| s.ticket.systems.push(t))
                    .map_err(|e| sentence(&e.to_string())),
            );
        }
        s.ticket.pattern = None;
        if !self.ticket_pattern.trim().is_empty() {
            note(
                TicketPattern::parse(self.ticket_pattern.trim())
                    .map(|p| s.ticket.pattern = Some(p))
                    .map_err(|e| format!("Ticket pattern: {e}.")),
            );
        }
        s.approval.required = self.approval_required;
        s.approval.approvers = self.approvers.clone();
        note(
            self.quorum
                .trim()
                .parse::<u8>()
                .map(|q| s.approval.quorum = q)
                .map_err(|_| "Approvals needed must be a whole number.".to_owned()),
        );
        s.mfa_on_direct_active = self.mfa_on_direct_active;
        note(
            read_limit(self.eligible_permanent, &self.eligible_days, "Eligible")
                .map(|l| s.eligible_assignment = l),
        );
        note(read_limit(self.active_permanent, &self.active_days, "Active").map(|l| s.active_assignment = l));
        note(
            minutes_of(&self.extension_minutes, MINUTE, "Extension window (minutes)")
                .and_then(|d| {
                    ExtensionWindow::new(d).map_err(|_| {
                        format!(
                            "The extension window must be {} to {} minutes.",
                            bound(ExtensionWindow::MIN, MINUTE),
                            bound(ExtensionWindow::MAX, MINUTE)
                        )
                    })
                })
                .map(|w| s.extension_window = w),
        );
        note(
            minutes_of(&self.pending_hours, HOUR, "Pending expiry (hours)")
                .and_then(|d| {
                    PendingExpiry::new(d).map_err(|_| {
                        format!(
                            "Pending requests must expire after {} to {} hours.",
                            bound(PendingExpiry::MIN, HOUR),
                            bound(PendingExpiry::MAX, HOUR)
                        )
                    })
                })
                .map(|p| s.pending_expiry = p),
        );
        if problems.is_empty() { Ok(s) } else { Err(problems) }
    }
}

fn bound(d: DurationMs, unit: u64) -> u64 {
    d.0 / unit
}

fn sentence(text: &str) -> String {
    crate::pages::format::sentence(text)
}

/// A number of `unit`s as typed (a fraction allowed) as a whole number of minutes.
fn minutes_of(text: &str, unit: u64, what: &str) -> Result<DurationMs, String> {
    let n = text.trim().parse::<f64>().ok().filter(|n| n.is_finite() && *n >= 0.0);
    let Some(n) = n else { return Err(format!("{what} must be a number.")) };
    let ms = n * unit as f64;
    let minutes = (ms / MINUTE as f64).round();
    if (ms / MINUTE as f64 - minutes).abs() > 1e-6 {
        return Err(format!("{what} must be a whole number of minutes."));
    }
    Ok(DurationMs(minutes as u64 * MINUTE))
}

fn read_limit(permanent: bool, days: &str, what: &str) -> Result<AssignmentLimit, String> {
    if permanent {
        return Ok(AssignmentLimit::Permanent);
    }
    let n = days
        .trim()
        .parse::<u64>()
        .map_err(|_| format!("{what} assignments: days must be a whole number."))?;
    AssignmentMaxDuration::from_days(n).map(AssignmentLimit::AtMost).map_err(|_| {
        format!(
            "{what} assignments may last {} to {} days.",
            bound(AssignmentMaxDuration::MIN, DAY),
            bound(AssignmentMaxDuration::MAX, DAY)
        )
    })
}

/// A new role as typed, its settings left to the server's defaults.
pub fn read_new_role(
    id: &str,
    name: &str,
    description: &str,
    scope: &str,
    privileged: bool,
) -> Result<CreateRole, String> {
    let id = RoleId::parse(id.trim()).map_err(|_| {
        "The role id is lowercase letters, digits, - _ and . (starting with a letter or digit).".to_owned()
    })?;
    let name = RoleName::parse(name.trim()).map_err(|e| sentence(&e.to_string()))?;
    let description = match description.trim() {
        "" => None,
        d => Some(Description::parse(d).map_err(|e| sentence(&e.to_string()))?),
    };
    let scope = Scope::parse(scope.trim())
        .map_err(|_| "The scope is a path such as / or /subscriptions/prod.".to_owned())?;
    Ok(CreateRole { id, name, description, privileged, scope, settings: None })
}

/// When a new assignment ends: a permanent one only where the role allows it, else an instant.
pub fn read_end(
    settings: &RoleSettings,
    kind: AssignmentKind,
    permanent: bool,
    end: Option<UnixMillis>,
) -> Result<Option<UnixMillis>, String> {
    if permanent {
        return match limit_for(settings, kind) {
            AssignmentLimit::Permanent => Ok(None),
            AssignmentLimit::AtMost(_) => {
                Err("This role does not allow permanent assignments of this kind.".to_owned())
            }
        };
    }
    end.map(Some).ok_or_else(|| "Choose when the assignment ends.".to_owned())
}

/// An optional justification as typed.
pub fn read_justification(text: &str) -> Result<Option<Justification>, String> {
    match text.trim() {
        "" => Ok(None),
        t => Justification::parse(t).map(Some).map_err(|e| sentence(&e.to_string())),
    }
}

/// A suggested end for a new assignment: the role's limit, at most 30 days, from `now`.
pub fn default_end(settings: &RoleSettings, kind: AssignmentKind, now: UnixMillis) -> UnixMillis {
    let month = DurationMs(30 * DAY);
    let d = match limit_for(settings, kind) {
        AssignmentLimit::Permanent => month,
        AssignmentLimit::AtMost(max) => max.get().min(month),
    };
    now.plus(d)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use elevate_shared::domain::Role;
    use elevate_shared::domain::settings::ApprovalPolicy;

    fn view(id: &str, name: &str, scope: &str, privileged: bool) -> RoleView {
        RoleView {
            role: Role {
                id: RoleId::parse(id).unwrap(),
                name: RoleName::parse(name).unwrap(),
                description: None,
                privileged,
                scope: Scope::parse(scope).unwrap(),
            },
            settings: RoleSettings::default(),
            eligible_count: 0,
            active_count: 0,
        }
    }

    #[test]
    fn the_mfa_summary_says_what_activation_needs() {
        let mut s = RoleSettings::default();
        assert_eq!(mfa_summary(&s), ("MFA: passkey or app, fresh tap".to_owned(), false));
        s.activation_mfa.authenticators.allowed = AllowedMethods::PhishingResistant;
        s.activation_mfa.freshness = MfaFreshness::Within(FreshnessWindow::from_minutes(10).unwrap());
        assert_eq!(mfa_summary(&s).0, "MFA: phishing-resistant only, within 10 min");
        s.activation_mfa.required = false;
        assert_eq!(mfa_summary(&s), ("No MFA".to_owned(), true));
    }

    #[test]
    fn the_filter_matches_name_or_scope_and_privilege() {
        let prod = view("prod-owner", "Prod Owner", "/subscriptions/prod", true);
        let reader = view("reader", "Reader", "/", false);
        assert!(shown(&prod, "", false));
        assert!(shown(&prod, "owner", false));
        assert!(shown(&prod, "SUBSCRIPTIONS/PROD", false));
        assert!(!shown(&reader, "prod", false));
        assert!(shown(&prod, "", true));
        assert!(!shown(&reader, "", true));
    }

    #[test]
    fn the_form_reads_back_the_settings_it_was_made_from() {
        let mut s = RoleSettings {
            approval: ApprovalPolicy {
                required: true,
                approvers: vec![UserId::parse("00000000-0000-4000-8000-000000000001").unwrap()],
                quorum: 1,
            },
            ..RoleSettings::default()
        };
        s.ticket.systems =
            vec![TicketSystem::parse("ServiceNow").unwrap(), TicketSystem::parse("Jira").unwrap()];
        s.max_activation = MaxActivation::new(DurationMs(90 * MINUTE)).unwrap();
        s.eligible_assignment = AssignmentLimit::Permanent;
        let form = SettingsForm::from_settings(&s);
        assert_eq!(form.max_activation_hours, "1.5");
        assert_eq!(form.ticket_systems, "ServiceNow, Jira");
        assert_eq!(form.to_settings(&s), Ok(s.clone()));
        assert_eq!(
            SettingsForm::from_settings(&RoleSettings::default()).to_settings(&s).unwrap().approval.approvers,
            []
        );
    }

    #[test]
    fn every_bad_field_is_reported_and_cross_field_rules_are_left_to_the_server() {
        let s = RoleSettings::default();
        let mut form = SettingsForm::from_settings(&s);
        form.max_activation_hours = "25".into();
        form.fresh_tap = false;
        form.within_minutes = "x".into();
        form.eligible_days = "0".into();
        form.pending_hours = "200".into();
        let problems = form.to_settings(&s).unwrap_err();
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].contains("1 to 24 hours"), "{problems:?}");
        assert!(problems[2].contains("1 to 1826 days"), "{problems:?}");
        // Approval without approvers is the server's to refuse, with its own words.
        let mut form = SettingsForm::from_settings(&s);
        form.approval_required = true;
        form.quorum = "2".into();
        let sent = form.to_settings(&s).unwrap();
        assert!(sent.approval.required && sent.approval.approvers.is_empty());
        assert!(sent.validate().is_err());
    }

    #[test]
    fn limits_and_durations_read_in_words() {
        assert_eq!(limit_text(AssignmentLimit::Permanent), "permanent allowed");
        assert_eq!(
            limit_text(AssignmentLimit::AtMost(AssignmentMaxDuration::from_days(1).unwrap())),
            "at most 1 day"
        );
        assert_eq!(hours_text(DurationMs(8 * HOUR)), "8 h");
        assert_eq!(hours_text(DurationMs(90 * MINUTE)), "1 h 30 min");
        assert_eq!(hours_text(DurationMs(30 * MINUTE)), "30 min");
    }

    #[test]
    fn a_new_role_is_checked_as_typed() {
        let r = read_new_role(" db-admin ", "DB admin", "", "/subscriptions/prod", true).unwrap();
        assert_eq!(r.id.as_str(), "db-admin");
        assert!(r.privileged && r.settings.is_none() && r.description.is_none());
        assert!(read_new_role("DB Admin", "x", "", "/", false).unwrap_err().contains("lowercase"));
        assert!(read_new_role("db", "x", "", "prod", false).unwrap_err().contains("path"));
        assert!(read_new_role("db", "", "", "/", false).is_err());
    }

    #[test]
    fn a_permanent_assignment_only_where_the_role_allows_it() {
        let mut s = RoleSettings::default();
        let at = UnixMillis(1_000);
        assert!(read_end(&s, AssignmentKind::Eligible, true, None).is_err());
        assert_eq!(read_end(&s, AssignmentKind::Eligible, false, Some(at)), Ok(Some(at)));
        assert!(read_end(&s, AssignmentKind::Eligible, false, None).is_err());
        s.eligible_assignment = AssignmentLimit::Permanent;
        assert_eq!(read_end(&s, AssignmentKind::Eligible, true, None), Ok(None));
        assert!(read_end(&s, AssignmentKind::Active, true, None).is_err());
        // The suggested end stays within the limit.
        let now = UnixMillis(0);
        assert_eq!(
            default_end(&RoleSettings::default(), AssignmentKind::Eligible, now),
            UnixMillis(30 * DAY)
        );
    }

    #[test]
    fn who_made_it_and_how() {
        assert_eq!(creator(&Actor::System, |_| String::new()), "Elevate");
        assert_eq!(origin_text(&AssignmentOrigin::External), "external");
        assert_eq!(origin_text(&AssignmentOrigin::Direct), "direct");
    }
}
