//! A minimal HTTP/1.1 GET over loopback, enough to wait for the worker and ask it questions
//! without pulling an HTTP stack into the task runner.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Status and body of `GET path` on `127.0.0.1:port`, or `None` if nothing answered.
pub fn get(port: u16, path: &str) -> Option<(u16, String)> {
    exchange(port, &format!("GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"))
}

/// Status and body of a JSON `POST` carrying the portal's anti-CSRF header.
pub fn post(port: u16, path: &str, json: &str) -> Option<(u16, String)> {
    exchange(
        port,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\nContent-Type: application/json\r\nx-elevate-csrf: 1\r\nContent-Length: {}\r\n\r\n{json}",
            json.len()
        ),
    )
}

/// Sends one request and reads the answer. The body is read by its Content-Length: workerd keeps
/// connections open after responding.
fn exchange(port: u16, request: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    stream.write_all(request.as_bytes()).ok()?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if length.is_some_and(|len| raw.len() >= end + 4 + len) {
                break;
            }
        }
    }
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_owned()))
}

/// Polls `path` until it answers 200 or `timeout` passes.
pub fn wait_ok(port: u16, path: &str, timeout: Duration) -> bool {
    let deadline = std::time::Instant::now() + timeout;
    while std::time::Instant::now() < deadline {
        if matches!(get(port, path), Some((200, _))) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}
