//! Password hashing: PBKDF2-HMAC-SHA256 with a per-password random salt.
//!
//! Why PBKDF2 and not a memory-hard hash: workerd gives a worker 128 MB and 10 ms (free) or 30 s
//! (paid) of CPU per request, and its WebCrypto computes PBKDF2 natively, far faster than any
//! hash compiled to WebAssembly. Argon2id or scrypt in wasm at useful settings would cost
//! hundreds of milliseconds of CPU per sign-in. workerd refuses PBKDF2 above 100,000 iterations,
//! so that is the work factor; each stored hash records its own, so raising it later re-hashes
//! at the next sign-in. The measured cost is in `target/bench/results.json` (`cargo xtask bench`).
//!
//! The derivation is a port ([`Kdf`]): WebCrypto at the edge, a pure-Rust PBKDF2 in native
//! tests, and both must agree on the RFC test vectors.

use crate::error::AppError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use elevate_shared::api::password::Password;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

/// The work factor of new hashes: the most workerd allows.
pub(crate) const ITERATIONS: u32 = 100_000;
const SALT_BYTES: usize = 16;

/// Derives 32 bytes with PBKDF2-HMAC-SHA256.
pub(crate) trait Kdf {
    async fn pbkdf2_sha256(
        &self,
        password: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Result<[u8; 32], AppError>;
}

/// A stored password hash. `Debug` shows only the work factor.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PasswordHash {
    iterations: u32,
    salt: String,
    hash: String,
}

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHash").field("iterations", &self.iterations).finish_non_exhaustive()
    }
}

impl PasswordHash {
    pub async fn new(kdf: &impl Kdf, password: &Password) -> Result<Self, AppError> {
        let salt = crate::random::bytes::<SALT_BYTES>()?;
        let hash = kdf.pbkdf2_sha256(password.0.as_bytes(), &salt, ITERATIONS).await?;
        Ok(Self { iterations: ITERATIONS, salt: B64.encode(salt), hash: B64.encode(hash) })
    }

    /// Whether `password` is the one hashed, compared in constant time.
    pub async fn verify(&self, kdf: &impl Kdf, password: &Password) -> Result<bool, AppError> {
        let unreadable = |e| AppError::internal(format!("stored password hash unreadable: {e}"));
        let salt = B64.decode(&self.salt).map_err(unreadable)?;
        let expected = B64.decode(&self.hash).map_err(unreadable)?;
        let derived = kdf.pbkdf2_sha256(password.0.as_bytes(), &salt, self.iterations).await?;
        Ok(bool::from(derived.as_slice().ct_eq(&expected)))
    }

    /// Whether this hash was made with less work than new ones get.
    pub fn needs_rehash(&self) -> bool {
        self.iterations < ITERATIONS
    }

    /// A hash no password matches, verified for unknown usernames so that their answer takes as
    /// long as a real account's.
    pub fn decoy() -> Self {
        Self { iterations: ITERATIONS, salt: B64.encode([0u8; SALT_BYTES]), hash: B64.encode([0u8; 32]) }
    }
}

/// Pure-Rust PBKDF2 for native tests.
#[cfg(test)]
#[derive(Debug, Default)]
pub(crate) struct RustKdf;

#[cfg(test)]
impl Kdf for RustKdf {
    async fn pbkdf2_sha256(
        &self,
        password: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Result<[u8; 32], AppError> {
        let mut out = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, iterations, &mut out);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    #[test]
    fn the_native_kdf_meets_the_published_pbkdf2_sha256_vector() {
        // RFC 7914 §11, PBKDF2-HMAC-SHA-256 (P="passwd", S="salt", c=1), first 32 bytes.
        let out = block_on(RustKdf.pbkdf2_sha256(b"passwd", b"salt", 1)).unwrap();
        assert_eq!(hex::encode(out), "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
    }

    #[test]
    fn a_hash_accepts_its_password_only_and_salts_differ() {
        let pw = Password("correct horse battery".into());
        let a = block_on(PasswordHash::new(&RustKdf, &pw)).unwrap();
        let b = block_on(PasswordHash::new(&RustKdf, &pw)).unwrap();
        assert_ne!(a, b, "each hash has its own salt");
        assert!(block_on(a.verify(&RustKdf, &pw)).unwrap());
        assert!(!block_on(a.verify(&RustKdf, &Password("correct horse battery!".into()))).unwrap());
        assert!(!block_on(PasswordHash::decoy().verify(&RustKdf, &pw)).unwrap());
        assert!(!a.needs_rehash());
        assert!(!format!("{a:?}").contains(&a.hash));
    }
}
