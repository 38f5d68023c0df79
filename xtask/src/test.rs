//! `cargo xtask test`: every check, cheapest first — formatting, lints for both targets, native
//! unit tests, then the release build and the end-to-end suites against it.

use crate::Result;
use crate::proc::{cmd, exec};
use crate::setup::{self, Needs};

const NATIVE: &[&str] = &[
    "-p",
    "elevate-shared",
    "-p",
    "elevate-backend",
    "-p",
    "xtask",
    "-p",
    "elevate-e2e",
    "-p",
    "elevate-cli",
];
const WASM: &[&str] = &["-p", "elevate-shared", "-p", "elevate-backend", "-p", "elevate-frontend"];

pub fn run() -> Result {
    setup::run(Needs::Everything)?;
    exec(cmd("cargo").args(["fmt", "--all", "--", "--check"]))?;
    exec(cmd("cargo").arg("clippy").args(NATIVE).args(["--all-targets", "--", "-D", "warnings"]))?;
    exec(cmd("cargo").arg("clippy").args(WASM).args([
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))?;
    exec(cmd("cargo").arg("test").args([
        "-p",
        "elevate-shared",
        "-p",
        "elevate-backend",
        "-p",
        "elevate-frontend",
        "-p",
        "xtask",
    ]))?;
    crate::build::artifacts()?;
    // The suites start their own worker and browser; see tests/src/stack.rs. The CLI's unit
    // tests run here too, with its test against the worker.
    exec(cmd("cargo").args([
        "test",
        "-p",
        "elevate-e2e",
        "-p",
        "elevate-cli",
        "--tests",
        "--",
        "--test-threads",
        "1",
    ]))
}
