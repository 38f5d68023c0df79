//! Each command as the API calls it takes. People are named by username here, as an
//! administrator types them; the API wants ids, so the directory is read first. Role settings
//! are changed as a whole: the current settings are read, the asked-for fields changed in the
//! domain's own types, and the result sent back, so the server validates the combination.

use crate::args::{Command, MfaChoice};
use crate::client::Client;
use elevate_shared::api::assignments::{AssignmentList, CreateAssignment};
use elevate_shared::api::paths;
use elevate_shared::api::roles::{CreateRole, RoleList, RoleView, UpdateRoleSettings};
use elevate_shared::api::users::{UpdateUser, UserCreated, UserList, UserSummary};
use elevate_shared::domain::durations::MaxActivation;
use elevate_shared::domain::mfa::AllowedMethods;
use elevate_shared::domain::settings::RoleSettings;
use elevate_shared::ids::Username;
use elevate_shared::time::{DurationMs, UnixMillis};

/// Runs `command`; returns what to print.
///
/// # Errors
/// The first refusal, as the server worded it.
pub fn run(client: &Client, base_url: &str, command: Command, now: UnixMillis) -> Result<String, String> {
    match command {
        Command::Help => Ok(crate::args::USAGE.to_owned()),
        Command::ListUsers => {
            let list: UserList = client.get(paths::USERS)?;
            Ok(list.users.iter().map(user_line).collect::<Vec<_>>().join("\n"))
        }
        Command::NewUser { username, name, admin } => {
            let body =
                elevate_shared::api::users::CreateUser { username, display_name: name, is_admin: admin };
            let created: UserCreated = client.post(paths::USER_CREATE, &body)?;
            Ok(format!(
                "{}\ninvitation (works once, until {}): {}",
                user_line(&created.user),
                created.invitation.expires_at.to_rfc3339(),
                created.invitation.code.link(base_url)
            ))
        }
        Command::SetUser { username, name, admin, disabled } => {
            let user = find_user(client, &username)?;
            let body = UpdateUser { user: user.id, display_name: name, is_admin: admin, disabled };
            let updated: UserSummary = client.post(paths::USER_UPDATE, &body)?;
            Ok(user_line(&updated))
        }
        Command::ListRoles => {
            let list: RoleList = client.get(paths::ROLES)?;
            Ok(list.roles.iter().map(role_line).collect::<Vec<_>>().join("\n"))
        }
        Command::NewRole { id, name, scope, privileged } => {
            let body = CreateRole { id, name, description: None, privileged, scope, settings: None };
            let created: RoleView = client.post(paths::ROLE_CREATE, &body)?;
            Ok(role_line(&created))
        }
        Command::SetRole { id, mfa, max_hours, approval, justification } => {
            let list: RoleList = client.get(paths::ROLES)?;
            let role = list
                .roles
                .into_iter()
                .find(|r| r.role.id == id)
                .ok_or_else(|| format!("there is no role {id}"))?;
            let settings = change_settings(role.settings, mfa, max_hours, approval, justification)?;
            let updated: RoleView =
                client.post(paths::ROLE_SETTINGS, &UpdateRoleSettings { role: id, settings })?;
            Ok(role_line(&updated))
        }
        Command::Assign { username, role, scope, kind, days } => {
            let user = find_user(client, &username)?;
            let end = days.map(|d| now.plus(DurationMs::from_hours(24 * d)));
            let body = CreateAssignment {
                principal: user.id,
                role,
                scope,
                kind,
                start: None,
                end,
                justification: None,
            };
            let made: AssignmentList = client.post(paths::ASSIGNMENT_CREATE, &body)?;
            let lines: Vec<String> = made
                .assignments
                .iter()
                .map(|a| {
                    let until =
                        a.end.map_or_else(|| "permanent".to_owned(), |e| format!("until {}", e.to_rfc3339()));
                    format!("{} {} {:?} at {} ({until})", a.id, a.role, a.kind, a.scope)
                })
                .collect();
            Ok(lines.join("\n"))
        }
    }
}

/// The role's settings with the asked-for changes, in the domain's types (so a maximum the
/// domain refuses fails here, before anything is sent).
///
/// # Errors
/// A maximum duration out of range.
pub fn change_settings(
    mut s: RoleSettings,
    mfa: Option<MfaChoice>,
    max_hours: Option<u64>,
    approval: Option<bool>,
    justification: Option<bool>,
) -> Result<RoleSettings, String> {
    match mfa {
        None => {}
        Some(MfaChoice::Off) => s.activation_mfa.required = false,
        Some(MfaChoice::Any) => {
            s.activation_mfa.required = true;
            s.activation_mfa.authenticators.allowed = AllowedMethods::Any;
        }
        Some(MfaChoice::PhishingResistant) => {
            s.activation_mfa.required = true;
            s.activation_mfa.authenticators.allowed = AllowedMethods::PhishingResistant;
        }
    }
    if let Some(h) = max_hours {
        s.max_activation = MaxActivation::from_hours(h).map_err(|e| format!("--max-hours: {e}"))?;
    }
    if let Some(a) = approval {
        s.approval.required = a;
    }
    if let Some(j) = justification {
        s.justification.required = j;
    }
    Ok(s)
}

fn find_user(client: &Client, username: &Username) -> Result<UserSummary, String> {
    let list: UserList = client.get(paths::USERS)?;
    list.users
        .into_iter()
        .find(|u| &u.username == username)
        .ok_or_else(|| format!("there is no user {username}"))
}

fn user_line(u: &UserSummary) -> String {
    let mut notes = Vec::new();
    if u.is_admin {
        notes.push("administrator");
    }
    if u.status.disabled {
        notes.push("disabled");
    }
    format!("{} {} \"{}\" {}", u.id, u.username, u.display_name, notes.join(",")).trim_end().to_owned()
}

fn role_line(r: &RoleView) -> String {
    let mfa = match (r.settings.activation_mfa.required, r.settings.activation_mfa.authenticators.allowed) {
        (false, _) => "mfa=off",
        (true, AllowedMethods::Any) => "mfa=any",
        (true, AllowedMethods::PhishingResistant) => "mfa=phishing-resistant",
    };
    format!(
        "{} \"{}\" scope={} {mfa} max={}h eligible={} active={}{}",
        r.role.id,
        r.role.name,
        r.role.scope,
        r.settings.max_activation.get().as_secs() / 3600,
        r.eligible_count,
        r.active_count,
        if r.role.privileged { " privileged" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_change_only_where_asked() {
        let before = RoleSettings::default();
        let after = change_settings(before.clone(), None, None, None, None).unwrap();
        assert_eq!(after, before);
        let strict =
            change_settings(before.clone(), Some(MfaChoice::PhishingResistant), Some(2), Some(true), None)
                .unwrap();
        assert!(strict.activation_mfa.required);
        assert_eq!(strict.activation_mfa.authenticators.allowed, AllowedMethods::PhishingResistant);
        assert_eq!(strict.max_activation.get(), DurationMs::from_hours(2));
        assert!(strict.approval.required);
        assert_eq!(strict.justification, before.justification);
        assert!(
            !change_settings(before.clone(), Some(MfaChoice::Off), None, None, None)
                .unwrap()
                .activation_mfa
                .required
        );
        assert!(change_settings(before, None, Some(0), None, None).unwrap_err().contains("--max-hours"));
    }
}
