//! HTTP plumbing for the API: bounded JSON bodies, the anti-CSRF check, cookies, and turning
//! results into responses.

use crate::config::Config;
use crate::error::AppError;
use crate::session::{COOKIE_NAME, SessionToken};
use elevate_shared::api::{CSRF_HEADER, CSRF_VALUE, ErrorBody, ErrorCode, MAX_BODY_BYTES};
use elevate_shared::ids::UserId;
use serde::Serialize;
use serde::de::DeserializeOwned;
use worker::{Headers, Method, Request, Response};

/// Reads and decodes a JSON body of at most [`MAX_BODY_BYTES`]; anything else is a typed 4xx.
pub(crate) async fn read_json<T: DeserializeOwned>(req: &mut Request) -> Result<T, AppError> {
    let declared = req.headers().get("content-length")?.and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    let bytes = req.bytes().await?;
    if bytes.len() > MAX_BODY_BYTES {
        return Err(too_large());
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| AppError::api(ErrorCode::BadRequest, format!("The request body is not valid: {e}.")))
}

fn too_large() -> AppError {
    AppError::api(
        ErrorCode::PayloadTooLarge,
        format!("The request body is larger than {MAX_BODY_BYTES} bytes."),
    )
}

/// State-changing requests must carry the portal's custom header, and any `Origin` they carry
/// must be the portal's own.
pub(crate) fn check_csrf(req: &Request, config: &Config) -> Result<(), AppError> {
    if matches!(req.method(), Method::Get | Method::Head | Method::Options) {
        return Ok(());
    }
    let refused = |why: &str| Err(AppError::api(ErrorCode::CsrfRejected, why.to_owned()));
    if req.headers().get(CSRF_HEADER)?.as_deref() != Some(CSRF_VALUE) {
        return refused("This request lacks the portal's anti-forgery header.");
    }
    if let Some(origin) = req.headers().get("origin")?
        && origin != config.origin_text()
    {
        return refused("This request comes from another site.");
    }
    if req.headers().get("sec-fetch-site")?.as_deref() == Some("cross-site") {
        return refused("This request comes from another site.");
    }
    Ok(())
}

pub(crate) fn json<T: Serialize>(status: u16, body: &T) -> Result<Response, AppError> {
    let resp = Response::from_json(body)?.with_status(status);
    Ok(with_api_headers(resp))
}

pub(crate) fn error(e: &AppError) -> worker::Result<Response> {
    if let AppError::Internal(detail) = e {
        worker::console_error!("internal error: {detail}");
    }
    let wire = e.to_wire();
    let status = wire.code.http_status();
    Ok(with_api_headers(Response::from_json(&ErrorBody { error: wire })?.with_status(status)))
}

/// The value of query parameter `name`, decoded, if the URL has one.
pub(crate) fn query(url: &worker::Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// A query value read as a whole number; `bad_request` naming the parameter otherwise.
pub(crate) fn whole_number(name: &str, value: Option<String>) -> Result<Option<u64>, AppError> {
    value
        .map(|v| v.parse::<u64>())
        .transpose()
        .map_err(|_| AppError::api(ErrorCode::BadRequest, format!("`{name}` must be a whole number.")))
}

/// A file the browser saves rather than shows: `body` chunks as they come, under `filename`.
pub(crate) fn download(resp: Response, content_type: &str, filename: &str) -> Result<Response, AppError> {
    let mut resp = with_api_headers(resp);
    let headers = resp.headers_mut();
    headers.set("content-type", content_type)?;
    headers.set("content-disposition", &format!("attachment; filename=\"{filename}\""))?;
    Ok(resp)
}

fn with_api_headers(mut resp: Response) -> Response {
    let headers: &mut Headers = resp.headers_mut();
    let _ = headers.set("cache-control", "no-store");
    let _ = headers.set("x-content-type-options", "nosniff");
    resp
}

/// The API token in `Authorization: Bearer …`, if one was sent; any other scheme is refused.
pub(crate) fn bearer_token(
    req: &Request,
) -> Result<Option<elevate_shared::api::tokens::ApiTokenSecret>, AppError> {
    let Some(header) = req.headers().get("authorization")? else { return Ok(None) };
    match header.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
            Ok(Some(elevate_shared::api::tokens::ApiTokenSecret(token.trim().to_owned())))
        }
        _ => Err(crate::session::unauthenticated()),
    }
}

/// The session cookie's user and token, if a well-formed one was sent.
pub(crate) fn session_cookie(req: &Request) -> Option<(UserId, SessionToken)> {
    let header = req.headers().get("cookie").ok()??;
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .and_then(|(_, value)| SessionToken::parse_cookie_value(value))
}

/// `HttpOnly` keeps it from scripts, `Secure` from plain-text networks (browsers treat
/// `localhost` as secure), `SameSite=Strict` from every cross-site request.
pub(crate) fn set_session_cookie(
    resp: &mut Response,
    value: &str,
    max_age_secs: u64,
) -> Result<(), AppError> {
    let cookie =
        format!("{COOKIE_NAME}={value}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={max_age_secs}");
    resp.headers_mut().append("set-cookie", &cookie)?;
    Ok(())
}

pub(crate) fn clear_session_cookie(resp: &mut Response) -> Result<(), AppError> {
    set_session_cookie(resp, "", 0)
}
