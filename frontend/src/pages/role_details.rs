//! A role blade's Details tab: its name, description and privileged flag (Edit → Save), and
//! deleting the role — which the server allows only once nobody holds it, is eligible for it or
//! has a request open, saying what is left otherwise.

use crate::api;
use crate::components::status::outcome;
use crate::session::explain;
use elevate_shared::api::roles::{DeleteRole, RoleView, UpdateRole};
use elevate_shared::domain::text::{Description, RoleName};
use leptos::prelude::*;

/// The form's fields read into the request; a sentence for the first that is wrong.
fn read(view: &RoleView, name: &str, description: &str, privileged: bool) -> Result<UpdateRole, String> {
    let name = RoleName::parse(name.trim()).map_err(|e| format!("Name: {e}"))?;
    let description = match description.trim() {
        "" => None,
        d => Some(Description::parse(d).map_err(|e| format!("Description: {e}"))?),
    };
    Ok(UpdateRole { role: view.role.id.clone(), name: Some(name), description, privileged: Some(privileged) })
}

#[component]
pub fn RoleDetails(
    view_of: Memo<Option<RoleView>>,
    reload: Callback<()>,
    close: Callback<()>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let privileged = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let message = RwSignal::new(None::<Result<String, String>>);
    let confirm = RwSignal::new(false);
    // The form starts from the role as it is, and again whenever it changes.
    Effect::new(move |_| {
        if let Some(v) = view_of.get() {
            name.set(v.role.name.to_string());
            description.set(v.role.description.as_ref().map(ToString::to_string).unwrap_or_default());
            privileged.set(v.role.privileged);
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(v) = view_of.get_untracked() else { return };
        let body =
            match read(&v, &name.get_untracked(), &description.get_untracked(), privileged.get_untracked()) {
                Ok(b) => b,
                Err(e) => return message.set(Some(Err(e))),
            };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::update_role(&body).await;
            busy.set(false);
            match result {
                Ok(_) => {
                    message.set(Some(Ok("Saved.".to_owned())));
                    reload.run(());
                }
                Err(e) => message.set(Some(Err(explain(&e)))),
            }
        });
    };
    let delete = move |_| {
        let Some(v) = view_of.get_untracked() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::delete_role(&DeleteRole { role: v.role.id.clone() }).await;
            busy.set(false);
            confirm.set(false);
            match result {
                Ok(_) => {
                    close.run(());
                    reload.run(());
                }
                Err(e) => message.set(Some(Err(explain(&e)))),
            }
        });
    };
    view! {
        <form class="stack" on:submit=save novalidate>
            <label for="role-name">"Name"</label>
            <input id="role-name" maxlength="100" prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev)) />
            <label for="role-description">"Description"</label>
            <input id="role-description" maxlength="500" prop:value=move || description.get()
                on:input=move |ev| description.set(event_target_value(&ev)) />
            <label class="check" for="role-privileged">
                <input id="role-privileged" type="checkbox" prop:checked=move || privileged.get()
                    on:change=move |ev| privileged.set(event_target_checked(&ev)) />
                "Privileged (alerts watch it closely)"
            </label>
            <button id="role-details-save" type="submit" class="primary" disabled=move || busy.get()>"Save"</button>
        </form>
        <div class="method-actions">
            <button type="button" class="small danger" id="role-delete" aria-expanded=move || confirm.get().to_string()
                on:click=move |_| confirm.set(true)>"Delete role"</button>
        </div>
        {move || confirm.get().then(|| view! {
            <div class="confirm">
                <p class="warning-text">
                    "Delete this role? Elevate refuses while anyone holds it, is eligible for it or has a "
                    "request open. Its history stays in the audit log."
                </p>
                <div class="actions">
                    <button type="button" class="small danger" id="role-delete-confirm" disabled=move || busy.get()
                        on:click=delete>"Delete"</button>
                    <button type="button" class="small secondary" id="role-delete-cancel"
                        on:click=move |_| confirm.set(false)>"Cancel"</button>
                </div>
            </div>
        })}
        {move || outcome("role-details-status", message.get())}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use elevate_shared::domain::{Role, RoleId, RoleSettings, Scope};

    #[test]
    fn the_details_form_reads_or_names_what_is_wrong() {
        let view = RoleView {
            role: Role {
                id: RoleId::parse("ops").unwrap(),
                name: RoleName::parse("Ops").unwrap(),
                description: None,
                privileged: true,
                scope: Scope::parse("/").unwrap(),
            },
            settings: RoleSettings::default(),
            eligible_count: 0,
            active_count: 0,
        };
        let ok = read(&view, " Operations ", "", false).unwrap();
        assert_eq!(
            (ok.name.unwrap().as_str(), ok.description, ok.privileged),
            ("Operations", None, Some(false))
        );
        assert!(read(&view, "  ", "", true).unwrap_err().starts_with("Name"));
    }
}
