//! The API as the command line speaks it: typed requests and answers from `elevate_shared::api`,
//! the token as a bearer credential, and the server's typed errors passed on as they came.

use elevate_shared::api::{CSRF_HEADER, CSRF_VALUE, ErrorBody};
use reqwest::blocking::{Client as Http, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

pub struct Client {
    http: Http,
    base: String,
    token: String,
}

/// The token never appears in output, not even in a debug print.
impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("base", &self.base).field("token", &"<redacted>").finish()
    }
}

/// Whether a token may be sent to `base`: over HTTPS, or in the clear only to this machine.
#[must_use]
pub fn safe_to_send(base: &str) -> bool {
    let Some(rest) = base.strip_prefix("http://") else { return base.starts_with("https://") };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host = host
        .rsplit_once(':')
        .map_or(host, |(h, port)| if port.chars().all(|c| c.is_ascii_digit()) { h } else { host });
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

impl Client {
    /// # Errors
    /// A URL a token may not travel to (plain HTTP beyond this machine), or no HTTP client.
    pub fn new(base: &str, token: &str) -> Result<Self, String> {
        if !safe_to_send(base) {
            return Err(format!(
                "{base}: use https:// (plain http only to localhost), so the token stays secret"
            ));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_travels_only_over_https_or_to_this_machine() {
        for ok in
            ["https://pim.example.com", "http://localhost:8787", "http://127.0.0.1:5/x", "http://[::1]:80"]
        {
            assert!(safe_to_send(ok), "{ok}");
        }
        for bad in ["http://pim.example.com", "http://localhost.evil.example", "ftp://x", "pim.example.com"] {
            assert!(!safe_to_send(bad), "{bad}");
        }
        let c = Client::new("http://localhost:1", "elv1_secret").unwrap();
        assert!(!format!("{c:?}").contains("elv1_secret"));
    }
}
