//! Request-bound MFA: deterministic SHA-256 digests that a WebAuthn challenge commits to.
//!
//! When the backend uses a digest below as (part of) the WebAuthn challenge, the signed assertion
//! proves that the key holder approved *this* request with *these* parameters, not merely that
//! they were present. The same bytes are computed natively and in wasm; golden vectors in
//! `shared/tests/digest_vectors.rs` pin them.
//!
//! # Byte layout (version 1)
//!
//! Primitives, all big-endian:
//! - `str(x)`  = `u32` byte length of `x`, then the UTF-8 bytes of `x`;
//! - `u64(n)`  = 8 bytes; `u8(n)` = 1 byte;
//! - `opt(x)`  = `u8(0)` when absent, or `u8(1)` followed by the encoding of `x`.
//!
//! Every preimage starts with `str(tag) ‖ u8(1)` — a domain-separation tag naming the purpose and
//! the layout version — so a digest for one purpose can never be mistaken for another.
//!
//! Activation request, tag `elevate/activation-request`:
//! `str(request id) ‖ str(requester user id) ‖ str(role id) ‖ str(scope) ‖ start ‖
//!  u64(duration ms) ‖ opt(str(justification)) ‖ opt(str(ticket system) ‖ str(ticket number))`
//! where `start` is `u8(0)` for "as soon as allowed" or `u8(1) ‖ u64(unix ms)` for a scheduled start.
//!
//! Approval decision, tag `elevate/approval-decision`:
//! `request digest (32 raw bytes) ‖ str(approver user id) ‖ u8(1 approve | 2 deny)`
//!
//! Extension, tag `elevate/activation-extension`:
//! `request digest (32 raw bytes) ‖ u64(new end, unix ms)`
//!
//! The digest is `SHA-256(preimage)`, written as 64 lowercase hex characters on the wire.

use crate::domain::durations::ActivationDuration;
use crate::domain::ids::{RequestId, RoleId};
use crate::domain::policy::ActivationStart;
use crate::domain::scope::Scope;
use crate::domain::text::{Justification, Ticket};
use crate::ids::UserId;
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::fmt;

/// The layout version every preimage carries after its tag.
pub const LAYOUT_VERSION: u8 = 1;
pub const ACTIVATION_TAG: &str = "elevate/activation-request";
pub const APPROVAL_TAG: &str = "elevate/approval-decision";
pub const EXTENSION_TAG: &str = "elevate/activation-extension";

/// A SHA-256 value; hex on the wire.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Digest(pub [u8; 32]);

/// A digest that was not 64 hex characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a digest is 64 hexadecimal characters")]
pub struct BadDigest;

impl Digest {
    /// All zeroes: the "previous hash" of the first audit event.
    pub const ZERO: Digest = Digest([0; 32]);

    #[must_use]
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(raw: &str) -> Result<Self, BadDigest> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(raw, &mut out).map_err(|_| BadDigest)?;
        Ok(Self(out))
    }

    #[must_use]
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.to_hex())
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl TryFrom<String> for Digest {
    type Error = BadDigest;
    fn try_from(raw: String) -> Result<Self, BadDigest> {
        Self::from_hex(&raw)
    }
}

impl From<Digest> for String {
    fn from(d: Digest) -> String {
        d.to_hex()
    }
}

/// Builds a preimage in the layout above. Shared with the audit chain's canonical encoding.
#[derive(Debug)]
pub(crate) struct Preimage(Vec<u8>);

impl Preimage {
    /// Starts a preimage with `str(tag) ‖ u8(version)`.
    pub(crate) fn new(tag: &str) -> Self {
        let mut p = Self(Vec::with_capacity(256));
        p.str(tag);
        p.u8(LAYOUT_VERSION);
        p
    }

    pub(crate) fn u8(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }

    pub(crate) fn u16(&mut self, v: u16) -> &mut Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }

    pub(crate) fn u32(&mut self, v: u32) -> &mut Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }

    pub(crate) fn u64(&mut self, v: u64) -> &mut Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }

    pub(crate) fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.extend_from_slice(bytes);
        self
    }

    /// `u32` length then bytes. Lengths beyond `u32::MAX` cannot occur: every string the domain
    /// hashes is a validated, bounded value.
    pub(crate) fn str(&mut self, s: &str) -> &mut Self {
        let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
        self.u32(len);
        self.raw(s.as_bytes())
    }

    pub(crate) fn opt_str(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            None => self.u8(0),
            Some(s) => self.u8(1).str(s),
        }
    }

    #[cfg(test)]
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }

    pub(crate) fn finish(&self) -> Digest {
        Digest(Sha256::digest(&self.0).into())
    }
}

/// The facts an activation digest commits to.
#[derive(Clone, Copy, Debug)]
pub struct ActivationFacts<'a> {
    pub request: &'a RequestId,
    pub requester: &'a UserId,
    pub role: &'a RoleId,
    pub scope: &'a Scope,
    pub start: ActivationStart,
    pub duration: ActivationDuration,
    pub justification: Option<&'a Justification>,
    pub ticket: Option<&'a Ticket>,
}

fn activation_preimage(f: &ActivationFacts<'_>) -> Preimage {
    let mut p = Preimage::new(ACTIVATION_TAG);
    p.str(f.request.as_str()).str(f.requester.as_str()).str(f.role.as_str()).str(f.scope.as_str());
    match f.start {
        ActivationStart::Immediate => p.u8(0),
        ActivationStart::At(t) => p.u8(1).u64(t.0),
    };
    p.u64(f.duration.get().0);
    p.opt_str(f.justification.map(Justification::as_str));
    match f.ticket {
        None => p.u8(0),
        Some(t) => p.u8(1).str(t.system.as_str()).str(t.number.as_str()),
    };
    p
}

/// The digest of an activation request: the WebAuthn challenge for the requester's tap.
#[must_use]
pub fn activation_digest(facts: &ActivationFacts<'_>) -> Digest {
    activation_preimage(facts).finish()
}

/// An approver's verdict, as the approval digest encodes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approve,
    Deny,
}

impl Verdict {
    const fn code(self) -> u8 {
        match self {
            Self::Approve => 1,
            Self::Deny => 2,
        }
    }
}

/// The digest an approver's tap signs: their verdict over the request's digest.
#[must_use]
pub fn approval_digest(request: &Digest, approver: &UserId, verdict: Verdict) -> Digest {
    let mut p = Preimage::new(APPROVAL_TAG);
    p.raw(&request.0).str(approver.as_str()).u8(verdict.code());
    p.finish()
}

/// The digest the requester's tap signs to extend an activation to `new_end`.
#[must_use]
pub fn extension_digest(request: &Digest, new_end: UnixMillis) -> Digest {
    let mut p = Preimage::new(EXTENSION_TAG);
    p.raw(&request.0).u64(new_end.0);
    p.finish()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::domain::text::{TicketNumber, TicketSystem};

    #[test]
    fn preimage_layout_is_as_documented() {
        let request = RequestId::parse("00112233445566778899aabbccddeeff").unwrap();
        let requester = UserId::parse("0f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
        let role = RoleId::parse("r").unwrap();
        let scope = Scope::parse("/a").unwrap();
        let ticket =
            Ticket { system: TicketSystem::parse("S").unwrap(), number: TicketNumber::parse("9").unwrap() };
        let facts = ActivationFacts {
            request: &request,
            requester: &requester,
            role: &role,
            scope: &scope,
            start: ActivationStart::At(UnixMillis(2)),
            duration: ActivationDuration::from_minutes(5).unwrap(),
            justification: None,
            ticket: Some(&ticket),
        };
        let mut expected = Vec::new();
        expected.extend_from_slice(&(ACTIVATION_TAG.len() as u32).to_be_bytes());
        expected.extend_from_slice(ACTIVATION_TAG.as_bytes());
        expected.push(1);
        for s in [request.as_str(), requester.as_str(), "r", "/a"] {
            expected.extend_from_slice(&(s.len() as u32).to_be_bytes());
            expected.extend_from_slice(s.as_bytes());
        }
        expected.push(1);
        expected.extend_from_slice(&2u64.to_be_bytes());
        expected.extend_from_slice(&300_000u64.to_be_bytes());
        expected.push(0);
        expected.push(1);
        expected.extend_from_slice(&[0, 0, 0, 1, b'S', 0, 0, 0, 1, b'9']);
        assert_eq!(activation_preimage(&facts).bytes(), expected.as_slice());
    }

    #[test]
    fn hex_round_trips_and_rejects_junk() {
        let d = Digest([0xab; 32]);
        assert_eq!(Digest::from_hex(&d.to_hex()), Ok(d));
        assert_eq!(Digest::from_hex("abc"), Err(BadDigest));
        assert_eq!(Digest::from_hex(&"zz".repeat(32)), Err(BadDigest));
    }
}
