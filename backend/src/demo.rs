//! The local demo tenant's contents: people, roles with varied settings, eligibilities and a
//! little history, so every page shows something real on first start. Data only; the edge
//! applies it through the same objects as everything else. Never seeded outside localhost
//! (`DEMO_TENANT` is refused for any other relying party).

use elevate_shared::api::roles::CreateRole;
use elevate_shared::domain::durations::{FreshnessWindow, MaxActivation};
use elevate_shared::domain::mfa::{AllowedMethods, MfaFreshness};
use elevate_shared::domain::text::Hint;
use elevate_shared::domain::{Description, RoleId, RoleName, RoleSettings, Scope};
use elevate_shared::ids::{DisplayName, UserId, Username};

/// The actor the seed's audit events name: a fixed id no real person gets (real ids are random
/// version-4 UUIDs).
pub(crate) const SEEDER: &str = "00000000-0000-4000-8000-00000000d3e0";

pub(crate) fn seeder() -> UserId {
    UserId::parse(SEEDER).unwrap_or_else(|_| unreachable!("the seeder id is a valid user id"))
}

/// A demo person.
#[derive(Debug)]
pub(crate) struct DemoPerson {
    pub username: &'static str,
    pub display_name: &'static str,
    pub password: &'static str,
    /// Base32 secret of their authenticator app, if they have one.
    pub totp_secret: Option<&'static str>,
    pub about: &'static str,
}

pub(crate) const PEOPLE: &[DemoPerson] = &[
    DemoPerson {
        username: "bob",
        display_name: "Bob Operator",
        password: "copper lantern orbit 51",
        totp_secret: Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
        about: "eligible for Database reader, Production admin (needs Carol's approval) and Helpdesk",
    },
    DemoPerson {
        username: "carol",
        display_name: "Carol Approver",
        password: "willow garnet ferry 27",
        totp_secret: Some("KRUGKIDROVUWG2ZAMJZG653OEBTG66BA"),
        about: "approves Production admin requests (add a passkey on Security info to decide)",
    },
    DemoPerson {
        username: "dave",
        display_name: "Dave Analyst",
        password: "amber meadow piano 88",
        totp_secret: None,
        about: "eligible for Billing reader, which asks no MFA (see Alerts)",
    },
];

/// One demo role: its definition, and who is eligible for it.
#[derive(Debug)]
pub(crate) struct DemoRole {
    pub role: CreateRole,
    pub eligible: &'static [&'static str],
}

fn parse<T, E: std::fmt::Debug>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| unreachable!("demo data is valid: {e:?}"))
}

/// The roles, with the people eligible for each; `approvers` are the approvers' ids.
pub(crate) fn roles(approvers: &[UserId]) -> Vec<DemoRole> {
    let role = |id: &str, name: &str, about: &str, privileged: bool, scope: &str, settings: RoleSettings| {
        CreateRole {
            id: parse(RoleId::parse(id)),
            name: parse(RoleName::parse(name)),
            description: Some(parse(Description::parse(about))),
            privileged,
            scope: parse(Scope::parse(scope)),
            settings: Some(settings),
        }
    };

    let mut reader =
        RoleSettings { max_activation: parse(MaxActivation::from_hours(4)), ..RoleSettings::default() };
    reader.activation_mfa.freshness = MfaFreshness::Within(parse(FreshnessWindow::from_minutes(15)));
    reader.justification.hint = Some(parse(Hint::parse("Which incident or change is this for?")));

    let mut admin =
        RoleSettings { max_activation: parse(MaxActivation::from_hours(2)), ..RoleSettings::default() };
    admin.activation_mfa.authenticators.allowed = AllowedMethods::PhishingResistant;
    admin.approval.required = true;
    admin.approval.approvers = approvers.to_vec();

    let mut helpdesk = RoleSettings::default();
    helpdesk.ticket.required = true;

    let mut billing = RoleSettings::default();
    billing.activation_mfa.required = false;
    billing.justification.required = false;

    vec![
        DemoRole {
            role: role(
                "db-reader",
                "Database reader",
                "Read production databases",
                false,
                "/subscriptions/prod/db",
                reader,
            ),
            eligible: &["bob"],
        },
        DemoRole {
            role: role(
                "prod-admin",
                "Production admin",
                "Full control of production",
                true,
                "/subscriptions/prod",
                admin,
            ),
            eligible: &["bob"],
        },
        DemoRole {
            role: role("helpdesk", "Helpdesk", "Reset passwords and unlock accounts", true, "/", helpdesk),
            eligible: &["bob"],
        },
        DemoRole {
            role: role(
                "billing-reader",
                "Billing reader",
                "Read invoices and usage",
                false,
                "/billing",
                billing,
            ),
            eligible: &["dave"],
        },
    ]
}

/// A username from the table above.
pub(crate) fn username(name: &str) -> Username {
    parse(Username::parse(name))
}

pub(crate) fn display_name(name: &str) -> DisplayName {
    parse(DisplayName::parse(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use elevate_shared::api::password::Password;

    #[test]
    fn the_demo_data_is_valid_under_the_rules_it_shows() {
        for p in PEOPLE {
            assert!(Password(p.password.into()).check_new(&username(p.username)).is_ok(), "{}", p.username);
            if let Some(secret) = p.totp_secret {
                assert!(elevate_shared::domain::totp::TotpSecret::from_base32(secret).is_ok());
            }
        }
        for r in roles(&[seeder()]) {
            assert!(r.role.settings.as_ref().is_some_and(|s| s.validate().is_ok()), "{}", r.role.id);
            assert!(r.eligible.iter().all(|e| PEOPLE.iter().any(|p| p.username == *e)));
        }
    }
}
