//! Identifiers and validated names.
//!
//! Every id is a newtype that can only be built through a validating constructor (`parse`), and
//! deserialisation goes through the same constructor, so an invalid id never gets past the edge.

/// Why a value was refused as an identifier or name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("{what} must not be empty")]
    Empty { what: &'static str },
    #[error("{what} is longer than {max} characters")]
    TooLong { what: &'static str, max: usize },
    #[error("{what} contains a character that is not allowed")]
    BadCharacter { what: &'static str },
    #[error("{what} is not in the expected format")]
    BadFormat { what: &'static str },
}

/// Declares a `String` newtype that can only be built through `$validate` (a
/// `fn(&str) -> Result<(), IdError>`), including when it is deserialised. Used for every validated
/// string in the crate: the ids here, and the domain's ids and free text.
///
/// Paths are fully qualified so the macro works from any module without imports.
macro_rules! string_newtype {
    ($(#[$meta:meta])* $name:ident, $validate:path) => {
        $(#[$meta])*
        #[derive(
            Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Serialize, ::serde::Deserialize,
        )]
        #[serde(try_from = "::std::string::String", into = "::std::string::String")]
        pub struct $name(::std::string::String);

        impl $name {
            /// Validates `raw` and wraps it.
            pub fn parse(
                raw: impl ::std::convert::Into<::std::string::String>,
            ) -> ::std::result::Result<Self, $crate::ids::IdError> {
                let raw = raw.into();
                $validate(&raw)?;
                ::std::result::Result::Ok(Self(raw))
            }

            /// The validated text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::convert::TryFrom<::std::string::String> for $name {
            type Error = $crate::ids::IdError;
            fn try_from(raw: ::std::string::String) -> ::std::result::Result<Self, $crate::ids::IdError> {
                Self::parse(raw)
            }
        }

        impl ::std::convert::From<$name> for ::std::string::String {
            fn from(v: $name) -> ::std::string::String {
                v.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use string_newtype;

fn lower_hex(raw: &str, what: &'static str, len: usize) -> Result<(), IdError> {
    if raw.is_empty() {
        return Err(IdError::Empty { what });
    }
    if raw.len() != len || !raw.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(IdError::BadFormat { what });
    }
    Ok(())
}

fn validate_user_id(raw: &str) -> Result<(), IdError> {
    // Canonical lowercase hyphenated UUID: 8-4-4-4-12.
    const WHAT: &str = "user id";
    if raw.is_empty() {
        return Err(IdError::Empty { what: WHAT });
    }
    let groups: Vec<&str> = raw.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    if groups.len() != lens.len() {
        return Err(IdError::BadFormat { what: WHAT });
    }
    for (g, l) in groups.iter().zip(lens) {
        lower_hex(g, WHAT, l)?;
    }
    Ok(())
}

fn validate_ceremony_id(raw: &str) -> Result<(), IdError> {
    lower_hex(raw, "ceremony id", 32)
}

fn validate_username(raw: &str) -> Result<(), IdError> {
    const WHAT: &str = "username";
    if raw.is_empty() {
        return Err(IdError::Empty { what: WHAT });
    }
    if raw.len() > 64 {
        return Err(IdError::TooLong { what: WHAT, max: 64 });
    }
    let ok = raw
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-' | b'@'));
    if !ok {
        return Err(IdError::BadCharacter { what: WHAT });
    }
    Ok(())
}

fn validate_label(raw: &str, what: &'static str, max: usize) -> Result<(), IdError> {
    if raw.trim().is_empty() {
        return Err(IdError::Empty { what });
    }
    if raw.chars().count() > max {
        return Err(IdError::TooLong { what, max });
    }
    if raw.trim() != raw || raw.chars().any(char::is_control) {
        return Err(IdError::BadCharacter { what });
    }
    Ok(())
}

fn validate_display_name(raw: &str) -> Result<(), IdError> {
    validate_label(raw, "display name", 100)
}

fn validate_credential_name(raw: &str) -> Result<(), IdError> {
    validate_label(raw, "credential name", 64)
}

string_newtype!(
    /// A user's stable id: a random UUID in canonical lowercase form, chosen by the backend.
    UserId,
    validate_user_id
);
string_newtype!(
    /// The name a person signs in with: lowercase letters, digits and `.`, `_`, `-`, `@`.
    Username,
    validate_username
);
string_newtype!(
    /// A person's name as shown in the portal.
    DisplayName,
    validate_display_name
);
string_newtype!(
    /// The id of a pending WebAuthn ceremony: 128 random bits as lowercase hex.
    CeremonyId,
    validate_ceremony_id
);
string_newtype!(
    /// The name a person gives one of their authenticators ("Blue YubiKey").
    CredentialName,
    validate_credential_name
);

impl Username {
    /// Accepts what a person typed: trims it and lowercases it before validating.
    pub fn normalise(typed: &str) -> Result<Self, IdError> {
        Self::parse(typed.trim().to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_id_accepts_only_canonical_uuids() {
        assert!(UserId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").is_ok());
        for bad in [
            "",
            "0F8FAD5B-D9CB-469F-A165-70867728950E",
            "0f8fad5bd9cb469fa16570867728950e",
            "0f8fad5b-d9cb-469f-a165-70867728950",
            "0f8fad5b-d9cb-469f-a165-70867728950e-",
            "../../etc/passwd",
        ] {
            assert!(UserId::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn username_normalises_and_refuses_odd_characters() {
        assert_eq!(Username::normalise("  Admin@Example.com ").unwrap().as_str(), "admin@example.com");
        assert_eq!(Username::parse("a b"), Err(IdError::BadCharacter { what: "username" }));
        assert_eq!(Username::parse(""), Err(IdError::Empty { what: "username" }));
        assert!(Username::parse("x".repeat(65)).is_err());
    }

    #[test]
    fn labels_refuse_control_characters_and_padding() {
        assert!(DisplayName::parse("Ada Lovelace").is_ok());
        assert!(DisplayName::parse(" Ada").is_err());
        assert!(DisplayName::parse("Ada\u{7}").is_err());
        assert!(CredentialName::parse("k".repeat(65)).is_err());
    }

    #[test]
    fn deserialising_validates() {
        let ok: Result<CeremonyId, _> = serde_json::from_str("\"00112233445566778899aabbccddeeff\"");
        assert!(ok.is_ok());
        let bad: Result<CeremonyId, _> = serde_json::from_str("\"not-a-ceremony\"");
        assert!(bad.is_err());
    }
}
