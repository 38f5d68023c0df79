//! How soon an activation is visible, and how many activations a member can run through per
//! second (issue 5's targets: visible on `GET /api/v1/me/roles` within 1 s at p99).
//!
//! The tenant is set up over the API as the suites do ([`elevate_e2e::tenant`]): the
//! bootstrapped administrator, a member with a software key who signs in again with it (a
//! passkey sign-in records the session's MFA evidence; the invitation's session has none), and
//! a role whose MFA freshness window is the longest allowed (8 hours), so the sign-in's MFA
//! counts and `POST /api/v1/activations` activates in one call. The member sends a
//! justification, which the role's default settings require.
//!
//! Each cycle, timed from outside with wall-clock time: create the activation (its answer must
//! say `active`); at once, read `GET /api/v1/me/roles` until it lists the role, and take the time
//! from the arrival of the activation's answer to the arrival of the first read that lists it
//! (normally the first read; the loop gives up after [`VISIBLE_WITHIN`]); then deactivate, so
//! the next activation is allowed. [`WARM_UP`] cycles first are not counted. Reported: p50 and
//! p99 (nearest rank) of that time over [`ACTIVATIONS`] cycles, the p50 of the create call
//! alone, and whole cycles (create + visible + deactivate) per second.

use elevate_e2e::stack::Stack;
use elevate_e2e::tenant::{active_roles, administrator, eligible, member, role};
use elevate_shared::api::paths;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

type Result<T = (), E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

/// Counted activation cycles.
const ACTIVATIONS: usize = 200;
/// Cycles run before the counted ones (first requests to the objects, compilation, caches).
const WARM_UP: usize = 5;
/// How long a read may go on missing the grant before the bench fails.
const VISIBLE_WITHIN: Duration = Duration::from_secs(10);
/// The role activated.
const ROLE: &str = "bench-ops";
/// The longest MFA freshness window a role may have: the member's sign-in counts throughout.
const FRESHNESS_MS: u64 = 8 * 60 * 60_000;
/// How long each activation asks for (it is deactivated long before).
const DURATION_MS: u64 = 60 * 60_000;

/// One cycle's times.
struct Cycle {
    /// Sending the create request to the arrival of its answer.
    create: Duration,
    /// The arrival of the create answer to the arrival of the first read listing the role.
    visible: Duration,
    /// Reads it took (1 when the very next read listed the role).
    reads: usize,
    /// Create, visible and deactivate together.
    whole: Duration,
}

/// The measures, as `workerd-bench` prints them.
pub async fn measure(stack: &Stack) -> Result<Vec<Value>> {
    eprintln!("activation: setting up the administrator, a member and the role {ROLE}");
    let admin = administrator(stack).await;
    let mut member = member(stack, &admin, "bench-member", 2).await;
    member.sign_in_again().await;
    role(&admin, ROLE, |s| {
        s["activation_mfa"]["freshness"] = json!({ "mode": "within", "window": FRESHNESS_MS })
    })
    .await;
    eligible(&admin, &member, ROLE).await;
    let api = &member.api;

    for _ in 0..WARM_UP {
        cycle(api).await?;
    }
    let mut cycles = Vec::with_capacity(ACTIVATIONS);
    let started = Instant::now();
    for _ in 0..ACTIVATIONS {
        cycles.push(cycle(api).await?);
    }
    let elapsed = started.elapsed();

    let late_reads = cycles.iter().filter(|c| c.reads > 1).count();
    let mut visible: Vec<Duration> = cycles.iter().map(|c| c.visible).collect();
    let mut create: Vec<Duration> = cycles.iter().map(|c| c.create).collect();
    let whole: Duration = cycles.iter().map(|c| c.whole).sum();
    let per_s = ACTIVATIONS as f64 / whole.as_secs_f64();
    // Whether the member's growing request history slows the calls: first and last quarter.
    let quarter = ACTIVATIONS / 4;
    let mut first: Vec<Duration> = cycles[..quarter].iter().map(|c| c.whole).collect();
    let mut last: Vec<Duration> = cycles[ACTIVATIONS - quarter..].iter().map(|c| c.whole).collect();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (v50, v99) = (percentile(&mut visible, 50), percentile(&mut visible, 99));
    let (c50, c99) = (percentile(&mut create, 50), percentile(&mut create, 99));
    eprintln!(
        "activation: {ACTIVATIONS} cycles in {:.1} s ({per_s:.1}/s); visible p50 {:.1} ms, p99 {:.1} ms, \
         max {:.1} ms (goal p99 < 1000 ms); {late_reads} needed more than one read; create p50 {:.1} ms, \
         p99 {:.1} ms; cycle median {:.1} ms in the first quarter, {:.1} ms in the last",
        elapsed.as_secs_f64(),
        ms(v50),
        ms(v99),
        ms(visible[ACTIVATIONS - 1]),
        ms(c50),
        ms(c99),
        ms(percentile(&mut first, 50)),
        ms(percentile(&mut last, 50)),
    );
    Ok(vec![
        json!({ "name": "activation_visible_p50_ms", "value": ms(v50), "unit": "ms" }),
        json!({ "name": "activation_visible_p99_ms", "value": ms(v99), "unit": "ms" }),
        json!({ "name": "activation_create_p50_ms", "value": ms(c50), "unit": "ms" }),
        json!({ "name": "activation_round_trips_per_s", "value": per_s, "unit": "cycles/s" }),
    ])
}

/// Activate, wait until the grant is listed, deactivate.
async fn cycle(api: &elevate_e2e::api::Api<'_>) -> Result<Cycle> {
    let draft = json!({ "role": ROLE, "draft": {
        "scope": "/", "start": { "kind": "immediate" }, "duration": DURATION_MS,
        "justification": "Measuring activation latency",
    } });
    let sent = Instant::now();
    let created = api.post(paths::ACTIVATIONS, &draft).await;
    let answered = Instant::now();
    if created.status != 201 || created.body["request"]["state"]["state"] != "active" {
        return Err(format!("activation not active at once ({}): {}", created.status, created.body).into());
    }
    let mut reads = 0;
    let visible = loop {
        let roles = api.get(paths::MY_ROLES).await;
        let arrived = Instant::now();
        reads += 1;
        if roles.status != 200 {
            return Err(format!("my roles answered {}: {}", roles.status, roles.body).into());
        }
        if active_roles(&roles).iter().any(|r| r == ROLE) {
            break arrived - answered;
        }
        if arrived - answered > VISIBLE_WITHIN {
            return Err(format!("the grant was not listed within {VISIBLE_WITHIN:?}: {}", roles.body).into());
        }
    };
    let request = &created.body["request"]["id"];
    let off = api.post(paths::ACTIVATION_DEACTIVATE, &json!({ "request": request })).await;
    if off.status != 200 || off.body["request"]["state"]["state"] != "deactivated" {
        return Err(format!("deactivation answered {}: {}", off.status, off.body).into());
    }
    Ok(Cycle { create: answered - sent, visible, reads, whole: sent.elapsed() })
}

/// The nearest-rank `p`th percentile (sorts `samples`).
fn percentile(samples: &mut [Duration], p: usize) -> Duration {
    samples.sort();
    let rank = (samples.len() * p).div_ceil(100).max(1);
    samples[rank - 1]
}
