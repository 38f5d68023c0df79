//! Percent-encoding for URI components (RFC 3986): what an `otpauth://` label and an API query
//! value need, one way for the worker, the SPA and the tests.

/// Percent-encodes everything but RFC 3986's unreserved characters (`A–Z a–z 0–9 - . _ ~`).
#[must_use]
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_characters_pass_and_the_rest_are_escaped_as_utf8_bytes() {
        assert_eq!(encode("a.b_c-d~e"), "a.b_c-d~e");
        assert_eq!(encode("a@b c:d"), "a%40b%20c%3Ad");
        assert_eq!(encode("ix/t/role:x"), "ix%2Ft%2Frole%3Ax");
        assert_eq!(encode("é"), "%C3%A9");
    }
}
