//! `cargo xtask dev`: builds, then runs the whole portal (SPA + API) on http://localhost:8787
//! with local KV and Durable Objects persisted in `.wrangler/state`, and prints how to sign in.

use crate::Result;
use crate::proc::{cmd, root};
use elevate_shared::api::demo::DemoSeeded;
use std::time::Duration;

pub const PORT: u16 = 8787;

pub fn run(reset: bool) -> Result {
    crate::build::run()?;
    let state = root().join(".wrangler").join("state");
    if reset && state.exists() {
        std::fs::remove_dir_all(&state)?;
        eprintln!("Forgot the local state in {}.", state.display());
    }
    // A new secret every start; it is only usable while no administrator exists.
    let mut secret = [0u8; 24];
    getrandom::fill(&mut secret).map_err(|e| format!("no randomness: {e}"))?;
    let secret = hex::encode(secret);

    let mut wrangler = cmd("wrangler");
    wrangler
        .args(["dev", "--local", "--ip", "127.0.0.1", "--port", &PORT.to_string()])
        .args(["--show-interactive-dev-session=false", "--persist-to"])
        .arg(&state)
        .arg("--var")
        .arg(format!("BOOTSTRAP_SECRET:{secret}"))
        .args(["--var", "DEMO_TENANT:on"]);
    offline_env(&mut wrangler);
    let mut child = wrangler.spawn().map_err(|e| format!("cannot start wrangler: {e}"))?;

    if !crate::http::wait_ok(PORT, "/api/v1/health", Duration::from_secs(90)) {
        let _ = child.kill();
        return Err("the worker did not become healthy within 90 s".into());
    }
    let open = crate::http::get(PORT, "/api/v1/bootstrap")
        .map(|(_, body)| body.contains("\"open\":true"))
        .unwrap_or(false);
    let demo = crate::http::post(PORT, elevate_shared::api::paths::DEMO_SEED, "{}")
        .filter(|(status, _)| *status == 200)
        .and_then(|(_, body)| serde_json::from_str::<DemoSeeded>(&body).ok());
    let url = format!("http://localhost:{PORT}");
    eprintln!("\n================ Elevate is running ================");
    eprintln!("Portal: {url}");
    if open {
        eprintln!("First run: open the portal and create the first administrator with");
        eprintln!("  bootstrap secret: {secret}");
        eprintln!("  then sign in with the passkey you enrolled.");
    } else {
        eprintln!("Sign in at {url} with the administrator's passkey.");
        eprintln!(
            "(An administrator already exists in .wrangler/state; `cargo xtask dev --reset` starts over.)"
        );
    }
    match demo {
        Some(demo) => print_demo(&demo),
        None => eprintln!("(The demo tenant could not be seeded; see the wrangler output above.)"),
    }
    eprintln!("Stop with Ctrl-C.\n=====================================================\n");
    let status = child.wait()?;
    if !status.success() {
        return Err(format!("wrangler exited with {status}").into());
    }
    Ok(())
}

/// The demo people and how to sign in as them (public demo passwords; localhost only).
fn print_demo(demo: &DemoSeeded) {
    let state = if demo.created { "seeded just now" } else { "seeded earlier" };
    eprintln!("\nDemo tenant ({state}): roles {}.", demo.roles.join(", "));
    eprintln!("Demo people sign in with username + password (Sign in page), then the second factor:");
    for a in &demo.accounts {
        eprintln!("  {:<6} password: {:<26} {}", a.username, a.password, a.about);
        if let Some(uri) = &a.otpauth_uri {
            eprintln!("         authenticator app (add this to your app, or `oathtool`): {uri}");
        }
    }
}

/// wrangler must not try to reach Cloudflare: no telemetry, no banner checks, no `cf` fetch.
pub fn offline_env(c: &mut std::process::Command) {
    c.env("WRANGLER_SEND_METRICS", "false")
        .env("WRANGLER_SEND_ERROR_REPORTS", "false")
        .env("WRANGLER_HIDE_BANNER", "true")
        .env("CLOUDFLARE_CF_FETCH_ENABLED", "false");
}
