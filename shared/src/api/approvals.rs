//! Approvals: requests waiting for me, and my decision, co-signed by a tap.
//!
//! Proposed routes: `GET /api/v1/approvals`, `POST /api/v1/approvals/{id}/start`,
//! `POST /api/v1/approvals/{id}/finish`, `POST /api/v1/approvals/{id}/deny`.

use crate::api::auth::{PublicKeyCredential, RequestChallengeResponse};
use crate::domain::digest::Verdict;
use crate::domain::{ActivationRequest, Digest, Reason, RequestId, Role};
use crate::ids::{CeremonyId, DisplayName};
use serde::{Deserialize, Serialize};

/// A request waiting for the signed-in approver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalItem {
    pub request: ActivationRequest,
    pub requester_name: DisplayName,
    pub role: Role,
}

/// `GET /api/v1/approvals`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingApprovals {
    pub items: Vec<ApprovalItem>,
}

/// `POST /api/v1/approvals/{id}/start`: begins the tap that signs the decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionStart {
    pub verdict: Verdict,
}

/// The ceremony for a decision; its challenge is the approval digest.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DecisionCeremony {
    pub request_id: RequestId,
    pub ceremony_id: CeremonyId,
    pub digest: Digest,
    pub options: RequestChallengeResponse,
}

/// `POST /api/v1/approvals/{id}/finish`
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DecisionFinish {
    pub ceremony_id: CeremonyId,
    pub verdict: Verdict,
    #[serde(default)]
    pub reason: Option<Reason>,
    pub credential: PublicKeyCredential,
}

/// `POST /api/v1/approvals/{id}/deny`: a deny only removes access, so it needs no tap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deny {
    #[serde(default)]
    pub reason: Option<Reason>,
}
