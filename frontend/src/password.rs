//! Passwords and the second factor as the portal shows them: what is checked before a password
//! or code is sent, which failures end a sign-in, and errors in a person's words. Pure, so it is
//! tested natively; the backend checks everything again.

use crate::api::ClientError;
use crate::pages::format::plural;
use crate::totp::read_code;
use elevate_shared::api::ErrorCode;
use elevate_shared::api::mfa::TypedCode;
use elevate_shared::api::password::{FraudReported, PASSWORD_CHANGE_MFA_WINDOW_MINS, Password};
use elevate_shared::domain::totp::TotpDigits;
use elevate_shared::ids::Username;

/// The code lengths the second factor accepts before the person's own methods are known: an
/// authenticator app or OATH token shows 6 or 8 digits.
pub const SECOND_FACTOR_LENGTHS: [TotpDigits; 2] = [TotpDigits::Six, TotpDigits::Eight];

/// A password typed to sign in: anything but nothing. It is sent exactly as typed.
pub fn read_password(typed: &str) -> Result<Password, String> {
    if typed.is_empty() {
        return Err("Enter your password, or sign in with a passkey.".to_owned());
    }
    Ok(Password(typed.to_owned()))
}

/// A new password for `username`, checked by the rules the server applies, in its words.
pub fn read_new_password(typed: &str, username: &Username) -> Result<Password, String> {
    let password = Password(typed.to_owned());
    password.check_new(username).map_err(|weak| format!("Choose another password: {weak}."))?;
    Ok(password)
}

/// A second-factor code as typed: 6 or 8 digits, spaces and dashes dropped.
pub fn read_second_factor_code(typed: &str) -> Result<TypedCode, String> {
    read_code(typed, &SECOND_FACTOR_LENGTHS)
}

/// Error text for a refused username and password.
pub fn explain_sign_in(e: &ClientError) -> String {
    match e.code() {
        // Deliberately the same for an unknown username and a wrong password.
        Some(ErrorCode::SignInFailed) => "The username or password is not right.".to_owned(),
        _ => e.to_string(),
    }
}

/// Where a password sign-in goes after its second factor failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterFailure {
    /// The step still stands: another code, another tap, or another of the offered factors.
    TryAgain,
    /// The step is over (expired, used up, or the account is locked): start with the password.
    StartAgain,
}

pub fn after_second_factor_failure(e: &ClientError) -> AfterFailure {
    match e.code() {
        Some(
            ErrorCode::CeremonyNotFound
            | ErrorCode::AccountLocked
            | ErrorCode::MfaLockedOut
            | ErrorCode::SignInFailed
            | ErrorCode::Unauthenticated,
        ) => AfterFailure::StartAgain,
        _ => AfterFailure::TryAgain,
    }
}

/// Error text for a refused second factor.
pub fn explain_second_factor(e: &ClientError) -> String {
    match e.code() {
        Some(ErrorCode::CeremonyNotFound) => "This sign-in has ended: it waited too long, or too many codes \
                                              were wrong. Enter your password again."
            .to_owned(),
        Some(ErrorCode::MfaCodeRejected) => format!("{} Check the code and try again.", e),
        _ => e.to_string(),
    }
}

/// Error text for a refused new password. `can_step_up` says whether the person can confirm it's
/// them on Security info with a code (they have an authenticator app).
pub fn explain_set_password(e: &ClientError, can_step_up: bool) -> String {
    match e.code() {
        Some(ErrorCode::MfaRequired) if can_step_up => format!(
            "To change your password, first confirm it's you: enter a code under “Verify it's you” \
             below, then save again within {PASSWORD_CHANGE_MFA_WINDOW_MINS} minutes."
        ),
        Some(ErrorCode::MfaRequired) => format!(
            "To change your password, first confirm it's you: sign out, sign in again with your \
             passkey, then save again within {PASSWORD_CHANGE_MFA_WINDOW_MINS} minutes."
        ),
        _ => e.to_string(),
    }
}

/// What a "this wasn't me" report did, in one sentence.
pub fn fraud_report_outcome(r: &FraudReported) -> String {
    format!(
        "Elevate cancelled {} and signed out {}.",
        plural(r.prompts_cancelled, "waiting sign-in", "waiting sign-ins"),
        plural(r.sessions_ended, "other session", "other sessions"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use elevate_shared::api::ApiError;

    fn api(code: ErrorCode) -> ClientError {
        ClientError::Api(ApiError { code, message: "From the server.".to_owned() })
    }

    #[test]
    fn a_password_is_sent_as_typed_but_not_empty() {
        assert_eq!(read_password(" secret ").map(|p| p.0), Ok(" secret ".to_owned()));
        assert!(read_password("").is_err());
    }

    #[test]
    fn a_new_password_meets_the_servers_rules_before_it_is_sent() {
        let ada = Username::parse("ada").unwrap();
        assert!(read_new_password("four unrelated words here", &ada).is_ok());
        assert_eq!(
            read_new_password("short", &ada).map(|p| p.0),
            Err("Choose another password: use at least 12 characters.".to_owned())
        );
        assert!(read_new_password("ada lovelace rules", &ada).unwrap_err().contains("username"));
    }

    #[test]
    fn second_factor_codes_have_six_or_eight_digits() {
        assert_eq!(read_second_factor_code("123 456").map(|c| c.0), Ok("123456".to_owned()));
        assert_eq!(read_second_factor_code("1234-5678").map(|c| c.0), Ok("12345678".to_owned()));
        assert!(read_second_factor_code("1234567").is_err());
        assert!(read_second_factor_code("").is_err());
    }

    #[test]
    fn a_refused_sign_in_does_not_say_which_part_was_wrong() {
        assert_eq!(explain_sign_in(&api(ErrorCode::SignInFailed)), "The username or password is not right.");
        assert_eq!(explain_sign_in(&api(ErrorCode::AccountLocked)), "From the server.");
    }

    #[test]
    fn only_a_spent_or_locked_step_starts_again() {
        for code in [
            ErrorCode::CeremonyNotFound,
            ErrorCode::AccountLocked,
            ErrorCode::MfaLockedOut,
            ErrorCode::SignInFailed,
        ] {
            assert_eq!(after_second_factor_failure(&api(code)), AfterFailure::StartAgain, "{code:?}");
        }
        for code in [ErrorCode::MfaCodeRejected, ErrorCode::MfaThrottled, ErrorCode::WebauthnRejected] {
            assert_eq!(after_second_factor_failure(&api(code)), AfterFailure::TryAgain, "{code:?}");
        }
        let offline = ClientError::Transport("offline".to_owned());
        assert_eq!(after_second_factor_failure(&offline), AfterFailure::TryAgain);
        assert!(explain_second_factor(&api(ErrorCode::CeremonyNotFound)).contains("password again"));
    }

    #[test]
    fn a_change_without_a_fresh_check_says_how_to_get_one() {
        let e = api(ErrorCode::MfaRequired);
        assert!(explain_set_password(&e, true).contains("Verify it's you"));
        assert!(explain_set_password(&e, false).contains("sign in again with your passkey"));
        assert_eq!(explain_set_password(&api(ErrorCode::PasswordRejected), true), "From the server.");
    }

    #[test]
    fn a_fraud_report_says_what_it_did() {
        let r = FraudReported { prompts_cancelled: 1, sessions_ended: 2 };
        assert_eq!(
            fraud_report_outcome(&r),
            "Elevate cancelled 1 waiting sign-in and signed out 2 other sessions."
        );
        let none = FraudReported { prompts_cancelled: 0, sessions_ended: 0 };
        assert_eq!(
            fraud_report_outcome(&none),
            "Elevate cancelled 0 waiting sign-ins and signed out 0 other sessions."
        );
    }
}
