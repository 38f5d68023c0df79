//! The audit log for administrators: pages of events and a whole-chain verification.

use super::Ctx;
use super::auth::admin;
use crate::edge::{http, stubs};
use crate::error::AppError;
use crate::rpc::{AuditCall, AuditReply, unexpected};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::audit::{AuditPage, ChainVerification};
use elevate_shared::domain::audit::{ChainAnchor, verify_chain_from};
use worker::{Request, Response};

/// The largest page the log answers.
const MAX_PAGE: usize = 500;

async fn page(ctx: &Ctx<'_>, after: Option<u64>, limit: usize) -> Result<AuditPage, AppError> {
    match stubs::audit(ctx.env, AuditCall::Page { after, limit }).await? {
        AuditReply::Page { events, head } => {
            let next_after = (events.len() == limit).then(|| events.last().map(|e| e.seq)).flatten();
            Ok(AuditPage { events, next_after, head })
        }
        other => Err(unexpected(&other)),
    }
}

/// `GET /api/v1/audit?after=N&limit=M`
pub(crate) async fn list(ctx: &Ctx<'_>, req: &Request) -> Result<Response, AppError> {
    admin(ctx, req).await?;
    let url = req.url()?;
    let query = |name: &str| url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    let number = |name: &str| -> Result<Option<u64>, AppError> {
        query(name)
            .map(|v| v.parse::<u64>())
            .transpose()
            .map_err(|_| AppError::api(ErrorCode::BadRequest, format!("`{name}` must be a whole number.")))
    };
    let after = number("after")?;
    let limit = number("limit")?.map_or(100, |l| (l as usize).clamp(1, MAX_PAGE));
    http::json(200, &page(ctx, after, limit).await?)
}

/// `GET /api/v1/audit/verify`: walks the whole chain and reports the first broken link.
pub(crate) async fn verify(ctx: &Ctx<'_>, req: &Request) -> Result<Response, AppError> {
    admin(ctx, req).await?;
    let mut anchor = ChainAnchor::GENESIS;
    let mut after = None;
    let mut checked = 0u64;
    loop {
        let page = page(ctx, after, MAX_PAGE).await?;
        if let Err(mut broken) = verify_chain_from(anchor, &page.events) {
            broken.index += checked as usize;
            return http::json(
                200,
                &ChainVerification { events_checked: checked, head: page.head, broken: Some(broken) },
            );
        }
        checked += page.events.len() as u64;
        if let Some(last) = page.events.last() {
            anchor = ChainAnchor::after(last);
        }
        match page.next_after {
            Some(n) => after = Some(n),
            None => {
                let broken = (anchor != page.head).then_some(elevate_shared::domain::audit::ChainBreak {
                    index: checked as usize,
                    reason: elevate_shared::domain::audit::ChainBreakReason::HeadMismatch,
                });
                return http::json(
                    200,
                    &ChainVerification { events_checked: checked, head: page.head, broken },
                );
            }
        }
    }
}
