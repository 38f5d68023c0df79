//! Alerts as the Alerts page tells them: what happened and what to do, in words, who and what
//! was involved, and their details under readable names; for computed alerts also which items a
//! Fix acts on, the fix narrowed to the ticked ones, what it did, and who dismissed an alert and
//! why. Pure, so it is tested natively and the page only displays.

use elevate_shared::api::alerts::{DismissedAlert, FixApplied, RaisedAlert};
use elevate_shared::domain::audit::{Actor, Details, Target};
use elevate_shared::domain::{Affected, AlertKind, AssignmentId, Fix, Reason, RoleId, Severity};
use elevate_shared::ids::UserId;
use elevate_shared::time::UnixMillis;
use std::collections::BTreeSet;

/// What happened, in a line.
pub const fn headline(kind: AlertKind) -> &'static str {
    match kind {
        AlertKind::FraudReported => "Someone reported a sign-in they did not start",
        AlertKind::AccountLockedOut => "An account's verification was locked after repeated failures",
        AlertKind::MfaBypassGranted => "An administrator let someone sign in without their second factor",
        AlertKind::CounterRegression => {
            "A passkey's signature counter went backwards: it may have been copied"
        }
        AlertKind::RoleWithoutMfa => "Roles can be activated without MFA",
        AlertKind::PrivilegedRoleWithoutPhishingResistantMfa => {
            "Privileged roles accept codes that can be phished"
        }
        AlertKind::TooManyPermanentHolders => "Privileged roles are permanently active for many people",
        AlertKind::FrequentActivation => "Someone activates a role very often",
        AlertKind::EligibleWithoutMfa => "People are eligible for roles they cannot activate",
        AlertKind::StaleEligibility => "Eligibilities unused for a long time",
        AlertKind::ActiveOutsidePortal => "Roles were made active outside Elevate",
        AlertKind::FreshCredentialActivation => "A role was activated with a passkey added just before",
        AlertKind::SharedAuthenticator => "A requester and an approver used the same authenticator",
    }
}

/// What an administrator should do about it.
pub const fn advice(kind: AlertKind) -> Option<&'static str> {
    match kind {
        AlertKind::FraudReported => Some(
            "Their password is known to someone else. The account stays locked until an administrator \
             unlocks it on Users; ask them to change their password once it is.",
        ),
        AlertKind::AccountLockedOut => {
            Some("Someone may be guessing their password or codes. Check with the person before unlocking.")
        }
        AlertKind::MfaBypassGranted => Some(
            "Check that the person asked for it, through a channel you trust. It ends after its uses or time.",
        ),
        AlertKind::CounterRegression => {
            Some("Ask the person whether they copied the key. If not, reset their sign-in methods on Users.")
        }
        AlertKind::RoleWithoutMfa => Some(
            "Anyone eligible can activate these roles with a session alone, stolen or not. Requiring MFA \
             on activation asks for a tap or a code every time.",
        ),
        AlertKind::PrivilegedRoleWithoutPhishingResistantMfa => Some(
            "An authenticator-app code can be relayed by a fake sign-in page. Accept only passkeys and \
             security keys for these roles.",
        ),
        AlertKind::TooManyPermanentHolders => Some(
            "Standing access is what an attacker hopes to find. Make most holders eligible instead, so \
             they activate the role when they need it.",
        ),
        AlertKind::FrequentActivation => {
            Some("The work may need a narrower role, or the account may be misused. Ask the person.")
        }
        AlertKind::EligibleWithoutMfa => Some(
            "They have no method the role accepts. Ask them to add one on Security info, or remove the \
             eligibility.",
        ),
        AlertKind::StaleEligibility => {
            Some("Eligibility nobody uses is risk without benefit. Remove it; it can be given again.")
        }
        AlertKind::ActiveOutsidePortal => {
            Some("These grants skipped every activation check. Remove them unless you know why they exist.")
        }
        AlertKind::FreshCredentialActivation => {
            Some("Someone who takes over an account often adds their own key first. Check with the person.")
        }
        AlertKind::SharedAuthenticator => {
            Some("One person may have approved their own request. Find out who holds that authenticator.")
        }
    }
}

pub const fn severity(s: Severity) -> (&'static str, &'static str) {
    match s {
        Severity::High => ("High", "sev sev-high"),
        Severity::Medium => ("Medium", "sev sev-medium"),
        Severity::Low => ("Low", "sev sev-low"),
    }
}

/// Who did it: a person, or Elevate itself.
pub fn actor(a: &Actor, name: impl Fn(&UserId) -> String) -> String {
    match a {
        Actor::System => "Elevate".to_owned(),
        Actor::User(id) => name(id),
    }
}

/// What it concerned, when it names something.
pub fn target(t: &Target, name: impl Fn(&UserId) -> String) -> Option<String> {
    match t {
        Target::None => None,
        Target::User(id) => Some(name(id)),
        Target::Role(id) | Target::RoleSettings(id) => Some(format!("role {id}")),
        Target::Assignment(id) => Some(format!("assignment {id}")),
        Target::Request(id) => Some(format!("request {id}")),
        Target::Method(id) => Some(format!("method {id}")),
        Target::Alert(kind) => Some(format!("alert {}", kind.as_str())),
        Target::Token(id) => Some(format!("token {id}")),
    }
}

/// A detail's name as people read it.
pub fn detail_label(key: &str) -> String {
    let known = match key {
        "failures" => "Failures in a row",
        "until" => "Locked until",
        "minutes" => "Lasts (minutes)",
        "uses" => "Uses",
        "prompts_cancelled" => "Waiting sign-ins cancelled",
        "sessions_ended" => "Sessions ended",
        "prompt" => "Reported sign-in",
        "credential_id" => "Credential id",
        "name" => "Passkey",
        "stored_counter" => "Counter Elevate had",
        "presented_counter" => "Counter presented",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_owned();
    }
    let spaced = key.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The details in key order, instants (`until`, `…_at`) written by `at`.
pub fn details(d: &Details, at: impl Fn(UnixMillis) -> String) -> Vec<(String, String)> {
    d.0.iter()
        .map(|(key, value)| {
            let instant = key == "until" || key.ends_with("_at");
            let shown = match value.parse::<u64>() {
                Ok(ms) if instant => at(UnixMillis(ms)),
                _ => value.clone(),
            };
            (detail_label(key), shown)
        })
        .collect()
}

/// Newest first, the order the log raised them in breaking ties.
pub fn newest_first(alerts: &mut [RaisedAlert]) {
    alerts.sort_by(|a, b| b.raised_at.cmp(&a.raised_at).then(b.seq.cmp(&a.seq)));
}

/// An item of a computed alert that its fix acts on, and that the administrator may untick.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FixItem {
    Role(RoleId),
    Assignment(AssignmentId),
}

impl FixItem {
    /// The id the page marks the item's checkbox with (`data-fix-item`).
    pub fn id(&self) -> &str {
        match self {
            Self::Role(id) => id.as_str(),
            Self::Assignment(id) => id.as_str(),
        }
    }
}

/// Every item `fix` acts on, in its order.
pub fn fix_items(fix: &Fix) -> Vec<FixItem> {
    match fix {
        Fix::RequireMfaOnActivation { roles } | Fix::RequirePhishingResistantMfa { roles } => {
            roles.iter().cloned().map(FixItem::Role).collect()
        }
        Fix::RemoveAssignments { assignments } => {
            assignments.iter().cloned().map(FixItem::Assignment).collect()
        }
    }
}

/// The item an affected entry is, when the alert's fix acts on it.
pub fn fix_item(affected: &Affected, fix: &Fix) -> Option<FixItem> {
    let item = match (affected, fix) {
        (
            Affected::Role { role },
            Fix::RequireMfaOnActivation { .. } | Fix::RequirePhishingResistantMfa { .. },
        ) => FixItem::Role(role.clone()),
        (Affected::Assignment { assignment, .. }, Fix::RemoveAssignments { .. }) => {
            FixItem::Assignment(assignment.clone())
        }
        _ => return None,
    };
    fix_items(fix).contains(&item).then_some(item)
}

/// The fix narrowed to the ticked items, in the fix's order; `None` when none of its items is
/// ticked (a fix over nothing is no fix). Ticked items the fix does not name are ignored.
pub fn selected_fix(fix: &Fix, ticked: &BTreeSet<FixItem>) -> Option<Fix> {
    let keep = |item: FixItem| ticked.contains(&item);
    let narrowed = match fix {
        Fix::RequireMfaOnActivation { roles } => Fix::RequireMfaOnActivation {
            roles: roles.iter().filter(|r| keep(FixItem::Role((*r).clone()))).cloned().collect(),
        },
        Fix::RequirePhishingResistantMfa { roles } => Fix::RequirePhishingResistantMfa {
            roles: roles.iter().filter(|r| keep(FixItem::Role((*r).clone()))).cloned().collect(),
        },
        Fix::RemoveAssignments { assignments } => Fix::RemoveAssignments {
            assignments: assignments
                .iter()
                .filter(|a| keep(FixItem::Assignment((*a).clone())))
                .cloned()
                .collect(),
        },
    };
    (!fix_items(&narrowed).is_empty()).then_some(narrowed)
}

fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// The Fix button's words for the ticked part of a fix ("Require MFA for 2 roles").
pub fn fix_action(fix: Option<&Fix>) -> String {
    let Some(fix) = fix else { return "Tick what to fix".to_owned() };
    let n = fix_items(fix).len();
    match fix {
        Fix::RequireMfaOnActivation { .. } => format!("Require MFA for {}", count(n, "role", "roles")),
        Fix::RequirePhishingResistantMfa { .. } => {
            format!("Require phishing-resistant MFA for {}", count(n, "role", "roles"))
        }
        Fix::RemoveAssignments { .. } => format!("Remove {}", count(n, "assignment", "assignments")),
    }
}

/// What a fix did, in a line ("3 roles now require MFA").
pub fn fix_result(fix: &Fix, applied: &FixApplied) -> String {
    let roles = applied.roles_changed.len();
    let verb = if roles == 1 { "requires" } else { "require" };
    match fix {
        Fix::RequireMfaOnActivation { .. } => format!("{} now {verb} MFA", count(roles, "role", "roles")),
        Fix::RequirePhishingResistantMfa { .. } => {
            format!("{} now {verb} phishing-resistant MFA", count(roles, "role", "roles"))
        }
        Fix::RemoveAssignments { .. } => {
            format!("{} removed", count(applied.assignments_removed.len(), "assignment", "assignments"))
        }
    }
}

/// An affected item in words, with roles and people named by `role` and `person`.
pub fn affected_text(
    a: &Affected,
    role: impl Fn(&RoleId) -> String,
    person: impl Fn(&UserId) -> String,
) -> String {
    match a {
        Affected::Role { role: r } => role(r),
        Affected::PermanentHolders { role: r, holders } => {
            format!("{}: permanently active for {}", role(r), count(*holders, "person", "people"))
        }
        Affected::Assignment { principal, role: r, .. } | Affected::User { user: principal, role: r } => {
            format!("{} · {}", person(principal), role(r))
        }
        Affected::Activations { principal, role: r, count: n } => {
            format!("{} activated {} {}", person(principal), role(r), count(*n, "time", "times"))
        }
        Affected::Request { requester, credential, .. } => {
            format!("{}'s request, with authenticator {credential}", person(requester))
        }
    }
}

/// "Dismissed by Ada Lovelace: reason".
pub fn dismissed_line(d: &DismissedAlert) -> String {
    let by = d.dismissed_by_name.as_ref().map_or_else(|| d.dismissed_by.to_string(), ToString::to_string);
    format!("Dismissed by {by}: {}", d.reason)
}

/// The reason typed into a dismissal, checked as the server will check it; surrounding spaces
/// are not held against it.
pub fn dismiss_reason(raw: &str) -> Result<Reason, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("Say why this alert needs no action; the reason is kept in the audit log.".to_owned());
    }
    Reason::parse(text).map_err(|e| format!("The reason cannot be used: {e}."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const ADA: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

    fn name(id: &UserId) -> String {
        format!("<{}>", &id.as_str()[..4])
    }

    fn alert(seq: u64, raised_at: u64) -> RaisedAlert {
        RaisedAlert {
            seq,
            kind: AlertKind::FraudReported,
            severity: Severity::High,
            raised_at: UnixMillis(raised_at),
            actor: Actor::System,
            target: Target::None,
            details: Details::default(),
        }
    }

    #[test]
    fn every_alert_is_told_with_advice() {
        for kind in AlertKind::ALL {
            assert!(advice(kind).is_some(), "{kind:?}");
        }
        assert_eq!(severity(Severity::High), ("High", "sev sev-high"));
    }

    #[test]
    fn people_are_named_and_the_system_is_elevate() {
        let ada = UserId::parse(ADA).unwrap();
        assert_eq!(actor(&Actor::System, name), "Elevate");
        assert_eq!(actor(&Actor::User(ada.clone()), name), "<0f8f>");
        assert_eq!(target(&Target::User(ada), name), Some("<0f8f>".to_owned()));
        assert_eq!(target(&Target::None, name), None);
    }

    #[test]
    fn details_get_readable_names_and_times() {
        let d = Details(BTreeMap::from([
            ("failures".to_owned(), "5".to_owned()),
            ("until".to_owned(), "1700000000000".to_owned()),
            ("expires_at".to_owned(), "12".to_owned()),
            ("some_new_key".to_owned(), "x".to_owned()),
        ]));
        let at = |t: UnixMillis| format!("t{}", t.0);
        assert_eq!(
            details(&d, at),
            [
                ("Expires at".to_owned(), "t12".to_owned()),
                ("Failures in a row".to_owned(), "5".to_owned()),
                ("Some new key".to_owned(), "x".to_owned()),
                ("Locked until".to_owned(), "t1700000000000".to_owned()),
            ]
        );
    }

    #[test]
    fn alerts_are_listed_newest_first() {
        let mut alerts = vec![alert(1, 100), alert(3, 300), alert(2, 300), alert(0, 50)];
        newest_first(&mut alerts);
        assert_eq!(alerts.iter().map(|a| a.seq).collect::<Vec<_>>(), [3, 2, 1, 0]);
    }

    fn role(id: &str) -> RoleId {
        RoleId::parse(id).unwrap()
    }

    fn lax_fix() -> Fix {
        Fix::RequireMfaOnActivation { roles: vec![role("billing"), role("payroll"), role("reports")] }
    }

    #[test]
    fn a_fix_narrowed_to_the_ticked_roles_names_only_those_in_order() {
        let all: BTreeSet<FixItem> = fix_items(&lax_fix()).into_iter().collect();
        assert_eq!(selected_fix(&lax_fix(), &all), Some(lax_fix()), "all ticked by default: the whole fix");
        let two: BTreeSet<FixItem> =
            [FixItem::Role(role("reports")), FixItem::Role(role("billing")), FixItem::Role(role("other"))]
                .into();
        assert_eq!(
            selected_fix(&lax_fix(), &two),
            Some(Fix::RequireMfaOnActivation { roles: vec![role("billing"), role("reports")] }),
            "the fix's order, and nothing it does not name"
        );
        assert_eq!(selected_fix(&lax_fix(), &BTreeSet::new()), None);
        assert_eq!(fix_action(selected_fix(&lax_fix(), &two).as_ref()), "Require MFA for 2 roles");
        assert_eq!(fix_action(None), "Tick what to fix");
    }

    #[test]
    fn assignments_are_items_of_a_removal_and_roles_of_a_settings_fix() {
        let a = AssignmentId::parse("0123456789abcdef0123456789abcdef").unwrap();
        let removal = Fix::RemoveAssignments { assignments: vec![a.clone()] };
        let affected = Affected::Assignment {
            assignment: a.clone(),
            principal: UserId::parse(ADA).unwrap(),
            role: role("ops"),
        };
        assert_eq!(fix_item(&affected, &removal), Some(FixItem::Assignment(a.clone())));
        assert_eq!(fix_item(&affected, &lax_fix()), None);
        assert_eq!(
            fix_item(&Affected::Role { role: role("billing") }, &lax_fix()),
            Some(FixItem::Role(role("billing")))
        );
        assert_eq!(fix_item(&Affected::Role { role: role("strict") }, &lax_fix()), None, "not in the fix");
        assert_eq!(FixItem::Assignment(a).id(), "0123456789abcdef0123456789abcdef");
        let none: BTreeSet<FixItem> = BTreeSet::new();
        assert_eq!(selected_fix(&removal, &none), None);
        assert_eq!(fix_action(Some(&removal)), "Remove 1 assignment");
    }

    #[test]
    fn a_fix_result_counts_what_changed() {
        let applied = |n: usize| FixApplied {
            roles_changed: (0..n).map(|i| role(&format!("r{i}"))).collect(),
            assignments_removed: Vec::new(),
        };
        assert_eq!(fix_result(&lax_fix(), &applied(3)), "3 roles now require MFA");
        assert_eq!(fix_result(&lax_fix(), &applied(1)), "1 role now requires MFA");
        let strong = Fix::RequirePhishingResistantMfa { roles: vec![] };
        assert_eq!(fix_result(&strong, &applied(2)), "2 roles now require phishing-resistant MFA");
        let removal = Fix::RemoveAssignments { assignments: vec![] };
        assert_eq!(fix_result(&removal, &applied(0)), "0 assignments removed");
    }

    #[test]
    fn affected_items_and_dismissals_are_told_in_words() {
        let ada = UserId::parse(ADA).unwrap();
        let r = |id: &RoleId| format!("[{id}]");
        let held = Affected::PermanentHolders { role: role("ops"), holders: 3 };
        assert_eq!(affected_text(&held, r, name), "[ops]: permanently active for 3 people");
        let often = Affected::Activations { principal: ada.clone(), role: role("ops"), count: 1 };
        assert_eq!(affected_text(&often, r, name), "<0f8f> activated [ops] 1 time");
        let d = DismissedAlert {
            alert: elevate_shared::domain::Alert {
                kind: AlertKind::RoleWithoutMfa,
                severity: Severity::High,
                affected: vec![],
                fix: None,
            },
            dismissed_by: ada,
            dismissed_by_name: Some(elevate_shared::ids::DisplayName::parse("Ada Lovelace").unwrap()),
            dismissed_at: UnixMillis(1),
            reason: Reason::parse("Reviewed").unwrap(),
        };
        assert_eq!(dismissed_line(&d), "Dismissed by Ada Lovelace: Reviewed");
        let unnamed = DismissedAlert { dismissed_by_name: None, ..d };
        assert_eq!(dismissed_line(&unnamed), format!("Dismissed by {ADA}: Reviewed"));
    }

    #[test]
    fn a_dismissal_needs_a_reason_the_server_accepts() {
        assert!(dismiss_reason("   ").is_err());
        assert!(dismiss_reason(&"x".repeat(501)).is_err());
        assert!(dismiss_reason("bell\u{7}").is_err());
        assert_eq!(dismiss_reason("  Reviewed  ").unwrap().as_str(), "Reviewed");
    }
}
