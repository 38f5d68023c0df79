//! The portal's pages, one module each.

pub mod activate;
pub mod alerts;
pub mod alerts_computed;
pub mod api_tokens;
pub mod approvals;
pub mod audit;
pub mod bootstrap;
pub mod enrol;
pub mod format;
pub mod my_roles;
pub mod overview;
pub mod reports;
pub mod role_details;
pub mod roles;
pub mod security_info;
pub mod sign_in;
pub mod tokens;
pub mod users;
