//! Approvals: requests waiting for me, and my decision, co-signed by a tap whose challenge is the
//! approval digest (my verdict over the request's digest).

use crate::api::auth::{PublicKeyCredential, RequestChallengeResponse};
use crate::domain::digest::Verdict;
use crate::domain::{ActivationRequest, Digest, Reason, RequestId, Role};
use crate::ids::{CeremonyId, DisplayName, Username};
use serde::{Deserialize, Serialize};

/// A request waiting for the signed-in approver, with what they need to judge it (the request
/// carries the requester's MFA evidence, justification and ticket).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalItem {
    pub request: ActivationRequest,
    pub requester_name: DisplayName,
    pub requester_username: Username,
    pub role: Role,
}

/// `GET /api/v1/approvals`
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingApprovals {
    pub items: Vec<ApprovalItem>,
}

/// `POST /api/v1/approvals/start`: begins the tap that signs the decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionStart {
    pub request: RequestId,
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

/// `POST /api/v1/approvals/finish`: answered with the request as it then stands.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DecisionFinish {
    pub request: RequestId,
    pub ceremony_id: CeremonyId,
    pub verdict: Verdict,
    #[serde(default)]
    pub reason: Option<Reason>,
    pub credential: PublicKeyCredential,
}
