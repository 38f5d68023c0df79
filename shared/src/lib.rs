//! Elevate's core, shared by the worker and the SPA.
//!
//! It holds the rules (domain types and pure logic) and the one wire contract (`api`), so the
//! backend enforces and the frontend shows exactly the same thing. Nothing here performs I/O or
//! reads a clock: time is always a parameter, which keeps every rule testable natively and fast.

pub mod api;
pub mod domain;
pub mod ids;
pub mod percent;
pub mod time;
