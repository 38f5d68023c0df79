//! Installs, idempotently and pinned, everything a fresh machine lacks. When everything is
//! present it only asks each tool its version, which takes seconds.
//!
//! Trunk and worker-build are never allowed to download anything themselves: Trunk runs offline
//! with the versions pinned in `Trunk.toml`, and worker-build is pointed at these tools.

use crate::Result;
use crate::proc::{cmd, exec, output, root};

pub const TRUNK_VERSION: &str = "0.21.14";
pub const WORKER_BUILD_VERSION: &str = "0.8.7";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// What building and running needs.
    Build,
    /// Also the browser and its driver for the end-to-end tests.
    Everything,
}

pub fn run(needs: Needs) -> Result {
    wasm_target()?;
    cargo_tool("trunk", "trunk", TRUNK_VERSION, true)?;
    cargo_tool("worker-build", "worker-build", WORKER_BUILD_VERSION, true)?;
    cargo_tool("wasm-bindgen", "wasm-bindgen-cli", &locked_wasm_bindgen()?, false)?;
    npm_tools()?;
    if needs == Needs::Everything {
        browser()?;
        python_peers()?;
    }
    Ok(())
}

/// pyotp: an independent TOTP implementation the end-to-end tests compute codes with.
pub const PYOTP_VERSION: &str = "2.12.1";

fn python_peers() -> Result {
    let probe = "import importlib.metadata as m; print(m.version('pyotp'))";
    if output(cmd("python3").args(["-c", probe])).as_deref() == Some(PYOTP_VERSION) {
        return Ok(());
    }
    exec(
        cmd("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--root-user-action=ignore",
            ])
            .arg(format!("pyotp=={PYOTP_VERSION}")),
    )
}

fn wasm_target() -> Result {
    let installed = output(cmd("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed.lines().any(|l| l.trim() == WASM_TARGET) {
        exec(cmd("rustup").args(["target", "add", WASM_TARGET]))?;
    }
    Ok(())
}

/// Installs `krate` at exactly `version` unless `bin --version` already reports it.
/// wasm-bindgen-cli is installed without `--locked`: its lockfile names a crate version the
/// registry here does not serve.
fn cargo_tool(bin: &str, krate: &str, version: &str, locked: bool) -> Result {
    let reported = output(cmd(bin).arg("--version")).unwrap_or_default();
    if reported.split_whitespace().any(|w| w.trim_start_matches('v') == version) {
        return Ok(());
    }
    let mut c = cmd("cargo");
    c.args(["install", krate, "--version", version]);
    if locked {
        c.arg("--locked");
    }
    exec(&mut c)
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match the library exactly.
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_owned());
        }
    }
    Err("Cargo.lock has no wasm-bindgen entry".into())
}

/// wrangler (with workerd) and binaryen's wasm-opt from npm, exactly as package-lock.json says.
fn npm_tools() -> Result {
    let stamp = root().join("node_modules").join(".package-lock.json");
    let lock = root().join("package-lock.json");
    let fresh = match (std::fs::metadata(&stamp), std::fs::metadata(&lock)) {
        (Ok(s), Ok(l)) => s.modified()? >= l.modified()?,
        _ => false,
    };
    let tools_answer =
        ["wrangler", "wasm-opt", "esbuild"].iter().all(|t| crate::proc::node_bin_dir().join(t).exists());
    if !fresh || !tools_answer {
        exec(cmd("npm").args(["ci", "--no-audit", "--no-fund"]))?;
    }
    Ok(())
}

/// Debian's chromium and chromium-driver, installed together so their versions match.
fn browser() -> Result {
    let have = |b: &str| output(cmd(b).arg("--version")).is_some();
    if have("chromium") && have("chromedriver") {
        return Ok(());
    }
    let as_root = output(std::process::Command::new("id").arg("-u")).as_deref() == Some("0");
    let apt = |args: &[&str]| {
        let mut c = if as_root {
            std::process::Command::new("apt-get")
        } else {
            let mut s = std::process::Command::new("sudo");
            s.arg("apt-get");
            s
        };
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    exec(&mut apt(&["update"]))?;
    exec(&mut apt(&["install", "-y", "--no-install-recommends", "chromium", "chromium-driver"]))
}
