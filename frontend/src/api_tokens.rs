//! API tokens as the Security info page shows them: each scope in words, a token's state now,
//! and the creation form read into the request (with a sentence for what is wrong). Pure, so it
//! is tested natively.

use elevate_shared::api::tokens::{ApiTokenSummary, CreateApiToken, MAX_TOKEN_DAYS, TokenScope};
use elevate_shared::ids::CredentialName;
use elevate_shared::time::UnixMillis;

/// What a scope lets a script do, in a few words.
pub const fn scope_words(s: TokenScope) -> &'static str {
    match s {
        TokenScope::Read => "read users, roles, assignments and alerts",
        TokenScope::Users => "create and change people",
        TokenScope::Roles => "create roles and change their settings",
        TokenScope::Assignments => "add and remove assignments",
        TokenScope::Audit => "search, export and verify the audit log",
    }
}

/// `active`, `revoked` or `expired`.
pub fn state(t: &ApiTokenSummary, now: UnixMillis) -> &'static str {
    if t.revoked_at.is_some() {
        "revoked"
    } else if now >= t.expires_at {
        "expired"
    } else {
        "active"
    }
}

/// The request the form describes.
///
/// # Errors
/// A sentence about the first field that is wrong.
pub fn read_form(name: &str, scopes: &[TokenScope], days: &str) -> Result<CreateApiToken, String> {
    let name = CredentialName::parse(name.trim())
        .map_err(|_| "Give the token a name (up to 64 characters).".to_owned())?;
    if scopes.is_empty() {
        return Err("Pick at least one thing the token may do.".to_owned());
    }
    let days = days
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=MAX_TOKEN_DAYS).contains(d))
        .ok_or_else(|| format!("A token lives from 1 to {MAX_TOKEN_DAYS} days."))?;
    Ok(CreateApiToken { name, scopes: scopes.to_vec(), days })
}

#[cfg(test)]
mod tests {
    use super::*;
    use elevate_shared::domain::ids::TokenId;

    #[test]
    fn the_form_reads_or_says_what_is_wrong() {
        let ok = read_form(" provisioning ", &[TokenScope::Users], "30").unwrap();
        assert_eq!((ok.name.as_str(), ok.days), ("provisioning", 30));
        assert!(read_form("", &[TokenScope::Users], "30").unwrap_err().contains("name"));
        assert!(read_form("x", &[], "30").unwrap_err().contains("at least one"));
        for days in ["0", "91", "soon"] {
            assert!(read_form("x", &[TokenScope::Read], days).unwrap_err().contains("1 to 90"), "{days}");
        }
    }

    #[test]
    fn a_token_is_active_until_it_is_revoked_or_expires() {
        let mut t = ApiTokenSummary {
            id: TokenId::parse("00112233445566778899aabbccddeeff").unwrap(),
            name: CredentialName::parse("ci").unwrap(),
            scopes: vec![TokenScope::Read],
            created_at: UnixMillis(0),
            expires_at: UnixMillis(100),
            last_used_at: None,
            revoked_at: None,
        };
        assert_eq!(state(&t, UnixMillis(99)), "active");
        assert_eq!(state(&t, UnixMillis(100)), "expired");
        t.revoked_at = Some(UnixMillis(5));
        assert_eq!(state(&t, UnixMillis(6)), "revoked");
    }
}
