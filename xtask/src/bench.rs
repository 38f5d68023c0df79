//! `cargo xtask bench`: measures what the issues set targets for and writes
//! `target/bench/results.json` (one entry per measure: name, value, unit). Entries written by
//! other benches with other names are kept.

use crate::Result;
use crate::proc::root;
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;

pub fn run() -> Result {
    crate::build::run()?;
    let mut measures = Vec::new();
    let dist = root().join("dist");
    for (name, ext) in [("spa_wasm_gzip", "wasm"), ("spa_js_gzip", "js"), ("spa_css_gzip", "css")] {
        measures.push((name.to_owned(), gzip_size_of(&dist, &[ext])? as f64, "bytes"));
    }
    let spa_total: f64 = measures.iter().map(|m| m.1).sum();
    measures.push(("spa_total_gzip".to_owned(), spa_total, "bytes"));
    let worker = root().join("backend").join("build");
    measures.push((
        "worker_bundle_gzip".to_owned(),
        gzip_size_of(&worker, &["wasm", "js", "mjs"])? as f64,
        "bytes",
    ));
    record(&measures)
}

/// Sum of the gzip -9 sizes of the files under `dir` with one of `exts`.
fn gzip_size_of(dir: &Path, exts: &[&str]) -> Result<usize> {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
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
pub fn record(measures: &[(String, f64, &str)]) -> Result {
    let dir = root().join("target").join("bench");
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("results.json");
    let mut entries: Vec<Value> =
        std::fs::read_to_string(&file).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
    for (name, value, unit) in measures {
        println!("{name:<28} {value:>12.0} {unit}");
        entries.retain(|e| e["name"] != json!(name));
        entries.push(json!({ "name": name, "value": value, "unit": unit }));
    }
    std::fs::write(&file, serde_json::to_string_pretty(&entries)?)?;
    println!("wrote {}", file.display());
    Ok(())
}
