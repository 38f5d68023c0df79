//! Elevate's task runner (`cargo xtask <task>`): the one place that knows how to install the
//! toolchain, build both wasm artifacts, run the portal, test it and measure it.

mod bench;
mod build;
mod dev;
mod http;
mod proc;
mod setup;
mod test;

use std::process::ExitCode;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  setup   install everything this machine lacks (idempotent; seconds when all is present)
  build   build the SPA (Trunk) and the worker (worker-build), release mode
  dev     build, then run the portal at http://localhost:8787 and print how to sign in
          (--reset forgets the local state in .wrangler/state first)
  test    fmt, clippy (native + wasm32), unit tests, build, then the end-to-end suites
  bench   build, then measure sizes and per-run costs in workerd; write target/bench/results.json
          (`bench crypto|activation|audit` runs one group of workerd measures; the others keep
          their last results)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(setup::Needs::Everything),
        Some("build") => build::run(),
        Some("dev") => dev::run(args.iter().any(|a| a == "--reset")),
        Some("test") => test::run(),
        Some("bench") => bench::run(args.get(1).map(String::as_str)),
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
