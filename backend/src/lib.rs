//! Elevate's worker: a thin HTTP API over the shared domain core.
//!
//! The modules at this level are plain Rust written against the [`storage::Store`] port and run
//! natively in tests; [`edge`] is the only place that knows about the Workers runtime (routing,
//! KV, Durable Objects, cookies) and it is compiled for wasm32 only.

// Without the edge (native builds exist only for tests) much of the crate is unused.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod access;
mod audit_log;
mod ceremony;
mod config;
mod demo;
mod directory;
mod error;
mod keys;
mod password;
mod random;
mod rpc;
mod session;
mod storage;
mod tenant_object;
mod user_object;
mod webauthn;

#[cfg(target_arch = "wasm32")]
mod edge;
