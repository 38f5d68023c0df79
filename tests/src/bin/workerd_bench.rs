//! `workerd-bench`: what the CPU-heavy verifications cost per run in workerd, the real Workers
//! runtime, run locally by `wrangler dev`; then, on the same stack, how soon an activation is
//! visible and how many activation cycles run per second ([`activation`]), and what searching,
//! exporting and verifying the audit log cost at 100,000 events ([`audit`]). An argument
//! (`crypto`, `activation`, `audit`) runs one group alone. Prints the measures
//! as JSON on standard output (`[{"name","value","unit"}]`) for `cargo xtask bench` to record;
//! progress goes to standard error.
//!
//! How it measures: workerd freezes `Date.now()` while a request computes, so the worker cannot
//! time itself. Its local-only `POST /api/v1/bench` (`backend/src/edge/api/bench.rs`, answered
//! only where the test clock is on) runs one operation k times and answers how many runs
//! verified. This driver starts a stack with `TEST_CLOCK=on`, times whole requests from outside
//! with k runs and with none, interleaved, [`REPS`] times each after a warm-up, checks that every
//! run verified, and reports (median t(k) − median t(0)) / k. Fixed costs (HTTP, routing,
//! decoding, set-up) are in both and cancel. On a busy machine wall-clock time also counts
//! waiting for a CPU, so where Linux's `/proc` shows wrangler's processes it also reports their
//! CPU time per run the same way (`…_cpu_us`/`…_cpu_ms`: summed over the requests rather than
//! medians), as a cross-check.
//!
//! The inputs are real: a TOTP code computed by `elevate_shared` for the time sent; passkeys
//! registered natively with webauthn-rs from soft-authenticator attestations (P-256 from
//! [`elevate_e2e::soft_authenticator`], RSA-2048 from [`RsaCredential`] below), and assertions
//! signed over a challenge webauthn-rs issued, each verified natively once before it is sent.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use elevate_e2e::soft_authenticator::{Bend, SoftCredential, UP, UV};
use elevate_e2e::stack::Stack;
use elevate_shared::api::{CSRF_HEADER, CSRF_VALUE, paths};
use elevate_shared::domain::totp::{self, TotpParams, TotpSecret};
use elevate_shared::time::UnixMillis;
use rand_chacha::ChaCha20Rng;
use rsa::pkcs1v15::SigningKey;
use rsa::rand_core::SeedableRng;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, sha2::Sha256 as RsaSha256};
use serde_cbor_2::Value as Cbor;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use webauthn_rs::prelude::{
    Passkey, PublicKeyCredential, RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder,
};

// A binary's root finds modules beside it, where Cargo would take a file for another binary.
#[path = "workerd_bench/activation.rs"]
mod activation;
#[path = "workerd_bench/audit.rs"]
mod audit;

type Result<T = (), E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

/// Timed requests per iteration count (after one warm-up of each).
const REPS: usize = 15;
/// The relying party id every test stack has (`wrangler.toml`).
const RP_ID: &str = "localhost";

/// One operation to measure.
struct Measure {
    name: &'static str,
    unit: Unit,
    /// Runs per timed request: enough that the runs take well over the request's own noise.
    k: u32,
    /// The operation the bench endpoint runs, and its inputs (all but `iterations`).
    op: &'static str,
    inputs: Value,
}

#[derive(Clone, Copy)]
enum Unit {
    Micros,
    Millis,
}

impl Unit {
    fn of(self, d: Duration) -> f64 {
        match self {
            Self::Micros => d.as_secs_f64() * 1e6,
            Self::Millis => d.as_secs_f64() * 1e3,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Micros => "us",
            Self::Millis => "ms",
        }
    }
}

#[tokio::main]
async fn main() -> Result {
    // One group (`crypto`, `activation`, `audit`) when named, else all.
    let only = std::env::args().nth(1);
    let run = |group: &str| only.as_deref().is_none_or(|o| o == group);
    let stack = Stack::start_with("bench", &[("TEST_CLOCK", "on")]).await;
    let origin = stack.origin().to_owned();
    let webauthn = WebauthnBuilder::new(RP_ID, &Url::parse(&origin)?)
        .and_then(|b| b.rp_name("Elevate bench").build())
        .map_err(|e| format!("relying party: {e:?}"))?;

    let measures = if run("crypto") {
        eprintln!("building the credentials (RSA-2048 key generation takes a moment)");
        vec![
            Measure {
                name: "workerd_totp_check_us",
                unit: Unit::Micros,
                k: 5_000,
                op: "totp",
                inputs: totp_inputs(),
            },
            Measure {
                name: "workerd_p256_assertion_verify_us",
                unit: Unit::Micros,
                k: 100,
                op: "assertion",
                inputs: p256_inputs(&webauthn, &origin)?,
            },
            Measure {
                name: "workerd_rsa2048_assertion_verify_us",
                unit: Unit::Micros,
                k: 100,
                op: "assertion",
                inputs: rsa_inputs(&webauthn, &origin)?,
            },
            Measure {
                name: "workerd_password_check_ms",
                unit: Unit::Millis,
                k: 10,
                op: "password",
                inputs: json!({ "password": "correct horse battery staple" }),
            },
        ]
    } else {
        Vec::new()
    };

    let port = origin.rsplit(':').next().unwrap_or_default();
    let bench =
        Bench { http: reqwest::Client::new(), url: stack.api(paths::BENCH), cpu: CpuMeter::find(port) };
    if bench.cpu.is_none() {
        eprintln!("workerd's process not found in /proc: measuring wall-clock time only");
    }
    let mut results = Vec::new();
    for m in &measures {
        let (wall, cpu) = bench.per_run(m).await?;
        let unit = m.unit.name();
        results.push(json!({ "name": m.name, "value": m.unit.of(wall), "unit": unit }));
        if let (Some(cpu), Some((stem, _))) = (cpu, m.name.rsplit_once('_')) {
            results
                .push(json!({ "name": format!("{stem}_cpu_{unit}"), "value": m.unit.of(cpu), "unit": unit }));
        }
    }
    if run("activation") {
        results.extend(activation::measure(&stack).await?);
    }
    if run("audit") {
        results.extend(audit::measure(&stack).await?);
    }
    println!("{}", Value::Array(results));
    Ok(())
}

/// Where and how requests are sent and timed.
struct Bench {
    http: reqwest::Client,
    url: String,
    cpu: Option<CpuMeter>,
}

/// One timed request: wall-clock time, and the CPU time workerd spent on it if it can be read.
struct Timed {
    wall: Duration,
    cpu: Option<Duration>,
}

impl Bench {
    /// Per run: (median t(k) − median t(0)) / k of wall-clock time, and (Σ cpu(k) − Σ cpu(0)) /
    /// (reps · k) of workerd's CPU time, with every run of every request verified. Progress
    /// shows each median with the fastest and slowest request (sorted by then).
    async fn per_run(&self, m: &Measure) -> Result<(Duration, Option<Duration>)> {
        self.time(m, m.k).await?;
        self.time(m, 0).await?;
        let (mut with, mut without) = (Vec::with_capacity(REPS), Vec::with_capacity(REPS));
        let (mut cpu_with, mut cpu_without) = (Some(Duration::ZERO), Some(Duration::ZERO));
        for _ in 0..REPS {
            let t = self.time(m, m.k).await?;
            with.push(t.wall);
            cpu_with = cpu_with.zip(t.cpu).map(|(a, b)| a + b);
            let t = self.time(m, 0).await?;
            without.push(t.wall);
            cpu_without = cpu_without.zip(t.cpu).map(|(a, b)| a + b);
        }
        let (t_k, t_0) = (median(&mut with), median(&mut without));
        let wall = t_k.saturating_sub(t_0) / m.k;
        let cpu = cpu_with.zip(cpu_without).map(|(a, b)| a.saturating_sub(b) / (m.k * REPS as u32));
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let unit = m.unit.name();
        eprintln!(
            "{:<36} k={:<5} t(k)={:>6.1} ms ({:.1}..{:.1})  t(0)={:>4.1} ms ({:.1}..{:.1})  \
             per run {:.1} {unit}, cpu {}",
            m.name,
            m.k,
            ms(t_k),
            ms(with[0]),
            ms(with[REPS - 1]),
            ms(t_0),
            ms(without[0]),
            ms(without[REPS - 1]),
            m.unit.of(wall),
            cpu.map_or("unknown".to_owned(), |c| format!("{:.1} {unit}", m.unit.of(c))),
        );
        Ok((wall, cpu))
    }

    /// One request with `k` runs, timed from sending to the last byte of the answer.
    async fn time(&self, m: &Measure, k: u32) -> Result<Timed> {
        let mut inputs = m.inputs.clone();
        inputs["iterations"] = k.into();
        let body = json!({ m.op: inputs });
        let request = self.http.post(&self.url).header(CSRF_HEADER, CSRF_VALUE).json(&body).build()?;
        let cpu_before = self.cpu.as_ref().map(CpuMeter::used);
        let started = Instant::now();
        let resp = self.http.execute(request).await?;
        let status = resp.status();
        let text = resp.text().await?;
        let wall = started.elapsed();
        let cpu = self
            .cpu
            .as_ref()
            .map(CpuMeter::used)
            .zip(cpu_before)
            .map(|(after, before)| after.saturating_sub(before));
        let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if status != 200 || answer["verified"] != json!(k) {
            return Err(format!("{}: {k} runs answered {status}: {text}", m.name).into());
        }
        Ok(Timed { wall, cpu })
    }
}

/// The CPU time of the processes `wrangler dev` started (the worker's workerd, its proxy, and
/// wrangler itself), from Linux's per-thread scheduler statistics. Waiting for a CPU on a busy
/// machine inflates wall-clock time but not this; the processes' per-request overhead is in
/// t(0) as well and cancels.
struct CpuMeter {
    process_group: u32,
}

impl CpuMeter {
    /// The process group of the workerd that listens on `port`.
    fn find(port: &str) -> Option<Self> {
        let listens = format!("entry=127.0.0.1:{port}");
        std::fs::read_dir("/proc").ok()?.flatten().find_map(|entry| {
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&cmdline);
            if !(cmdline.contains("workerd") && cmdline.contains(&listens)) {
                return None;
            }
            process_group_of(&entry.path()).map(|process_group| Self { process_group })
        })
    }

    /// CPU time used so far by every thread of every process in the group.
    fn used(&self) -> Duration {
        let mut nanos = 0u64;
        let Ok(processes) = std::fs::read_dir("/proc") else { return Duration::ZERO };
        for process in processes.flatten().map(|e| e.path()) {
            if process_group_of(&process) != Some(self.process_group) {
                continue;
            }
            let Ok(tasks) = std::fs::read_dir(process.join("task")) else { continue };
            for task in tasks.flatten() {
                // `schedstat`: nanoseconds on a CPU, nanoseconds waiting, time slices.
                let stat = std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
                nanos += stat.split_whitespace().next().and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
            }
        }
        Duration::from_nanos(nanos)
    }
}

/// The process group in `/proc/PID/stat`: the third field after the parenthesised command name.
fn process_group_of(process: &std::path::Path) -> Option<u32> {
    let stat = std::fs::read_to_string(process.join("stat")).ok()?;
    stat.rsplit_once(')')?.1.split_whitespace().nth(2)?.parse().ok()
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// A six-digit SHA-1 code for now, and the time it is for.
fn totp_inputs() -> Value {
    let secret = TotpSecret::generated(b"elevate-bench-secret".to_vec()).unwrap_or_else(|e| panic!("{e}"));
    let now = UnixMillis(
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or_default(),
    );
    let code = totp::code_at(&secret, TotpParams::default(), now);
    json!({ "secret": secret.to_base32(), "code": code.expose(), "now": now })
}

fn p256_inputs(webauthn: &Webauthn, origin: &str) -> Result<Value> {
    let mut key = SoftCredential::new(7, 32);
    let honest = Bend::honest(origin);
    let passkey = register(webauthn, 1, |options| key.attest(options, &honest))?;
    assertion_inputs(webauthn, &passkey, |options| key.assert(options, &honest))
}

fn rsa_inputs(webauthn: &Webauthn, origin: &str) -> Result<Value> {
    let key = RsaCredential::new()?;
    let passkey = register(webauthn, 2, |options| key.attest(options, origin))?;
    assertion_inputs(webauthn, &passkey, |options| key.assert(options, origin))
}

/// A passkey registered with webauthn-rs's own (native) registration, from the attestation
/// `attest` makes for its creation options.
fn register(webauthn: &Webauthn, user: u128, attest: impl FnOnce(&Value) -> Value) -> Result<Passkey> {
    let (options, state) = webauthn
        .start_passkey_registration(Uuid::from_u128(user), "bench", "Bench", None)
        .map_err(|e| format!("start registration: {e:?}"))?;
    let credential: RegisterPublicKeyCredential =
        serde_json::from_value(attest(&serde_json::to_value(&options)?))?;
    Ok(webauthn
        .finish_passkey_registration(&credential, &state)
        .map_err(|e| format!("registration: {e:?}"))?)
}

/// The inputs of an assertion run: webauthn-rs's authentication state for `passkey` and the
/// answer `assert` signs for its challenge, verified natively first.
fn assertion_inputs(
    webauthn: &Webauthn,
    passkey: &Passkey,
    assert: impl FnOnce(&Value) -> Value,
) -> Result<Value> {
    let (options, state) = webauthn
        .start_passkey_authentication(std::slice::from_ref(passkey))
        .map_err(|e| format!("start authentication: {e:?}"))?;
    let credential = assert(&serde_json::to_value(&options)?);
    let parsed: PublicKeyCredential = serde_json::from_value(credential.clone())?;
    webauthn.finish_passkey_authentication(&parsed, &state).map_err(|e| format!("native check: {e:?}"))?;
    Ok(json!({ "state": state, "credential": credential }))
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// An RSA-2048 credential (COSE RS256, RSASSA-PKCS1-v1_5 with SHA-256), answering the way
/// [`SoftCredential`] does: `none` attestation, user present and verified.
struct RsaCredential {
    id: Vec<u8>,
    key: SigningKey<RsaSha256>,
    n: Vec<u8>,
    e: Vec<u8>,
}

impl RsaCredential {
    fn new() -> Result<Self> {
        let private = RsaPrivateKey::new(&mut ChaCha20Rng::seed_from_u64(2048), 2048)?;
        let (n, e) = (private.n_bytes().into_vec(), private.e_bytes().into_vec());
        Ok(Self { id: (0..32u8).map(|i| i ^ 0xa5).collect(), key: SigningKey::new(private), n, e })
    }

    fn client_data(kind: &str, options: &Value, origin: &str) -> String {
        json!({
            "type": kind,
            "challenge": options["publicKey"]["challenge"],
            "origin": origin,
            "crossOrigin": false,
        })
        .to_string()
    }

    fn attest(&self, options: &Value, origin: &str) -> Value {
        let cose = Cbor::Map(BTreeMap::from([
            (Cbor::Integer(1), Cbor::Integer(3)),
            (Cbor::Integer(3), Cbor::Integer(-257)),
            (Cbor::Integer(-1), Cbor::Bytes(self.n.clone())),
            (Cbor::Integer(-2), Cbor::Bytes(self.e.clone())),
        ]));
        let mut auth_data = Sha256::digest(RP_ID.as_bytes()).to_vec();
        auth_data.push(UP | UV | 0x40); // AT: attested credential data follows
        auth_data.extend_from_slice(&0u32.to_be_bytes());
        auth_data.extend_from_slice(&[0; 16]);
        auth_data.extend_from_slice(&(self.id.len() as u16).to_be_bytes());
        auth_data.extend_from_slice(&self.id);
        auth_data.extend(serde_cbor_2::to_vec(&cose).unwrap_or_default());
        let attestation = Cbor::Map(BTreeMap::from([
            (Cbor::Text("fmt".into()), Cbor::Text("none".into())),
            (Cbor::Text("attStmt".into()), Cbor::Map(BTreeMap::new())),
            (Cbor::Text("authData".into()), Cbor::Bytes(auth_data)),
        ]));
        let client_data = Self::client_data("webauthn.create", options, origin);
        json!({
            "id": b64(&self.id),
            "rawId": b64(&self.id),
            "type": "public-key",
            "response": {
                "attestationObject": b64(&serde_cbor_2::to_vec(&attestation).unwrap_or_default()),
                "clientDataJSON": b64(client_data.as_bytes()),
                "transports": ["usb"],
            },
            "extensions": {},
        })
    }

    fn assert(&self, options: &Value, origin: &str) -> Value {
        let mut auth_data = Sha256::digest(RP_ID.as_bytes()).to_vec();
        auth_data.push(UP | UV);
        auth_data.extend_from_slice(&1u32.to_be_bytes());
        let client_data = Self::client_data("webauthn.get", options, origin);
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&Sha256::digest(client_data.as_bytes()));
        let signature = self.key.sign(&signed);
        json!({
            "id": b64(&self.id),
            "rawId": b64(&self.id),
            "type": "public-key",
            "response": {
                "authenticatorData": b64(&auth_data),
                "clientDataJSON": b64(client_data.as_bytes()),
                "signature": b64(&signature.to_vec()),
                "userHandle": null,
            },
            "extensions": {},
        })
    }
}
