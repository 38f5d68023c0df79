//! The router's `match` in `src/edge/api/mod.rs` and `elevate_shared::api::routes::ROUTES` must
//! name the same endpoints. The router is wasm32-only code, so this reads its source: every arm
//! `(Method::X, paths::NAME)` is resolved through `shared/src/api/paths.rs` and compared with the
//! table, which answers `405`, documents access and drives the OpenAPI check.

use elevate_shared::api::routes::{HttpMethod, ROUTES};
use std::collections::{BTreeMap, BTreeSet};

const ROUTER: &str = include_str!("../src/edge/api/mod.rs");
const PATHS: &str = include_str!("../../shared/src/api/paths.rs");

/// `NAME → "/api/v1/…"` for every `pub const NAME: &str = "…";` in `paths.rs`.
fn path_constants() -> BTreeMap<&'static str, &'static str> {
    PATHS
        .lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("pub const ")?;
            let (name, rest) = rest.split_once(": &str = \"")?;
            let (value, _) = rest.split_once("\";")?;
            Some((name, value))
        })
        .collect()
}

/// `(method, constant name)` for every arm of the router's `match`.
fn router_arms() -> Vec<(HttpMethod, &'static str)> {
    let mut arms = Vec::new();
    for piece in ROUTER.split("(Method::").skip(1) {
        let (method, rest) =
            piece.split_once(", paths::").unwrap_or_else(|| panic!("unexpected arm: {piece:.60}"));
        let name_end = rest.find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'));
        let name = &rest[..name_end.unwrap_or(rest.len())];
        let method = match method {
            "Get" => HttpMethod::Get,
            "Post" => HttpMethod::Post,
            other => panic!("the router answers {other}, which HttpMethod lacks"),
        };
        arms.push((method, name));
    }
    arms
}

#[test]
fn the_parsers_see_the_router_and_the_paths() {
    assert!(path_constants().len() > 50, "paths.rs no longer parses: {:?}", path_constants().len());
    assert!(router_arms().len() > 50, "the router's arms no longer parse: {}", router_arms().len());
}

#[test]
fn every_arm_of_the_router_is_in_the_table_with_its_method_and_nothing_else_is() {
    let constants = path_constants();
    let mut arms = BTreeSet::new();
    for (method, name) in router_arms() {
        let path = constants.get(name).unwrap_or_else(|| panic!("paths::{name} is not in paths.rs"));
        assert!(arms.insert((method, *path)), "the router matches {} {path} twice", method.as_str());
    }
    let table: BTreeSet<(HttpMethod, &str)> = ROUTES.iter().map(|r| (r.method, r.path)).collect();
    let unlisted: Vec<_> = arms.difference(&table).collect();
    let unrouted: Vec<_> = table.difference(&arms).collect();
    assert!(unlisted.is_empty(), "routed but not in ROUTES: {unlisted:?}");
    assert!(unrouted.is_empty(), "in ROUTES but not routed: {unrouted:?}");
}

#[test]
fn the_table_lists_no_endpoint_twice() {
    let mut seen = BTreeSet::new();
    for r in ROUTES {
        assert!(seen.insert((r.method, r.path)), "{} {} is listed twice", r.method.as_str(), r.path);
    }
}

#[test]
fn every_path_constant_is_routed() {
    let routed: BTreeSet<&str> = ROUTES.iter().map(|r| r.path).collect();
    for (name, path) in path_constants() {
        if name == "API_PREFIX" {
            continue;
        }
        assert!(routed.contains(path), "paths::{name} ({path}) is not routed");
    }
}
