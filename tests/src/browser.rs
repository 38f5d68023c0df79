//! The portal as a person (and an attacker with the person's browser) uses it: UI steps, and
//! same-origin `fetch` calls made from inside the page with its cookies.

use crate::stack::Stack;
use crate::webdriver::{Result, Session, WebDriverError};
use serde_json::{Value, json};
use std::time::Duration;

pub const WAIT: Duration = Duration::from_secs(20);

/// A browser session on the portal.
#[derive(Debug)]
pub struct Portal {
    pub browser: Session,
    pub base_url: String,
    artifacts: std::path::PathBuf,
}

/// What an in-page `fetch` answered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    /// The error code of an error answer.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

impl Portal {
    pub async fn open(stack: &Stack, profile: &str) -> Result<Self> {
        let dir = stack.artifacts.parent().unwrap_or(&stack.artifacts).join(format!("profile-{profile}"));
        let _ = std::fs::remove_dir_all(&dir);
        let browser = Session::new(&stack.driver_url, &dir).await?;
        browser.goto(&stack.base_url).await?;
        Ok(Self { browser, base_url: stack.base_url.clone(), artifacts: stack.artifacts.clone() })
    }

    /// First-run enrolment of `ada` and a passkey sign-in, both through the real UI. Records the
    /// bodies the SPA posts, so a test can replay them.
    pub async fn enrol_first_admin_and_sign_in(&self) -> Result<()> {
        self.record_posts().await?;
        self.fill("#bootstrap-secret", crate::stack::bootstrap_secret()).await?;
        self.fill("#bootstrap-username", "ada").await?;
        self.fill("#bootstrap-display-name", "Ada Lovelace").await?;
        self.click("#bootstrap-submit").await?;
        // Enrolment closes the bootstrap, so the portal now asks for a sign-in.
        self.fill("#sign-in-username", "ada").await?;
        self.record_posts().await?;
        self.click("#sign-in-submit").await?;
        self.expect_text("#signed-in-user", "Ada Lovelace").await.map(drop)
    }

    /// Enrols an authenticator app through Security info at the current width, with a code
    /// pyotp computes from the `otpauth://` URI the page shows; returns the URI and the time step
    /// the enrolment code was made for.
    pub async fn enrol_app(&self, name: &str) -> Result<(String, u64)> {
        self.browser.goto(&format!("{}/security-info", self.base_url)).await?;
        self.replace("#totp-name", name).await?;
        self.click("#totp-start").await?;
        self.browser.wait_for("#totp-qr svg", WAIT).await?;
        self.screenshot(&format!("totp-setup-{}", name.to_lowercase().replace(' ', "-"))).await?;
        let text = |css: &str| format!("return document.querySelector('{css}').textContent;");
        let uri = self.browser.execute(&text("#totp-uri"), vec![]).await?;
        let uri = uri.as_str().unwrap_or_default().trim().to_owned();
        if !uri.starts_with("otpauth://totp/Elevate:") {
            return Err(WebDriverError(format!("the page shows no otpauth URI: {uri}")));
        }
        let secret = self.browser.execute(&text("#totp-secret"), vec![]).await?;
        let secret: String =
            secret.as_str().unwrap_or_default().chars().filter(|c| !c.is_whitespace()).collect();
        if !uri.contains(&format!("secret={secret}")) {
            return Err(WebDriverError(format!("the shown key differs from the QR's: {secret} vs {uri}")));
        }
        let now = crate::peers::unix_now();
        self.fill("#totp-code", &crate::peers::pyotp_code(&uri, now)).await?;
        self.click("#totp-verify").await?;
        self.expect_text("#totp-status", "is on").await?;
        Ok((uri, now / 30))
    }

    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        let e = self.browser.wait_for(css, WAIT).await?;
        self.browser.type_into(&e, text).await
    }

    /// Replaces a field's text (fields may come pre-filled with a suggestion).
    pub async fn replace(&self, css: &str, text: &str) -> Result<()> {
        let e = self.browser.wait_for(css, WAIT).await?;
        self.browser.clear(&e).await?;
        self.browser.type_into(&e, text).await
    }

    /// Clicks `css` once it exists. The SPA re-renders reactively, so an element found a moment
    /// ago may have been replaced; a stale reference is looked up again.
    pub async fn click(&self, css: &str) -> Result<()> {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let e = self.browser.wait_for(css, WAIT).await?;
            match self.browser.click(&e).await {
                Err(err) if err.0.contains("stale element") && std::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                other => return other,
            }
        }
    }

    /// Waits for `css` to contain `needle`; on failure saves a screenshot of what the page
    /// showed instead, so a red run can be looked at.
    pub async fn expect_text(&self, css: &str, needle: &str) -> Result<String> {
        match self.browser.wait_for_text(css, needle, WAIT).await {
            Ok(text) => Ok(text),
            Err(e) => {
                let name: String =
                    css.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
                let _ = self.screenshot(&format!("failure{name}")).await;
                Err(e)
            }
        }
    }

    /// Records the JSON bodies the SPA posts, so a test can replay them.
    pub async fn record_posts(&self) -> Result<()> {
        self.browser
            .execute(
                r#"
                if (!window.__posts) {
                  window.__posts = [];
                  const orig = window.fetch;
                  window.fetch = async function (input, init) {
                    if (input instanceof Request && input.method === 'POST') {
                      window.__posts.push({ url: input.url, body: await input.clone().text() });
                    } else if (init && init.method === 'POST') {
                      window.__posts.push({ url: String(input), body: init.body });
                    }
                    return orig.apply(this, arguments);
                  };
                }
                "#,
                vec![],
            )
            .await
            .map(drop)
    }

    /// The last recorded body posted to `path`.
    pub async fn recorded(&self, path: &str) -> Result<String> {
        let v = self
            .browser
            .execute(
                "const p = (window.__posts || []).filter(x => x.url.endsWith(arguments[0])); \
                 return p.length ? String(p[p.length - 1].body) : null;",
                vec![json!(path)],
            )
            .await?;
        v.as_str().map(str::to_owned).ok_or_else(|| WebDriverError(format!("nothing was posted to {path}")))
    }

    /// A same-origin request from the page, with its cookies; `csrf` adds the portal's header.
    pub async fn fetch(&self, method: &str, path: &str, body: Option<&str>, csrf: bool) -> Result<Answer> {
        let v = self
            .browser
            .execute_async(
                r#"
                const [method, path, body, csrf, done] = arguments;
                const headers = { 'content-type': 'application/json' };
                if (csrf) headers['x-elevate-csrf'] = '1';
                fetch(path, { method, headers, body: body === null ? undefined : body, credentials: 'same-origin' })
                  .then(async (r) => done({ status: r.status, text: await r.text() }))
                  .catch((e) => done({ status: 0, text: String(e) }));
                "#,
                vec![json!(method), json!(path), json!(body), json!(csrf)],
            )
            .await?;
        let status = v["status"].as_u64().unwrap_or(0) as u16;
        let text = v["text"].as_str().unwrap_or_default();
        let body = serde_json::from_str(text).unwrap_or(Value::String(text.to_owned()));
        Ok(Answer { status, body })
    }

    /// A whole sign-in ceremony made from the page, with `tweak` applied to the options before
    /// the authenticator sees them (e.g. to ask for no user verification). Returns the finish
    /// body that was sent and the answer.
    pub async fn scripted_sign_in(&self, username: &str, tweak: &str) -> Result<(String, Answer)> {
        let v = self
            .browser
            .execute_async(
                &format!(
                    r#"
                const [username, done] = arguments;
                const dec = (s) => Uint8Array.from(atob(s.replace(/-/g,'+').replace(/_/g,'/') + '==='.slice((s.length+3)%4)), c => c.charCodeAt(0));
                const enc = (b) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g,'-').replace(/\//g,'_').replace(/=+$/,'');
                const post = (path, body) => fetch(path, {{ method: 'POST', body,
                  headers: {{ 'content-type': 'application/json', 'x-elevate-csrf': '1' }} }});
                (async () => {{
                  const start = await (await post('/api/v1/sign-in/passkey/start', JSON.stringify({{ username }}))).json();
                  const o = start.options.publicKey;
                  const publicKey = {{ challenge: dec(o.challenge), rpId: o.rpId, timeout: 20000,
                    userVerification: o.userVerification,
                    allowCredentials: (o.allowCredentials || []).map(c => ({{ type: c.type, id: dec(c.id) }})) }};
                  {tweak}
                  const c = await navigator.credentials.get({{ publicKey }});
                  const finish = JSON.stringify({{ user_id: start.user_id, ceremony_id: start.ceremony_id,
                    credential: {{ id: c.id, rawId: enc(c.rawId), type: c.type, extensions: {{}},
                      response: {{ clientDataJSON: enc(c.response.clientDataJSON),
                        authenticatorData: enc(c.response.authenticatorData),
                        signature: enc(c.response.signature),
                        userHandle: c.response.userHandle ? enc(c.response.userHandle) : null }} }} }});
                  const r = await post('/api/v1/sign-in/passkey/finish', finish);
                  done({{ finish, status: r.status, text: await r.text() }});
                }})().catch(e => done({{ error: String(e) }}));
                "#
                ),
                vec![json!(username)],
            )
            .await?;
        if let Some(e) = v["error"].as_str() {
            return Err(WebDriverError(format!("scripted sign-in failed in the page: {e}")));
        }
        let text = v["text"].as_str().unwrap_or_default();
        let answer = Answer {
            status: v["status"].as_u64().unwrap_or(0) as u16,
            body: serde_json::from_str(text).unwrap_or(Value::String(text.to_owned())),
        };
        Ok((v["finish"].as_str().unwrap_or_default().to_owned(), answer))
    }

    /// Saves a PNG of the current view under the test artifacts.
    pub async fn screenshot(&self, name: &str) -> Result<std::path::PathBuf> {
        let png = self.browser.screenshot_png().await?;
        let path = self.artifacts.join(format!("{name}.png"));
        std::fs::write(&path, png).map_err(|e| WebDriverError(format!("{}: {e}", path.display())))?;
        Ok(path)
    }

    /// How far the page is wider than the viewport, in CSS pixels (0 when nothing overflows).
    /// How far the page reaches past the viewport's right edge, in CSS pixels: the document's
    /// own scroll width, and the right edge of every element in the page's main area (content a
    /// container clips is still too wide for a phone). Elements inside a deliberate sideways
    /// scroller (`.table-scroll`, the navigation) are left out.
    pub async fn horizontal_overflow(&self) -> Result<i64> {
        let v = self
            .browser
            .execute(
                "const w = document.documentElement.clientWidth; \
                 let worst = document.documentElement.scrollWidth - window.innerWidth; \
                 for (const el of document.querySelectorAll('main *')) { \
                   if (el.parentElement && el.parentElement.closest('.table-scroll')) continue; \
                   const r = el.getBoundingClientRect(); \
                   if (r.width > 0 && r.height > 0) worst = Math.max(worst, Math.ceil(r.right - w)); \
                 } \
                 return worst;",
                vec![],
            )
            .await?;
        Ok(v.as_i64().unwrap_or(i64::MAX))
    }
}
