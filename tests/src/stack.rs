//! Starting and stopping the real stack for one test: `wrangler dev` on a free port with its own
//! persisted state, and chromedriver. Every process runs in its own process group, and `Drop`
//! ends the groups, so nothing outlives a test, even one that fails.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().expect("a bound address").port()
}

/// A child process in its own process group, ended with its group on drop.
#[derive(Debug)]
struct Group {
    child: Child,
    name: &'static str,
}

impl Group {
    fn spawn(name: &'static str, cmd: &mut Command, log: &Path) -> Self {
        use std::os::unix::process::CommandExt;
        let out = std::fs::File::create(log).expect("a log file");
        let err = out.try_clone().expect("a log file handle");
        let child = cmd
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Self { child, name }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        let pgid = format!("-{}", self.child.id());
        for signal in ["-TERM", "-KILL"] {
            // `--` keeps procps from reading the negative group id as an option.
            let _ = Command::new("kill").args([signal, "--", &pgid]).stderr(Stdio::null()).status();
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        eprintln!("warning: {} did not stop", self.name);
    }
}

/// The running portal and a WebDriver server to drive browsers against it.
#[derive(Debug)]
pub struct Stack {
    /// `http://localhost:PORT`, the portal's one origin.
    pub base_url: String,
    /// `http://127.0.0.1:PORT` of chromedriver.
    pub driver_url: String,
    pub artifacts: PathBuf,
    state: PathBuf,
    driver: Option<Group>,
    worker: Option<Group>,
}

impl Stack {
    pub async fn start(name: &str) -> Self {
        Self::start_with(name, &[]).await
    }

    /// Starts the stack with extra worker variables (e.g. a test lockout policy).
    pub async fn start_with(name: &str, vars: &[(&str, &str)]) -> Self {
        let root = root();
        for built in ["dist/index.html", "backend/build/index.js"] {
            assert!(root.join(built).exists(), "{built} is missing: run `cargo xtask build` first");
        }
        let work = root.join("target").join("e2e");
        let artifacts = work.join("artifacts");
        std::fs::create_dir_all(&artifacts).expect("an artifacts folder");
        let port = free_port();
        let state = work.join(format!("state-{name}-{port}"));
        let _ = std::fs::remove_dir_all(&state);
        let base_url = format!("http://localhost:{port}");

        let node_bin = root.join("node_modules").join(".bin");
        let mut wrangler = Command::new(node_bin.join("wrangler"));
        wrangler
            .current_dir(&root)
            .args(["dev", "--local", "--ip", "127.0.0.1", "--port", &port.to_string()])
            .args(["--show-interactive-dev-session=false", "--persist-to"])
            .arg(&state)
            .args(["--var", &format!("RP_ORIGIN:{base_url}")])
            .args(["--var", &format!("BOOTSTRAP_SECRET:{}", bootstrap_secret())])
            .args(vars.iter().flat_map(|(k, v)| ["--var".to_owned(), format!("{k}:{v}")]))
            .env("WRANGLER_SEND_METRICS", "false")
            .env("WRANGLER_SEND_ERROR_REPORTS", "false")
            .env("WRANGLER_HIDE_BANNER", "true")
            .env("CLOUDFLARE_CF_FETCH_ENABLED", "false");
        let worker = Group::spawn("wrangler", &mut wrangler, &work.join(format!("wrangler-{name}.log")));

        let driver_port = free_port();
        let mut chromedriver = Command::new("chromedriver");
        chromedriver.arg(format!("--port={driver_port}"));
        let driver =
            Group::spawn("chromedriver", &mut chromedriver, &work.join(format!("chromedriver-{name}.log")));
        let driver_url = format!("http://127.0.0.1:{driver_port}");

        let stack =
            Self { base_url, driver_url, artifacts, state, driver: Some(driver), worker: Some(worker) };
        stack.wait_until_ready().await;
        stack
    }

    async fn wait_until_ready(&self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        let health = format!("{}/api/v1/health", self.base_url.replace("localhost", "127.0.0.1"));
        let status = format!("{}/status", self.driver_url);
        let (mut worker_ok, mut driver_ok) = (false, false);
        while Instant::now() < deadline && !(worker_ok && driver_ok) {
            if !worker_ok {
                worker_ok = matches!(client.get(&health).send().await, Ok(r) if r.status() == 200);
            }
            if !driver_ok {
                driver_ok = matches!(client.get(&status).send().await, Ok(r) if r.status() == 200);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(worker_ok, "the worker did not become healthy within 60 s (see target/e2e/wrangler-*.log)");
        assert!(driver_ok, "chromedriver did not start within 60 s");
    }

    /// The API base for direct HTTP calls (loopback by address, so no name lookup is involved).
    pub fn api(&self, path: &str) -> String {
        format!("{}{path}", self.base_url.replace("localhost", "127.0.0.1"))
    }

    pub fn origin(&self) -> &str {
        &self.base_url
    }

    /// The SQLite files that hold the storage of Durable Object class `class` (one per object),
    /// as local `wrangler dev` persists them: what an attacker with disk access would edit.
    pub fn durable_object_files(&self, class: &str) -> Vec<PathBuf> {
        let root = self.state.join("v3").join("do");
        let dirs = std::fs::read_dir(&root).into_iter().flatten().flatten();
        let mine = dirs.filter(|d| d.file_name().to_string_lossy().ends_with(&format!("-{class}")));
        mine.flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
            .map(|f| f.path())
            .filter(|p| p.extension().is_some_and(|e| e == "sqlite"))
            // Beside the objects, miniflare keeps its own bookkeeping.
            .filter(|p| p.file_stem().is_some_and(|s| s != "metadata"))
            .collect()
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // The browser driver first, then the worker, then the state it wrote.
        self.driver.take();
        self.worker.take();
        let _ = std::fs::remove_dir_all(&self.state);
    }
}

/// The bootstrap secret every test stack is started with.
pub fn bootstrap_secret() -> &'static str {
    "e2e-bootstrap-secret-0123456789abcdef"
}
