//! The API as the command line speaks it: typed requests and answers from `elevate_shared::api`,
//! the token as a bearer credential, and the server's typed errors passed on as they came.

use elevate_shared::api::{CSRF_HEADER, CSRF_VALUE, ErrorBody};
use reqwest::blocking::{Client as Http, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

#[derive(Debug)]
pub struct Client {
    http: Http,
    base: String,
    token: String,
}

impl Client {
    /// # Errors
    /// When the HTTP client cannot be built (no TLS roots).
    pub fn new(base: &str, token: &str) -> Result<Self, String> {
        let http = Http::builder().timeout(Duration::from_secs(60)).build().map_err(|e| e.to_string())?;
        Ok(Self { http, base: base.trim_end_matches('/').to_owned(), token: token.trim().to_owned() })
    }

    fn send<R: DeserializeOwned>(&self, request: RequestBuilder) -> Result<R, String> {
        let resp = request
            .bearer_auth(&self.token)
            .send()
            .map_err(|e| format!("cannot reach Elevate at {}: {e}", self.base))?;
        let status = resp.status();
        let text = resp.text().map_err(|e| e.to_string())?;
        if status.is_success() {
            return serde_json::from_str(&text).map_err(|e| format!("unexpected answer ({e}): {text}"));
        }
        match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) => {
                Err(format!("{} ({}): {}", body.error.code.as_str(), status.as_u16(), body.error.message))
            }
            Err(_) => Err(format!("HTTP {status}: {text}")),
        }
    }

    /// # Errors
    /// The server's refusal, or why it could not be reached.
    pub fn get<R: DeserializeOwned>(&self, path: &str) -> Result<R, String> {
        self.send(self.http.get(format!("{}{path}", self.base)))
    }

    /// # Errors
    /// The server's refusal, or why it could not be reached.
    pub fn post<B: Serialize, R: DeserializeOwned>(&self, path: &str, body: &B) -> Result<R, String> {
        self.send(self.http.post(format!("{}{path}", self.base)).header(CSRF_HEADER, CSRF_VALUE).json(body))
    }
}
