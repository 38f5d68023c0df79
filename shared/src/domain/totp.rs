//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) for authenticator apps and OATH
//! hardware tokens: secrets, parameters, codes, `otpauth://` URIs, and single-use verification.
//!
//! Why it looks like this:
//! - **No clock.** Verification takes `now: UnixMillis`. The HMAC and dynamic truncation come from
//!   the `totp-rs` crate, built *without* its default `std` feature: `std` is the only thing that
//!   adds its clock-reading helpers (`generate_current`, `check_current`, `ttl`), so without it no
//!   path in the crate can read a clock, and the crate builds for `wasm32-unknown-unknown`. We call
//!   only [`totp_rs::Totp::generate`], which takes the time as a parameter. SHA-1/256/512 need no
//!   feature; `otpauth` adds the URI parser (and base32 via `alloc`).
//! - **Single use (DESIGN §3.2).** `totp-rs`'s own `check` returns the first matching step but
//!   leaves replay to the caller, and compares with early exit over the window. [`verify`]
//!   instead walks the whole window, compares every candidate in constant time (`subtle`), and
//!   refuses any step at or before the last accepted one, returning the step it accepted so the
//!   caller (the user's Durable Object, the serialisation point) stores it. Because the accepted
//!   step only moves forward, a code is never accepted twice, an older code is never accepted after
//!   a newer one, and the code typed at enrolment cannot be replayed to sign in.
//! - **Secrets stay secret (DESIGN §3 / STYLE 9).** [`TotpSecret`] and [`TotpCode`] redact
//!   themselves in `Debug`, errors never quote them, and [`TotpSecret`] deliberately has no serde
//!   implementation: storing one is an explicit [`TotpSecret::to_base32`], so a secret cannot slip
//!   into a wire type by accident.
//! - **Strength.** Secrets we generate must be at least 128 bits (RFC 4226 §4; 160 recommended,
//!   see [`TotpSecret::RECOMMENDED_BYTES`]); secrets imported from existing OATH tokens and apps
//!   may be as short as 80 bits, which older tokens use. The shared core has no randomness: the
//!   backend draws the bytes and hands them to [`TotpSecret::generated`].
//! - **Parameters** are limited to what authenticators actually implement: SHA-1/256/512, 6 or 8
//!   digits, 30 or 60 second steps. The default (SHA-1, 6, 30 s) is the only combination every
//!   app supports; some apps silently ignore the algorithm and fall back to SHA-1.

use crate::ids::Username;
use crate::time::UnixMillis;
use serde::{Deserialize, Serialize};
use std::fmt;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

/// The issuer shown in authenticator apps, and the prefix of every label we build.
pub const ISSUER: &str = "Elevate";

// ---------------------------------------------------------------- parameters

/// The HMAC hash a TOTP method uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TotpAlgorithm {
    /// HMAC-SHA-1: the default, and the only one every authenticator app supports.
    #[default]
    #[serde(rename = "SHA1")]
    Sha1,
    /// HMAC-SHA-256.
    #[serde(rename = "SHA256")]
    Sha256,
    /// HMAC-SHA-512.
    #[serde(rename = "SHA512")]
    Sha512,
}

impl TotpAlgorithm {
    /// The name used in `otpauth://` URIs and on the wire.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
            Self::Sha512 => "SHA512",
        }
    }

    const fn to_lib(self) -> totp_rs::Algorithm {
        match self {
            Self::Sha1 => totp_rs::Algorithm::SHA1,
            Self::Sha256 => totp_rs::Algorithm::SHA256,
            Self::Sha512 => totp_rs::Algorithm::SHA512,
        }
    }
}

/// How many digits a code has: 6 or 8.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum TotpDigits {
    /// Six digits: the default.
    #[default]
    Six,
    /// Eight digits.
    Eight,
}

impl TotpDigits {
    /// The number of digits.
    #[must_use]
    pub const fn get(self) -> u8 {
        match self {
            Self::Six => 6,
            Self::Eight => 8,
        }
    }

    const fn len(self) -> usize {
        self.get() as usize
    }
}

impl TryFrom<u8> for TotpDigits {
    type Error = TotpParamsError;
    fn try_from(n: u8) -> Result<Self, TotpParamsError> {
        match n {
            6 => Ok(Self::Six),
            8 => Ok(Self::Eight),
            _ => Err(TotpParamsError::Digits),
        }
    }
}

impl From<TotpDigits> for u8 {
    fn from(d: TotpDigits) -> u8 {
        d.get()
    }
}

/// How long one time step lasts: 30 or 60 seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub enum TotpPeriod {
    /// Thirty seconds: the default.
    #[default]
    Thirty,
    /// Sixty seconds (some hardware tokens).
    Sixty,
}

impl TotpPeriod {
    /// The step length in seconds.
    #[must_use]
    pub const fn secs(self) -> u64 {
        match self {
            Self::Thirty => 30,
            Self::Sixty => 60,
        }
    }
}

impl TryFrom<u64> for TotpPeriod {
    type Error = TotpParamsError;
    fn try_from(n: u64) -> Result<Self, TotpParamsError> {
        match n {
            30 => Ok(Self::Thirty),
            60 => Ok(Self::Sixty),
            _ => Err(TotpParamsError::Period),
        }
    }
}

impl From<TotpPeriod> for u64 {
    fn from(p: TotpPeriod) -> u64 {
        p.secs()
    }
}

/// Why TOTP parameters were refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TotpParamsError {
    #[error("a TOTP code has 6 or 8 digits")]
    Digits,
    #[error("a TOTP period is 30 or 60 seconds")]
    Period,
    #[error("the TOTP algorithm must be SHA1, SHA256 or SHA512")]
    Algorithm,
}

/// The parameters of one TOTP method. Each field is valid by construction, including when
/// deserialised (`{"algorithm":"SHA1","digits":6,"period_secs":30}`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TotpParams {
    /// The HMAC hash.
    pub algorithm: TotpAlgorithm,
    /// Digits per code.
    pub digits: TotpDigits,
    /// Seconds per time step.
    pub period_secs: TotpPeriod,
}

impl TotpParams {
    /// Validates raw numbers, as read from an `otpauth://` URI or a token's data sheet.
    pub fn new(algorithm: TotpAlgorithm, digits: u8, period_secs: u64) -> Result<Self, TotpParamsError> {
        Ok(Self { algorithm, digits: digits.try_into()?, period_secs: period_secs.try_into()? })
    }

    /// The time step `at` falls in: whole periods since the epoch.
    #[must_use]
    pub fn step_at(self, at: UnixMillis) -> u64 {
        at.as_unix_secs() / self.period_secs.secs()
    }
}

// ---------------------------------------------------------------- secrets

/// Why a TOTP secret was refused. Never quotes the secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TotpSecretError {
    #[error("the TOTP secret is {got} bytes; at least {min} are required")]
    TooShort { min: usize, got: usize },
    #[error("the TOTP secret is {got} bytes; at most {max} are allowed")]
    TooLong { max: usize, got: usize },
    #[error("the TOTP secret is not valid base32")]
    NotBase32,
}

/// The shared HMAC key of a TOTP method. Redacted in `Debug`; compared in constant time; no serde
/// (store it with [`Self::to_base32`] and load it with [`Self::from_base32`]).
#[derive(Clone)]
pub struct TotpSecret(Vec<u8>);

impl TotpSecret {
    /// The least a secret we generate may have: 128 bits (RFC 4226 §4).
    pub const MIN_GENERATED_BYTES: usize = 16;
    /// What the backend should draw for a new secret: 160 bits, RFC 4226's recommendation.
    pub const RECOMMENDED_BYTES: usize = 20;
    /// The least an imported (or stored) secret may have: 80 bits, as older OATH tokens use.
    pub const MIN_IMPORTED_BYTES: usize = 10;
    /// The most any secret may have: more than SHA-512's block, which HMAC would hash anyway.
    pub const MAX_BYTES: usize = 128;

    fn checked(bytes: Vec<u8>, min: usize) -> Result<Self, TotpSecretError> {
        let got = bytes.len();
        if got < min {
            return Err(TotpSecretError::TooShort { min, got });
        }
        if got > Self::MAX_BYTES {
            return Err(TotpSecretError::TooLong { max: Self::MAX_BYTES, got });
        }
        Ok(Self(bytes))
    }

    /// A new secret from bytes the backend drew from a CSPRNG: at least
    /// [`Self::MIN_GENERATED_BYTES`] (draw [`Self::RECOMMENDED_BYTES`]).
    pub fn generated(random: Vec<u8>) -> Result<Self, TotpSecretError> {
        Self::checked(random, Self::MIN_GENERATED_BYTES)
    }

    /// A secret imported from an existing token or app, or loaded from storage: at least
    /// [`Self::MIN_IMPORTED_BYTES`].
    pub fn imported(bytes: Vec<u8>) -> Result<Self, TotpSecretError> {
        Self::checked(bytes, Self::MIN_IMPORTED_BYTES)
    }

    /// Decodes RFC 4648 base32 as people and token vendors write it: case-insensitive, with or
    /// without `=` padding, ignoring spaces. The bits after the last whole byte must be zero
    /// (canonical form). Applies the imported-secret minimum.
    pub fn from_base32(text: &str) -> Result<Self, TotpSecretError> {
        // Bound the work before normalising: MAX_BYTES encode to 205 characters, plus padding and
        // the spaces of a grouped display.
        if text.len() > 2 * 8 * Self::MAX_BYTES.div_ceil(5) {
            return Err(TotpSecretError::NotBase32);
        }
        let mut normal: String = text.chars().filter(|c| *c != ' ').collect();
        normal.make_ascii_uppercase();
        let normal = normal.trim_end_matches('=');
        if normal.is_empty() || !normal.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
        {
            return Err(TotpSecretError::NotBase32);
        }
        let bytes = totp_rs::Secret::try_from_base32(normal)
            .map_err(|_| TotpSecretError::NotBase32)?
            .as_bytes()
            .to_vec();
        // The decoder tolerates impossible lengths and stray trailing bits; the canonical form
        // does not.
        if totp_rs::Secret::from(bytes.as_slice()).to_base32() != normal {
            return Err(TotpSecretError::NotBase32);
        }
        Self::imported(bytes)
    }

    /// RFC 4648 base32, upper case, without padding: the form `otpauth://` URIs and manual entry
    /// in authenticator apps use.
    #[must_use]
    pub fn to_base32(&self) -> String {
        totp_rs::Secret::from(self.0.as_slice()).to_base32()
    }

    /// The raw key.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

impl PartialEq for TotpSecret {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for TotpSecret {}

// ---------------------------------------------------------------- codes

/// Why a typed code was refused. Never quotes the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TotpCodeError {
    #[error("the code must have {expected} digits")]
    WrongLength { expected: u8 },
    #[error("the code must contain only digits")]
    NotDigits,
}

/// A one-time code as typed: exactly as many ASCII digits as the method's parameters say.
/// Redacted in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpCode {
    digits: TotpDigits,
    code: String,
}

impl TotpCode {
    /// Accepts exactly `digits` ASCII digits, nothing else.
    pub fn parse(raw: &str, digits: TotpDigits) -> Result<Self, TotpCodeError> {
        // Check the characters first so that a long paste is refused for what it is.
        if !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TotpCodeError::NotDigits);
        }
        if raw.len() != digits.len() {
            return Err(TotpCodeError::WrongLength { expected: digits.get() });
        }
        Ok(Self { digits, code: raw.to_owned() })
    }

    /// Accepts what a person typed or pasted: drops whitespace and `-` (apps show `123 456`),
    /// then [`Self::parse`]s.
    pub fn normalise(typed: &str, digits: TotpDigits) -> Result<Self, TotpCodeError> {
        if typed.len() > 64 {
            return Err(TotpCodeError::WrongLength { expected: digits.get() });
        }
        let compact: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        Self::parse(&compact, digits)
    }

    /// How many digits the code has.
    #[must_use]
    pub const fn digits(&self) -> TotpDigits {
        self.digits
    }

    /// The digits, for sending to the backend. Do not log them.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.code
    }
}

impl fmt::Debug for TotpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpCode(<redacted>)")
    }
}

// ---------------------------------------------------------------- generation

fn lib_totp(secret: &TotpSecret, params: TotpParams) -> totp_rs::Totp {
    // `build` would refuse the 80-bit secrets imported tokens use; our own types already hold
    // every value the RFC and the apps allow, so nothing non-compliant can reach this point.
    totp_rs::Builder::new()
        .with_algorithm(params.algorithm.to_lib())
        .with_digits(params.digits.get())
        .with_step_duration(params.period_secs.secs())
        .with_skew(0)
        .with_secret(secret.as_bytes())
        .build_noncompliant()
}

fn code_of(totp: &totp_rs::Totp, params: TotpParams, step: u64) -> Option<TotpCode> {
    // `generate` takes seconds and divides by the period itself; a step so far in the future
    // that its start overflows has no code.
    let secs = step.checked_mul(params.period_secs.secs())?;
    Some(TotpCode { digits: params.digits, code: totp.generate(secs).to_string() })
}

/// The code for time step `step` (RFC 4226 HOTP with counter = step). For tests, and for tools
/// that act as an authenticator app. `None` only for steps whose start is past `u64` seconds.
#[must_use]
pub fn code_for_step(secret: &TotpSecret, params: TotpParams, step: u64) -> Option<TotpCode> {
    code_of(&lib_totp(secret, params), params, step)
}

/// The code an authenticator shows at `at`.
#[must_use]
pub fn code_at(secret: &TotpSecret, params: TotpParams, at: UnixMillis) -> TotpCode {
    let totp = lib_totp(secret, params);
    // The step of any representable instant starts at a representable second.
    let secs = params.step_at(at) * params.period_secs.secs();
    TotpCode { digits: params.digits, code: totp.generate(secs).to_string() }
}

// ---------------------------------------------------------------- verification

/// How many steps either side of the current one a code may come from, for clock drift and typing
/// time. RFC 6238 §5.2 recommends at most one step of network delay; OATH tokens that have
/// drifted may need a little more, so up to [`Self::MAX`] is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct SkewWindow(u8);

impl SkewWindow {
    /// One step either side: RFC 6238's recommendation.
    pub const DEFAULT: Self = Self(1);
    /// The widest window allowed.
    pub const MAX: u8 = 3;

    /// Checks the width.
    pub const fn new(steps: u8) -> Result<Self, SkewWindowError> {
        if steps > Self::MAX {
            return Err(SkewWindowError { max: Self::MAX });
        }
        Ok(Self(steps))
    }

    /// Steps either side of the current one.
    #[must_use]
    pub const fn steps(self) -> u8 {
        self.0
    }
}

impl Default for SkewWindow {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl TryFrom<u8> for SkewWindow {
    type Error = SkewWindowError;
    fn try_from(n: u8) -> Result<Self, SkewWindowError> {
        Self::new(n)
    }
}

impl From<SkewWindow> for u8 {
    fn from(w: SkewWindow) -> u8 {
        w.0
    }
}

/// A skew window wider than allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the TOTP skew window is at most {max} steps")]
pub struct SkewWindowError {
    /// The widest window allowed.
    pub max: u8,
}

/// A code that was accepted: the step it belongs to, which the caller must store as the method's
/// last accepted step (in the same serialised step as the acceptance), and how far it was from
/// the current step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AcceptedStep {
    /// The time step the code belongs to; pass it back as `last_accepted_step` next time.
    pub step: u64,
    /// `step` minus the current step: negative for a late code, positive for a token running
    /// fast. Useful for spotting a drifting hardware token.
    pub drift: i8,
}

/// Why a code was not accepted. Show the person one message for all of them (do not tell an
/// attacker which guess was nearly right); audit the variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum TotpRejection {
    /// The code matches no step in the window.
    #[error("the code is not valid")]
    WrongCode,
    /// The code matches only steps at or before the last accepted one: it, or a later code, was
    /// already used. A sign of replay or of a code observed by someone else.
    #[error("the code was already used")]
    Replayed,
    /// The code has a different number of digits than the method (the caller parsed it with the
    /// wrong parameters).
    #[error("the code has the wrong number of digits for this method")]
    DigitsMismatch,
}

/// [`verify_within`] with the default window of one step either side.
pub fn verify(
    secret: &TotpSecret,
    params: TotpParams,
    code: &TotpCode,
    now: UnixMillis,
    last_accepted_step: Option<u64>,
) -> Result<AcceptedStep, TotpRejection> {
    verify_within(secret, params, code, now, last_accepted_step, SkewWindow::DEFAULT)
}

/// Checks `code` against every step within `window` of the step `now` falls in, refusing any step
/// at or before `last_accepted_step`. On success returns the earliest fresh step that matched;
/// the caller stores it before answering, so the same code (or an older one) is refused next time.
///
/// Every candidate in the window is computed and compared in constant time, whatever matches.
pub fn verify_within(
    secret: &TotpSecret,
    params: TotpParams,
    code: &TotpCode,
    now: UnixMillis,
    last_accepted_step: Option<u64>,
    window: SkewWindow,
) -> Result<AcceptedStep, TotpRejection> {
    if code.digits != params.digits {
        return Err(TotpRejection::DigitsMismatch);
    }
    let totp = lib_totp(secret, params);
    let current = params.step_at(now);
    let w = u64::from(window.steps());

    let mut accepted = Choice::from(0);
    let mut accepted_step = 0u64;
    let mut stale_match = Choice::from(0);
    for step in current.saturating_sub(w)..=current.saturating_add(w) {
        let Some(candidate) = code_of(&totp, params, step) else { continue };
        let matches = candidate.code.as_bytes().ct_eq(code.code.as_bytes());
        // Which steps are fresh is not secret; only whether the code matched them is.
        let fresh = Choice::from(u8::from(last_accepted_step.is_none_or(|last| step > last)));
        let take = matches & fresh & !accepted;
        accepted_step.conditional_assign(&step, take);
        accepted |= take;
        stale_match |= matches & !fresh;
    }

    if bool::from(accepted) {
        // |accepted_step - current| <= window <= SkewWindow::MAX, so the difference fits.
        let drift = if accepted_step >= current {
            i8::try_from(accepted_step - current).unwrap_or(i8::MAX)
        } else {
            i8::try_from(current - accepted_step).map_or(i8::MIN, |d| -d)
        };
        Ok(AcceptedStep { step: accepted_step, drift })
    } else if bool::from(stale_match) {
        Err(TotpRejection::Replayed)
    } else {
        Err(TotpRejection::WrongCode)
    }
}

// ---------------------------------------------------------------- otpauth:// URIs

/// Why an `otpauth://` URI was refused. Never quotes the secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OtpAuthError {
    #[error("the URI is longer than {max} characters")]
    TooLong { max: usize },
    #[error("the text is not a valid otpauth URI")]
    Malformed,
    #[error("the URI does not use the otpauth scheme")]
    NotOtpAuth,
    #[error("the URI is not for a time-based (totp) token")]
    NotTotp,
    #[error("the URI has no secret")]
    MissingSecret,
    #[error("the URI's secret is refused: {0}")]
    Secret(TotpSecretError),
    #[error("the URI's parameters are refused: {0}")]
    Params(TotpParamsError),
    #[error("the URI's label is missing an account name, or its issuer or account name contains ':'")]
    BadLabel,
    #[error("the issuer in the URI's label differs from its issuer parameter")]
    IssuerMismatch,
}

/// A TOTP token as described by an `otpauth://totp/ISSUER:ACCOUNT?secret=…` URI (Google's Key
/// URI format): what an authenticator app scans at enrolment, or what an OATH import carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtpAuthUri {
    issuer: Option<String>,
    account_name: String,
    secret: TotpSecret,
    params: TotpParams,
}

impl OtpAuthUri {
    /// The longest URI [`Self::parse`] reads.
    pub const MAX_LEN: usize = 2048;

    /// The URI a person scans to enrol: issuer [`ISSUER`], label `Elevate:username`.
    #[must_use]
    pub fn enrolment(username: &Username, secret: TotpSecret, params: TotpParams) -> Self {
        Self { issuer: Some(ISSUER.to_owned()), account_name: username.as_str().to_owned(), secret, params }
    }

    /// The issuer, if the URI named one.
    #[must_use]
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The account name (the label after `issuer:`).
    #[must_use]
    pub fn account_name(&self) -> &str {
        &self.account_name
    }

    /// The shared secret.
    #[must_use]
    pub fn secret(&self) -> &TotpSecret {
        &self.secret
    }

    /// Algorithm, digits and period.
    #[must_use]
    pub fn params(&self) -> TotpParams {
        self.params
    }

    /// Splits into the secret and parameters, for storing.
    #[must_use]
    pub fn into_parts(self) -> (TotpSecret, TotpParams) {
        (self.secret, self.params)
    }

    /// The URI, with every parameter explicit so no app has to guess a default:
    /// `otpauth://totp/Elevate:alice%40example.com?secret=…&issuer=Elevate&algorithm=SHA1&digits=6&period=30`.
    /// It contains the secret: show it once (as a QR code) and never log it.
    #[must_use]
    pub fn to_uri(&self) -> String {
        let account = percent_encode(&self.account_name);
        let mut uri = String::from("otpauth://totp/");
        if let Some(issuer) = &self.issuer {
            uri.push_str(&percent_encode(issuer));
            uri.push(':');
        }
        uri.push_str(&account);
        uri.push_str("?secret=");
        uri.push_str(&self.secret.to_base32());
        if let Some(issuer) = &self.issuer {
            uri.push_str("&issuer=");
            uri.push_str(&percent_encode(issuer));
        }
        uri.push_str("&algorithm=");
        uri.push_str(self.params.algorithm.as_str());
        uri.push_str("&digits=");
        uri.push_str(&self.params.digits.get().to_string());
        uri.push_str("&period=");
        uri.push_str(&self.params.period_secs.secs().to_string());
        uri
    }

    /// Reads an `otpauth://totp/` URI. Absent parameters take the format's defaults (SHA1, 6
    /// digits, 30 s); present ones must be values we support; the secret must be unpadded upper-case
    /// base32 of at least [`TotpSecret::MIN_IMPORTED_BYTES`]; the label must have an account name,
    /// and a label issuer must equal the `issuer` parameter when both are given.
    pub fn parse(uri: &str) -> Result<Self, OtpAuthError> {
        use totp_rs::TotpError as E;
        if uri.len() > Self::MAX_LEN {
            return Err(OtpAuthError::TooLong { max: Self::MAX_LEN });
        }
        // `from_url_unchecked` only reads the URI; `from_url` would also refuse the 80-bit
        // secrets of older tokens. We validate every field ourselves below.
        let totp = totp_rs::Totp::from_url_unchecked(uri).map_err(|e| match e {
            E::InvalidScheme { .. } => OtpAuthError::NotOtpAuth,
            E::InvalidHost { .. } => OtpAuthError::NotTotp,
            E::SecretNotSet => OtpAuthError::MissingSecret,
            E::InvalidSecret => OtpAuthError::Secret(TotpSecretError::NotBase32),
            E::InvalidAlgorithm { .. } => OtpAuthError::Params(TotpParamsError::Algorithm),
            E::DigitsParse { .. } => OtpAuthError::Params(TotpParamsError::Digits),
            E::StepParse { .. } => OtpAuthError::Params(TotpParamsError::Period),
            E::IssuerMismatch { .. } => OtpAuthError::IssuerMismatch,
            E::InvalidAccountName { .. } | E::InvalidIssuer { .. } | E::AccountNameNotSet => {
                OtpAuthError::BadLabel
            }
            _ => OtpAuthError::Malformed,
        })?;
        let algorithm = match totp.algorithm() {
            totp_rs::Algorithm::SHA1 => TotpAlgorithm::Sha1,
            totp_rs::Algorithm::SHA256 => TotpAlgorithm::Sha256,
            totp_rs::Algorithm::SHA512 => TotpAlgorithm::Sha512,
            _ => return Err(OtpAuthError::Params(TotpParamsError::Algorithm)),
        };
        let params = TotpParams::new(algorithm, totp.digits(), totp.step()).map_err(OtpAuthError::Params)?;
        let secret = TotpSecret::imported(totp.secret().as_bytes().to_vec()).map_err(OtpAuthError::Secret)?;
        let account_name = totp.account_name().to_owned();
        let issuer = totp.issuer().map(str::to_owned);
        let bad = |s: &str| s.is_empty() || s.contains(':') || s.chars().any(char::is_control);
        if bad(&account_name) || issuer.as_deref().is_some_and(bad) {
            return Err(OtpAuthError::BadLabel);
        }
        Ok(Self { issuer, account_name, secret, params })
    }
}

// Label parts are percent-encoded as `totp-rs` does: everything but RFC 3986's unreserved characters.
use crate::percent::encode as percent_encode;

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> TotpSecret {
        TotpSecret::generated(b"12345678901234567890".to_vec()).unwrap()
    }

    #[test]
    fn secrets_are_redacted_and_bounded() {
        let s = secret();
        assert_eq!(format!("{s:?}"), "TotpSecret(<redacted>)");
        assert_eq!(TotpSecret::generated(vec![0; 15]), Err(TotpSecretError::TooShort { min: 16, got: 15 }));
        assert!(TotpSecret::generated(vec![0; 16]).is_ok());
        assert!(TotpSecret::imported(vec![0; 10]).is_ok());
        assert_eq!(TotpSecret::imported(vec![0; 9]), Err(TotpSecretError::TooShort { min: 10, got: 9 }));
        assert_eq!(TotpSecret::imported(vec![0; 129]), Err(TotpSecretError::TooLong { max: 128, got: 129 }));
    }

    #[test]
    fn codes_are_redacted_and_strict() {
        let c = TotpCode::parse("123456", TotpDigits::Six).unwrap();
        assert_eq!(format!("{c:?}"), "TotpCode(<redacted>)");
        assert_eq!(
            TotpCode::parse("12345", TotpDigits::Six),
            Err(TotpCodeError::WrongLength { expected: 6 })
        );
        assert_eq!(
            TotpCode::parse("123456", TotpDigits::Eight),
            Err(TotpCodeError::WrongLength { expected: 8 })
        );
        for bad in ["12345a", "+12345", "-12345", "12 345", "١٢٣٤٥٦", "123456\n"] {
            assert!(TotpCode::parse(bad, TotpDigits::Six).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(TotpCode::normalise(" 123 456 ", TotpDigits::Six).unwrap().expose(), "123456");
        assert_eq!(TotpCode::normalise("1234-5678", TotpDigits::Eight).unwrap().expose(), "12345678");
    }

    #[test]
    fn params_accept_only_what_apps_support() {
        assert!(TotpParams::new(TotpAlgorithm::Sha256, 8, 60).is_ok());
        assert_eq!(TotpParams::new(TotpAlgorithm::Sha1, 7, 30), Err(TotpParamsError::Digits));
        assert_eq!(TotpParams::new(TotpAlgorithm::Sha1, 6, 45), Err(TotpParamsError::Period));
        let json = serde_json::to_string(&TotpParams::default()).unwrap();
        assert_eq!(json, r#"{"algorithm":"SHA1","digits":6,"period_secs":30}"#);
        assert!(
            serde_json::from_str::<TotpParams>(r#"{"algorithm":"SHA1","digits":7,"period_secs":30}"#)
                .is_err()
        );
        assert!(
            serde_json::from_str::<TotpParams>(r#"{"algorithm":"MD5","digits":6,"period_secs":30}"#).is_err()
        );
    }

    #[test]
    fn skew_window_is_bounded() {
        assert_eq!(SkewWindow::default().steps(), 1);
        assert!(SkewWindow::new(3).is_ok());
        assert!(SkewWindow::new(4).is_err());
    }
}
