//! Independent implementations the suites check Elevate against.

use std::process::Command;

/// The TOTP code for `otpauth_uri` at `unix_secs`, computed by Python's pyotp (installed by
/// `cargo xtask setup`), not by Elevate's code.
pub fn pyotp_code(otpauth_uri: &str, unix_secs: u64) -> String {
    let out = Command::new("python3")
        .args(["-c", "import pyotp, sys; print(pyotp.parse_uri(sys.argv[1]).at(int(sys.argv[2])))"])
        .args([otpauth_uri, &unix_secs.to_string()])
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "pyotp failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}
