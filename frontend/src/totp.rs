//! Authenticator apps (TOTP) as the portal shows and reads them: the key grouped for typing, codes
//! checked before they are sent, and errors in a person's words. Pure, so it is tested natively;
//! the backend checks every code again.

use crate::api::ClientError;
use elevate_shared::api::ErrorCode;
use elevate_shared::api::mfa::TypedCode;
use elevate_shared::domain::totp::{TotpCode, TotpDigits, TotpParams};

/// The name a new authenticator app gets unless the person types another.
pub const DEFAULT_NAME: &str = "Authenticator app";

/// The base32 key in groups of four, as people copy it into an app by hand.
pub fn group_key(secret_base32: &str) -> String {
    let chars: Vec<char> = secret_base32.chars().filter(|c| !c.is_whitespace()).collect();
    chars.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

/// What an app needs to know beyond the key, e.g. "SHA1 · 6 digits · 30 s".
pub fn describe(params: TotpParams) -> String {
    format!(
        "{} · {} digits · {} s",
        params.algorithm.as_str(),
        params.digits.get(),
        params.period_secs.secs()
    )
}

/// The code lengths a person's methods use, without repeats, shortest first.
pub fn code_lengths(digits: impl IntoIterator<Item = TotpDigits>) -> Vec<TotpDigits> {
    let mut lengths: Vec<TotpDigits> = Vec::new();
    for d in digits {
        if !lengths.contains(&d) {
            lengths.push(d);
        }
    }
    lengths.sort_by_key(|d| d.get());
    lengths
}

/// The longest of `lengths`, for the input's `maxlength` (6 if there are none).
pub fn max_length(lengths: &[TotpDigits]) -> u8 {
    lengths.iter().map(|d| d.get()).max().unwrap_or(TotpDigits::Six.get())
}

/// The input's `pattern`: exactly one of `lengths` digits.
pub fn pattern(lengths: &[TotpDigits]) -> String {
    let lengths = if lengths.is_empty() { &[TotpDigits::Six][..] } else { lengths };
    lengths.iter().map(|d| format!("[0-9]{{{}}}", d.get())).collect::<Vec<_>>().join("|")
}

/// A typed code, checked against the lengths it may have. Spaces and dashes are dropped, as apps
/// show codes like `123 456`.
pub fn read_code(typed: &str, lengths: &[TotpDigits]) -> Result<TypedCode, String> {
    let lengths = if lengths.is_empty() { &[TotpDigits::Six][..] } else { lengths };
    lengths
        .iter()
        .find_map(|&d| TotpCode::normalise(typed, d).ok())
        .map(|code| TypedCode(code.expose().to_owned()))
        .ok_or_else(|| {
            let n = lengths.iter().map(|d| d.get().to_string()).collect::<Vec<_>>().join("- or ");
            format!("Enter the {n}-digit code your authenticator app shows.")
        })
}

/// Error text for a failed setup step. The server's messages for wrong codes, throttling and
/// lock-out are written for people and shown as they are.
pub fn explain_setup(e: &ClientError) -> String {
    match e.code() {
        Some(ErrorCode::CeremonyNotFound) => "This setup has expired. Remove the Elevate entry you added to \
                                              your app, then set it up again."
            .to_owned(),
        _ => e.to_string(),
    }
}

/// Whether a failed setup step ended the enrolment, so its key is useless and must not stay on screen.
pub fn setup_is_over(e: &ClientError) -> bool {
    e.code() == Some(ErrorCode::CeremonyNotFound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use elevate_shared::api::ApiError;
    use elevate_shared::domain::totp::{TotpAlgorithm, TotpPeriod};

    #[test]
    fn keys_are_grouped_in_fours() {
        for (key, grouped) in [
            ("", ""),
            ("ABC", "ABC"),
            ("ABCD", "ABCD"),
            ("JBSWY3DPEHPK3PXP", "JBSW Y3DP EHPK 3PXP"),
            ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPAB", "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP AB"),
            ("JBSW Y3DP", "JBSW Y3DP"),
        ] {
            assert_eq!(group_key(key), grouped, "{key:?}");
        }
    }

    #[test]
    fn parameters_are_described_for_manual_entry() {
        assert_eq!(describe(TotpParams::default()), "SHA1 · 6 digits · 30 s");
        let p = TotpParams {
            algorithm: TotpAlgorithm::Sha256,
            digits: TotpDigits::Eight,
            period_secs: TotpPeriod::Sixty,
        };
        assert_eq!(describe(p), "SHA256 · 8 digits · 60 s");
    }

    #[test]
    fn code_lengths_are_deduplicated_and_sorted() {
        use TotpDigits::{Eight, Six};
        assert_eq!(code_lengths([Eight, Six, Eight, Six]), vec![Six, Eight]);
        assert_eq!(code_lengths([]), Vec::<TotpDigits>::new());
        assert_eq!(max_length(&[Six, Eight]), 8);
        assert_eq!(max_length(&[]), 6);
        assert_eq!(pattern(&[Six]), "[0-9]{6}");
        assert_eq!(pattern(&[Six, Eight]), "[0-9]{6}|[0-9]{8}");
        assert_eq!(pattern(&[]), "[0-9]{6}");
    }

    #[test]
    fn codes_are_read_as_people_type_them() {
        use TotpDigits::{Eight, Six};
        let ok = |typed: &str, lengths: &[TotpDigits]| read_code(typed, lengths).map(|c| c.0);
        assert_eq!(ok("123456", &[Six]), Ok("123456".to_owned()));
        assert_eq!(ok(" 123 456 ", &[Six]), Ok("123456".to_owned()));
        assert_eq!(ok("123-456", &[]), Ok("123456".to_owned()));
        assert_eq!(ok("1234 5678", &[Six, Eight]), Ok("12345678".to_owned()));
        assert_eq!(
            ok("12345", &[Six]),
            Err("Enter the 6-digit code your authenticator app shows.".to_owned())
        );
        assert_eq!(ok("12345678", &[Six]).map_err(|_| ()), Err(()));
        assert_eq!(ok("12a456", &[Six]).map_err(|_| ()), Err(()));
        assert_eq!(
            ok("", &[Six, Eight]),
            Err("Enter the 6- or 8-digit code your authenticator app shows.".to_owned())
        );
    }

    #[test]
    fn an_expired_setup_is_explained_and_ends_the_setup() {
        let api = |code| ClientError::Api(ApiError { code, message: "From the server.".to_owned() });
        assert!(setup_is_over(&api(ErrorCode::CeremonyNotFound)));
        assert!(explain_setup(&api(ErrorCode::CeremonyNotFound)).starts_with("This setup has expired."));
        for code in [ErrorCode::MfaCodeRejected, ErrorCode::MfaThrottled, ErrorCode::MfaLockedOut] {
            assert!(!setup_is_over(&api(code)));
            assert_eq!(explain_setup(&api(code)), "From the server.");
        }
        let transport = ClientError::Transport("offline".to_owned());
        assert!(!setup_is_over(&transport));
    }
}
