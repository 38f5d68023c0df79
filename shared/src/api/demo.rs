//! The local demo tenant: what `cargo xtask dev` seeds and prints. The endpoint exists only when
//! `DEMO_TENANT=on`, which the worker refuses unless the relying party is `localhost`.

use crate::ids::{DisplayName, Username};
use serde::{Deserialize, Serialize};

/// `POST /api/v1/demo/seed`: seeds once; later calls report the same accounts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoSeeded {
    /// False when the tenant had been seeded before.
    pub created: bool,
    pub accounts: Vec<DemoAccount>,
    /// Role names, for the banner.
    pub roles: Vec<String>,
}

/// A demo person and how to sign in as them. The passwords are public demo values, which is
/// why this exists only on localhost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoAccount {
    pub username: Username,
    pub display_name: DisplayName,
    pub password: String,
    /// Their authenticator app's `otpauth://` URI, to add to a real app for the second factor.
    #[serde(default)]
    pub otpauth_uri: Option<String>,
    /// What they can do in the demo.
    pub about: String,
}
