//! Builds the two wasm artifacts in release mode: the SPA into `dist/` (Trunk) and the worker
//! into `backend/build/` (worker-build), with the pinned tools and no downloads.

use crate::Result;
use crate::proc::{cargo_bin_dir, cmd, exec, node_bin_dir, root};
use crate::setup::{self, Needs};

pub fn run() -> Result {
    setup::run(Needs::Build)?;
    artifacts()
}

/// Builds both artifacts; assumes the tools are present.
pub fn artifacts() -> Result {
    exec(cmd("trunk").args(["build", "--release"]))?;
    let mut worker = cmd("worker-build");
    worker
        .current_dir(root().join("backend"))
        .arg("--release")
        .env("WASM_BINDGEN_BIN", cargo_bin_dir().join("wasm-bindgen"))
        .env("WASM_OPT_BIN", node_bin_dir().join("wasm-opt"))
        .env("ESBUILD_BIN", node_bin_dir().join("esbuild"));
    exec(&mut worker)
}
