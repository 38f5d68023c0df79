//! The access object: roles, assignments and activation requests, in one Durable Object.
//!
//! Every grant, decision and expiry goes through here, one call at a time, so two approvers
//! racing on a request reach one outcome, and a grant is visible to the very next read: there is
//! no propagation delay to wait out. Expiry is enforced on every read with the request's clock
//! (`advance(now)` before anything is looked at, `is_in_effect(now)` on every grant); the
//! scheduled tidy only records what the reads already enforce.
//!
//! The rules are `shared::domain`'s: this module loads state, hands it to the domain, and stores
//! the transition — the new request, its grant effects and its audit events — in one step.

use crate::error::AppError;
use crate::keys::access_object as keys;
use crate::storage::{Store, get_json, put_json};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::assignments::{ActiveRole, CreateAssignment, EligibleRole, MyRoles};
use elevate_shared::api::domain_errors::DomainError;
use elevate_shared::api::roles::{CreateRole, RoleView, UpdateRole};
use elevate_shared::domain::alerts::{Dismissal, dismiss, split_dismissed};
use elevate_shared::domain::assignment::{
    AssignmentKind, AssignmentOrigin, DirectAssignment, assign_directly, removal_event,
};
use elevate_shared::domain::audit::Actor;
use elevate_shared::domain::digest::Verdict;
use elevate_shared::domain::durations::ActivationDuration;
use elevate_shared::domain::policy::{ActivationDraft, ActivationStart, PolicyInput, evaluate};
use elevate_shared::domain::request::{
    Deactivator, DecisionInput, ExtendInput, GrantEffect, RequestStatus, Transition,
};
use elevate_shared::domain::{
    ActivationRequest, ActivationVerdict, Alert, AlertKind, Assignment, AssignmentId, MfaEvidence, Reason,
    RequestId, Role, RoleId, RoleSettings, User,
};
use elevate_shared::ids::UserId;
use elevate_shared::time::{DurationMs, UnixMillis};
use serde::{Deserialize, Serialize};

/// The computed alerts at one moment: those to show, and those dismissed (with their dismissal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AlertsNow {
    pub shown: Vec<Alert>,
    pub dismissed: Vec<(Alert, Dismissal)>,
}

/// A role and its settings, stored together.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StoredRole {
    pub role: Role,
    pub settings: RoleSettings,
}

fn domain(e: &impl DomainError) -> AppError {
    AppError::Api(e.to_api_error())
}

/// Unknown and someone else's requests are one answer, so ids reveal nothing.
fn no_such_request() -> AppError {
    AppError::api(ErrorCode::NotFound, "There is no such request.")
}

fn no_such_role() -> AppError {
    AppError::api(ErrorCode::NotFound, "There is no such role.")
}

/// The length a preview assumes when the person has not chosen one: an hour, or the role's
/// maximum if that is shorter.
fn default_duration(settings: &RoleSettings) -> Option<ActivationDuration> {
    let hour = DurationMs::from_hours(1);
    ActivationDuration::new(hour.min(settings.max_activation.get())).ok()
}

#[derive(Debug)]
pub(crate) struct AccessObject<'a, S: Store> {
    pub store: &'a S,
}

impl<S: Store> AccessObject<'_, S> {
    async fn all<T: serde::de::DeserializeOwned>(&self, prefix: &str) -> Result<Vec<T>, AppError> {
        let mut out = Vec::new();
        for key in self.store.list(prefix).await? {
            if let Some(v) = get_json(self.store, &key).await? {
                out.push(v);
            }
        }
        Ok(out)
    }

    pub async fn role(&self, id: &RoleId) -> Result<StoredRole, AppError> {
        get_json(self.store, &keys::role(id)).await?.ok_or_else(no_such_role)
    }

    pub async fn roles(&self) -> Result<Vec<StoredRole>, AppError> {
        self.all(keys::ROLE_PREFIX).await
    }

    pub async fn assignments(&self) -> Result<Vec<Assignment>, AppError> {
        self.all(keys::ASSIGNMENT_PREFIX).await
    }

    /// Every request, each first brought up to `now` (expiries recorded).
    pub async fn requests(&self, now: UnixMillis) -> Result<Vec<ActivationRequest>, AppError> {
        let mut out = Vec::new();
        for request in self.all::<ActivationRequest>(keys::REQUEST_PREFIX).await? {
            out.push(self.advanced(request, now).await?);
        }
        Ok(out)
    }

    /// The request brought up to `now`: an expiry that is due is recorded before anything else.
    async fn advanced(
        &self,
        request: ActivationRequest,
        now: UnixMillis,
    ) -> Result<ActivationRequest, AppError> {
        if request.state.is_terminal() {
            return Ok(request);
        }
        let t = request.advance(now);
        if t.request == request && t.events.is_empty() && t.effects.is_empty() {
            return Ok(request);
        }
        self.apply(t).await
    }

    /// One of `requester`'s requests, brought up to `now`.
    async fn own_request(
        &self,
        id: &RequestId,
        requester: &UserId,
        now: UnixMillis,
    ) -> Result<ActivationRequest, AppError> {
        let request: ActivationRequest =
            get_json(self.store, &keys::request(id)).await?.ok_or_else(no_such_request)?;
        if &request.requester != requester {
            return Err(no_such_request());
        }
        self.advanced(request, now).await
    }

    /// The eligibility a request rests on. Once it is gone the request is over (voided), and
    /// that is the answer a late action gets.
    async fn eligibility(&self, request: &ActivationRequest) -> Result<Assignment, AppError> {
        match get_json(self.store, &keys::assignment(&request.eligibility)).await? {
            Some(a) => Ok(a),
            None if request.state.is_terminal() => Err(AppError::api(
                ErrorCode::RequestStateConflict,
                format!("This request is already over (it is {:?}).", request.state.status()),
            )),
            None => Err(AppError::api(
                ErrorCode::NotEligible,
                "The eligibility this request rests on was removed.",
            )),
        }
    }

    /// Stores a transition: the request, its grant effects and its audit events, together.
    async fn apply(&self, t: Transition) -> Result<ActivationRequest, AppError> {
        put_json(self.store, &keys::request(&t.request.id), &t.request).await?;
        for effect in &t.effects {
            match effect {
                GrantEffect::Grant(a) => put_json(self.store, &keys::assignment(&a.id), a).await?,
                GrantEffect::Extend { assignment, until } | GrantEffect::End { assignment, at: until } => {
                    let key = keys::assignment(assignment);
                    if let Some(mut a) = get_json::<Assignment>(self.store, &key).await? {
                        a.end = Some(*until);
                        put_json(self.store, &key, &a).await?;
                    }
                }
            }
        }
        for event in t.events {
            crate::audit_log::record(self.store, event).await?;
        }
        Ok(t.request)
    }

    // ------------------------------------------------------------------ administration

    pub async fn role_views(&self, now: UnixMillis) -> Result<Vec<RoleView>, AppError> {
        let assignments = self.assignments().await?;
        let mut out: Vec<RoleView> = self
            .roles()
            .await?
            .into_iter()
            .map(|r| {
                let count = |kind| {
                    assignments
                        .iter()
                        .filter(|a| a.role == r.role.id && a.kind == kind && a.is_in_effect(now))
                        .count()
                };
                RoleView {
                    eligible_count: count(AssignmentKind::Eligible),
                    active_count: count(AssignmentKind::Active),
                    role: r.role,
                    settings: r.settings,
                }
            })
            .collect();
        out.sort_by(|a, b| a.role.name.as_str().cmp(b.role.name.as_str()));
        Ok(out)
    }

    pub async fn create_role(
        &self,
        by: &UserId,
        body: CreateRole,
        now: UnixMillis,
    ) -> Result<RoleView, AppError> {
        if get_json::<StoredRole>(self.store, &keys::role(&body.id)).await?.is_some() {
            return Err(AppError::api(ErrorCode::BadRequest, format!("A role with id {} exists.", body.id)));
        }
        let settings = body.settings.unwrap_or_default();
        settings.validate().map_err(|e| domain(&e))?;
        let role = Role {
            id: body.id,
            name: body.name,
            description: body.description,
            privileged: body.privileged,
            scope: body.scope,
        };
        put_json(
            self.store,
            &keys::role(&role.id),
            &StoredRole { role: role.clone(), settings: settings.clone() },
        )
        .await?;
        let event = elevate_shared::domain::audit::AuditDraft::new(
            elevate_shared::domain::audit::AuditAction::RoleCreated,
            Actor::User(by.clone()),
            elevate_shared::domain::audit::Target::Role(role.id.clone()),
            now,
        )
        .detail("name", role.name.as_str())
        .detail("scope", &role.scope);
        crate::audit_log::record(self.store, event).await?;
        Ok(RoleView { role, settings, eligible_count: 0, active_count: 0 })
    }

    /// Renames a role, changes its description or privileged flag. Without a person's fresh MFA
    /// (`may_loosen` false: an API token) a role cannot stop being privileged, which would take
    /// it out of the alerts that watch privileged roles.
    pub async fn update_role(
        &self,
        by: &UserId,
        body: UpdateRole,
        may_loosen: bool,
        now: UnixMillis,
    ) -> Result<RoleView, AppError> {
        let mut stored = self.role(&body.role).await?;
        if !may_loosen && stored.role.privileged && body.privileged == Some(false) {
            return Err(AppError::api(
                ErrorCode::Forbidden,
                "An API token cannot make a role unprivileged: sign in and change it yourself.",
            ));
        }
        let mut event = elevate_shared::domain::audit::AuditDraft::new(
            elevate_shared::domain::audit::AuditAction::RoleUpdated,
            Actor::User(by.clone()),
            elevate_shared::domain::audit::Target::Role(body.role.clone()),
            now,
        );
        let mut changed = false;
        if let Some(name) = body.name.filter(|n| *n != stored.role.name) {
            event = event.detail("name", name.as_str()).detail("was", stored.role.name.as_str());
            stored.role.name = name;
            changed = true;
        }
        if let Some(d) = body.description.filter(|d| Some(d) != stored.role.description.as_ref()) {
            event = event.detail("description", d.as_str());
            stored.role.description = Some(d);
            changed = true;
        }
        if let Some(p) = body.privileged.filter(|p| *p != stored.role.privileged) {
            event = event.detail("privileged", p);
            stored.role.privileged = p;
            changed = true;
        }
        if changed {
            put_json(self.store, &keys::role(&body.role), &stored).await?;
            crate::audit_log::record(self.store, event).await?;
        }
        let views = self.role_views(now).await?;
        views.into_iter().find(|v| v.role.id == body.role).ok_or_else(no_such_role)
    }

    /// Deletes a role nobody holds, is eligible for (now or later) or has a request open for;
    /// otherwise `role_in_use`, naming what is left, and nothing changes.
    pub async fn delete_role(&self, by: &UserId, id: &RoleId, now: UnixMillis) -> Result<(), AppError> {
        let stored = self.role(id).await?;
        let assignments = self.role_assignments(id, now).await?.len();
        let open =
            self.requests(now).await?.iter().filter(|r| &r.role == id && !r.state.is_terminal()).count();
        if assignments > 0 || open > 0 {
            return Err(AppError::api(
                ErrorCode::RoleInUse,
                format!(
                    "{} still has {assignments} assignment(s) and {open} open request(s): remove them first.",
                    stored.role.name
                ),
            ));
        }
        self.store.delete(&keys::role(id)).await?;
        let event = elevate_shared::domain::audit::AuditDraft::new(
            elevate_shared::domain::audit::AuditAction::RoleDeleted,
            Actor::User(by.clone()),
            elevate_shared::domain::audit::Target::Role(id.clone()),
            now,
        )
        .detail("name", stored.role.name.as_str());
        crate::audit_log::record(self.store, event).await
    }

    /// Replaces a role's settings; invalid settings change nothing. Requests in flight keep the
    /// terms they were made under.
    pub async fn set_settings(
        &self,
        by: &UserId,
        id: &RoleId,
        settings: RoleSettings,
        now: UnixMillis,
    ) -> Result<RoleView, AppError> {
        let mut stored = self.role(id).await?;
        settings.validate().map_err(|e| domain(&e))?;
        stored.settings = settings;
        put_json(self.store, &keys::role(id), &stored).await?;
        let event = elevate_shared::domain::audit::AuditDraft::new(
            elevate_shared::domain::audit::AuditAction::RoleSettingsChanged,
            Actor::User(by.clone()),
            elevate_shared::domain::audit::Target::Role(id.clone()),
            now,
        );
        crate::audit_log::record(self.store, event).await?;
        let views = self.role_views(now).await?;
        views.into_iter().find(|v| &v.role.id == id).ok_or_else(no_such_role)
    }

    /// [`Self::set_settings`], refusing (before anything changes) settings that loosen a
    /// protection unless `may_loosen`: a change without a person's fresh MFA (an API token) may
    /// only keep a role as strict or make it stricter.
    pub async fn set_settings_checked(
        &self,
        by: &UserId,
        id: &RoleId,
        settings: RoleSettings,
        may_loosen: bool,
        now: UnixMillis,
    ) -> Result<RoleView, AppError> {
        if !may_loosen {
            let current = self.role(id).await?;
            let loosened = elevate_shared::domain::settings::loosened(&current.settings, &settings);
            if !loosened.is_empty() {
                return Err(AppError::api(
                    ErrorCode::Forbidden,
                    format!(
                        "An API token cannot loosen a role ({}): sign in and change it yourself.",
                        loosened.join(", ")
                    ),
                ));
            }
        }
        self.set_settings(by, id, settings, now).await
    }

    /// A direct assignment by an administrator, under the role's settings.
    pub async fn assign(
        &self,
        by: &UserId,
        admin_mfa: Option<&MfaEvidence>,
        body: CreateAssignment,
        now: UnixMillis,
    ) -> Result<Assignment, AppError> {
        let stored = self.role(&body.role).await?;
        let id = AssignmentId::parse(hex::encode(crate::random::bytes::<16>()?))?;
        let direct = DirectAssignment {
            id,
            principal: body.principal,
            role: body.role,
            scope: body.scope,
            kind: body.kind,
            start: body.start,
            end: body.end,
            justification: body.justification,
        };
        let (assignment, event) = assign_directly(direct, &stored.role, &stored.settings, by, admin_mfa, now)
            .map_err(|e| domain(&e))?;
        put_json(self.store, &keys::assignment(&assignment.id), &assignment).await?;
        crate::audit_log::record(self.store, event).await?;
        Ok(assignment)
    }

    /// Ends an assignment now. Requests resting on a removed eligibility are voided, and the
    /// activations they granted end with them.
    pub async fn remove_assignment(
        &self,
        by: &UserId,
        id: &AssignmentId,
        reason: Option<&Reason>,
        now: UnixMillis,
    ) -> Result<(), AppError> {
        let key = keys::assignment(id);
        let Some(assignment) = get_json::<Assignment>(self.store, &key).await? else {
            return Err(AppError::api(ErrorCode::NotFound, "There is no such assignment."));
        };
        for request in self.requests(now).await? {
            if &request.eligibility == id && !request.state.is_terminal() {
                let t = request.void(id, Actor::User(by.clone()), now).map_err(|e| domain(&e))?;
                self.apply(t).await?;
            }
        }
        self.store.delete(&key).await?;
        let event = removal_event(&assignment, by, reason, now);
        crate::audit_log::record(self.store, event).await
    }

    /// A role's assignments that are in effect or still to come, newest first.
    pub async fn role_assignments(
        &self,
        role: &RoleId,
        now: UnixMillis,
    ) -> Result<Vec<Assignment>, AppError> {
        self.role(role).await?;
        let mut out: Vec<Assignment> = self
            .assignments()
            .await?
            .into_iter()
            .filter(|a| &a.role == role && (a.is_in_effect(now) || a.start > now))
            .collect();
        out.sort_by_key(|a| std::cmp::Reverse(a.created_at));
        Ok(out)
    }

    /// The alerts that hold now, computed from the roles, assignments and requests here and the
    /// people the caller describes (their methods come from their own objects), dismissed or not.
    async fn computed_alerts(&self, users: &[User], now: UnixMillis) -> Result<Vec<Alert>, AppError> {
        let stored = self.roles().await?;
        let roles: Vec<Role> = stored.iter().map(|r| r.role.clone()).collect();
        let settings = stored.iter().map(|r| (r.role.id.clone(), r.settings.clone())).collect();
        let assignments = self.assignments().await?;
        let requests = self.requests(now).await?;
        let thresholds = elevate_shared::domain::AlertThresholds::default();
        Ok(elevate_shared::domain::compute_alerts(&elevate_shared::domain::AlertInput {
            roles: &roles,
            settings: &settings,
            users,
            assignments: &assignments,
            requests: &requests,
            now,
            thresholds: &thresholds,
        }))
    }

    /// The alerts that hold now, apart from those a stored dismissal still covers (each with it).
    pub async fn alerts(&self, users: &[User], now: UnixMillis) -> Result<AlertsNow, AppError> {
        let computed = self.computed_alerts(users, now).await?;
        let dismissals: Vec<Dismissal> = self.all(keys::DISMISSAL_PREFIX).await?;
        let (shown, dismissed) = split_dismissed(computed, &dismissals);
        Ok(AlertsNow { shown, dismissed })
    }

    /// Dismisses the computed alert `kind` over the items it names now, with its audit event
    /// (which carries the reason) in the same step. A dismissal of the same kind is replaced.
    pub async fn dismiss_alert(
        &self,
        by: &UserId,
        users: &[User],
        kind: AlertKind,
        reason: Reason,
        now: UnixMillis,
    ) -> Result<(Alert, Dismissal), AppError> {
        let computed = self.computed_alerts(users, now).await?;
        let done = dismiss(&computed, kind, by, reason, now).map_err(|e| domain(&e))?;
        put_json(self.store, &keys::dismissal(kind), &done.dismissal).await?;
        crate::audit_log::record(self.store, done.event).await?;
        Ok((done.alert, done.dismissal))
    }

    /// Applies a fix (all of an alert's items, or the ones the administrator selected) as one
    /// audited action per changed role or removed assignment.
    pub async fn apply_fix(
        &self,
        by: &UserId,
        fix: &elevate_shared::domain::Fix,
        now: UnixMillis,
    ) -> Result<elevate_shared::api::alerts::FixApplied, AppError> {
        let mut applied = elevate_shared::api::alerts::FixApplied::default();
        for stored in self.roles().await? {
            if let Some(next) = fix.apply_to_settings(&stored.role.id, &stored.settings) {
                self.set_settings(by, &stored.role.id, next, now).await?;
                applied.roles_changed.push(stored.role.id);
            }
        }
        if let elevate_shared::domain::Fix::RemoveAssignments { assignments } = fix {
            for id in assignments {
                let reason = elevate_shared::domain::Reason::parse("Removed by a security alert's fix")?;
                self.remove_assignment(by, id, Some(&reason), now).await?;
                applied.assignments_removed.push(id.clone());
            }
        }
        let event = elevate_shared::domain::audit::AuditDraft::new(
            elevate_shared::domain::audit::AuditAction::AlertFixed,
            Actor::User(by.clone()),
            elevate_shared::domain::audit::Target::None,
            now,
        )
        .detail("roles_changed", applied.roles_changed.len())
        .detail("assignments_removed", applied.assignments_removed.len());
        crate::audit_log::record(self.store, event).await?;
        Ok(applied)
    }

    // ------------------------------------------------------------------ members

    fn input<'i>(
        principal: &'i User,
        stored: &'i StoredRole,
        draft: &'i ActivationDraft,
        assignments: &'i [Assignment],
        requests: &'i [ActivationRequest],
        session_mfa: Option<&'i MfaEvidence>,
        now: UnixMillis,
    ) -> PolicyInput<'i> {
        PolicyInput {
            principal,
            role: &stored.role,
            settings: &stored.settings,
            draft,
            assignments,
            requests,
            session_mfa,
            now,
        }
    }

    async fn mine(
        &self,
        principal: &UserId,
        now: UnixMillis,
    ) -> Result<(Vec<Assignment>, Vec<ActivationRequest>), AppError> {
        let assignments =
            self.assignments().await?.into_iter().filter(|a| &a.principal == principal).collect();
        let requests = self.requests(now).await?.into_iter().filter(|r| &r.requester == principal).collect();
        Ok((assignments, requests))
    }

    /// What `principal` may activate and what they hold, as of `now`.
    pub async fn my_roles(
        &self,
        principal: &User,
        session_mfa: Option<&MfaEvidence>,
        now: UnixMillis,
    ) -> Result<MyRoles, AppError> {
        let (assignments, requests) = self.mine(&principal.id, now).await?;
        let roles = self.roles().await?;
        let role_of = |id: &RoleId| roles.iter().find(|r| &r.role.id == id);
        let mut eligible = Vec::new();
        let mut active = Vec::new();
        for a in &assignments {
            let Some(stored) = role_of(&a.role) else { continue };
            let live = a.is_in_effect(now) || a.start > now;
            match a.kind {
                AssignmentKind::Eligible if live => {
                    let verdict = match default_duration(&stored.settings) {
                        Some(duration) => {
                            let draft = ActivationDraft {
                                scope: a.scope.clone(),
                                start: ActivationStart::Immediate,
                                duration,
                                justification: None,
                                ticket: None,
                            };
                            evaluate(&Self::input(
                                principal,
                                stored,
                                &draft,
                                &assignments,
                                &requests,
                                session_mfa,
                                now,
                            ))
                        }
                        None => continue,
                    };
                    eligible.push(EligibleRole { assignment: a.clone(), role: stored.role.clone(), verdict });
                }
                AssignmentKind::Active if a.is_in_effect(now) => {
                    let request = match &a.origin {
                        AssignmentOrigin::Activated { request } => requests.iter().find(|r| &r.id == request),
                        _ => None,
                    };
                    active.push(ActiveRole {
                        assignment: a.clone(),
                        role: stored.role.clone(),
                        request: request.map(|r| r.id.clone()),
                        extension_opens_at: request.and_then(ActivationRequest::extension_opens_at),
                    });
                }
                _ => {}
            }
        }
        Ok(MyRoles { eligible, active })
    }

    pub async fn my_requests(
        &self,
        principal: &UserId,
        now: UnixMillis,
    ) -> Result<(Vec<ActivationRequest>, Vec<Role>), AppError> {
        let (_, mut requests) = self.mine(principal, now).await?;
        requests.sort_by_key(|r| std::cmp::Reverse(r.created_at));
        let roles = self.roles().await?;
        let named: Vec<Role> = roles
            .into_iter()
            .filter(|r| requests.iter().any(|q| q.role == r.role.id))
            .map(|r| r.role)
            .collect();
        Ok((requests, named))
    }

    pub async fn preview(
        &self,
        principal: &User,
        role: &RoleId,
        draft: &ActivationDraft,
        session_mfa: Option<&MfaEvidence>,
        now: UnixMillis,
    ) -> Result<ActivationVerdict, AppError> {
        let stored = self.role(role).await?;
        let (assignments, requests) = self.mine(&principal.id, now).await?;
        Ok(evaluate(&Self::input(principal, &stored, draft, &assignments, &requests, session_mfa, now)))
    }

    /// Creates a request; if nothing more is needed (or the session's MFA counts), it is active
    /// at once and its grant is stored in the same step.
    pub async fn create_request(
        &self,
        principal: &User,
        role: &RoleId,
        draft: &ActivationDraft,
        session_mfa: Option<&MfaEvidence>,
        now: UnixMillis,
    ) -> Result<ActivationRequest, AppError> {
        let stored = self.role(role).await?;
        let (assignments, requests) = self.mine(&principal.id, now).await?;
        let input = Self::input(principal, &stored, draft, &assignments, &requests, session_mfa, now);
        let id = RequestId::parse(hex::encode(crate::random::bytes::<16>()?))?;
        let t = ActivationRequest::create(&input, id).map_err(|e| domain(&e))?;
        self.apply(t).await
    }

    /// The request as its requester may see it (the digest to sign, its state).
    pub async fn request_of(
        &self,
        id: &RequestId,
        requester: &UserId,
        now: UnixMillis,
    ) -> Result<ActivationRequest, AppError> {
        self.own_request(id, requester, now).await
    }

    /// Accepts the requester's request-bound MFA; a rejected one is recorded as a failure
    /// (PAM 101) and the request fails after three.
    pub async fn complete_mfa(
        &self,
        requester: &UserId,
        id: &RequestId,
        evidence: &MfaEvidence,
        now: UnixMillis,
    ) -> Result<ActivationRequest, AppError> {
        let request = self.own_request(id, requester, now).await?;
        let eligibility = self.eligibility(&request).await?;
        match request.complete_mfa(evidence, &eligibility, now) {
            Ok(t) => self.apply(t).await,
            Err(e) => {
                if let elevate_shared::domain::request::MfaStepError::Rejected(why) = &e
                    && let Ok(t) = request.record_mfa_failure(&why.to_string(), now)
                {
                    self.apply(t).await?;
                }
                Err(domain(&e))
            }
        }
    }

    /// Records a failed request-bound MFA (a wrong code, a refused tap) against the request.
    pub async fn mfa_failed(
        &self,
        requester: &UserId,
        id: &RequestId,
        detail: &str,
        now: UnixMillis,
    ) -> Result<(), AppError> {
        let request = self.own_request(id, requester, now).await?;
        if let Ok(t) = request.record_mfa_failure(detail, now) {
            self.apply(t).await?;
        }
        Ok(())
    }

    pub async fn cancel(
        &self,
        requester: &UserId,
        id: &RequestId,
        now: UnixMillis,
    ) -> Result<ActivationRequest, AppError> {
        let request = self.own_request(id, requester, now).await?;
        let t = request.cancel(requester, now).map_err(|e| domain(&e))?;
        self.apply(t).await
    }

    pub async fn deactivate(
        &self,
        requester: &UserId,
        id: &RequestId,
        now: UnixMillis,
    ) -> Result<ActivationRequest, AppError> {
        let request = self.own_request(id, requester, now).await?;
        let t =
            request.deactivate(&Deactivator::Requester(requester.clone()), now).map_err(|e| domain(&e))?;
        self.apply(t).await
    }

    pub async fn extend(
        &self,
        requester: &UserId,
        id: &RequestId,
        new_end: UnixMillis,
        evidence: MfaEvidence,
        now: UnixMillis,
    ) -> Result<ActivationRequest, AppError> {
        let request = self.own_request(id, requester, now).await?;
        let eligibility = self.eligibility(&request).await?;
        let input = ExtendInput { by: requester.clone(), new_end, evidence };
        let t = request.extend(&input, &eligibility, now).map_err(|e| domain(&e))?;
        self.apply(t).await
    }

    // ------------------------------------------------------------------ approvers

    /// A request `approver` may decide on, brought up to `now`; anyone who is neither its
    /// approver nor its requester learns nothing (not found).
    pub async fn for_approver(
        &self,
        approver: &UserId,
        id: &RequestId,
        now: UnixMillis,
    ) -> Result<ActivationRequest, AppError> {
        let request: ActivationRequest =
            get_json(self.store, &keys::request(id)).await?.ok_or_else(no_such_request)?;
        let listed = request.terms.approval.as_ref().is_some_and(|a| a.approvers.contains(approver));
        if !listed && &request.requester != approver {
            return Err(no_such_request());
        }
        self.advanced(request, now).await
    }

    /// Requests waiting for `approver`'s decision.
    pub async fn approvals(
        &self,
        approver: &UserId,
        now: UnixMillis,
    ) -> Result<Vec<(ActivationRequest, Role)>, AppError> {
        let roles = self.roles().await?;
        let mut out = Vec::new();
        for r in self.requests(now).await? {
            let waiting = r.state.status() == RequestStatus::PendingApproval
                && r.terms.approval.as_ref().is_some_and(|a| a.approvers.contains(approver))
                && !r.decisions.iter().any(|d| &d.approver == approver);
            if let (true, Some(role)) = (waiting, roles.iter().find(|s| s.role.id == r.role)) {
                out.push((r, role.role.clone()));
            }
        }
        out.sort_by_key(|(r, _)| r.created_at);
        Ok(out)
    }

    /// An approver's decision, co-signed by a tap over the approval digest. Decisions are made
    /// one at a time here, so racing approvers reach one outcome.
    pub async fn decide(
        &self,
        approver: &UserId,
        id: &RequestId,
        verdict: Verdict,
        reason: Option<Reason>,
        evidence: MfaEvidence,
        now: UnixMillis,
    ) -> Result<ActivationRequest, AppError> {
        let request = self.for_approver(approver, id, now).await?;
        let eligibility = self.eligibility(&request).await?;
        let input = DecisionInput { approver: approver.clone(), verdict, reason, evidence: Some(evidence) };
        let t = request.decide(input, &eligibility, now).map_err(|e| domain(&e))?;
        self.apply(t).await
    }

    /// Brings every request up to `now` (the scheduled trigger); returns how many changed.
    pub async fn tidy(&self, now: UnixMillis) -> Result<usize, AppError> {
        let mut changed = 0;
        for request in self.all::<ActivationRequest>(keys::REQUEST_PREFIX).await? {
            let before = request.state.clone();
            if self.advanced(request, now).await?.state != before {
                changed += 1;
            }
        }
        Ok(changed)
    }
}

#[cfg(test)]
#[path = "access_tests.rs"]
mod tests;
