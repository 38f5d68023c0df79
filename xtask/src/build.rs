//! Builds the two wasm artifacts in release mode: the SPA into `dist/` (Trunk) and the worker
//! into `backend/build/` (worker-build), with the pinned tools and no downloads.

use crate::Result;
use crate::proc::{cargo_bin_dir, cmd, exec, node_bin_dir, root};
use crate::setup::{self, Needs};
use std::path::{Path, PathBuf};

pub fn run() -> Result {
    setup::run(Needs::Build)?;
    artifacts()
}

/// Builds both artifacts; assumes the tools are present. An artifact newer than every one of
/// its sources is left alone (wasm-bindgen and wasm-opt would otherwise run again, ~45 s).
pub fn artifacts() -> Result {
    let top = root();
    let common = ["shared", "Cargo.toml", "Cargo.lock"];
    if newer_than(&top.join("dist/index.html"), &[&common[..], &["frontend", "Trunk.toml"]].concat()) {
        eprintln!("SPA is up to date (dist/)");
    } else {
        exec(cmd("trunk").args(["build", "--release"]))?;
    }
    if newer_than(
        &top.join("backend/build/index.js"),
        &[&common[..], &["backend/src", "backend/Cargo.toml"]].concat(),
    ) {
        eprintln!("worker is up to date (backend/build/)");
        return Ok(());
    }
    let mut worker = cmd("worker-build");
    worker
        .current_dir(root().join("backend"))
        .arg("--release")
        .env("WASM_BINDGEN_BIN", cargo_bin_dir().join("wasm-bindgen"))
        .env("WASM_OPT_BIN", node_bin_dir().join("wasm-opt"))
        .env("ESBUILD_BIN", node_bin_dir().join("esbuild"));
    exec(&mut worker)
}

/// True when `artifact` exists and is newer than every file under `sources` (relative to the root).
fn newer_than(artifact: &Path, sources: &[&str]) -> bool {
    let Ok(built) = std::fs::metadata(artifact).and_then(|m| m.modified()) else {
        return false;
    };
    let mut stack: Vec<PathBuf> = sources.iter().map(|s| root().join(s)).collect();
    while let Some(path) = stack.pop() {
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
            }
        } else if meta.modified().map_or(true, |m| m > built) {
            return false;
        }
    }
    true
}
