//! Activation as the portal reads and tells it: the form read into a draft (durations as people
//! type them, a start now or later), the live verdict in words, what a tap signs, and the bounds of
//! an extension. Pure, so it is tested natively; the backend evaluates every draft again.

use crate::api::ClientError;
use crate::pages::format::sentence;
use elevate_shared::api::ErrorCode;
use elevate_shared::api::auth::RequestChallengeResponse;
use elevate_shared::domain::digest::{
    ActivationFacts, Verdict, activation_digest, approval_digest, extension_digest,
};
use elevate_shared::domain::mfa::AllowedMethods;
use elevate_shared::domain::policy::activation_window;
use elevate_shared::domain::{
    ActivationDraft, ActivationDuration, ActivationRequest, ActivationStart, ActivationVerdict, Digest,
    Justification, Refusal, Scope, Ticket, TicketNumber, TicketSystem,
};
use elevate_shared::ids::UserId;
use elevate_shared::time::{DurationMs, UnixMillis};

const MINUTE_MS: u64 = 60_000;

/// The unit a bare number in the duration field is read in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Unit {
    Minutes,
    #[default]
    Hours,
}

impl Unit {
    pub const fn as_str(self) -> &'static str {
        match self {
            Unit::Minutes => "minutes",
            Unit::Hours => "hours",
        }
    }

    /// The unit a `<select>` value names; hours unless it says minutes.
    pub fn parse(value: &str) -> Self {
        if value == "minutes" { Unit::Minutes } else { Unit::Hours }
    }

    const fn minutes(self) -> f64 {
        match self {
            Unit::Minutes => 1.0,
            Unit::Hours => 60.0,
        }
    }
}

/// A span in words: "45 min", "1 hour", "8 hours", "1 h 30 min".
pub fn duration_text(d: DurationMs) -> String {
    if d.0 < MINUTE_MS {
        return format!("{} s", d.as_secs());
    }
    let minutes = d.0 / MINUTE_MS;
    let (hours, rest) = (minutes / 60, minutes % 60);
    match (hours, rest) {
        (0, m) => format!("{m} min"),
        (1, 0) => "1 hour".to_owned(),
        (h, 0) => format!("{h} hours"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// How the duration field shows a span: whole hours in hours, anything else in minutes.
pub fn duration_input(d: DurationMs) -> (String, Unit) {
    let minutes = d.0 / MINUTE_MS;
    if minutes.is_multiple_of(60) {
        ((minutes / 60).to_string(), Unit::Hours)
    } else {
        (minutes.to_string(), Unit::Minutes)
    }
}

/// A duration as typed: a bare number in `unit` ("1.5", "90"), or with its own units ("90m",
/// "2h", "1h30", "1 h 30 min", "45 minutes"). It must come to whole minutes, 5 minutes to 24 hours.
pub fn read_duration(text: &str, unit: Unit) -> Result<ActivationDuration, String> {
    let minutes = read_minutes(text, unit)
        .ok_or_else(|| "Enter how long you need the role, e.g. 1.5 (hours) or 90m.".to_owned())?;
    ActivationDuration::from_minutes(minutes).map_err(|_| {
        format!(
            "An activation lasts {} to {}, in whole minutes.",
            duration_text(ActivationDuration::MIN),
            duration_text(ActivationDuration::MAX)
        )
    })
}

fn read_minutes(text: &str, unit: Unit) -> Option<u64> {
    let text = text.trim().to_ascii_lowercase().replace(',', ".");
    // Numbers, each with the unit word that follows it, if any.
    let mut parts: Vec<(f64, Option<String>)> = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c.is_ascii_digit() || c == '.' {
            let mut number = String::new();
            while let Some(&c) = chars.peek().filter(|c| c.is_ascii_digit() || **c == '.') {
                number.push(c);
                chars.next();
            }
            parts.push((number.parse().ok()?, None));
        } else if c.is_ascii_alphabetic() {
            let mut word = String::new();
            while let Some(&c) = chars.peek().filter(|c| c.is_ascii_alphabetic()) {
                word.push(c);
                chars.next();
            }
            let last = parts.last_mut()?;
            if last.1.is_some() {
                return None;
            }
            last.1 = Some(word);
        } else {
            return None;
        }
    }
    let per_word = |word: &str| match word {
        "h" | "hr" | "hrs" | "hour" | "hours" => Some(60.0),
        "m" | "min" | "mins" | "minute" | "minutes" => Some(1.0),
        _ => None,
    };
    let count = parts.len();
    let mut total = 0.0;
    // Hours come before minutes, each at most once.
    let mut last_per = f64::INFINITY;
    for (i, (value, word)) in parts.iter().enumerate() {
        let per = match word.as_deref() {
            Some(word) => per_word(word)?,
            // A bare number alone is in the chosen unit.
            None if count == 1 => unit.minutes(),
            // "1h30": minutes after hours.
            None if i == count - 1 && parts[i - 1].1.as_deref().and_then(per_word) == Some(60.0) => 1.0,
            None => return None,
        };
        if per >= last_per {
            return None;
        }
        last_per = per;
        total += value * per;
    }
    let rounded = total.round();
    (count > 0 && (total - rounded).abs() < 1e-6 && rounded >= 0.0).then_some(rounded as u64)
}

/// A countdown: "1:02:03" with hours, "4:05" without.
pub fn countdown(remaining: DurationMs) -> String {
    let secs = remaining.as_secs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

/// A `datetime-local` input's value, "YYYY-MM-DDTHH:MM" (seconds allowed), as its parts in local
/// time: year, month (1–12), day, hour and minute. `None` when it is not one.
pub fn parse_local(value: &str) -> Option<(i32, u32, u32, u32, u32)> {
    let (date, time) = value.trim().split_once('T')?;
    let mut date = date.split('-');
    let year = date.next()?.parse::<i32>().ok()?;
    let month = date.next()?.parse::<u32>().ok()?;
    let day = date.next()?.parse::<u32>().ok()?;
    let mut time = time.split(':');
    let hour = time.next()?.parse::<u32>().ok()?;
    let minute = time.next()?.parse::<u32>().ok()?;
    let fits = date.next().is_none()
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && (1000..=9999).contains(&year);
    fits.then_some((year, month, day, hour, minute))
}

/// When the activation should begin, as chosen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StartChoice {
    #[default]
    Now,
    /// At a time: the instant the date-time field names, if it names one.
    At(Option<UnixMillis>),
}

/// The activation form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Form {
    pub duration: String,
    pub unit: Unit,
    pub start: StartChoice,
    pub justification: String,
    pub ticket_system: String,
    pub ticket_number: String,
}

/// The form as a draft for `scope`, or what to fix first.
pub fn read_draft(form: &Form, scope: &Scope, now: UnixMillis) -> Result<ActivationDraft, String> {
    let duration = read_duration(&form.duration, form.unit)?;
    let start = match form.start {
        StartChoice::Now => ActivationStart::Immediate,
        StartChoice::At(None) => return Err("Choose the date and time it should start.".to_owned()),
        StartChoice::At(Some(t)) if t <= now => return Err("Choose a start in the future.".to_owned()),
        StartChoice::At(Some(t)) => ActivationStart::At(t),
    };
    let justification = match form.justification.trim() {
        "" => None,
        text => Some(Justification::parse(text).map_err(|e| sentence(&e.to_string()))?),
    };
    let ticket = match (form.ticket_system.trim(), form.ticket_number.trim()) {
        ("", "") => None,
        ("", _) | (_, "") => return Err("Enter both the ticket system and the ticket number.".to_owned()),
        (system, number) => Some(Ticket {
            system: TicketSystem::parse(system).map_err(|e| sentence(&e.to_string()))?,
            number: TicketNumber::parse(number).map_err(|e| sentence(&e.to_string()))?,
        }),
    };
    Ok(ActivationDraft { scope: scope.clone(), start, duration, justification, ticket })
}

/// A problem to show: the text, and whether registering a method on Security info is the way out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub text: String,
    pub add_method: bool,
}

impl Problem {
    pub fn new(text: impl Into<String>) -> Self {
        Self { text: text.into(), add_method: false }
    }

    /// A failed call, in a person's words: the server's message, which is written for people.
    pub fn from_client(e: &ClientError) -> Self {
        let text = match e.code() {
            Some(ErrorCode::CeremonyNotFound) => {
                "That confirmation waited too long and has lapsed. Try again.".to_owned()
            }
            _ => e.to_string(),
        };
        Self { text, add_method: e.code() == Some(ErrorCode::NoUsableMfaMethod) }
    }
}

/// The methods a role accepts, as a person reads them.
pub const fn methods_text(allowed: AllowedMethods) -> &'static str {
    match allowed {
        AllowedMethods::Any => "a passkey, security key or authenticator-app code",
        AllowedMethods::PhishingResistant => "a passkey or security key",
    }
}

/// "a", "a or b", "a, b or c".
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Why an activation is refused, in a person's words. `at` writes an instant.
pub fn refusal_text(r: &Refusal, at: impl Fn(UnixMillis) -> String) -> String {
    match r {
        Refusal::AccountCannotAct => {
            "Your account cannot activate roles right now: it is disabled or locked.".into()
        }
        Refusal::SettingsInvalid(_) => {
            "This role's settings are incomplete, so nobody can activate it until an \
                                        administrator fixes them."
                .into()
        }
        Refusal::ScopeOutsideRole { role_scope } => {
            format!("This role cannot be used at this scope; it covers {role_scope}.")
        }
        Refusal::DurationExceedsMaximum { requested, max } => format!(
            "This role can be active for at most {}; you asked for {}.",
            duration_text(*max),
            duration_text(*requested)
        ),
        Refusal::StartInPast => "Choose a start in the future.".into(),
        Refusal::AlreadyActive { until: Some(until) } => {
            format!("This role is already active for you, until {}.", at(*until))
        }
        Refusal::AlreadyActive { until: None } => "This role is already active for you.".into(),
        Refusal::RequestAlreadyOpen { .. } => {
            "You already have a request for this role waiting: see My requests.".into()
        }
        Refusal::NotEligible => "You are not eligible for this role at this scope.".into(),
        Refusal::EligibilityNotStarted { starts_at } => {
            format!("Your eligibility for this role starts {}.", at(*starts_at))
        }
        Refusal::EligibilityEnded { ended_at } => {
            format!("Your eligibility for this role ended {}.", at(*ended_at))
        }
        Refusal::StartAfterEligibilityEnd { eligibility_end } => {
            format!("Your eligibility ends {}: choose an earlier start.", at(*eligibility_end))
        }
        Refusal::NoUsableMfaMethod { allowed } => format!(
            "This role needs you to confirm it's you with {}, and you have none it accepts. Add one on \
             Security info.",
            methods_text(*allowed)
        ),
        Refusal::TicketSystemNotAllowed { allowed } => {
            let systems: Vec<String> = allowed.iter().map(ToString::to_string).collect();
            format!("This role accepts tickets from {} only.", or_list(&systems))
        }
        Refusal::TicketNumberMismatch { pattern } => {
            format!("The ticket number does not have the expected form, {pattern} ({PATTERN_LEGEND}).")
        }
        Refusal::ApprovalQuorumUnreachable { quorum, available } => format!(
            "This role needs {quorum} approvers other than you, but only {available} are listed. Ask an \
             administrator to add approvers."
        ),
    }
}

/// What the symbols of a ticket pattern stand for.
pub const PATTERN_LEGEND: &str = "# is a digit, @ a letter, * a letter or digit";

/// How a verdict reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Nothing more is needed.
    Ready,
    /// Something more is needed, which the person can give.
    Needs,
    /// It cannot happen as drafted.
    Refused,
}

impl Tone {
    pub const fn class(self) -> &'static str {
        match self {
            Tone::Ready => "verdict ready",
            Tone::Needs => "verdict needs",
            Tone::Refused => "verdict refused",
        }
    }

    /// The class of a one-line summary, as the eligible roles show the default activation's needs.
    pub const fn line_class(self) -> &'static str {
        match self {
            Tone::Ready => "needs-line ready",
            Tone::Needs => "needs-line needs",
            Tone::Refused => "needs-line refused",
        }
    }
}

/// A verdict in words: a headline, lines of detail, and whether Security info is the way out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerdictView {
    pub tone: Tone,
    /// The verdict's own name (`ready`, `needs_mfa`, …), as the API writes it.
    pub next: &'static str,
    pub headline: String,
    pub details: Vec<String>,
    pub add_method: bool,
}

/// What a verdict says about the draft, at `now`; `at` writes an instant.
pub fn verdict_view(
    v: &ActivationVerdict,
    now: UnixMillis,
    at: impl Fn(UnixMillis) -> String,
) -> VerdictView {
    let view = |tone, next, headline: &str, details: Vec<String>| VerdictView {
        tone,
        next,
        headline: headline.to_owned(),
        details,
        add_method: false,
    };
    match v {
        ActivationVerdict::Refused { refusal } => VerdictView {
            add_method: matches!(refusal, Refusal::NoUsableMfaMethod { .. }),
            ..view(
                Tone::Refused,
                "refused",
                "It can't be activated as asked",
                vec![refusal_text(refusal, at)],
            )
        },
        ActivationVerdict::NeedsJustification { hint } => {
            let mut details = vec!["Say why you need the role now.".to_owned()];
            details.extend(hint.as_ref().map(|h| format!("This role asks: {h}")));
            view(Tone::Needs, "needs_justification", "Needs a justification", details)
        }
        ActivationVerdict::NeedsTicket { systems, pattern } => {
            let mut details = Vec::new();
            if !systems.is_empty() {
                let systems: Vec<String> = systems.iter().map(ToString::to_string).collect();
                details.push(format!("From {}.", or_list(&systems)));
            }
            details
                .extend(pattern.as_ref().map(|p| format!("The number looks like {p} ({PATTERN_LEGEND}).")));
            view(Tone::Needs, "needs_ticket", "Needs a ticket number", details)
        }
        ActivationVerdict::NeedsMfa { allowed, user_verification, fresh_tap, session_rejected } => {
            let mut with = format!("After you submit, confirm it's you with {}", methods_text(*allowed));
            if *user_verification {
                with.push_str(" (a key's PIN or your fingerprint or face)");
            }
            with.push('.');
            let mut details = vec![with];
            if *fresh_tap {
                details.push("This role asks for a new confirmation for every activation.".to_owned());
            }
            if let Some(r) = session_rejected {
                details.push(format!("Your earlier check in this session does not count: {r}."));
            }
            view(Tone::Needs, "needs_mfa", "Needs you to confirm it's you", details)
        }
        ActivationVerdict::NeedsApproval { approvers, quorum, plan } => {
            let who = if approvers.len() == usize::from(*quorum) && *quorum == 1 {
                "The approver must approve it.".to_owned()
            } else {
                format!("{quorum} of {} approvers must approve it.", approvers.len())
            };
            let span = if plan.start > now.plus(DurationMs(MINUTE_MS)) {
                format!("If approved in time: active from {} until {}.", at(plan.start), at(plan.end))
            } else {
                format!("Once approved, it lasts {}.", duration_text(plan.end.since(plan.start)))
            };
            view(Tone::Needs, "needs_approval", "Needs approval", vec![who, span])
        }
        ActivationVerdict::Ready { plan } => {
            let scheduled = plan.start > now.plus(DurationMs(MINUTE_MS));
            let mut details = vec![if scheduled {
                format!("Active from {} until {}.", at(plan.start), at(plan.end))
            } else {
                format!("Active at once, until {}.", at(plan.end))
            }];
            if plan.clamped_to_eligibility {
                details.push("It ends early, when your eligibility ends.".to_owned());
            }
            let headline = if scheduled { "Ready to schedule" } else { "Ready to activate" };
            view(Tone::Ready, "ready", headline, details)
        }
    }
}

/// What a default activation of an eligible role would meet, in a line: its first need, why it
/// is refused, or that it is already active or requested (which is no fault, so not told as one).
pub fn eligible_summary(
    v: &ActivationVerdict,
    now: UnixMillis,
    at: impl Fn(UnixMillis) -> String,
) -> (Tone, String) {
    let shown = verdict_view(v, now, &at);
    match v {
        ActivationVerdict::Refused {
            refusal: refusal @ (Refusal::AlreadyActive { .. } | Refusal::RequestAlreadyOpen { .. }),
        } => (Tone::Needs, refusal_text(refusal, at)),
        ActivationVerdict::Refused { .. } => {
            (Tone::Refused, shown.details.into_iter().next().unwrap_or(shown.headline))
        }
        _ => (shown.tone, shown.headline),
    }
}

/// When the activation drafted would end, as a line ("Ends at 15:05"); `None` when it is refused.
/// Without a plan in the verdict, the span is computed as it would be if it began now.
pub fn ends_line(
    v: &ActivationVerdict,
    draft: &ActivationDraft,
    eligibility_end: Option<UnixMillis>,
    now: UnixMillis,
    at: impl Fn(UnixMillis) -> String,
) -> Option<String> {
    let immediate = draft.start == ActivationStart::Immediate;
    match v {
        ActivationVerdict::Refused { .. } => None,
        ActivationVerdict::Ready { plan } => Some(format!("Ends at {}", at(plan.end))),
        ActivationVerdict::NeedsApproval { plan, .. } if immediate => {
            Some(format!("Ends {} after it is approved", duration_text(plan.end.since(plan.start))))
        }
        ActivationVerdict::NeedsApproval { plan, .. } => Some(format!("Ends at {}", at(plan.end))),
        _ => {
            // The verdict is not a refusal, so the duration is within the role's maximum.
            let max = draft.duration.get();
            let (_, end) = activation_window(draft.start, draft.duration, max, eligibility_end, now)?;
            Some(if immediate {
                format!("Ends at about {} if it starts now", at(end))
            } else {
                format!("Ends at {}", at(end))
            })
        }
    }
}

/// The role's maximum, from a preview of the longest activation there is: refused as too long
/// (naming the maximum), or not (the maximum is the longest there is). `None` when the preview was
/// refused before the duration was looked at.
pub fn max_from_probe(v: &ActivationVerdict) -> Option<DurationMs> {
    match v {
        ActivationVerdict::Refused { refusal: Refusal::DurationExceedsMaximum { max, .. } } => Some(*max),
        ActivationVerdict::Refused {
            refusal:
                Refusal::AccountCannotAct | Refusal::SettingsInvalid(_) | Refusal::ScopeOutsideRole { .. },
        } => None,
        _ => Some(ActivationDuration::MAX),
    }
}

/// The draft of the probe [`max_from_probe`] reads: the longest activation there is, now.
pub fn probe_draft(scope: &Scope) -> ActivationDraft {
    ActivationDraft {
        scope: scope.clone(),
        start: ActivationStart::Immediate,
        duration: ActivationDuration::new(ActivationDuration::MAX).unwrap_or_default(),
        justification: None,
        ticket: None,
    }
}

/// What the requester's tap signs, in words: "Your tap approves: Global Administrator at / for
/// 1 hour, because “…”."
pub fn tap_summary(role: &str, r: &ActivationRequest, at: impl Fn(UnixMillis) -> String) -> String {
    let mut text =
        format!("Your tap approves: {role} at {} for {}", r.scope, duration_text(r.duration.get()));
    if let ActivationStart::At(t) = r.start {
        text.push_str(&format!(", from {}", at(t)));
    }
    if let Some(j) = &r.justification {
        text.push_str(&format!(", because “{j}”"));
    }
    if let Some(t) = &r.ticket {
        text.push_str(&format!(", ticket {} {}", t.system, t.number));
    }
    text.push('.');
    text
}

/// What a tap is asked to sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signing<'a> {
    /// The request itself (the requester's MFA).
    Request,
    /// An extension of the activation to a new end.
    Extension(UnixMillis),
    /// An approver's verdict.
    Decision { approver: &'a UserId, verdict: Verdict },
}

/// The digest of a request's own facts: what the portal shows is what its digest commits to.
pub fn facts_digest(r: &ActivationRequest) -> Digest {
    activation_digest(&ActivationFacts {
        request: &r.id,
        requester: &r.requester,
        role: &r.role,
        scope: &r.scope,
        start: r.start,
        duration: r.duration,
        justification: r.justification.as_ref(),
        ticket: r.ticket.as_ref(),
    })
}

/// Whether a ceremony the server started asks the authenticator to sign exactly `what` about the
/// request shown: the request's digest is that of the facts on screen, the ceremony's digest is
/// the one `what` calls for, and the challenge is that digest. The tap happens only if so.
pub fn tap_is_for(
    r: &ActivationRequest,
    what: Signing<'_>,
    digest: &Digest,
    options: &RequestChallengeResponse,
) -> bool {
    if facts_digest(r) != r.digest {
        return false;
    }
    let expected = match what {
        Signing::Request => r.digest,
        Signing::Extension(new_end) => extension_digest(&r.digest, new_end),
        Signing::Decision { approver, verdict } => approval_digest(&r.digest, approver, verdict),
    };
    *digest == expected && options.public_key.challenge.as_slice() == expected.as_bytes()
}

/// The text shown when [`tap_is_for`] says no.
pub const TAP_MISMATCH: &str = "Elevate asked your authenticator to sign something other than what is shown \
                                here, so nothing was signed. Reload the page and try again.";

/// The latest end an extension of `r` may ask for at `now`: no longer than a fresh activation
/// (the role's maximum from now), never past the eligibility's end.
pub fn extension_limit(
    r: &ActivationRequest,
    eligibility_end: Option<UnixMillis>,
    now: UnixMillis,
) -> UnixMillis {
    let limit = now.plus(r.terms.max_activation.get());
    eligibility_end.map_or(limit, |e| limit.min(e))
}

/// The new end for an extension asking for `wanted` from `now`: within the limit, on a whole
/// minute, and later than the current end; or why there is none.
pub fn extension_end(
    r: &ActivationRequest,
    eligibility_end: Option<UnixMillis>,
    wanted: ActivationDuration,
    now: UnixMillis,
    at: impl Fn(UnixMillis) -> String,
) -> Result<UnixMillis, String> {
    let Some(until) = r.state.active_until() else {
        return Err("Only an active role can be extended.".to_owned());
    };
    let end = now.plus(wanted.get()).min(extension_limit(r, eligibility_end, now));
    let end = UnixMillis(end.0 - end.0 % MINUTE_MS);
    if end <= until {
        return Err(format!("It already runs until {}, as long as this role allows from now.", at(until)));
    }
    Ok(end)
}

/// Ids for a list's elements from keys that may repeat (one role eligible at two scopes): the
/// first keeps its key, later ones get "-2", "-3", ….
pub fn unique_ids<'a>(keys: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen: Vec<&str> = Vec::new();
    keys.into_iter()
        .map(|key| {
            let n = seen.iter().filter(|k| **k == key).count();
            seen.push(key);
            if n == 0 { key.to_owned() } else { format!("{key}-{}", n + 1) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use elevate_shared::api::ApiError;
    use elevate_shared::domain::durations::{ExtensionWindow, MaxActivation};
    use elevate_shared::domain::mfa::{AuthenticatorPolicy, MfaRejection};
    use elevate_shared::domain::policy::ActivationPlan;
    use elevate_shared::domain::request::{RequestState, RequestTerms};
    use elevate_shared::domain::{AssignmentId, Hint, RequestId, RoleId, TicketPattern};

    // On a whole minute.
    const T0: u64 = 1_699_999_980_000;
    const ADA: &str = "0f8fad5b-d9cb-469f-a165-70867728950e";

    fn at(t: UnixMillis) -> String {
        format!("t+{}m", (t.0 - T0) / MINUTE_MS)
    }

    fn mins(m: u64) -> DurationMs {
        DurationMs::from_mins(m)
    }

    fn scope() -> Scope {
        Scope::parse("/prod").unwrap()
    }

    fn request() -> ActivationRequest {
        let mut r = ActivationRequest {
            id: RequestId::parse("00112233445566778899aabbccddeeff").unwrap(),
            requester: UserId::parse(ADA).unwrap(),
            role: RoleId::parse("db-admin").unwrap(),
            scope: scope(),
            eligibility: AssignmentId::parse("ffeeddccbbaa99887766554433221100").unwrap(),
            start: ActivationStart::Immediate,
            duration: ActivationDuration::from_minutes(90).unwrap(),
            justification: Some(Justification::parse("Incident 42").unwrap()),
            ticket: None,
            created_at: UnixMillis(T0),
            pending_until: UnixMillis(T0).plus(DurationMs::from_hours(24)),
            terms: RequestTerms {
                mfa_required: true,
                authenticators: AuthenticatorPolicy::default(),
                approval: None,
                max_activation: MaxActivation::from_hours(2).unwrap(),
                extension_window: ExtensionWindow::default(),
            },
            digest: Digest::ZERO,
            mfa: None,
            mfa_failures: 0,
            decisions: Vec::new(),
            activated_at: None,
            state: RequestState::MfaRequired,
        };
        r.digest = facts_digest(&r);
        r
    }

    fn options(challenge: &Digest) -> RequestChallengeResponse {
        serde_json::from_value(serde_json::json!({
            "publicKey": {
                "challenge": b64url(challenge.as_bytes()),
                "rpId": "localhost",
                "allowCredentials": [],
                "userVerification": "required"
            }
        }))
        .unwrap()
    }

    /// base64url without padding, as the options carry the challenge.
    fn b64url(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }

    #[test]
    fn durations_are_read_as_people_type_them() {
        let read = |text: &str, unit| read_duration(text, unit).map(|d| d.get().0 / MINUTE_MS);
        for (text, unit, minutes) in [
            ("1", Unit::Hours, 60),
            (" 1.5 ", Unit::Hours, 90),
            ("1,5", Unit::Hours, 90),
            ("0.25", Unit::Hours, 15),
            ("45", Unit::Minutes, 45),
            ("90m", Unit::Hours, 90),
            ("2h", Unit::Minutes, 120),
            ("1h30", Unit::Minutes, 90),
            ("1h30m", Unit::Hours, 90),
            ("1 h 30 min", Unit::Hours, 90),
            ("45 minutes", Unit::Hours, 45),
            ("8 Hours", Unit::Minutes, 480),
            ("24h", Unit::Hours, 1440),
        ] {
            assert_eq!(read(text, unit), Ok(minutes), "{text:?} in {unit:?}");
        }
        for bad in ["", "h", "abc", "1x", "1..5", "1h2h3", "30 30", "1m30", "-1", "1.33"] {
            assert!(read(bad, Unit::Hours).unwrap_err().starts_with("Enter how long"), "{bad:?}");
        }
        for out_of_range in ["4", "25", "0"] {
            let unit = if out_of_range == "25" { Unit::Hours } else { Unit::Minutes };
            assert_eq!(
                read(out_of_range, unit),
                Err("An activation lasts 5 min to 24 hours, in whole minutes.".to_owned()),
                "{out_of_range}"
            );
        }
    }

    #[test]
    fn durations_are_written_briefly_and_read_back() {
        assert_eq!(duration_text(mins(45)), "45 min");
        assert_eq!(duration_text(mins(60)), "1 hour");
        assert_eq!(duration_text(mins(480)), "8 hours");
        assert_eq!(duration_text(mins(90)), "1 h 30 min");
        assert_eq!(duration_text(DurationMs::from_secs(30)), "30 s");
        assert_eq!(duration_input(mins(120)), ("2".to_owned(), Unit::Hours));
        assert_eq!(duration_input(mins(90)), ("90".to_owned(), Unit::Minutes));
        for m in [5, 59, 60, 61, 90, 480, 1440] {
            let (text, unit) = duration_input(mins(m));
            assert_eq!(read_duration(&text, unit).map(|d| d.get()), Ok(mins(m)));
        }
        assert_eq!(Unit::parse("minutes"), Unit::Minutes);
        assert_eq!(Unit::parse(Unit::Hours.as_str()), Unit::Hours);
    }

    #[test]
    fn countdowns_show_hours_only_when_there_are_some() {
        assert_eq!(countdown(DurationMs(0)), "0:00");
        assert_eq!(countdown(DurationMs::from_secs(5)), "0:05");
        assert_eq!(countdown(DurationMs::from_secs(59 * 60 + 59)), "59:59");
        assert_eq!(countdown(DurationMs::from_secs(3600 + 2 * 60 + 3)), "1:02:03");
        assert_eq!(countdown(DurationMs(1999)), "0:01");
    }

    #[test]
    fn local_date_times_are_read_from_the_input() {
        assert_eq!(parse_local("2024-05-01T14:05"), Some((2024, 5, 1, 14, 5)));
        assert_eq!(parse_local("2024-12-31T23:59:30"), Some((2024, 12, 31, 23, 59)));
        for bad in
            ["", "2024-05-01", "2024-13-01T10:00", "2024-05-01T24:00", "x-05-01T10:00", "2024-05-01-1T10:00"]
        {
            assert_eq!(parse_local(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_form_becomes_a_draft_or_says_what_to_fix() {
        let now = UnixMillis(T0);
        let form = Form { duration: "2".into(), ..Form::default() };
        let draft = read_draft(&form, &scope(), now).unwrap();
        assert_eq!(draft.start, ActivationStart::Immediate);
        assert_eq!(draft.duration.get(), mins(120));
        assert_eq!((draft.justification, draft.ticket), (None, None));

        let later = now.plus(mins(30));
        let form = Form {
            duration: "45".into(),
            unit: Unit::Minutes,
            start: StartChoice::At(Some(later)),
            justification: "  Incident 42\n restore  ".into(),
            ticket_system: " ServiceNow ".into(),
            ticket_number: "INC0012345".into(),
        };
        let draft = read_draft(&form, &scope(), now).unwrap();
        assert_eq!(draft.start, ActivationStart::At(later));
        assert_eq!(draft.justification.unwrap().as_str(), "Incident 42\n restore");
        let ticket = draft.ticket.unwrap();
        assert_eq!((ticket.system.as_str(), ticket.number.as_str()), ("ServiceNow", "INC0012345"));

        let fix = |form: Form| read_draft(&form, &scope(), now).unwrap_err();
        let base = Form { duration: "1".into(), ..Form::default() };
        assert!(fix(Form { start: StartChoice::At(None), ..base.clone() }).contains("date and time"));
        assert!(fix(Form { start: StartChoice::At(Some(now)), ..base.clone() }).contains("future"));
        assert!(fix(Form { ticket_number: "1".into(), ..base.clone() }).contains("both"));
        assert!(
            fix(Form { ticket_system: "S".into(), ticket_number: "A B".into(), ..base.clone() })
                .starts_with("Ticket number")
        );
        assert!(
            fix(Form { justification: "x".repeat(501), ..base.clone() })
                .starts_with("Justification is longer")
        );
        assert!(fix(Form { duration: "".into(), ..base }).starts_with("Enter how long"));
    }

    #[test]
    fn refusals_are_told_in_words_and_point_to_security_info_when_a_method_is_missing() {
        let now = UnixMillis(T0);
        let view = |refusal| verdict_view(&ActivationVerdict::Refused { refusal }, now, at);
        let v = view(Refusal::DurationExceedsMaximum { requested: mins(600), max: mins(480) });
        assert_eq!((v.tone, v.next), (Tone::Refused, "refused"));
        assert_eq!(v.details, ["This role can be active for at most 8 hours; you asked for 10 hours."]);
        assert!(!v.add_method);
        let v = view(Refusal::NoUsableMfaMethod { allowed: AllowedMethods::PhishingResistant });
        assert!(v.add_method);
        assert!(v.details[0].contains("a passkey or security key"), "{:?}", v.details);
        let v = view(Refusal::AlreadyActive { until: Some(now.plus(mins(5))) });
        assert_eq!(v.details, ["This role is already active for you, until t+5m."]);
        let v = view(Refusal::TicketSystemNotAllowed {
            allowed: vec![TicketSystem::parse("A").unwrap(), TicketSystem::parse("B").unwrap()],
        });
        assert_eq!(v.details, ["This role accepts tickets from A or B only."]);
        assert_eq!(or_list(&["a".into(), "b".into(), "c".into()]), "a, b or c", "lists read as sentences");
    }

    #[test]
    fn needs_are_told_with_what_to_do() {
        let now = UnixMillis(T0);
        let v = verdict_view(
            &ActivationVerdict::NeedsJustification {
                hint: Some(Hint::parse("Include the incident id").unwrap()),
            },
            now,
            at,
        );
        assert_eq!(v.next, "needs_justification");
        assert_eq!(v.details[1], "This role asks: Include the incident id");
        let v = verdict_view(
            &ActivationVerdict::NeedsTicket {
                systems: vec![TicketSystem::parse("ServiceNow").unwrap()],
                pattern: Some(TicketPattern::parse("INC#{7}").unwrap()),
            },
            now,
            at,
        );
        assert_eq!(v.details[0], "From ServiceNow.");
        assert!(v.details[1].starts_with("The number looks like INC#{7}"));
        let v = verdict_view(
            &ActivationVerdict::NeedsMfa {
                allowed: AllowedMethods::Any,
                user_verification: true,
                fresh_tap: true,
                session_rejected: Some(MfaRejection::Stale { at: now }),
            },
            now,
            at,
        );
        assert_eq!(v.tone, Tone::Needs);
        assert!(v.details[0].contains("authenticator-app code"));
        assert_eq!(v.details.len(), 3);
        assert!(v.details[2].contains("too old"), "{:?}", v.details);
    }

    #[test]
    fn plans_say_when_the_activation_runs() {
        let now = UnixMillis(T0);
        let plan = |start: u64, end: u64, clamped| ActivationPlan {
            eligibility: AssignmentId::parse("ffeeddccbbaa99887766554433221100").unwrap(),
            start: now.plus(mins(start)),
            end: now.plus(mins(end)),
            clamped_to_eligibility: clamped,
        };
        let v = verdict_view(&ActivationVerdict::Ready { plan: plan(0, 60, false) }, now, at);
        assert_eq!(
            (v.headline.as_str(), v.details.clone()),
            ("Ready to activate", vec!["Active at once, until t+60m.".to_owned()])
        );
        let v = verdict_view(&ActivationVerdict::Ready { plan: plan(30, 60, true) }, now, at);
        assert_eq!(v.headline, "Ready to schedule");
        assert_eq!(v.details.len(), 2);
        let approvers = vec![UserId::parse(ADA).unwrap()];
        let v = verdict_view(
            &ActivationVerdict::NeedsApproval {
                approvers: approvers.clone(),
                quorum: 1,
                plan: plan(0, 90, false),
            },
            now,
            at,
        );
        assert_eq!(v.details, ["The approver must approve it.", "Once approved, it lasts 1 h 30 min."]);
        let two = vec![approvers[0].clone(), UserId::parse("1f8fad5b-d9cb-469f-a165-70867728950e").unwrap()];
        let v = verdict_view(
            &ActivationVerdict::NeedsApproval { approvers: two, quorum: 1, plan: plan(0, 60, false) },
            now,
            at,
        );
        assert_eq!(v.details[0], "1 of 2 approvers must approve it.");
    }

    #[test]
    fn eligible_roles_sum_up_what_a_default_activation_meets() {
        let now = UnixMillis(T0);
        let summary = |v| eligible_summary(&v, now, at);
        assert_eq!(
            summary(ActivationVerdict::NeedsJustification { hint: None }),
            (Tone::Needs, "Needs a justification".to_owned())
        );
        let (tone, text) =
            summary(ActivationVerdict::Refused { refusal: Refusal::AlreadyActive { until: None } });
        assert_eq!((tone, text.as_str()), (Tone::Needs, "This role is already active for you."));
        let (tone, text) = summary(ActivationVerdict::Refused { refusal: Refusal::NotEligible });
        assert_eq!(
            (tone, text.as_str()),
            (Tone::Refused, "You are not eligible for this role at this scope.")
        );
    }

    #[test]
    fn the_end_is_shown_before_anyone_taps() {
        let now = UnixMillis(T0);
        let draft = read_draft(&Form { duration: "90m".into(), ..Form::default() }, &scope(), now).unwrap();
        let mfa = ActivationVerdict::NeedsMfa {
            allowed: AllowedMethods::Any,
            user_verification: true,
            fresh_tap: true,
            session_rejected: None,
        };
        assert_eq!(
            ends_line(&mfa, &draft, None, now, at).as_deref(),
            Some("Ends at about t+90m if it starts now")
        );
        // The eligibility's end cuts it short.
        assert_eq!(
            ends_line(&mfa, &draft, Some(now.plus(mins(30))), now, at).as_deref(),
            Some("Ends at about t+30m if it starts now")
        );
        let refused = ActivationVerdict::Refused { refusal: Refusal::NotEligible };
        assert_eq!(ends_line(&refused, &draft, None, now, at), None);
        let mut scheduled = draft.clone();
        scheduled.start = ActivationStart::At(now.plus(mins(60)));
        assert_eq!(ends_line(&mfa, &scheduled, None, now, at).as_deref(), Some("Ends at t+150m"));
    }

    #[test]
    fn the_maximum_is_read_from_a_probe() {
        let refused = |refusal| ActivationVerdict::Refused { refusal };
        assert_eq!(
            max_from_probe(&refused(Refusal::DurationExceedsMaximum {
                requested: mins(1440),
                max: mins(480)
            })),
            Some(mins(480))
        );
        assert_eq!(max_from_probe(&refused(Refusal::AccountCannotAct)), None);
        assert_eq!(max_from_probe(&refused(Refusal::NotEligible)), Some(ActivationDuration::MAX));
        assert_eq!(
            max_from_probe(&ActivationVerdict::NeedsJustification { hint: None }),
            Some(ActivationDuration::MAX)
        );
        assert_eq!(probe_draft(&scope()).duration.get(), ActivationDuration::MAX);
    }

    #[test]
    fn the_tap_summary_names_everything_the_tap_signs() {
        let mut r = request();
        assert_eq!(
            tap_summary("Database Admin", &r, at),
            "Your tap approves: Database Admin at /prod for 1 h 30 min, because “Incident 42”."
        );
        r.start = ActivationStart::At(UnixMillis(T0).plus(mins(10)));
        r.justification = None;
        r.ticket = Some(Ticket {
            system: TicketSystem::parse("ServiceNow").unwrap(),
            number: TicketNumber::parse("INC1").unwrap(),
        });
        assert_eq!(
            tap_summary("Database Admin", &r, at),
            "Your tap approves: Database Admin at /prod for 1 h 30 min, from t+10m, ticket ServiceNow INC1."
        );
    }

    #[test]
    fn a_tap_happens_only_over_the_digest_of_what_is_shown() {
        let r = request();
        assert!(tap_is_for(&r, Signing::Request, &r.digest, &options(&r.digest)));
        // A ceremony over another digest, or a challenge that is not the digest, is refused.
        let other = Digest([7; 32]);
        assert!(!tap_is_for(&r, Signing::Request, &other, &options(&other)));
        assert!(!tap_is_for(&r, Signing::Request, &r.digest, &options(&other)));
        // A request whose digest does not match its facts (say, a changed justification).
        let mut changed = r.clone();
        changed.justification = Some(Justification::parse("Something else").unwrap());
        assert!(!tap_is_for(&changed, Signing::Request, &r.digest, &options(&r.digest)));

        let new_end = UnixMillis(T0).plus(mins(120));
        let ext = extension_digest(&r.digest, new_end);
        assert!(tap_is_for(&r, Signing::Extension(new_end), &ext, &options(&ext)));
        assert!(!tap_is_for(&r, Signing::Extension(new_end.plus(mins(1))), &ext, &options(&ext)));

        let approver = UserId::parse("1f8fad5b-d9cb-469f-a165-70867728950e").unwrap();
        let approve = approval_digest(&r.digest, &approver, Verdict::Approve);
        let signing = |verdict| Signing::Decision { approver: &approver, verdict };
        assert!(tap_is_for(&r, signing(Verdict::Approve), &approve, &options(&approve)));
        assert!(!tap_is_for(&r, signing(Verdict::Deny), &approve, &options(&approve)));
    }

    #[test]
    fn an_extension_stays_within_the_role_and_the_eligibility() {
        let now = UnixMillis(T0);
        let mut r = request();
        r.state = RequestState::Active { since: now.plus(mins(0)), until: now.plus(mins(20)) };
        let d = |m| ActivationDuration::from_minutes(m).unwrap();
        // Two hours at most from now (the role's maximum).
        assert_eq!(extension_limit(&r, None, now), now.plus(mins(120)));
        assert_eq!(extension_end(&r, None, d(600), now, at), Ok(now.plus(mins(120))));
        assert_eq!(extension_end(&r, None, d(60), now, at), Ok(now.plus(mins(60))));
        // The eligibility's end comes first.
        assert_eq!(extension_end(&r, Some(now.plus(mins(45))), d(600), now, at), Ok(now.plus(mins(45))));
        // On a whole minute, never later than asked.
        let odd = UnixMillis(T0 + 30_000);
        assert_eq!(extension_end(&r, None, d(60), odd, at), Ok(now.plus(mins(60))));
        // Nothing to gain.
        assert!(extension_end(&r, Some(now.plus(mins(10))), d(60), now, at).unwrap_err().contains("t+20m"));
        r.state = RequestState::MfaRequired;
        assert!(extension_end(&r, None, d(60), now, at).is_err());
    }

    #[test]
    fn repeated_keys_get_numbered_ids() {
        assert_eq!(unique_ids(["a", "b", "a", "a"]), ["a", "b", "a-2", "a-3"]);
        assert!(unique_ids([]).is_empty());
    }

    #[test]
    fn problems_keep_the_servers_words_and_know_when_security_info_helps() {
        let api = |code| ClientError::Api(ApiError { code, message: "From the server.".to_owned() });
        let p = Problem::from_client(&api(ErrorCode::NoUsableMfaMethod));
        assert_eq!((p.text.as_str(), p.add_method), ("From the server.", true));
        let p = Problem::from_client(&api(ErrorCode::ExtensionRefused));
        assert_eq!((p.text.as_str(), p.add_method), ("From the server.", false));
        assert!(Problem::from_client(&api(ErrorCode::CeremonyNotFound)).text.contains("Try again"));
        assert!(!Problem::new("x").add_method);
    }
}
