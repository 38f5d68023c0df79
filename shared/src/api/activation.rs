//! Activation: preview what a request needs, create it, prove it with a request-bound tap,
//! extend, deactivate, cancel, and list one's requests.
//!
//! Proposed routes: `POST /api/v1/activations/preview`, `POST /api/v1/activations`,
//! `GET /api/v1/me/requests`, `POST /api/v1/activations/{id}/mfa/start|finish`,
//! `POST /api/v1/activations/{id}/extend/start|finish`, `POST /api/v1/activations/{id}/deactivate`,
//! `POST /api/v1/activations/{id}/cancel`.

use crate::api::auth::{PublicKeyCredential, RequestChallengeResponse};
use crate::domain::{ActivationDraft, ActivationRequest, ActivationVerdict, Digest, RequestId, RoleId};
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

/// The request as created; when its state is `mfa_required`, the SPA starts the MFA ceremony.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationResponse {
    pub request: ActivationRequest,
}

/// A WebAuthn ceremony whose challenge commits to `digest` (the request's, or the extension's).
/// The SPA may recompute the digest from the request to show the person what they sign.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BoundCeremonyStarted {
    pub request_id: RequestId,
    pub ceremony_id: CeremonyId,
    pub digest: Digest,
    pub options: RequestChallengeResponse,
}

/// `POST /api/v1/activations/{id}/mfa/finish` and `…/extend/finish`
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BoundCeremonyFinish {
    pub ceremony_id: CeremonyId,
    pub credential: PublicKeyCredential,
}

/// `POST /api/v1/activations/{id}/extend/start`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtendStart {
    pub new_end: UnixMillis,
}

/// `GET /api/v1/me/requests`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestList {
    pub requests: Vec<ActivationRequest>,
}
