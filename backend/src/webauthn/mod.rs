//! The relying party: WebAuthn ceremonies for this deployment's RP id and origin.
//!
//! Authentication goes through webauthn-rs unchanged. Registration options come from
//! webauthn-rs too; the response is verified by [`registration`] (see there for why).

#[cfg(test)]
mod bound_ceremony_tests;
pub(crate) mod registration;

use crate::config::Config;
use crate::error::AppError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use elevate_shared::api::ErrorCode;
use elevate_shared::ids::{DisplayName, UserId, Username};
use std::time::Duration;
use webauthn_rs::prelude::{
    AuthenticationResult, CreationChallengeResponse, CredentialID, DiscoverableAuthentication, Passkey,
    PasskeyAuthentication, PublicKeyCredential, RegisterPublicKeyCredential, RequestChallengeResponse, Uuid,
    Webauthn, WebauthnBuilder, WebauthnError,
};
use webauthn_rs_core::proto::{ResidentKeyRequirement, UserVerificationPolicy};

/// The timeout the browser is given; the server-side ceremony lives as long.
const CEREMONY_TIMEOUT: Duration = Duration::from_secs(300);

/// Why an assertion was refused. A counter that went backwards is kept apart: it suggests a
/// cloned authenticator, so it raises an alert rather than only failing the sign-in.
#[derive(Debug)]
pub(crate) enum Refused {
    CounterRegression,
    Other(AppError),
}

impl From<Refused> for AppError {
    fn from(r: Refused) -> Self {
        match r {
            Refused::CounterRegression => AppError::api(
                ErrorCode::WebauthnRejected,
                "This authenticator's signature counter went backwards; it may have been cloned.",
            ),
            Refused::Other(e) => e,
        }
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::CounterRegression => f.write_str("signature counter went backwards"),
            Self::Other(e) => write!(f, "{e:?}"),
        }
    }
}

fn rejected(e: WebauthnError) -> Refused {
    match e {
        WebauthnError::CredentialPossibleCompromise => Refused::CounterRegression,
        WebauthnError::UserNotVerified => Refused::Other(AppError::api(
            ErrorCode::UserVerificationRequired,
            "Your authenticator must verify you (PIN or biometrics) to sign in.",
        )),
        other => {
            Refused::Other(AppError::api(ErrorCode::WebauthnRejected, format!("Sign-in refused: {other}.")))
        }
    }
}

#[derive(Debug)]
pub(crate) struct RelyingParty {
    webauthn: Webauthn,
    rp_id: String,
    origin: String,
}

/// The server's half of a started registration, kept in the ceremony.
#[derive(Debug)]
pub(crate) struct RegistrationChallenge {
    pub challenge: Vec<u8>,
    pub algorithms: Vec<i64>,
    pub asked: registration::AskedExtensions,
}

impl RelyingParty {
    pub fn new(config: &Config) -> Result<Self, AppError> {
        let webauthn = WebauthnBuilder::new(&config.rp_id, &config.origin)
            .and_then(|b| b.rp_name(&config.rp_name).timeout(CEREMONY_TIMEOUT).build())
            .map_err(|e| AppError::internal(format!("invalid relying party configuration: {e:?}")))?;
        Ok(Self { webauthn, rp_id: config.rp_id.clone(), origin: config.origin_text() })
    }

    /// Options for a discoverable passkey with user verification required; existing credentials
    /// are excluded so one authenticator is not registered twice.
    pub fn start_registration(
        &self,
        user: &UserId,
        username: &Username,
        display_name: &DisplayName,
        exclude: Vec<CredentialID>,
    ) -> Result<(CreationChallengeResponse, RegistrationChallenge), AppError> {
        let uuid = Uuid::parse_str(user.as_str()).map_err(|e| AppError::internal(e.to_string()))?;
        let exclude = (!exclude.is_empty()).then_some(exclude);
        let (mut options, _state) = self
            .webauthn
            .start_passkey_registration(uuid, username.as_str(), display_name.as_str(), exclude)
            .map_err(|e| AppError::internal(format!("cannot start registration: {e:?}")))?;
        let selection = options.public_key.authenticator_selection.get_or_insert_with(Default::default);
        selection.resident_key = Some(ResidentKeyRequirement::Required);
        selection.require_resident_key = true;
        selection.user_verification = UserVerificationPolicy::Required;
        let pending = RegistrationChallenge {
            challenge: options.public_key.challenge.to_vec(),
            algorithms: options.public_key.pub_key_cred_params.iter().map(|p| p.alg).collect(),
            asked: registration::AskedExtensions::requested_by(&options),
        };
        Ok((options, pending))
    }

    pub fn finish_registration(
        &self,
        pending: &RegistrationChallenge,
        credential: &RegisterPublicKeyCredential,
    ) -> Result<registration::Registered, AppError> {
        let expected = registration::Expected {
            challenge: &pending.challenge,
            origin: &self.origin,
            rp_id: &self.rp_id,
            algorithms: &pending.algorithms,
            asked: pending.asked,
        };
        registration::verify(&expected, credential).map_err(|e| match e {
            registration::RegistrationError::UserNotVerified => AppError::api(
                ErrorCode::UserVerificationRequired,
                "Your authenticator must verify you (PIN or biometrics) to register.",
            ),
            other => AppError::api(ErrorCode::WebauthnRejected, format!("Registration refused: {other}.")),
        })
    }

    pub fn start_authentication(
        &self,
        passkeys: &[Passkey],
    ) -> Result<(RequestChallengeResponse, PasskeyAuthentication), AppError> {
        self.webauthn
            .start_passkey_authentication(passkeys)
            .map_err(|e| AppError::internal(format!("cannot start authentication: {e:?}")))
    }

    /// Options whose challenge *is* `digest` (a request's, an approval's or an extension's), so
    /// the assertion signs that very request. webauthn-rs draws a random challenge; its state is
    /// serialisable (feature `danger-allow-state-serialisation`), and the challenge is set in both
    /// the options and the state the same way. `bound_ceremony_tests` pins that a tap over the
    /// digest verifies and a tap over anything else does not.
    pub fn start_bound_authentication(
        &self,
        passkeys: &[Passkey],
        digest: &[u8; 32],
    ) -> Result<(RequestChallengeResponse, PasskeyAuthentication), AppError> {
        let (mut options, state) = self.start_authentication(passkeys)?;
        options.public_key.challenge = digest.to_vec();
        let mut json = serde_json::to_value(&state)
            .map_err(|e| AppError::internal(format!("authentication state: {e}")))?;
        let challenge = json
            .get_mut("ast")
            .and_then(|ast| ast.get_mut("challenge"))
            .ok_or_else(|| AppError::internal("authentication state has no challenge"))?;
        *challenge = serde_json::Value::String(URL_SAFE_NO_PAD.encode(digest));
        let state = serde_json::from_value(json)
            .map_err(|e| AppError::internal(format!("authentication state: {e}")))?;
        Ok((options, state))
    }

    /// Options for a sign-in without a username: any discoverable passkey for this RP may answer.
    pub fn start_discoverable(
        &self,
    ) -> Result<(RequestChallengeResponse, DiscoverableAuthentication), AppError> {
        self.webauthn
            .start_discoverable_authentication()
            .map_err(|e| AppError::internal(format!("cannot start authentication: {e:?}")))
    }

    /// Who the passkey says is signing in (its user handle), before anything is verified.
    pub fn claimed_user(&self, credential: &PublicKeyCredential) -> Option<UserId> {
        let (uuid, _) = self.webauthn.identify_discoverable_authentication(credential).ok()?;
        UserId::parse(uuid.hyphenated().to_string()).ok()
    }

    pub fn finish_discoverable(
        &self,
        credential: &PublicKeyCredential,
        state: DiscoverableAuthentication,
        passkey: &Passkey,
    ) -> Result<AuthenticationResult, Refused> {
        self.webauthn.finish_discoverable_authentication_v2(credential, state, passkey).map_err(rejected)
    }

    pub fn finish_authentication(
        &self,
        credential: &PublicKeyCredential,
        state: &PasskeyAuthentication,
    ) -> Result<AuthenticationResult, Refused> {
        self.webauthn.finish_passkey_authentication(credential, state).map_err(rejected)
    }
}
