//! The audit log at 100,000 events (issue 6): how long a search page, a page deep in the log,
//! a CSV export of everything and a verification of the whole chain take in workerd.
//!
//! The log is filled through the bench endpoint's `audit_fill` (local-only; see
//! `backend/src/edge/api/bench.rs`) in batches, with events shaped like a busy tenant's: fifty
//! people, twelve roles, requests and activations, one in twenty failing. Each measure is the
//! wall-clock time of whole requests from outside, as an administrator's browser would see it:
//! - `audit_search_first_page_ms`: p50 of the first 50 events of the whole log, newest first;
//! - `audit_search_role_page_ms`: p50 of the first 50 events about one role (a twelfth of the log);
//! - `audit_search_sparse_ms`: p50 of a sparse search, one person's failures about one role
//!   (one event in 300): the walk reads that person's index (2,000 entries) and checks each;
//! - `audit_search_page_100_ms`: the 100th page of 50, following cursors (the cost of one page
//!   far back; the 99 before it are not counted);
//! - `audit_export_csv_ms` and `…_bytes`: the whole log as CSV, to the last byte;
//! - `audit_verify_chain_ms`: the server's walk over every hash.

use elevate_e2e::api::now_ms;
use elevate_e2e::stack::Stack;
use elevate_e2e::tenant::administrator;
use elevate_shared::api::{CSRF_HEADER, CSRF_VALUE, paths};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

type Result<T = (), E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

/// Events in the log.
const EVENTS: u64 = 100_000;
/// Events per fill request.
const FILL_BATCH: u64 = 2_500;
/// Timed requests per search measure.
const REPS: usize = 15;

pub async fn measure(stack: &Stack) -> Result<Vec<Value>> {
    let admin = administrator(stack).await;
    let cookie = format!("elevate_session={}", admin.api.cookie.as_deref().unwrap_or_default());
    let http = reqwest::Client::new();

    eprintln!("audit: filling the log with {EVENTS} events");
    let started = Instant::now();
    let t0 = now_ms() - EVENTS * 1_000;
    let mut first = 0;
    while first < EVENTS {
        let events = FILL_BATCH.min(EVENTS - first);
        let body = json!({ "audit_fill": { "events": events, "first": first, "now": t0 + (first + events) * 1_000 } });
        let resp = http
            .post(stack.api(paths::BENCH))
            .header(CSRF_HEADER, CSRF_VALUE)
            .json(&body)
            .send()
            .await?
            .json::<Value>()
            .await?;
        assert_eq!(resp["verified"].as_u64(), Some(events), "fill at {first}: {resp}");
        first += events;
    }
    eprintln!("audit: filled in {:.0} s", started.elapsed().as_secs_f64());

    let get = |path: String| {
        let (http, cookie) = (http.clone(), cookie.clone());
        async move {
            let t = Instant::now();
            let resp = http.get(stack.api(&path)).header("cookie", cookie).send().await?;
            assert!(resp.status().is_success(), "{path}: {}", resp.status());
            let body = resp.bytes().await?;
            Ok::<_, Box<dyn std::error::Error>>((t.elapsed(), body))
        }
    };
    let p50 = |path: &'static str, expect: usize| {
        let get = &get;
        async move {
            let mut samples = Vec::new();
            for rep in 0..=REPS {
                let (took, body) = get(path.to_owned()).await?;
                let page: Value = serde_json::from_slice(&body)?;
                let n = page["events"].as_array().map_or(0, Vec::len);
                assert!(n >= expect, "{path}: {n} events, expected at least {expect}");
                // The first is a warm-up.
                if rep > 0 {
                    samples.push(took);
                }
            }
            samples.sort();
            Ok::<_, Box<dyn std::error::Error>>(samples[samples.len() / 2])
        }
    };
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mut out = Vec::new();
    let mut record = |name: &str, value: f64, unit: &str| {
        eprintln!("audit: {name} = {value:.1} {unit}");
        out.push(json!({ "name": name, "value": value, "unit": unit }));
    };

    record("audit_search_first_page_ms", ms(p50("/api/v1/audit/search?limit=50", 50).await?), "ms");
    record(
        "audit_search_role_page_ms",
        ms(p50("/api/v1/audit/search?role=role-07&limit=50", 50).await?),
        "ms",
    );
    // Person 19 (0x13) acts in events 19, 69, 119, …; those at 19 mod 100 fail; of those, the ones
    // at 7 mod 12 are about role-07: events 19, 319, 619, …
    let sparse = "/api/v1/audit/search?actor=00000013-0000-4000-8000-000000000013&outcome=failure&role=role-07&limit=50";
    record("audit_search_sparse_ms", ms(p50(sparse, 50).await?), "ms");

    let mut cursor: Option<String> = None;
    let mut last = Duration::ZERO;
    for _ in 0..100 {
        let path = match &cursor {
            None => "/api/v1/audit/search?limit=50".to_owned(),
            Some(c) => format!("/api/v1/audit/search?limit=50&cursor={}", elevate_shared::percent::encode(c)),
        };
        let (took, body) = get(path).await?;
        let page: Value = serde_json::from_slice(&body)?;
        cursor = page["next"].as_str().map(str::to_owned);
        last = took;
    }
    record("audit_search_page_100_ms", ms(last), "ms");

    let (took, body) = get(paths::AUDIT_VERIFY.to_owned()).await?;
    let verified: Value = serde_json::from_slice(&body)?;
    assert!(verified["broken"].is_null(), "{verified}");
    let checked = verified["events_checked"].as_u64().unwrap_or_default();
    assert!(checked > EVENTS, "{verified}");
    record("audit_verify_chain_ms", ms(took), "ms");

    let (took, csv) = get("/api/v1/audit/export?format=csv".to_owned()).await?;
    let rows = csv.iter().filter(|b| **b == b'\n').count() as u64;
    // The header, every event verified, and the export's own (recorded before the first byte).
    assert_eq!(rows, 1 + checked + 1, "rows in the CSV");
    record("audit_export_csv_ms", ms(took), "ms");
    record("audit_export_csv_bytes", csv.len() as f64, "bytes");
    Ok(out)
}
