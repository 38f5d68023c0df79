//! Elevate's portal: a client-side rendered Leptos app served by the worker from one origin.
//!
//! It renders state and sends intents; every rule it shows is enforced again by the backend.

mod accounts;
mod activation;
mod alerts;
mod api;
mod api_tokens;
mod app;
mod audit;
mod browser;
mod components;
mod pages;
mod password;
mod reports;
mod requests;
mod roles;
mod routes;
mod session;
mod tokens;
mod totp;
mod webauthn;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
