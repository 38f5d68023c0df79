//! Activation: preview what a request needs, create it, prove it with a request-bound tap (or a
//! code where the role allows it), extend, deactivate, cancel, and list one's requests.
//!
//! Request ids travel in the bodies; the paths are constants in [`crate::api::paths`].

use crate::api::auth::{PublicKeyCredential, RequestChallengeResponse};
use crate::api::mfa::TypedCode;
use crate::domain::{ActivationDraft, ActivationRequest, ActivationVerdict, Digest, RequestId, Role, RoleId};
use crate::ids::CeremonyId;
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};

/// `POST /api/v1/activations/preview`: what would this activation need? Changes nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewActivation {
    pub role: RoleId,
    pub draft: ActivationDraft,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationPreview {
    pub verdict: ActivationVerdict,
}

/// `POST /api/v1/activations`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateActivation {
    pub role: RoleId,
    pub draft: ActivationDraft,
}

/// A request as it stands after a call. When its state is `mfa_required`, the SPA starts the
/// request-bound MFA; `pending_approval` waits for approvers; `active` is in effect now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationResponse {
    pub request: ActivationRequest,
}

/// Names one of my requests: cancel, deactivate, start its MFA.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRef {
    pub request: RequestId,
}

/// A WebAuthn ceremony whose challenge *is* `digest` (the request's, the approval's or the
/// extension's), so the tap signs this very request. The SPA may recompute the digest from the
/// request to show the person what they sign.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BoundCeremonyStarted {
    pub request_id: RequestId,
    pub ceremony_id: CeremonyId,
    pub digest: Digest,
    pub options: RequestChallengeResponse,
}

/// `POST /api/v1/activations/mfa/finish`
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BoundCeremonyFinish {
    pub request: RequestId,
    pub ceremony_id: CeremonyId,
    pub credential: PublicKeyCredential,
}

/// `POST /api/v1/activations/mfa/totp`: a code, where the role accepts any method.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationCode {
    pub request: RequestId,
    pub code: TypedCode,
}

/// `POST /api/v1/activations/extend/start`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtendStart {
    pub request: RequestId,
    pub new_end: UnixMillis,
}

/// `POST /api/v1/activations/extend/finish`: the tap signed the extension digest for `new_end`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExtendFinish {
    pub request: RequestId,
    pub new_end: UnixMillis,
    pub ceremony_id: CeremonyId,
    pub credential: PublicKeyCredential,
}

/// `GET /api/v1/me/requests`: newest first, with the roles they name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestList {
    pub requests: Vec<ActivationRequest>,
    pub roles: Vec<Role>,
}
