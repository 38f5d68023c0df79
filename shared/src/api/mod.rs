//! The wire contract between the SPA, scripts and the worker.
//!
//! Every request and response body of `/api/v1/` is a type here, and every path is a constant in
//! [`paths`], so neither side can drift from the other. The backend turns these wire types into
//! validated domain types at the edge; the SPA only ever sends and receives them.

pub mod activation;
pub mod alerts;
pub mod approvals;
pub mod assignments;
pub mod audit;
pub mod audit_export;
pub mod auth;
pub mod demo;
pub mod domain_errors;
pub mod error;
pub mod health;
pub mod mfa;
pub mod oath;
pub mod password;
pub mod paths;
pub mod reports;
pub mod roles;
pub mod routes;
pub mod tokens;
pub mod users;

pub use error::{ApiError, ErrorBody, ErrorCode};

/// The header every state-changing request must carry. A cross-site form cannot set a custom
/// header, and a cross-site `fetch` that sets one needs a CORS preflight that the worker never
/// grants, so its presence proves the request came from the portal's own origin.
pub const CSRF_HEADER: &str = "x-elevate-csrf";
/// The value the SPA sends in [`CSRF_HEADER`].
pub const CSRF_VALUE: &str = "1";
/// The largest request body the API reads, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
