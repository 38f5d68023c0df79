//! End-to-end harness: the real worker under `wrangler dev` (local KV and Durable Objects) and
//! the real SPA in headless Chromium driven over W3C WebDriver, with a virtual authenticator
//! performing real WebAuthn ceremonies.
//!
//! The suites in `tests/` expect `cargo xtask build` to have produced `dist/` and
//! `backend/build/` (`cargo xtask test` does that first).

pub mod api;
pub mod browser;
pub mod peers;
pub mod soft_authenticator;
pub mod stack;
pub mod tenant;
pub mod webdriver;
