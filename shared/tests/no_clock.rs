//! The core never reads a clock: time is always a parameter. Clippy's `disallowed-methods`
//! (shared/clippy.toml) catches `SystemTime::now` and `Instant::now`; this test also catches what
//! clippy cannot see, such as `js_sys::Date::now()` or a helper named `now()`, in every source
//! file of the crate. Comments may mention them (they explain the rule).

use std::path::{Path, PathBuf};

const FORBIDDEN: [&str; 4] = ["SystemTime", "Instant::now", "Date::now", "now()"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The line without its `//` comment, if any.
fn code_of(line: &str) -> &str {
    line.find("//").map_or(line, |i| &line[..i])
}

#[test]
fn no_source_file_reads_a_clock() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 10, "found only {} files under {}", files.len(), src.display());
    let mut hits = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable source");
        for (n, line) in text.lines().enumerate() {
            let code = code_of(line);
            for pattern in FORBIDDEN {
                if code.contains(pattern) {
                    hits.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(hits.is_empty(), "clock reads in the core:\n{}", hits.join("\n"));
}

#[test]
fn the_scanner_sees_what_it_should() {
    assert!(FORBIDDEN.iter().any(|p| code_of("let t = js_sys::Date::now();").contains(p)));
    assert!(!FORBIDDEN.iter().any(|p| code_of("/// the worker's `Date.now()`").contains(p)));
}
