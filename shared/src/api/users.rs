//! The directory as administrators manage it: people, their invitations, and the actions an
//! administrator takes on an account (unlock, reset methods, one-time MFA bypass).

use crate::api::auth::RegistrationFinish;
use crate::api::password::Password;
use crate::ids::{DisplayName, UserId, Username};
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An enrolment invitation: `<user id>.<secret>`. The user id routes it; the 128-bit secret is
/// the credential, stored server-side only as its hash. Redacted in `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct InvitationCode(pub String);

impl fmt::Debug for InvitationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InvitationCode(<redacted>)")
    }
}

impl InvitationCode {
    pub fn new(user: &UserId, secret_hex: &str) -> Self {
        Self(format!("{user}.{secret_hex}"))
    }

    /// The portal link that opens enrolment with this invitation (the code rides in the fragment,
    /// so it never reaches a server log). The SPA's enrolment page and the CLI both use it.
    #[must_use]
    pub fn link(&self, origin: &str) -> String {
        format!("{}/enrol#code={}", origin.trim_end_matches('/'), self.0.trim())
    }

    /// The user it is for and its secret; `None` when malformed.
    pub fn parts(&self) -> Option<(UserId, &str)> {
        let (user, secret) = self.0.trim().split_once('.')?;
        let user = UserId::parse(user).ok()?;
        let ok =
            secret.len() == 32 && secret.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then_some((user, secret))
    }
}

/// An invitation as its administrator sees it once, to pass on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub code: InvitationCode,
    pub expires_at: UnixMillis,
}

/// How long an invitation stays usable, in hours.
pub const INVITATION_HOURS: u64 = 72;

/// `POST /api/v1/users/create`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateUser {
    pub username: Username,
    pub display_name: DisplayName,
    #[serde(default)]
    pub is_admin: bool,
}

/// The answer to creating a user: who, and the invitation to hand them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCreated {
    pub user: UserSummary,
    pub invitation: Invitation,
}

/// What an administrator sees of one person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: UserId,
    pub username: Username,
    pub display_name: DisplayName,
    pub is_admin: bool,
    pub created_at: UnixMillis,
    pub status: AccountStatus,
}

/// The security state of one account, from its Durable Object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountStatus {
    pub passkeys: usize,
    pub totp_methods: usize,
    pub has_password: bool,
    /// Consecutive failed password or code attempts.
    pub consecutive_failures: u32,
    /// Verification is locked until then after repeated failures.
    #[serde(default)]
    pub locked_until: Option<UnixMillis>,
    /// Locked after a fraud report until an administrator unlocks it.
    #[serde(default)]
    pub account_locked_at: Option<UnixMillis>,
    #[serde(default)]
    pub bypass: Option<BypassSummary>,
    /// An unused invitation is waiting.
    #[serde(default)]
    pub invitation_expires_at: Option<UnixMillis>,
    /// An administrator disabled the account: it cannot sign in, and its sessions and tokens
    /// ended when it was disabled.
    #[serde(default)]
    pub disabled: bool,
}

/// A one-time MFA bypass as granted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BypassSummary {
    pub expires_at: UnixMillis,
    pub uses_left: u32,
    pub granted_by: UserId,
}

/// `GET /api/v1/users`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserList {
    pub users: Vec<UserSummary>,
}

/// `POST /api/v1/users/unlock`, `/invite` and `/reset-methods`: the account acted on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAction {
    pub user: UserId,
}

/// The answer to `/invite` and `/reset-methods`: a fresh invitation (any earlier one is void).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationIssued {
    pub invitation: Invitation,
}

/// The longest one-time bypass, in minutes, and the most uses it may have.
pub const MAX_BYPASS_MINUTES: u32 = 60;
pub const MAX_BYPASS_USES: u32 = 3;

/// `POST /api/v1/users/bypass`: let a person sign in once without their second factor (a lost
/// phone), for at most [`MAX_BYPASS_MINUTES`] and [`MAX_BYPASS_USES`] uses. A bypass never
/// counts as MFA for a role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantBypass {
    pub user: UserId,
    pub minutes: u32,
    pub uses: u32,
}

/// `POST /api/v1/enrol/status`, `/enrol/passkey/start`: an invitation code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolWith {
    pub code: InvitationCode,
}

/// Who an invitation is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolStatus {
    pub username: Username,
    pub display_name: DisplayName,
    pub expires_at: UnixMillis,
}

/// `POST /api/v1/enrol/passkey/finish`
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EnrolPasskeyFinish {
    pub code: InvitationCode,
    pub registration: RegistrationFinish,
}

/// `POST /api/v1/enrol/password`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolPassword {
    pub code: InvitationCode,
    pub password: Password,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_codes_name_their_user_and_refuse_malformed_secrets() {
        let user = UserId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
        let code = InvitationCode::new(&user, &"ab".repeat(16));
        assert_eq!(code.parts().map(|(u, _)| u), Some(user.clone()));
        assert!(InvitationCode(format!("{user}.short")).parts().is_none());
        assert!(InvitationCode(format!("{user}.{}", "AB".repeat(16))).parts().is_none());
        assert!(InvitationCode("no-dot".into()).parts().is_none());
        assert!(!format!("{code:?}").contains("abab"));
    }
}

/// `POST /api/v1/users/update`: what to change about a person; fields left out stay as they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateUser {
    pub user: UserId,
    #[serde(default)]
    pub display_name: Option<DisplayName>,
    #[serde(default)]
    pub is_admin: Option<bool>,
    /// Disabling ends the person's sessions and revokes their API tokens at once.
    #[serde(default)]
    pub disabled: Option<bool>,
}

impl UpdateUser {
    /// Whether the change leaves `current` no longer an enabled administrator.
    #[must_use]
    pub fn removes_administrator(&self, current: &UserSummary) -> bool {
        let admin_now = current.is_admin && !current.status.disabled;
        let admin_after =
            self.is_admin.unwrap_or(current.is_admin) && !self.disabled.unwrap_or(current.status.disabled);
        admin_now && !admin_after
    }

    /// Refuses a change that would leave nobody to administer Elevate, or that takes an
    /// administrator's own rights away from themselves (another administrator must).
    ///
    /// # Errors
    /// `LastAdministrator` or `Forbidden`, with a sentence.
    pub fn check(
        &self,
        by: &UserId,
        current: &UserSummary,
        enabled_admins: usize,
    ) -> Result<(), super::ApiError> {
        if !self.removes_administrator(current) {
            return Ok(());
        }
        if &current.id == by {
            return Err(super::ApiError::new(
                super::ErrorCode::Forbidden,
                "You cannot disable yourself or remove your own administrator role: ask another administrator.",
            ));
        }
        if enabled_admins <= 1 {
            return Err(super::ApiError::new(
                super::ErrorCode::LastAdministrator,
                "This is the last enabled administrator: make someone else an administrator first.",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod update_tests {
    use super::*;

    fn person(id: &str, is_admin: bool, disabled: bool) -> UserSummary {
        UserSummary {
            id: UserId::parse(id).unwrap(),
            username: Username::parse("someone").unwrap(),
            display_name: DisplayName::parse("Someone").unwrap(),
            is_admin,
            created_at: UnixMillis(0),
            status: AccountStatus { disabled, ..AccountStatus::default() },
        }
    }

    const ADA: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const BOB: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

    #[test]
    fn nobody_removes_the_last_administrator_or_their_own_rights() {
        let ada = UserId::parse(ADA).unwrap();
        let bob = person(BOB, true, false);
        let change =
            |is_admin, disabled| UpdateUser { user: bob.id.clone(), display_name: None, is_admin, disabled };
        for c in [change(Some(false), None), change(None, Some(true))] {
            assert!(c.removes_administrator(&bob));
            assert_eq!(c.check(&ada, &bob, 1).unwrap_err().code, super::super::ErrorCode::LastAdministrator);
            assert_eq!(c.check(&ada, &bob, 2), Ok(()));
            assert_eq!(c.check(&bob.id, &bob, 5).unwrap_err().code, super::super::ErrorCode::Forbidden);
        }
        // Renaming, or changing someone who is no administrator, is always fine.
        assert_eq!(change(None, None).check(&ada, &bob, 1), Ok(()));
        let member = person(BOB, false, false);
        assert_eq!(change(None, Some(true)).check(&ada, &member, 1), Ok(()));
        // A disabled administrator does not count as one: enabling them back is no removal.
        assert!(!change(None, Some(false)).removes_administrator(&person(BOB, true, true)));
    }
}
