//! Identifiers the domain adds to [`crate::ids`]: roles, requests, assignments, authenticator
//! methods and grant tokens.
//!
//! Random ids (requests, assignments, tokens) are 128 bits as lowercase hex, chosen by the backend;
//! role ids are short human-chosen slugs, because administrators and scripts type them.

use crate::ids::{IdError, string_newtype};

fn lower_hex_128(raw: &str, what: &'static str) -> Result<(), IdError> {
    if raw.is_empty() {
        return Err(IdError::Empty { what });
    }
    if raw.len() != 32 || !raw.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(IdError::BadFormat { what });
    }
    Ok(())
}

fn validate_role_id(raw: &str) -> Result<(), IdError> {
    const WHAT: &str = "role id";
    if raw.is_empty() {
        return Err(IdError::Empty { what: WHAT });
    }
    if raw.len() > 64 {
        return Err(IdError::TooLong { what: WHAT, max: 64 });
    }
    let ok =
        raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'));
    if !ok {
        return Err(IdError::BadCharacter { what: WHAT });
    }
    if !raw.as_bytes()[0].is_ascii_alphanumeric() {
        return Err(IdError::BadFormat { what: WHAT });
    }
    Ok(())
}

fn validate_request_id(raw: &str) -> Result<(), IdError> {
    lower_hex_128(raw, "request id")
}

fn validate_assignment_id(raw: &str) -> Result<(), IdError> {
    lower_hex_128(raw, "assignment id")
}

fn validate_token_id(raw: &str) -> Result<(), IdError> {
    lower_hex_128(raw, "token id")
}

fn validate_method_id(raw: &str) -> Result<(), IdError> {
    // WebAuthn credential ids are at most 1023 bytes, i.e. 1364 base64url characters.
    const WHAT: &str = "method id";
    const MAX: usize = 1364;
    if raw.is_empty() {
        return Err(IdError::Empty { what: WHAT });
    }
    if raw.len() > MAX {
        return Err(IdError::TooLong { what: WHAT, max: MAX });
    }
    if !raw.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')) {
        return Err(IdError::BadCharacter { what: WHAT });
    }
    Ok(())
}

string_newtype!(
    /// A role's stable id: a slug of lowercase letters, digits, `-`, `_` and `.`
    /// (`global-admin`, `subscription.owner`), starting with a letter or digit.
    RoleId,
    validate_role_id
);
string_newtype!(
    /// An activation request's id: 128 random bits as lowercase hex.
    RequestId,
    validate_request_id
);
string_newtype!(
    /// An assignment's id: 128 random bits as lowercase hex. The active assignment an activation
    /// creates reuses its request's id (see [`AssignmentId::for_activation`]).
    AssignmentId,
    validate_assignment_id
);
string_newtype!(
    /// A grant token's id: 128 random bits as lowercase hex.
    TokenId,
    validate_token_id
);
string_newtype!(
    /// One registered MFA method: a WebAuthn credential id (base64url, no padding), or the
    /// backend's base64url id for a TOTP secret.
    MethodId,
    validate_method_id
);

impl AssignmentId {
    /// The id of the active assignment that activation request `request` grants. Deterministic,
    /// so that the grant, its extension and its end all name the same assignment.
    #[must_use]
    pub fn for_activation(request: &RequestId) -> Self {
        Self(request.as_str().to_owned())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn role_ids_are_slugs() {
        for ok in ["global-admin", "a", "subscription.owner", "r_1"] {
            assert!(RoleId::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Global", "-x", "a b", "a/b", &"x".repeat(65)] {
            assert!(RoleId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn random_ids_are_128_bit_lower_hex() {
        assert!(RequestId::parse("00112233445566778899aabbccddeeff").is_ok());
        assert!(RequestId::parse("00112233445566778899AABBCCDDEEFF").is_err());
        assert!(AssignmentId::parse("0011").is_err());
        let r = RequestId::parse("00112233445566778899aabbccddeeff").unwrap();
        assert_eq!(AssignmentId::for_activation(&r).as_str(), r.as_str());
    }

    #[test]
    fn method_ids_are_base64url() {
        assert!(MethodId::parse("AbC-_09").is_ok());
        assert!(MethodId::parse("a+b").is_err());
        assert!(MethodId::parse("a=").is_err());
        let json: Result<MethodId, _> = serde_json::from_str("\"\"");
        assert!(json.is_err());
    }
}
