//! The API as a script (or an attacker) sees it: plain HTTP to the worker, a session cookie
//! carried by hand, and the test clock header where the stack allows it.

use crate::stack::{Stack, bootstrap_secret};
use serde_json::{Value, json};

#[derive(Debug)]
pub struct Api<'s> {
    pub stack: &'s Stack,
    pub http: reqwest::Client,
    /// The `elevate_session` cookie value sent with every request, if any.
    pub cookie: Option<String>,
}

/// An answer: status, JSON body, and the session cookie it set, if it set one.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub session: Option<String>,
}

impl Answer {
    /// The error code of an error answer.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

impl<'s> Api<'s> {
    pub fn new(stack: &'s Stack) -> Self {
        Self { stack, http: reqwest::Client::new(), cookie: None }
    }

    /// The same client signed in with `cookie`.
    pub fn with_cookie(&self, cookie: &str) -> Self {
        Self { stack: self.stack, http: self.http.clone(), cookie: Some(cookie.to_owned()) }
    }

    async fn send(&self, mut req: reqwest::RequestBuilder, now_ms: Option<u64>) -> Answer {
        if let Some(c) = &self.cookie {
            req = req.header("cookie", format!("elevate_session={c}"));
        }
        if let Some(t) = now_ms {
            req = req.header("x-elevate-test-now", t.to_string());
        }
        let resp = req.send().await.expect("the worker answers");
        let status = resp.status().as_u16();
        let session = resp
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("elevate_session="))
            .and_then(|v| v.split(';').next())
            .filter(|v| !v.is_empty())
            .map(str::to_owned);
        // JSON as a value; anything else (a CSV download) as a string.
        let text = resp.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(if text.is_empty() {
            Value::Null
        } else {
            Value::String(text)
        });
        Answer { status, body, session }
    }

    pub async fn post_at(&self, path: &str, body: &Value, now_ms: Option<u64>) -> Answer {
        let req = self.http.post(self.stack.api(path)).header("x-elevate-csrf", "1").json(body);
        self.send(req, now_ms).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.post_at(path, body, None).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.get_at(path, None).await
    }

    /// A GET at a time the test names (the stack must run with the test clock).
    pub async fn get_at(&self, path: &str, now_ms: Option<u64>) -> Answer {
        self.send(self.http.get(self.stack.api(path)), now_ms).await
    }

    pub async fn bootstrap_open(&self) -> bool {
        self.get("/api/v1/bootstrap").await.body["open"] == true
    }

    /// Starts first-run enrolment of the administrator `ada`.
    pub async fn start_bootstrap(&self) -> Value {
        let a = self
            .post(
                "/api/v1/bootstrap/passkey/start",
                &json!({ "secret": bootstrap_secret(), "username": "ada", "display_name": "Ada" }),
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.body);
        a.body
    }

    pub async fn finish_bootstrap(&self, started: &Value, credential: Value, now_ms: Option<u64>) -> Answer {
        let body = json!({
            "user_id": started["user_id"], "ceremony_id": started["ceremony_id"],
            "name": "Soft key", "credential": credential,
        });
        self.post_at("/api/v1/bootstrap/passkey/finish", &body, now_ms).await
    }

    /// Starts a username-first passkey sign-in for `ada`.
    pub async fn start_sign_in(&self) -> Value {
        self.start_sign_in_as("ada").await
    }

    pub async fn start_sign_in_as(&self, username: &str) -> Value {
        let a = self.post("/api/v1/sign-in/passkey/start", &json!({ "username": username })).await;
        assert_eq!(a.status, 200, "{}", a.body);
        a.body
    }

    /// The finish body answering a started ceremony with `credential`.
    pub fn finish_body(started: &Value, credential: Value) -> Value {
        json!({ "user_id": started["user_id"], "ceremony_id": started["ceremony_id"], "credential": credential })
    }
}

pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
