//! A small W3C WebDriver client over HTTP/JSON, with the WebAuthn extension commands
//! (virtual authenticators) and Chrome's DevTools passthrough that the suites need.

use serde_json::{Value, json};
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

#[derive(Debug, Clone)]
pub struct WebDriverError(pub String);

impl std::fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WebDriverError {}

pub type Result<T> = std::result::Result<T, WebDriverError>;

/// One browser session.
#[derive(Debug)]
pub struct Session {
    http: reqwest::Client,
    base: String,
    /// Where the browser saves downloads, without asking.
    downloads: std::path::PathBuf,
}

/// An element reference.
#[derive(Debug, Clone)]
pub struct Element(String);

impl Session {
    /// A fresh headless Chromium with its own profile; `mobile` emulates a 390 px wide phone.
    pub async fn new(driver_url: &str, profile: &std::path::Path) -> Result<Self> {
        let http = reqwest::Client::new();
        let downloads = profile.join("downloads");
        let caps = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "webauthn:virtualAuthenticators": true,
                "goog:chromeOptions": {
                    "binary": "/usr/bin/chromium",
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        "--disable-dev-shm-usage", "--window-size=1280,900",
                        format!("--user-data-dir={}", profile.display()),
                    ],
                    "prefs": {
                        "download.default_directory": downloads,
                        "download.prompt_for_download": false,
                    }
                }
            }}
        });
        let resp = send(&http, reqwest::Method::POST, &format!("{driver_url}/session"), Some(caps)).await?;
        let id = resp["sessionId"].as_str().ok_or_else(|| WebDriverError(format!("no session: {resp}")))?;
        Ok(Self { http, base: format!("{driver_url}/session/{id}"), downloads })
    }

    /// The first file the browser finishes saving whose name ends in `extension`, and its text.
    pub async fn downloaded(&self, extension: &str, timeout: Duration) -> Result<(String, String)> {
        let deadline = Instant::now() + timeout;
        loop {
            let done = std::fs::read_dir(&self.downloads).into_iter().flatten().flatten().find_map(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                name.ends_with(extension).then_some((name, entry.path()))
            });
            if let Some((name, path)) = done {
                let text =
                    std::fs::read_to_string(&path).map_err(|e| WebDriverError(format!("{name}: {e}")))?;
                return Ok((name, text));
            }
            if Instant::now() > deadline {
                return Err(WebDriverError(format!(
                    "no *{extension} download in {}",
                    self.downloads.display()
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn cmd(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value> {
        send(&self.http, method, &format!("{}{path}", self.base), body).await
    }

    pub async fn goto(&self, url: &str) -> Result<()> {
        self.cmd(reqwest::Method::POST, "/url", Some(json!({ "url": url }))).await.map(drop)
    }

    pub async fn find(&self, css: &str) -> Result<Element> {
        let v = self
            .cmd(reqwest::Method::POST, "/element", Some(json!({ "using": "css selector", "value": css })))
            .await?;
        v[ELEMENT_KEY]
            .as_str()
            .map(|id| Element(id.to_owned()))
            .ok_or_else(|| WebDriverError(format!("{css}: {v}")))
    }

    /// Waits up to `timeout` for an element to appear.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.find(css).await {
                Ok(e) => return Ok(e),
                Err(e) if Instant::now() >= deadline => {
                    return Err(WebDriverError(format!("waited {timeout:?} for {css}: {e}")));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Waits up to `timeout` for no element to match `css`.
    pub async fn wait_for_gone(&self, css: &str, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        while self.find(css).await.is_ok() {
            if Instant::now() >= deadline {
                return Err(WebDriverError(format!("{css} was still there after {timeout:?}")));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    /// Waits until an element's text contains `needle`, returning the text.
    pub async fn wait_for_text(&self, css: &str, needle: &str, timeout: Duration) -> Result<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let text = match self.find(css).await {
                Ok(e) => self.text(&e).await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains(needle) {
                return Ok(text);
            }
            if Instant::now() >= deadline {
                return Err(WebDriverError(format!("{css} never contained {needle:?}; last text {text:?}")));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn click(&self, e: &Element) -> Result<()> {
        self.cmd(reqwest::Method::POST, &format!("/element/{}/click", e.0), Some(json!({}))).await.map(drop)
    }

    pub async fn clear(&self, e: &Element) -> Result<()> {
        self.cmd(reqwest::Method::POST, &format!("/element/{}/clear", e.0), Some(json!({}))).await.map(drop)
    }

    pub async fn type_into(&self, e: &Element, text: &str) -> Result<()> {
        self.cmd(reqwest::Method::POST, &format!("/element/{}/value", e.0), Some(json!({ "text": text })))
            .await
            .map(drop)
    }

    pub async fn text(&self, e: &Element) -> Result<String> {
        let v = self.cmd(reqwest::Method::GET, &format!("/element/{}/text", e.0), None).await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.cmd(reqwest::Method::POST, "/execute/sync", Some(json!({ "script": script, "args": args })))
            .await
    }

    /// Runs an async script; it receives `args` and a callback as its last argument.
    pub async fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.cmd(reqwest::Method::POST, "/execute/async", Some(json!({ "script": script, "args": args })))
            .await
    }

    pub async fn screenshot_png(&self) -> Result<Vec<u8>> {
        use base64::Engine;
        let v = self.cmd(reqwest::Method::GET, "/screenshot", None).await?;
        base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .map_err(|e| WebDriverError(format!("screenshot: {e}")))
    }

    /// A Chrome DevTools Protocol command.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        self.cmd(reqwest::Method::POST, "/goog/cdp/execute", Some(json!({ "cmd": cmd, "params": params })))
            .await
    }

    /// Emulates a phone `width` CSS pixels wide, or the desktop again with `None`.
    pub async fn emulate_width(&self, width: Option<u32>) -> Result<()> {
        match width {
            Some(w) => self
                .cdp(
                    "Emulation.setDeviceMetricsOverride",
                    json!({ "width": w, "height": 844, "deviceScaleFactor": 2, "mobile": true }),
                )
                .await
                .map(drop),
            None => self.cdp("Emulation.clearDeviceMetricsOverride", json!({})).await.map(drop),
        }
    }

    /// Adds a CTAP2 virtual authenticator; returns its id.
    pub async fn add_authenticator(&self, transport: &str, user_verified: bool) -> Result<String> {
        let v = self
            .cmd(
                reqwest::Method::POST,
                "/webauthn/authenticator",
                Some(json!({
                    "protocol": "ctap2", "transport": transport, "hasResidentKey": true,
                    "hasUserVerification": true, "isUserVerified": user_verified,
                    "isUserConsenting": true, "automaticPresenceSimulation": true,
                })),
            )
            .await?;
        v.as_str().map(str::to_owned).ok_or_else(|| WebDriverError(format!("no authenticator id: {v}")))
    }

    pub async fn remove_authenticator(&self, id: &str) -> Result<()> {
        self.cmd(reqwest::Method::DELETE, &format!("/webauthn/authenticator/{id}"), None).await.map(drop)
    }

    /// Puts a credential (as [`Self::credentials`] returned it, private key included) into an
    /// authenticator: the same key carried to another device.
    pub async fn add_credential(&self, authenticator: &str, credential: &Value) -> Result<()> {
        let path = format!("/webauthn/authenticator/{authenticator}/credential");
        self.cmd(reqwest::Method::POST, &path, Some(credential.clone())).await.map(drop)
    }

    /// The credentials an authenticator holds (with `signCount`).
    pub async fn credentials(&self, id: &str) -> Result<Vec<Value>> {
        let v = self
            .cmd(reqwest::Method::GET, &format!("/webauthn/authenticator/{id}/credentials"), None)
            .await?;
        Ok(v.as_array().cloned().unwrap_or_default())
    }

    /// A cookie's value, including `HttpOnly` ones that page scripts cannot see.
    pub async fn cookie(&self, name: &str) -> Result<String> {
        let v = self.cmd(reqwest::Method::GET, &format!("/cookie/{name}"), None).await?;
        v["value"].as_str().map(str::to_owned).ok_or_else(|| WebDriverError(format!("no cookie {name}: {v}")))
    }

    pub async fn quit(self) -> Result<()> {
        self.cmd(reqwest::Method::DELETE, "", None).await.map(drop)
    }
}

async fn send(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> Result<Value> {
    let mut req = http.request(method, url);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.map_err(|e| WebDriverError(format!("{url}: {e}")))?;
    let status = resp.status();
    let v: Value = resp.json().await.map_err(|e| WebDriverError(format!("{url}: {e}")))?;
    if !status.is_success() {
        return Err(WebDriverError(format!("{url}: {status}: {}", v["value"])));
    }
    Ok(v["value"].clone())
}
