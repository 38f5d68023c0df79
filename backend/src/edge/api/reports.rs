//! MFA reports for administrators: JSON for the Reports page, CSV to download.

use super::Ctx;
use super::auth::admin;
use crate::edge::{http, stubs};
use crate::error::AppError;
use crate::rpc::{AuditCall, AuditReply, unexpected};
use elevate_shared::api::ErrorCode;
use elevate_shared::api::reports::MAX_REPORT_DAYS;
use elevate_shared::domain::mfa_report::day_of;
use elevate_shared::time::UnixMillis;
use worker::{Request, Response};

/// `GET /api/v1/reports/mfa?from=…&to=…[&format=csv]`: the UTC days from `from`'s to `to`'s
/// (default: the 30 days up to now).
pub(crate) async fn mfa(ctx: &Ctx<'_>, req: &Request) -> Result<Response, AppError> {
    admin(ctx, req).await?;
    let url = req.url()?;
    // Milliseconds since the epoch; an empty value is the default.
    let instant = |name: &str| -> Result<Option<UnixMillis>, AppError> {
        Ok(http::whole_number(name, http::query(&url, name).filter(|v| !v.is_empty()))?.map(UnixMillis))
    };
    let (from_at, to_at) = (instant("from")?, instant("to")?.unwrap_or(ctx.now));
    let to = day_of(to_at) + 1;
    let from = from_at.map_or(to.saturating_sub(30), day_of);
    if from_at.is_some_and(|f| f > to_at) || from >= to || to - from > MAX_REPORT_DAYS {
        return Err(AppError::api(
            ErrorCode::BadRequest,
            format!("A report covers 1 to {MAX_REPORT_DAYS} days, `from` before `to`."),
        ));
    }
    let report = match stubs::audit(ctx.env, AuditCall::MfaReport { from, to }).await? {
        AuditReply::MfaReport(r) => r,
        other => return Err(unexpected(&other)),
    };
    match http::query(&url, "format").as_deref() {
        None | Some("json") => http::json(200, &report),
        Some("csv") => {
            let filename =
                format!("elevate-mfa-{}.csv", report.from.to_rfc3339().get(..10).unwrap_or("report"));
            http::download(Response::ok(report.to_csv())?, "text/csv; charset=utf-8", &filename)
        }
        Some(_) => Err(AppError::api(ErrorCode::BadRequest, "`format` must be `json` or `csv`.")),
    }
}
