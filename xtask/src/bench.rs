//! `cargo xtask bench`: measures what the issues set targets for and writes
//! `target/bench/results.json` (one entry per measure: name, value, unit). Entries written by
//! other benches with other names are kept.
//!
//! Three kinds of measure: the gzip sizes of the built SPA and worker; what the CPU-heavy
//! verifications (TOTP, P-256 and RSA-2048 assertions, password) cost per run inside workerd;
//! and, after those, how soon an activation is visible on `GET /api/v1/me/roles` (p50, p99
//! over 200 activations) and how many activation cycles (create, visible, deactivate) run per
//! second; and the audit log at 100,000 events (search pages, a page far back, the whole log as
//! CSV, verification of the chain). The workerd measures come from `tests/src/bin/workerd_bench.rs` (and its
//! `activation` module), which starts a local test stack and times requests from outside (see
//! there for how).

use crate::Result;
use crate::proc::{cmd, root};
use crate::setup::{self, Needs};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::process::Stdio;

/// Every measure, or with `group` only that group of workerd measures (`crypto`, `activation`,
/// `audit`).
pub fn run(group: Option<&str>) -> Result {
    // The workerd measures start a whole test stack, browser driver included.
    setup::run(Needs::Everything)?;
    crate::build::artifacts()?;
    record(&sizes()?)?;
    record(&workerd(group)?)
}

/// The gzip -9 sizes of the SPA's and the worker's built files.
fn sizes() -> Result<Vec<(String, f64, String)>> {
    let mut measures = Vec::new();
    let dist = root().join("dist");
    for (name, ext) in [("spa_wasm_gzip", "wasm"), ("spa_js_gzip", "js"), ("spa_css_gzip", "css")] {
        measures.push((name.to_owned(), gzip_size_of(&dist, &[ext])? as f64, "bytes".to_owned()));
    }
    let spa_total: f64 = measures.iter().map(|m| m.1).sum();
    measures.push(("spa_total_gzip".to_owned(), spa_total, "bytes".to_owned()));
    let worker = root().join("backend").join("build");
    measures.push((
        "worker_bundle_gzip".to_owned(),
        gzip_size_of(&worker, &["wasm", "js", "mjs"])? as f64,
        "bytes".to_owned(),
    ));
    Ok(measures)
}

/// The per-run costs and the activation measures in workerd, as `workerd-bench` prints them (`[{"name","value","unit"}]`).
/// Its own progress goes to standard error, which is passed through.
fn workerd(group: Option<&str>) -> Result<Vec<(String, f64, String)>> {
    let mut bench = cmd("cargo");
    // The dev profile: the measured work runs in the release worker; the driver only builds
    // credentials and times requests, and the release profile is size-tuned for wasm.
    bench.args(["run", "--quiet", "-p", "elevate-e2e", "--bin", "workerd-bench", "--"]).args(group);
    eprintln!("$ cargo run --quiet -p elevate-e2e --bin workerd-bench -- {}", group.unwrap_or(""));
    let out = bench.stderr(Stdio::inherit()).output()?;
    if !out.status.success() {
        return Err(format!("workerd-bench failed ({})", out.status).into());
    }
    let printed: Vec<Value> =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("workerd-bench printed no measures: {e}"))?;
    printed
        .iter()
        .map(|m| match (m["name"].as_str(), m["value"].as_f64(), m["unit"].as_str()) {
            (Some(name), Some(value), Some(unit)) => Ok((name.to_owned(), value, unit.to_owned())),
            _ => Err(format!("workerd-bench printed a malformed measure: {m}").into()),
        })
        .collect()
}

/// Sum of the gzip -9 sizes of the files under `dir` with one of `exts`. Hidden folders are
/// skipped: worker-build stages its next output in `backend/build/.tmp/` while it runs.
fn gzip_size_of(dir: &Path, exts: &[&str]) -> Result<usize> {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                if !path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.')) {
                    stack.push(path);
                }
            } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| exts.contains(&e)) {
                let mut gz = GzEncoder::new(Vec::new(), Compression::best());
                gz.write_all(&std::fs::read(&path)?)?;
                total += gz.finish()?.len();
            }
        }
    }
    Ok(total)
}

/// Prints the measures and merges them into the results file by name.
pub fn record(measures: &[(String, f64, String)]) -> Result {
    let dir = root().join("target").join("bench");
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("results.json");
    let mut entries: Vec<Value> =
        std::fs::read_to_string(&file).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
    for (name, value, unit) in measures {
        // Sizes are whole bytes; per-run costs keep a decimal.
        let decimals = usize::from(value.fract() != 0.0);
        println!("{name:<40} {value:>12.decimals$} {unit}");
        entries.retain(|e| e["name"] != json!(name));
        entries.push(json!({ "name": name, "value": value, "unit": unit }));
    }
    std::fs::write(&file, serde_json::to_string_pretty(&entries)?)?;
    println!("wrote {}", file.display());
    Ok(())
}
