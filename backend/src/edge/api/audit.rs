//! The audit log for administrators: searches, exports, chain pages and verification.

use super::Ctx;
use super::auth::admin;
use crate::edge::http::{self, query};
use crate::edge::stubs;
use crate::error::AppError;
use crate::rpc::{AuditCall, AuditReply, unexpected};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::audit::{AuditCursor, AuditPage, AuditSearchPage, ChainVerification};
use elevate_shared::api::audit_export::ExportFormat;
use elevate_shared::domain::audit::{
    Actor, AuditAction, AuditDraft, ChainAnchor, ChainBreak, ChainBreakReason, Target, verify_chain_from,
};
use elevate_shared::domain::audit_query::AuditFilter;
use worker::{Env, Request, Response, Url};

/// The largest chain page the log answers.
const MAX_PAGE: usize = 500;
/// The largest search page; people read 50 at a time, scripts page on.
const MAX_SEARCH_PAGE: usize = 200;
/// Events per log call while exporting: big enough to keep the calls few, small enough to keep
/// the worker's memory flat however large the export.
const EXPORT_PAGE: usize = 1_000;

fn number(url: &Url, name: &str) -> Result<Option<u64>, AppError> {
    http::whole_number(name, query(url, name))
}

fn filter(url: &Url) -> Result<AuditFilter, AppError> {
    let pairs: Vec<(String, String)> =
        url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    AuditFilter::from_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| AppError::api(ErrorCode::BadRequest, e.to_string()))
}

async fn page(env: &Env, after: Option<u64>, limit: usize) -> Result<AuditPage, AppError> {
    match stubs::audit(env, AuditCall::Page { after, limit }).await? {
        AuditReply::Page { events, head } => {
            let next_after = (events.len() == limit).then(|| events.last().map(|e| e.seq)).flatten();
            Ok(AuditPage { events, next_after, head })
        }
        other => Err(unexpected(&other)),
    }
}

async fn search_page(
    env: &Env,
    filter: AuditFilter,
    cursor: Option<AuditCursor>,
    limit: usize,
) -> Result<AuditSearchPage, AppError> {
    match stubs::audit(env, AuditCall::Search { filter, cursor, limit }).await? {
        AuditReply::Search(page) => Ok(page),
        other => Err(unexpected(&other)),
    }
}

/// `GET /api/v1/audit?after=N&limit=M`: the chain from `after` on, oldest first, contiguous.
pub(crate) async fn list(ctx: &Ctx<'_>, req: &Request) -> Result<Response, AppError> {
    admin(ctx, req).await?;
    let url = req.url()?;
    let after = number(&url, "after")?;
    let limit = number(&url, "limit")?.map_or(100, |l| (l as usize).clamp(1, MAX_PAGE));
    http::json(200, &page(ctx.env, after, limit).await?)
}

/// `GET /api/v1/audit/search?<filter>&cursor=…&limit=…`: matching events, newest first.
pub(crate) async fn search(ctx: &Ctx<'_>, req: &Request) -> Result<Response, AppError> {
    admin(ctx, req).await?;
    let url = req.url()?;
    let filter = filter(&url)?;
    let cursor = query(&url, "cursor").filter(|c| !c.is_empty()).map(AuditCursor);
    let limit = number(&url, "limit")?.map_or(50, |l| (l as usize).clamp(1, MAX_SEARCH_PAGE));
    http::json(200, &search_page(ctx.env, filter, cursor, limit).await?)
}

/// `GET /api/v1/audit/export?format=csv|jsonl&<filter>`: every matching event, newest first,
/// streamed page by page. The export itself is audited, with its filter, before the first byte.
pub(crate) async fn export(ctx: &Ctx<'_>, req: &Request) -> Result<Response, AppError> {
    let me = admin(ctx, req).await?;
    let url = req.url()?;
    let format = ExportFormat::parse(&query(&url, "format").unwrap_or_default())
        .ok_or_else(|| AppError::api(ErrorCode::BadRequest, "`format` must be `csv` or `jsonl`."))?;
    let filter = filter(&url)?;
    let described: Vec<String> = filter.to_query().iter().map(|(k, v)| format!("{k}={v}")).collect();
    let draft =
        AuditDraft::new(AuditAction::AuditExported, Actor::User(me.user.id.clone()), Target::None, ctx.now)
            .detail("format", format.as_str())
            .detail("filter", if described.is_empty() { "all".to_owned() } else { described.join("&") });
    stubs::append_event(ctx.env, draft).await?;

    /// Where the stream is: the header first, then pages until the log has no more.
    enum Step {
        Header,
        Page(Option<AuditCursor>),
        Done,
    }
    let env = ctx.env.clone();
    let body = futures_util::stream::try_unfold(Step::Header, move |step| {
        let (env, filter) = (env.clone(), filter.clone());
        async move {
            match step {
                Step::Header => Ok(Some((format.header().as_bytes().to_vec(), Step::Page(None)))),
                Step::Page(cursor) => {
                    let page = search_page(&env, filter, cursor, EXPORT_PAGE)
                        .await
                        .map_err(|e| worker::Error::RustError(e.to_string()))?;
                    let chunk: String = page.events.iter().map(|e| format.line(e)).collect();
                    let next = page.next.map_or(Step::Done, |c| Step::Page(Some(c)));
                    Ok(Some((chunk.into_bytes(), next)))
                }
                Step::Done => Ok::<_, worker::Error>(None),
            }
        }
    });
    let filename = format!("elevate-audit-{}.{}", ctx.now.0, format.as_str());
    http::download(Response::from_stream(body)?, format.content_type(), &filename)
}

/// `GET /api/v1/audit/verify`: walks the whole chain and reports the first broken link.
pub(crate) async fn verify(ctx: &Ctx<'_>, req: &Request) -> Result<Response, AppError> {
    admin(ctx, req).await?;
    let mut anchor = ChainAnchor::GENESIS;
    let mut after = None;
    let mut checked = 0u64;
    loop {
        let page = page(ctx.env, after, MAX_PAGE).await?;
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
                let broken = (anchor != page.head).then_some(ChainBreak {
                    index: checked as usize,
                    reason: ChainBreakReason::HeadMismatch,
                });
                return http::json(
                    200,
                    &ChainVerification { events_checked: checked, head: page.head, broken },
                );
            }
        }
    }
}
