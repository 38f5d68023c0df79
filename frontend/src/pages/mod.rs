//! The portal's pages, one module each.

pub mod activate;
pub mod alerts;
pub mod approvals;
pub mod bootstrap;
pub mod enrol;
pub mod format;
pub mod my_roles;
pub mod not_built;
pub mod overview;
pub mod roles;
pub mod security_info;
pub mod sign_in;
pub mod tokens;
pub mod users;
