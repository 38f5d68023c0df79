//! `GET /api/v1/health`: proves the worker, its KV namespace and its Durable Object all answer.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthResponse {
    /// The worker's crate version.
    pub version: String,
    /// A value written to KV and read back.
    pub kv: Probe,
    /// A call to a Durable Object that wrote to and read from its storage.
    pub durable_object: Probe,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    pub ok: bool,
    /// Milliseconds the round trip took, as the worker measured it.
    pub millis: u64,
    /// What went wrong when `ok` is false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}
