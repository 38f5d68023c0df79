//! Accounts as administrators see them: how a person can sign in, what holds their account, who
//! an id is, and the bounds of a one-time bypass. Pure, so it is tested natively; the backend
//! decides every action again.

use crate::pages::format::plural;
use elevate_shared::api::users::{AccountStatus, MAX_BYPASS_MINUTES, MAX_BYPASS_USES, UserSummary};
use elevate_shared::ids::UserId;
use elevate_shared::time::UnixMillis;

/// How a person can sign in, e.g. "2 passkeys · 1 authenticator app · password".
pub fn methods(status: &AccountStatus) -> String {
    let mut parts = Vec::new();
    if status.passkeys > 0 {
        parts.push(plural(status.passkeys, "passkey", "passkeys"));
    }
    if status.totp_methods > 0 {
        parts.push(plural(status.totp_methods, "authenticator app", "authenticator apps"));
    }
    if status.has_password {
        parts.push("password".to_owned());
    }
    if parts.is_empty() { "No sign-in method yet".to_owned() } else { parts.join(" · ") }
}

/// Whether the person has any way to sign in; without one, an invitation is how they get one.
pub fn has_methods(status: &AccountStatus) -> bool {
    status.passkeys > 0 || status.totp_methods > 0 || status.has_password
}

/// How much a note about an account matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// The person cannot sign in (or not fully) until someone acts.
    Bad,
    /// Worth a look: failures, or a weakened second factor.
    Warn,
    Info,
}

impl Tone {
    pub const fn class(self) -> &'static str {
        match self {
            Tone::Bad => "chip bad",
            Tone::Warn => "chip warn",
            Tone::Info => "chip",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub tone: Tone,
    pub text: String,
}

/// What holds or weakens an account at `now`: locks, failures, a waiting invitation, a bypass.
/// `at` writes an instant; `who` names a person.
pub fn notes(
    status: &AccountStatus,
    now: UnixMillis,
    at: impl Fn(UnixMillis) -> String,
    who: impl Fn(&UserId) -> String,
) -> Vec<Note> {
    let mut notes = Vec::new();
    let mut note = |tone, text: String| notes.push(Note { tone, text });
    if status.disabled {
        note(Tone::Bad, "Disabled: cannot sign in".to_owned());
    }
    if let Some(t) = status.account_locked_at {
        note(Tone::Bad, format!("Locked since {} after they reported a sign-in they did not start", at(t)));
    }
    if let Some(t) = status.locked_until.filter(|t| *t > now) {
        note(Tone::Bad, format!("Verification locked until {} after repeated failures", at(t)));
    }
    if status.consecutive_failures > 0 {
        note(
            Tone::Warn,
            format!("{} in a row", plural(status.consecutive_failures as usize, "failure", "failures")),
        );
    }
    match status.invitation_expires_at {
        Some(t) if t > now => note(Tone::Info, format!("Invitation waiting, valid until {}", at(t))),
        Some(t) => note(Tone::Warn, format!("Invitation expired {}", at(t))),
        None => {}
    }
    if let Some(b) = status.bypass.as_ref().filter(|b| b.expires_at > now && b.uses_left > 0) {
        note(
            Tone::Warn,
            format!(
                "May sign in without a second factor: {} left until {}, granted by {}",
                plural(b.uses_left as usize, "use", "uses"),
                at(b.expires_at),
                who(&b.granted_by)
            ),
        );
    }
    notes
}

/// Whether unlocking would change anything: a fraud lock, a verification lock or failures.
pub fn needs_unlock(status: &AccountStatus, now: UnixMillis) -> bool {
    status.account_locked_at.is_some()
        || status.locked_until.is_some_and(|t| t > now)
        || status.consecutive_failures > 0
}

/// A person as others recognise them: "Ada Lovelace (ada)", or the id when they are not listed.
pub fn name_of(users: &[UserSummary], id: &UserId) -> String {
    users
        .iter()
        .find(|u| &u.id == id)
        .map_or_else(|| id.to_string(), |u| format!("{} ({})", u.display_name, u.username))
}

/// A person's display name, when they are in the directory as listed.
pub fn display_name(users: &[UserSummary], id: &UserId) -> Option<String> {
    users.iter().find(|u| &u.id == id).map(|u| u.display_name.to_string())
}

/// A bypass as typed: minutes and uses within the bounds the server allows.
pub fn read_bypass(minutes: &str, uses: &str) -> Result<(u32, u32), String> {
    let bounds = || {
        format!("A bypass lasts 1 to {MAX_BYPASS_MINUTES} minutes and allows 1 to {MAX_BYPASS_USES} uses.")
    };
    let minutes: u32 = minutes.trim().parse().map_err(|_| bounds())?;
    let uses: u32 = uses.trim().parse().map_err(|_| bounds())?;
    if !(1..=MAX_BYPASS_MINUTES).contains(&minutes) || !(1..=MAX_BYPASS_USES).contains(&uses) {
        return Err(bounds());
    }
    Ok((minutes, uses))
}

#[cfg(test)]
mod tests {
    use super::*;
    use elevate_shared::api::users::BypassSummary;
    use elevate_shared::ids::{DisplayName, Username};

    const NOW: UnixMillis = UnixMillis(1_000_000);
    const ADMIN: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

    fn at(t: UnixMillis) -> String {
        format!("t{}", t.0)
    }

    fn who(id: &UserId) -> String {
        format!("<{}>", &id.as_str()[..4])
    }

    fn texts(status: &AccountStatus) -> Vec<(Tone, String)> {
        notes(status, NOW, at, who).into_iter().map(|n| (n.tone, n.text)).collect()
    }

    #[test]
    fn methods_are_counted_and_a_new_person_has_none() {
        assert_eq!(methods(&AccountStatus::default()), "No sign-in method yet");
        assert!(!has_methods(&AccountStatus::default()));
        let status = AccountStatus { passkeys: 2, totp_methods: 1, has_password: true, ..Default::default() };
        assert_eq!(methods(&status), "2 passkeys · 1 authenticator app · password");
        assert!(has_methods(&status));
        let password_only = AccountStatus { has_password: true, ..Default::default() };
        assert_eq!(methods(&password_only), "password");
        assert!(has_methods(&password_only));
    }

    #[test]
    fn a_quiet_account_has_no_notes_and_nothing_to_unlock() {
        let status = AccountStatus { passkeys: 1, ..Default::default() };
        assert_eq!(texts(&status), []);
        assert!(!needs_unlock(&status, NOW));
        // A verification lock that has run out holds nothing.
        let past = AccountStatus { locked_until: Some(UnixMillis(NOW.0 - 1)), ..Default::default() };
        assert_eq!(texts(&past), []);
        assert!(!needs_unlock(&past, NOW));
    }

    #[test]
    fn locks_failures_invitations_and_bypasses_are_noted() {
        let status = AccountStatus {
            consecutive_failures: 3,
            locked_until: Some(UnixMillis(2_000_000)),
            account_locked_at: Some(UnixMillis(900_000)),
            bypass: Some(BypassSummary {
                expires_at: UnixMillis(1_500_000),
                uses_left: 1,
                granted_by: UserId::parse(ADMIN).unwrap(),
            }),
            invitation_expires_at: Some(UnixMillis(3_000_000)),
            ..Default::default()
        };
        assert_eq!(
            texts(&status),
            [
                (
                    Tone::Bad,
                    "Locked since t900000 after they reported a sign-in they did not start".to_owned()
                ),
                (Tone::Bad, "Verification locked until t2000000 after repeated failures".to_owned()),
                (Tone::Warn, "3 failures in a row".to_owned()),
                (Tone::Info, "Invitation waiting, valid until t3000000".to_owned()),
                (
                    Tone::Warn,
                    "May sign in without a second factor: 1 use left until t1500000, granted by <0f8f>"
                        .to_owned()
                ),
            ]
        );
        assert!(needs_unlock(&status, NOW));
        let fraud_only = AccountStatus { account_locked_at: Some(UnixMillis(1)), ..Default::default() };
        assert!(needs_unlock(&fraud_only, NOW));
    }

    #[test]
    fn spent_bypasses_and_expired_invitations_say_so_or_nothing() {
        let status = AccountStatus {
            bypass: Some(BypassSummary {
                expires_at: UnixMillis(NOW.0 + 1),
                uses_left: 0,
                granted_by: UserId::parse(ADMIN).unwrap(),
            }),
            invitation_expires_at: Some(UnixMillis(NOW.0 - 1)),
            ..Default::default()
        };
        assert_eq!(texts(&status), [(Tone::Warn, "Invitation expired t999999".to_owned())]);
    }

    #[test]
    fn people_are_named_by_their_directory_entry() {
        let id = UserId::parse(ADMIN).unwrap();
        let ada = UserSummary {
            id: id.clone(),
            username: Username::parse("ada").unwrap(),
            display_name: DisplayName::parse("Ada Lovelace").unwrap(),
            is_admin: true,
            created_at: UnixMillis(0),
            status: AccountStatus::default(),
        };
        assert_eq!(name_of(&[ada], &id), "Ada Lovelace (ada)");
        assert_eq!(name_of(&[], &id), ADMIN);
    }

    #[test]
    fn a_bypass_stays_within_its_bounds() {
        assert_eq!(read_bypass("15", "1"), Ok((15, 1)));
        assert_eq!(read_bypass(" 60 ", "3"), Ok((60, 3)));
        for (minutes, uses) in [("0", "1"), ("61", "1"), ("10", "0"), ("10", "4"), ("ten", "1"), ("", "")] {
            assert_eq!(
                read_bypass(minutes, uses),
                Err("A bypass lasts 1 to 60 minutes and allows 1 to 3 uses.".to_owned()),
                "{minutes:?} {uses:?}"
            );
        }
    }
}
