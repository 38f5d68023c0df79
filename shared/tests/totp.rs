//! TOTP: the RFC's own test vectors (RFC 6238 Appendix B, RFC 4226 Appendix D), single use and
//! step monotonicity, the skew window, `otpauth://` URIs, and refusal of malformed input.
//!
//! The vectors were cross-checked with an independent few lines of Python (`hmac`, `hashlib`).
#![allow(clippy::unwrap_used)]

use elevate_shared::domain::totp::{
    AcceptedStep, ISSUER, OtpAuthError, OtpAuthUri, SkewWindow, TotpAlgorithm, TotpCode, TotpCodeError,
    TotpDigits, TotpParams, TotpParamsError, TotpPeriod, TotpRejection, TotpSecret, TotpSecretError, code_at,
    code_for_step, verify, verify_within,
};
use elevate_shared::ids::Username;
use elevate_shared::time::UnixMillis;
use proptest::prelude::*;

const SHA1_KEY: &[u8] = b"12345678901234567890";
const SHA256_KEY: &[u8] = b"12345678901234567890123456789012";
const SHA512_KEY: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

fn secret(bytes: &[u8]) -> TotpSecret {
    TotpSecret::generated(bytes.to_vec()).unwrap()
}

fn params(algorithm: TotpAlgorithm, digits: TotpDigits) -> TotpParams {
    TotpParams { algorithm, digits, period_secs: TotpPeriod::Thirty }
}

fn at_secs(s: u64) -> UnixMillis {
    UnixMillis(s * 1000)
}

fn default_params() -> TotpParams {
    TotpParams::default()
}

// ---------------------------------------------------------------- RFC vectors

/// RFC 6238 Appendix B: time (s), SHA-1, SHA-256, SHA-512; 8 digits, 30 s steps.
const RFC6238: [(u64, &str, &str, &str); 6] = [
    (59, "94287082", "46119246", "90693936"),
    (1_111_111_109, "07081804", "68084774", "25091201"),
    (1_111_111_111, "14050471", "67062674", "99943326"),
    (1_234_567_890, "89005924", "91819424", "93441116"),
    (2_000_000_000, "69279037", "90698825", "38618901"),
    (20_000_000_000, "65353130", "77737706", "47863826"),
];

#[test]
fn rfc6238_appendix_b_vectors() {
    for (t, sha1, sha256, sha512) in RFC6238 {
        for (key, algorithm, expected) in [
            (SHA1_KEY, TotpAlgorithm::Sha1, sha1),
            (SHA256_KEY, TotpAlgorithm::Sha256, sha256),
            (SHA512_KEY, TotpAlgorithm::Sha512, sha512),
        ] {
            let p = params(algorithm, TotpDigits::Eight);
            let s = secret(key);
            assert_eq!(code_at(&s, p, at_secs(t)).expose(), expected, "{algorithm:?} at T={t}");
            // Any instant within the step gives the same code.
            assert_eq!(code_at(&s, p, UnixMillis(t * 1000 + 999)).expose(), expected);

            let code = TotpCode::parse(expected, TotpDigits::Eight).unwrap();
            let accepted = verify(&s, p, &code, at_secs(t), None).unwrap();
            assert_eq!(accepted, AcceptedStep { step: t / 30, drift: 0 }, "{algorithm:?} at T={t}");
        }
    }
}

#[test]
fn rfc4226_appendix_d_hotp_vectors() {
    let expected =
        ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
    let s = secret(SHA1_KEY);
    for (step, want) in expected.iter().enumerate() {
        let code = code_for_step(&s, default_params(), step as u64).unwrap();
        assert_eq!(code.expose(), *want, "counter {step}");
    }
}

#[test]
fn an_imported_80_bit_secret_with_sha256_and_60_second_steps() {
    // Bytes 0..10, SHA-256, 6 digits, 60 s, T = 1 700 000 000 (computed independently).
    let s = TotpSecret::from_base32("AAAQEAYEAUDAOCAJ").unwrap();
    assert_eq!(s.as_bytes(), &(0u8..10).collect::<Vec<_>>()[..]);
    let p = TotpParams::new(TotpAlgorithm::Sha256, 6, 60).unwrap();
    assert_eq!(code_at(&s, p, at_secs(1_700_000_000)).expose(), "896248");
    // The same bytes are too short for a secret we generate ourselves.
    assert_eq!(
        TotpSecret::generated(s.as_bytes().to_vec()),
        Err(TotpSecretError::TooShort { min: 16, got: 10 })
    );
}

// ---------------------------------------------------------------- single use, window, monotonicity

fn code_for(s: &TotpSecret, step: u64) -> TotpCode {
    code_for_step(s, default_params(), step).unwrap()
}

#[test]
fn a_code_is_accepted_once() {
    let s = secret(SHA1_KEY);
    let step = 56_666_667;
    let now = at_secs(step * 30);
    let code = code_at(&s, default_params(), now);

    let accepted = verify(&s, default_params(), &code, now, None).unwrap();
    assert_eq!(accepted.step, step);
    // The same code again, at once, later in its step, or in the next step (whose window still
    // covers it), is a replay.
    for later in [now, UnixMillis(now.0 + 29_000), UnixMillis(now.0 + 45_000)] {
        assert_eq!(
            verify(&s, default_params(), &code, later, Some(accepted.step)),
            Err(TotpRejection::Replayed)
        );
    }
    // The next step's code is fine.
    let next = code_for(&s, step + 1);
    assert_eq!(
        verify(&s, default_params(), &next, at_secs((step + 1) * 30), Some(accepted.step)),
        Ok(AcceptedStep { step: step + 1, drift: 0 })
    );
}

#[test]
fn the_enrolment_code_cannot_be_reused_to_sign_in() {
    let s = secret(SHA256_KEY);
    let p = params(TotpAlgorithm::Sha256, TotpDigits::Six);
    let enrolled_at = at_secs(1_800_000_000);
    let code = code_at(&s, p, enrolled_at);
    let enrolment = verify(&s, p, &code, enrolled_at, None).unwrap();
    // The backend stores `enrolment.step` with the new method; signing in with the same code
    // within its window is refused.
    let sign_in = UnixMillis(enrolled_at.0 + 20_000);
    assert_eq!(verify(&s, p, &code, sign_in, Some(enrolment.step)), Err(TotpRejection::Replayed));
}

#[test]
fn the_window_is_one_step_either_side_by_default() {
    let s = secret(SHA1_KEY);
    let now = at_secs(1_700_000_015);
    let step = default_params().step_at(now);
    for (offset, drift) in [(-1i64, -1i8), (0, 0), (1, 1)] {
        let code = code_for(&s, step.checked_add_signed(offset).unwrap());
        assert_eq!(
            verify(&s, default_params(), &code, now, None),
            Ok(AcceptedStep { step: step.checked_add_signed(offset).unwrap(), drift })
        );
    }
    for offset in [-3i64, -2, 2, 3] {
        let code = code_for(&s, step.checked_add_signed(offset).unwrap());
        assert_eq!(verify(&s, default_params(), &code, now, None), Err(TotpRejection::WrongCode), "{offset}");
    }
    // A wider window (a drifting hardware token) reaches further, a zero window only `now`.
    let two = SkewWindow::new(2).unwrap();
    let code = code_for(&s, step - 2);
    assert_eq!(
        verify_within(&s, default_params(), &code, now, None, two),
        Ok(AcceptedStep { step: step - 2, drift: -2 })
    );
    let zero = SkewWindow::new(0).unwrap();
    let code = code_for(&s, step + 1);
    assert_eq!(verify_within(&s, default_params(), &code, now, None, zero), Err(TotpRejection::WrongCode));
}

#[test]
fn steps_only_move_forward() {
    let s = secret(SHA1_KEY);
    let now = at_secs(1_700_000_015);
    let step = default_params().step_at(now);
    // A token running fast: its next-step code is accepted first…
    let ahead = verify(&s, default_params(), &code_for(&s, step + 1), now, None).unwrap();
    assert_eq!(ahead, AcceptedStep { step: step + 1, drift: 1 });
    // …after which the current and previous codes, though inside the window, are refused.
    for older in [step - 1, step, step + 1] {
        assert_eq!(
            verify(&s, default_params(), &code_for(&s, older), now, Some(ahead.step)),
            Err(TotpRejection::Replayed),
            "step {older}"
        );
    }
    // A stored step in the future (e.g. a skewed clock elsewhere) refuses everything up to it.
    let far = Some(step + 100);
    assert_eq!(verify(&s, default_params(), &code_for(&s, step), now, far), Err(TotpRejection::Replayed));
}

#[test]
fn wrong_codes_and_mismatched_lengths_are_refused() {
    let s = secret(SHA1_KEY);
    let now = at_secs(1_700_000_000);
    let right = code_at(&s, default_params(), now);
    let wrong = format!("{:06}", (right.expose().parse::<u32>().unwrap() + 1) % 1_000_000);
    let wrong = TotpCode::parse(&wrong, TotpDigits::Six).unwrap();
    assert_eq!(verify(&s, default_params(), &wrong, now, None), Err(TotpRejection::WrongCode));

    let eight = TotpCode::parse("12345678", TotpDigits::Eight).unwrap();
    assert_eq!(verify(&s, default_params(), &eight, now, None), Err(TotpRejection::DigitsMismatch));

    // A different secret's code does not pass.
    let other = secret(SHA256_KEY);
    assert_eq!(verify(&other, default_params(), &right, now, None), Err(TotpRejection::WrongCode));
}

#[test]
fn the_extremes_of_time_do_not_panic() {
    let s = secret(SHA1_KEY);
    // Step 0: the window is clipped at zero.
    let code = code_for(&s, 0);
    assert_eq!(
        verify(&s, default_params(), &code, UnixMillis(0), None),
        Ok(AcceptedStep { step: 0, drift: 0 })
    );
    assert_eq!(verify(&s, default_params(), &code, UnixMillis(0), Some(0)), Err(TotpRejection::Replayed));
    // The far future: the window is clipped at u64::MAX.
    let end = UnixMillis(u64::MAX);
    let code = code_at(&s, default_params(), end);
    let accepted = verify(&s, default_params(), &code, end, None).unwrap();
    assert_eq!(accepted.step, default_params().step_at(end));
    assert_eq!(verify(&s, default_params(), &code, end, Some(u64::MAX)), Err(TotpRejection::Replayed));
}

#[test]
fn malformed_codes_are_refused_without_quoting_them() {
    for (raw, digits, err) in [
        ("", TotpDigits::Six, TotpCodeError::WrongLength { expected: 6 }),
        ("12345", TotpDigits::Six, TotpCodeError::WrongLength { expected: 6 }),
        ("1234567", TotpDigits::Six, TotpCodeError::WrongLength { expected: 6 }),
        ("123456", TotpDigits::Eight, TotpCodeError::WrongLength { expected: 8 }),
        ("12345a", TotpDigits::Six, TotpCodeError::NotDigits),
        ("12 456", TotpDigits::Six, TotpCodeError::NotDigits),
        ("+12345", TotpDigits::Six, TotpCodeError::NotDigits),
        ("١٢٣٤٥٦", TotpDigits::Six, TotpCodeError::NotDigits),
        ("１２３４５６", TotpDigits::Six, TotpCodeError::NotDigits),
    ] {
        assert_eq!(TotpCode::parse(raw, digits), Err(err), "{raw:?}");
        if !raw.is_empty() {
            assert!(!err.to_string().contains(raw));
        }
    }
    assert!(TotpCode::normalise(&"1".repeat(10_000), TotpDigits::Six).is_err());
    assert_eq!(TotpCode::normalise("\t123 456\n", TotpDigits::Six).unwrap().expose(), "123456");
}

// ---------------------------------------------------------------- base32

#[test]
fn base32_is_read_as_people_write_it_but_only_in_canonical_form() {
    let canonical = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    assert_eq!(secret(SHA1_KEY).to_base32(), canonical);
    for written in [canonical, "gezdgnbvgy3tqojqgezdgnbvgy3tqojq", "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"]
    {
        assert_eq!(TotpSecret::from_base32(written).unwrap().as_bytes(), SHA1_KEY, "{written:?}");
    }
    // Padding is optional: 16 bytes are 26 characters, padded to 32.
    let sixteen = TotpSecret::generated(vec![0xA5; 16]).unwrap();
    let b32 = sixteen.to_base32();
    assert_eq!(b32.len(), 26);
    assert_eq!(TotpSecret::from_base32(&format!("{b32}======")).unwrap(), sixteen);

    for bad in [
        "",
        "====",
        "GEZDGNBVGY3TQOJQ1",         // '1' is not in the alphabet
        "GEZDGNBVGY3TQOJQG",         // 17 characters cannot end a whole byte
        "GEZDGNBVGY3TQOJQGEZ",       // nor can 19
        "GEZDGNBVGY3TQOJ=QGEZDGNBV", // padding in the middle
        "GEZDGNBVGY3TQOJQ\u{0}",
        "GEZDGNBVGY3TQOJQÉ",
    ] {
        assert_eq!(TotpSecret::from_base32(bad), Err(TotpSecretError::NotBase32), "{bad:?}");
    }
    // The two bits after the 16th byte must be zero.
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut stray = b32.into_bytes();
    let last = stray.last_mut().unwrap();
    let value = ALPHABET.iter().position(|c| c == last).unwrap();
    assert_eq!(value & 0b11, 0, "the canonical form has zero trailing bits");
    *last = ALPHABET[value | 1];
    assert_eq!(
        TotpSecret::from_base32(std::str::from_utf8(&stray).unwrap()),
        Err(TotpSecretError::NotBase32)
    );
    // Too short once decoded.
    assert_eq!(TotpSecret::from_base32("AAAAAAAA"), Err(TotpSecretError::TooShort { min: 10, got: 5 }));
    // Unbounded input is refused before any work.
    assert_eq!(TotpSecret::from_base32(&"A".repeat(100_000)), Err(TotpSecretError::NotBase32));
}

// ---------------------------------------------------------------- otpauth:// URIs

fn alice() -> Username {
    Username::parse("alice@example.com").unwrap()
}

#[test]
fn the_enrolment_uri_names_everything_explicitly() {
    let uri = OtpAuthUri::enrolment(&alice(), secret(SHA1_KEY), default_params());
    assert_eq!(
        uri.to_uri(),
        "otpauth://totp/Elevate:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
         &issuer=Elevate&algorithm=SHA1&digits=6&period=30"
    );
    assert_eq!(uri.issuer(), Some(ISSUER));
    assert_eq!(uri.account_name(), "alice@example.com");
    // The secret does not leak through Debug.
    let debug = format!("{uri:?}");
    assert!(!debug.contains("GEZDGNBV") && !debug.contains("12345678"), "{debug}");
}

#[test]
fn uris_round_trip_for_every_supported_parameter_set() {
    for algorithm in [TotpAlgorithm::Sha1, TotpAlgorithm::Sha256, TotpAlgorithm::Sha512] {
        for digits in [TotpDigits::Six, TotpDigits::Eight] {
            for period_secs in [TotpPeriod::Thirty, TotpPeriod::Sixty] {
                let p = TotpParams { algorithm, digits, period_secs };
                let uri =
                    OtpAuthUri::enrolment(&Username::parse("bob.smith").unwrap(), secret(SHA512_KEY), p);
                let parsed = OtpAuthUri::parse(&uri.to_uri()).unwrap();
                assert_eq!(parsed, uri);
                assert_eq!(parsed.params(), p);
                assert_eq!(parsed.into_parts(), (secret(SHA512_KEY), p));
            }
        }
    }
}

#[test]
fn third_party_uris_are_imported_with_the_formats_defaults() {
    // Google's Key URI format example: 80-bit secret, defaults omitted, raw '@' in the label.
    let uri =
        OtpAuthUri::parse("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example")
            .unwrap();
    assert_eq!(uri.issuer(), Some("Example"));
    assert_eq!(uri.account_name(), "alice@google.com");
    assert_eq!(uri.params(), TotpParams::default());
    assert_eq!(uri.secret().as_bytes(), b"Hello!\xde\xad\xbe\xef");
    // No issuer at all; a `%3A` separator; an OATH token with SHA-256, 8 digits and 60 s.
    let uri = OtpAuthUri::parse("otpauth://totp/OATH12345678?secret=AAAQEAYEAUDAOCAJ").unwrap();
    assert_eq!((uri.issuer(), uri.account_name()), (None, "OATH12345678"));
    let uri = OtpAuthUri::parse(
        "otpauth://totp/ACME%20Co%3Ajohn.doe?secret=AAAQEAYEAUDAOCAJ&algorithm=SHA256&digits=8&period=60",
    )
    .unwrap();
    assert_eq!((uri.issuer(), uri.account_name()), (Some("ACME Co"), "john.doe"));
    assert_eq!(uri.params(), TotpParams::new(TotpAlgorithm::Sha256, 8, 60).unwrap());
}

#[test]
fn malformed_uris_get_typed_errors() {
    const S: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    let cases: Vec<(String, OtpAuthError)> = vec![
        (String::new(), OtpAuthError::Malformed),
        ("not a uri".into(), OtpAuthError::Malformed),
        (format!("https://totp/Elevate:a?secret={S}"), OtpAuthError::NotOtpAuth),
        (format!("otpauth://hotp/Elevate:a?secret={S}&counter=0"), OtpAuthError::NotTotp),
        ("otpauth://totp/Elevate:a?issuer=Elevate".into(), OtpAuthError::MissingSecret),
        ("otpauth://totp/Elevate:a?secret=12345678".into(), OtpAuthError::Secret(TotpSecretError::NotBase32)),
        (
            "otpauth://totp/Elevate:a?secret=AAAAAAAAAAAAA".into(),
            OtpAuthError::Secret(TotpSecretError::TooShort { min: 10, got: 8 }),
        ),
        (
            format!("otpauth://totp/Elevate:a?secret={S}&digits=7"),
            OtpAuthError::Params(TotpParamsError::Digits),
        ),
        (
            format!("otpauth://totp/Elevate:a?secret={S}&digits=six"),
            OtpAuthError::Params(TotpParamsError::Digits),
        ),
        (
            format!("otpauth://totp/Elevate:a?secret={S}&period=45"),
            OtpAuthError::Params(TotpParamsError::Period),
        ),
        (
            format!("otpauth://totp/Elevate:a?secret={S}&period=0"),
            OtpAuthError::Params(TotpParamsError::Period),
        ),
        (
            format!("otpauth://totp/Elevate:a?secret={S}&algorithm=MD5"),
            OtpAuthError::Params(TotpParamsError::Algorithm),
        ),
        (format!("otpauth://totp/Elevate:a?secret={S}&issuer=Evil"), OtpAuthError::IssuerMismatch),
        (format!("otpauth://totp/Elevate:?secret={S}"), OtpAuthError::BadLabel),
        (format!("otpauth://totp/?secret={S}"), OtpAuthError::BadLabel),
        (format!("otpauth://totp/Elevate:a:b?secret={S}"), OtpAuthError::BadLabel),
        (format!("otpauth://totp/Elevate:a%0Ab?secret={S}"), OtpAuthError::BadLabel),
        (format!("otpauth://totp/Elevate:%FF?secret={S}"), OtpAuthError::Malformed),
        (
            format!("otpauth://totp/Elevate:a?secret={S}&x={}", "y".repeat(3000)),
            OtpAuthError::TooLong { max: 2048 },
        ),
    ];
    for (uri, err) in cases {
        assert_eq!(OtpAuthUri::parse(&uri), Err(err), "{uri:?}");
        assert!(!err.to_string().contains(S));
    }
}

// ---------------------------------------------------------------- properties

fn params_strategy() -> impl Strategy<Value = TotpParams> {
    (
        prop::sample::select(vec![TotpAlgorithm::Sha1, TotpAlgorithm::Sha256, TotpAlgorithm::Sha512]),
        prop::sample::select(vec![TotpDigits::Six, TotpDigits::Eight]),
        prop::sample::select(vec![TotpPeriod::Thirty, TotpPeriod::Sixty]),
    )
        .prop_map(|(algorithm, digits, period_secs)| TotpParams { algorithm, digits, period_secs })
}

proptest! {
    #[test]
    fn base32_round_trips(bytes in prop::collection::vec(any::<u8>(), 10..=128)) {
        let s = TotpSecret::imported(bytes.clone()).unwrap();
        let b32 = s.to_base32();
        prop_assert_eq!(TotpSecret::from_base32(&b32).unwrap().as_bytes().to_vec(), bytes);
        prop_assert_eq!(TotpSecret::from_base32(&b32.to_lowercase()).unwrap(), s);
    }

    #[test]
    fn uris_round_trip(
        bytes in prop::collection::vec(any::<u8>(), 16..=64),
        name in "[a-z0-9][a-z0-9._@-]{0,40}",
        p in params_strategy(),
    ) {
        let uri = OtpAuthUri::enrolment(&Username::parse(name).unwrap(), TotpSecret::generated(bytes).unwrap(), p);
        prop_assert_eq!(OtpAuthUri::parse(&uri.to_uri()).unwrap(), uri);
    }

    /// Whatever the secret, parameters and time: the current code is accepted once, at its own
    /// step, and never again; and no step at or before the last accepted one is ever accepted.
    #[test]
    fn a_code_is_accepted_at_most_once(
        bytes in prop::collection::vec(any::<u8>(), 16..=64),
        p in params_strategy(),
        now in 0u64..=4_000_000_000_000,
        last in prop::option::of(0u64..=200_000_000),
    ) {
        let s = TotpSecret::generated(bytes).unwrap();
        let now = UnixMillis(now);
        let code = code_at(&s, p, now);
        match verify(&s, p, &code, now, last) {
            Ok(accepted) => {
                prop_assert!(last.is_none_or(|l| accepted.step > l));
                prop_assert!(accepted.step.abs_diff(p.step_at(now)) <= 1);
                prop_assert_eq!(verify(&s, p, &code, now, Some(accepted.step)), Err(TotpRejection::Replayed));
            }
            Err(rejection) => {
                // Refused only because the step was already used.
                prop_assert_eq!(rejection, TotpRejection::Replayed);
                prop_assert!(last.is_some_and(|l| l >= p.step_at(now)));
            }
        }
    }
}
