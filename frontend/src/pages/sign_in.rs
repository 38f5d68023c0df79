//! Sign-in: with a passkey (a username is optional), or with a username and password followed by a
//! second factor on the same screen. Where the browser offers it, the username field also suggests
//! the person's passkeys (autofill).

use super::format::clock;
use crate::api::{self, ClientError};
use crate::password::{
    AfterFailure, SECOND_FACTOR_LENGTHS, after_second_factor_failure, explain_second_factor, explain_sign_in,
    read_password, read_second_factor_code,
};
use crate::session::{
    CeremonyError, Session, SessionState, second_factor_with_passkey, sign_in_with_autofill,
    sign_in_with_passkey,
};
use crate::totp::{max_length, pattern};
use crate::webauthn;
use elevate_shared::api::auth::Me;
use elevate_shared::api::password::{
    PasswordSignIn, SecondFactorBypass, SecondFactorChallenge, SecondFactorTotp, SignInStep,
};
use elevate_shared::ids::Username;
use leptos::html;
use leptos::prelude::*;

/// The id of the button that signs in with the password; the form's other button uses a passkey.
const PASSWORD_BUTTON: &str = "sign-in-password";

/// What is running, for the buttons' labels and the progress line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Busy {
    Passkey,
    Password,
    /// A passkey picked from the username field's suggestions is being checked.
    Autofill,
    Code,
    SecondPasskey,
    Bypass,
}

impl Busy {
    const fn progress(self) -> &'static str {
        match self {
            Busy::Passkey | Busy::SecondPasskey => "Waiting for your passkey…",
            Busy::Password | Busy::Autofill | Busy::Code | Busy::Bypass => "Signing in…",
        }
    }
}

#[component]
pub fn SignIn() -> impl IntoView {
    let session = Session::get();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(None::<Busy>);
    let error = RwSignal::new(None::<String>);
    // The second-factor step, once the password was right.
    let challenge = RwSignal::new(None::<SecondFactorChallenge>);

    let signed_in = move |me: Me| session.0.set(SessionState::SignedIn(Box::new(me)));

    // Autofill waits in the background until the person picks a passkey or starts something else;
    // it starts again whenever the first step is back in front of them.
    let autofill = move || {
        leptos::task::spawn_local(async move {
            let me = sign_in_with_autofill(
                move |checking| busy.set(checking.then_some(Busy::Autofill)),
                move |e| error.set(Some(e)),
            )
            .await;
            if let Some(me) = me {
                signed_in(me);
            }
        })
    };
    autofill();
    on_cleanup(|| leptos::task::spawn_local(webauthn::stop_autofill()));

    let with_passkey = move || {
        busy.set(Some(Busy::Passkey));
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = sign_in_with_passkey(&username.get_untracked()).await;
            busy.set(None);
            match result {
                Ok(me) => signed_in(me),
                Err(e) => {
                    error.set(Some(e));
                    autofill();
                }
            }
        });
    };

    let with_password = move || {
        let typed = username.get_untracked();
        let name = match Username::normalise(&typed) {
            Ok(name) => name,
            Err(_) if typed.trim().is_empty() => {
                return error.set(Some("Enter your username to sign in with a password.".to_owned()));
            }
            Err(e) => return error.set(Some(e.to_string())),
        };
        let secret = match read_password(&password.get_untracked()) {
            Ok(p) => p,
            Err(e) => return error.set(Some(e)),
        };
        busy.set(Some(Busy::Password));
        error.set(None);
        leptos::task::spawn_local(async move {
            // A password is another ceremony: the passkey suggestions are withdrawn first.
            webauthn::stop_autofill().await;
            let result = api::sign_in_password(&PasswordSignIn { username: name, password: secret }).await;
            busy.set(None);
            match result {
                Ok(SignInStep::SignedIn { me }) => signed_in(*me),
                Ok(SignInStep::SecondFactor(step)) => {
                    password.set(String::new());
                    challenge.set(Some(*step));
                }
                Err(e) => {
                    error.set(Some(explain_sign_in(&e)));
                    autofill();
                }
            }
        });
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked().is_some() {
            return;
        }
        if ev.submitter().is_some_and(|button| button.id() == PASSWORD_BUTTON) {
            with_password();
        } else {
            with_passkey();
        }
    };
    // Enter in either field uses the password when one is typed, and a passkey otherwise.
    let enter = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() != "Enter" {
            return;
        }
        ev.prevent_default();
        if busy.get_untracked().is_some() {
            return;
        }
        if password.with_untracked(String::is_empty) { with_passkey() } else { with_password() }
    };

    let start_again = Callback::new(move |message: Option<String>| {
        challenge.set(None);
        error.set(message);
        autofill();
    });
    let finished = Callback::new(signed_in);

    let credentials = move || {
        view! {
            <form class="card" on:submit=submit novalidate>
                <h2>"Sign in"</h2>
                <label for="sign-in-username">"Username " <span class="meta">"(not needed with a passkey)"</span></label>
                <input id="sign-in-username" name="username" autocomplete="username webauthn"
                    autocapitalize="none" spellcheck="false"
                    prop:value=move || username.get()
                    on:input=move |ev| username.set(event_target_value(&ev)) on:keydown=enter />
                <button id="sign-in-submit" type="submit" class="primary" disabled=move || busy.get().is_some()>
                    {move || if busy.get() == Some(Busy::Passkey) { "Waiting for your passkey…" } else { "Sign in with a passkey" }}
                </button>
                <p class="or"><span>"or with your password"</span></p>
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password"
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev)) on:keydown=enter />
                <button id=PASSWORD_BUTTON type="submit" class="secondary" disabled=move || busy.get().is_some()>
                    {move || if busy.get() == Some(Busy::Password) { "Signing in…" } else { "Sign in with password" }}
                </button>
                // The buttons show their own progress; a picked passkey has no button, so it shows here.
                <p role="status" aria-live="polite" id="sign-in-progress"
                    class=move || if busy.get() == Some(Busy::Autofill) { "meta" } else { "sr-only" }>
                    {move || busy.get().map(Busy::progress)}
                </p>
                {move || error.get().map(|e| view! { <p class="error" role="alert" id="sign-in-error">{e}</p> })}
            </form>
        }
    };

    view! {
        <main class="narrow">
            <h1 class="brand-title">"Elevate"</h1>
            {move || match challenge.get() {
                None => credentials().into_any(),
                Some(step) => view! { <SecondFactor step=step finished=finished start_again=start_again /> }.into_any(),
            }}
        </main>
    }
}

/// The second step of a password sign-in: one of the factors the challenge offers.
#[component]
fn SecondFactor(
    step: SecondFactorChallenge,
    /// Signed in: the person the server answered with.
    finished: Callback<Me>,
    /// Back to the first step, with why, when the step is over.
    start_again: Callback<Option<String>>,
) -> impl IntoView {
    let busy = RwSignal::new(None::<Busy>);
    let error = RwSignal::new(None::<String>);
    let code = RwSignal::new(String::new());
    let (offers_passkey, offers_code, offers_bypass) = (step.passkey.is_some(), step.totp, step.bypass);
    let expires_at = step.expires_at;
    let step = StoredValue::new(step);
    let heading = NodeRef::<html::H2>::new();
    heading.on_load(|el| {
        let _ = el.focus();
    });
    let code_input = NodeRef::<html::Input>::new();

    let failed = move |e: ClientError| match after_second_factor_failure(&e) {
        AfterFailure::StartAgain => start_again.run(Some(explain_second_factor(&e))),
        AfterFailure::TryAgain => error.set(Some(explain_second_factor(&e))),
    };

    let submit_code = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked().is_some() {
            return;
        }
        let typed = match read_second_factor_code(&code.get_untracked()) {
            Ok(c) => c,
            Err(e) => return error.set(Some(e)),
        };
        let (user_id, ticket) = step.with_value(|s| (s.user_id.clone(), s.ticket.clone()));
        busy.set(Some(Busy::Code));
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = api::second_factor_totp(&SecondFactorTotp { user_id, ticket, code: typed }).await;
            busy.set(None);
            match result {
                Ok(me) => finished.run(me),
                Err(e) => {
                    // A refused code is spent either way: clear it for the next one.
                    code.set(String::new());
                    failed(e);
                    if let Some(input) = code_input.get_untracked() {
                        let _ = input.focus();
                    }
                }
            }
        });
    };

    let use_passkey = move |_| {
        let challenge = step.get_value();
        busy.set(Some(Busy::SecondPasskey));
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = second_factor_with_passkey(&challenge).await;
            busy.set(None);
            match result {
                Ok(me) => finished.run(me),
                Err(CeremonyError::Server(e)) => failed(e),
                Err(CeremonyError::Browser(e)) => error.set(Some(e.to_string())),
            }
        });
    };

    let use_bypass = move |_| {
        let (user_id, ticket) = step.with_value(|s| (s.user_id.clone(), s.ticket.clone()));
        busy.set(Some(Busy::Bypass));
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = api::second_factor_bypass(&SecondFactorBypass { user_id, ticket }).await;
            busy.set(None);
            match result {
                Ok(me) => finished.run(me),
                Err(e) => failed(e),
            }
        });
    };

    let idle = move || busy.get().is_none();
    view! {
        <section class="card column" aria-labelledby="second-factor-heading">
            <h2 id="second-factor-heading" tabindex="-1" node_ref=heading>"Confirm it's you"</h2>
            <p class="meta">"Your password was right. Finish with one of these by "{clock(expires_at)}"."</p>
            {offers_passkey.then(|| view! {
                <button id="second-factor-passkey" type="button" class="primary" on:click=use_passkey
                    disabled=move || !idle()>
                    {move || if busy.get() == Some(Busy::SecondPasskey) { "Waiting for your passkey…" } else { "Use a passkey or security key" }}
                </button>
            })}
            {offers_code.then(|| view! {
                <form class="stack" on:submit=submit_code novalidate>
                    <label for="second-factor-code">"Code from your authenticator app or token"</label>
                    <input id="second-factor-code" node_ref=code_input inputmode="numeric" autocomplete="one-time-code"
                        pattern=pattern(&SECOND_FACTOR_LENGTHS) maxlength=max_length(&SECOND_FACTOR_LENGTHS).to_string()
                        spellcheck="false" prop:value=move || code.get()
                        on:input=move |ev| code.set(event_target_value(&ev)) />
                    <button id="second-factor-submit" type="submit"
                        class=if offers_passkey { "secondary" } else { "primary" } disabled=move || !idle()>
                        {move || if busy.get() == Some(Busy::Code) { "Checking…" } else { "Verify code" }}
                    </button>
                </form>
            })}
            {offers_bypass.then(|| view! {
                <div class="stack bypass-offer">
                    <p class="meta">
                        "An administrator has allowed you to sign in without your second factor for a short time. "
                        "It does not count as MFA: roles that need MFA stay out of reach until you use a real one."
                    </p>
                    <button id="second-factor-bypass" type="button" class="secondary" on:click=use_bypass
                        disabled=move || !idle()>
                        {move || if busy.get() == Some(Busy::Bypass) { "Signing in…" } else { "Sign in without a second factor" }}
                    </button>
                </div>
            })}
            {(!offers_passkey && !offers_code && !offers_bypass).then(|| view! {
                <p class="error">"Your account has no second factor Elevate can use here. Ask an administrator for help."</p>
            })}
            <p class="sr-only" role="status" aria-live="polite" id="second-factor-progress">
                {move || busy.get().map(Busy::progress)}
            </p>
            {move || error.get().map(|e| view! { <p class="error" role="alert" id="second-factor-error">{e}</p> })}
            <button id="second-factor-cancel" type="button" class="link" on:click=move |_| start_again.run(None)
                disabled=move || !idle()>
                "Start again"
            </button>
        </section>
    }
}
