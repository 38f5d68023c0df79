//! The deployment's configuration, read from `wrangler.toml` vars and secrets, never from code.
//!
//! Built from a lookup function so that parsing and validation are tested natively.

use crate::error::AppError;
use elevate_shared::api::auth::BootstrapSecret;
use elevate_shared::domain::lockout::{LockoutPolicy, LockoutSettings};
use subtle::ConstantTimeEq;
use url::Url;

pub(crate) mod var {
    pub const RP_ID: &str = "RP_ID";
    pub const RP_ORIGIN: &str = "RP_ORIGIN";
    pub const RP_NAME: &str = "RP_NAME";
    pub const BOOTSTRAP_SECRET: &str = "BOOTSTRAP_SECRET";
    /// JSON `LockoutSettings`; absent means the secure default.
    pub const MFA_LOCKOUT: &str = "MFA_LOCKOUT";
    /// `on` lets requests name their own `now` (header [`super::TEST_NOW_HEADER`]) so tests can
    /// reach expiry without sleeping. Refused unless the relying party is `localhost`.
    pub const TEST_CLOCK: &str = "TEST_CLOCK";
    /// `on` lets `cargo xtask dev` seed the demo tenant (public demo passwords). Refused unless
    /// the relying party is `localhost`.
    pub const DEMO_TENANT: &str = "DEMO_TENANT";
}

/// The header a test sends its `now` in (Unix milliseconds) when [`var::TEST_CLOCK`] is on.
pub(crate) const TEST_NOW_HEADER: &str = "x-elevate-test-now";

#[derive(Clone, Debug)]
pub(crate) struct Config {
    /// The WebAuthn relying party id: the registrable domain the portal is served from.
    pub rp_id: String,
    /// The exact origin the portal is served from; WebAuthn responses and state-changing requests
    /// must come from it.
    pub origin: Url,
    pub rp_name: String,
    /// The first-run enrolment secret; absent means first-run enrolment is impossible.
    pub bootstrap_secret: Option<Redacted>,
    /// Growing delay, then lockout, after consecutive MFA failures.
    pub lockout: LockoutPolicy,
    /// Whether requests may set the clock (local tests only).
    pub test_clock: bool,
    /// Whether the demo tenant may be seeded (local development only).
    pub demo_tenant: bool,
}

/// A secret string that never prints.
#[derive(Clone)]
pub(crate) struct Redacted(String);

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Config {
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, AppError> {
        let required = |name: &str| {
            lookup(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| AppError::internal(format!("configuration variable {name} is not set")))
        };
        let rp_id = required(var::RP_ID)?;
        let origin_text = required(var::RP_ORIGIN)?;
        let origin = Url::parse(&origin_text)
            .map_err(|e| AppError::internal(format!("{} is not a URL: {e}", var::RP_ORIGIN)))?;
        if origin.host_str() != Some(rp_id.as_str())
            && !origin.host_str().is_some_and(|h| h.ends_with(&format!(".{rp_id}")))
        {
            return Err(AppError::internal(format!(
                "{} host must be {rp_id} or a subdomain of it",
                var::RP_ORIGIN
            )));
        }
        let rp_name = lookup(var::RP_NAME).unwrap_or_else(|| "Elevate".to_owned());
        // A short secret could be guessed; refuse to run first-run enrolment with one.
        let bootstrap_secret = lookup(var::BOOTSTRAP_SECRET).filter(|s| s.len() >= 16).map(Redacted);
        let lockout = match lookup(var::MFA_LOCKOUT).filter(|v| !v.trim().is_empty()) {
            None => LockoutPolicy::default(),
            Some(json) => serde_json::from_str::<LockoutSettings>(&json)
                .map_err(|e| AppError::internal(format!("{} is not lockout settings: {e}", var::MFA_LOCKOUT)))
                .and_then(|s| {
                    LockoutPolicy::new(s)
                        .map_err(|e| AppError::internal(format!("{} is invalid: {e}", var::MFA_LOCKOUT)))
                })?,
        };
        let test_clock = lookup(var::TEST_CLOCK).is_some_and(|v| v == "on");
        if test_clock && rp_id != "localhost" {
            return Err(AppError::internal(format!(
                "{} is only allowed for RP_ID localhost",
                var::TEST_CLOCK
            )));
        }
        let demo_tenant = lookup(var::DEMO_TENANT).is_some_and(|v| v == "on");
        if demo_tenant && rp_id != "localhost" {
            return Err(AppError::internal(format!(
                "{} is only allowed for RP_ID localhost",
                var::DEMO_TENANT
            )));
        }
        Ok(Self { rp_id, origin, rp_name, bootstrap_secret, lockout, test_clock, demo_tenant })
    }

    /// The origin as browsers serialise it in `Origin` headers and client data.
    pub fn origin_text(&self) -> String {
        self.origin.origin().ascii_serialization()
    }

    /// Compares an offered bootstrap secret in constant time.
    pub fn bootstrap_secret_matches(&self, offered: &BootstrapSecret) -> bool {
        match &self.bootstrap_secret {
            None => false,
            Some(Redacted(expected)) => {
                expected.len() == offered.0.len()
                    && bool::from(expected.as_bytes().ct_eq(offered.0.as_bytes()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, AppError> {
        let map: HashMap<String, String> =
            pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn origin_must_belong_to_the_rp_id() {
        assert!(config(&[("RP_ID", "localhost"), ("RP_ORIGIN", "http://localhost:8787")]).is_ok());
        assert!(config(&[("RP_ID", "example.com"), ("RP_ORIGIN", "https://pim.example.com")]).is_ok());
        assert!(config(&[("RP_ID", "example.com"), ("RP_ORIGIN", "https://evilexample.com")]).is_err());
        assert!(config(&[("RP_ID", "localhost")]).is_err());
    }

    #[test]
    fn the_test_clock_is_refused_outside_localhost() {
        let on = ("TEST_CLOCK", "on");
        assert!(
            config(&[("RP_ID", "localhost"), ("RP_ORIGIN", "http://localhost:8787"), on]).unwrap().test_clock
        );
        assert!(
            !config(&[("RP_ID", "localhost"), ("RP_ORIGIN", "http://localhost:8787")]).unwrap().test_clock
        );
        assert!(config(&[("RP_ID", "example.com"), ("RP_ORIGIN", "https://pim.example.com"), on]).is_err());
    }

    #[test]
    fn the_demo_tenant_is_refused_outside_localhost() {
        let on = ("DEMO_TENANT", "on");
        let local = [("RP_ID", "localhost"), ("RP_ORIGIN", "http://localhost:8787")];
        assert!(config(&[local[0], local[1], on]).unwrap().demo_tenant);
        assert!(!config(&local).unwrap().demo_tenant);
        assert!(config(&[("RP_ID", "example.com"), ("RP_ORIGIN", "https://pim.example.com"), on]).is_err());
    }

    #[test]
    fn lockout_comes_from_configuration_and_is_validated() {
        let base = [("RP_ID", "localhost"), ("RP_ORIGIN", "http://localhost:8787")];
        assert_eq!(config(&base).unwrap().lockout, LockoutPolicy::default());
        let custom =
            r#"{"free_attempts":0,"base_delay":0,"max_delay":0,"lockout_after":5,"lockout_duration":60000}"#;
        let c = config(&[base[0], base[1], ("MFA_LOCKOUT", custom)]).unwrap();
        assert_eq!(c.lockout.settings().lockout_after, 5);
        let too_many = r#"{"free_attempts":0,"base_delay":0,"max_delay":0,"lockout_after":101,"lockout_duration":60000}"#;
        assert!(config(&[base[0], base[1], ("MFA_LOCKOUT", too_many)]).is_err());
        assert!(config(&[base[0], base[1], ("MFA_LOCKOUT", "{")]).is_err());
    }

    #[test]
    fn bootstrap_secret_is_compared_exactly_and_short_ones_are_ignored() {
        let c = config(&[
            ("RP_ID", "localhost"),
            ("RP_ORIGIN", "http://localhost:8787"),
            ("BOOTSTRAP_SECRET", "0123456789abcdef0123"),
        ])
        .unwrap();
        assert!(c.bootstrap_secret_matches(&BootstrapSecret("0123456789abcdef0123".into())));
        assert!(!c.bootstrap_secret_matches(&BootstrapSecret("0123456789abcdef012".into())));
        assert!(!c.bootstrap_secret_matches(&BootstrapSecret(String::new())));
        let short = config(&[
            ("RP_ID", "localhost"),
            ("RP_ORIGIN", "http://localhost:8787"),
            ("BOOTSTRAP_SECRET", "short"),
        ])
        .unwrap();
        assert!(!short.bootstrap_secret_matches(&BootstrapSecret("short".into())));
        assert_eq!(format!("{:?}", c.bootstrap_secret), "Some(<redacted>)");
    }
}
