//! The audit log, end to end: an administrator filters it in the browser, downloads the filtered
//! set as CSV (the file Chromium saves holds exactly the rows the search shows), verifies the
//! hash chain, and — after someone edits an event in the Durable Object's storage on disk — sees
//! verification fail at that event. Also the search API's typed errors and the export's own
//! audit event.

use elevate_e2e::api::{Api, now_ms};
use elevate_e2e::browser::{Portal, WAIT};
use elevate_e2e::soft_authenticator::SoftCredential;
use elevate_e2e::stack::Stack;
use elevate_e2e::tenant::{Person, member};
use serde_json::{Value, json};
use std::time::Duration;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const WEEK: u64 = 7 * 24 * 60 * 60_000;

/// The sequence numbers of the events on a search page, in order.
fn seqs(page: &Value) -> Vec<u64> {
    page["events"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["seq"].as_u64()).collect())
        .unwrap_or_default()
}

/// Two roles, two members, assignments added to both roles and one removed: events about each
/// role, by the administrator, so a role filter has something to tell apart.
async fn history<'s>(stack: &'s Stack, admin: &Person<'s>) -> (Person<'s>, Person<'s>) {
    let bob = member(stack, admin, "bob", 2).await;
    let carol = member(stack, admin, "carol", 3).await;
    for role in ["db-reader", "prod-admin"] {
        let created = admin
            .api
            .post(
                "/api/v1/roles/create",
                &json!({ "id": role, "name": role, "privileged": true, "scope": "/" }),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
    }
    let mut assignments = Vec::new();
    for (who, role) in [(&bob, "db-reader"), (&carol, "db-reader"), (&bob, "prod-admin")] {
        let a = admin
            .api
            .post(
                "/api/v1/assignments/create",
                &json!({ "principal": who.id, "role": role, "scope": "/", "kind": "eligible", "end": now_ms() + WEEK }),
            )
            .await;
        assert_eq!(a.status, 201, "{}", a.body);
        assignments.push(a.body["assignments"][0]["id"].clone());
    }
    let removed = admin
        .api
        .post(
            "/api/v1/assignments/remove",
            &json!({ "assignment": assignments[1], "reason": "Left the team" }),
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    (bob, carol)
}

#[tokio::test]
async fn an_administrator_filters_exports_and_verifies_the_log_and_a_tampered_event_is_found() -> TestResult {
    let stack = Stack::start("audit-ui").await;
    let portal = Portal::open(&stack, "audit-ui").await?;
    portal.browser.add_authenticator("internal", true).await?;
    portal.enrol_first_admin_and_sign_in().await?;
    let api = Api::new(&stack).with_cookie(&portal.browser.cookie("elevate_session").await?);
    let me = api.get("/api/v1/me").await;
    let admin = Person {
        id: me.body["user_id"].as_str().unwrap_or_default().to_owned(),
        api,
        key: SoftCredential::new(1, 32),
        username: "ada".into(),
    };
    let (_bob, _carol) = history(&stack, &admin).await;

    // What the server finds for the role, to hold the page and the download to.
    let expected = admin.api.get("/api/v1/audit/search?role=db-reader&limit=200").await;
    assert_eq!(expected.status, 200, "{}", expected.body);
    let expected_seqs = seqs(&expected.body);
    let actions: Vec<u64> = expected.body["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["action"].as_u64())
        .collect();
    // Newest first: removed (406), then two added (405), then created (401).
    assert_eq!(actions, [406, 405, 405, 401], "{}", expected.body);

    // The page, on a phone: pick the role, show the events.
    portal.browser.emulate_width(Some(390)).await?;
    portal.browser.goto(&format!("{}/audit", portal.base_url)).await?;
    portal.browser.wait_for("#audit-role option[value='db-reader']", WAIT).await?;
    portal
        .browser
        .execute(
            "const s = document.querySelector('#audit-role'); s.value = 'db-reader'; \
             s.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![],
        )
        .await?;
    portal.click("#audit-apply").await?;
    portal.expect_text("#audit-status", "4 events: that is all").await?;
    let shown = portal
        .browser
        .execute(
            "return [...document.querySelectorAll('#audit-events li.audit-event')].map(li => Number(li.dataset.seq));",
            vec![],
        )
        .await?;
    assert_eq!(shown, json!(expected_seqs), "the page lists what the search found, newest first");
    portal.expect_text("#audit-events", "Left the team").await?;
    assert!(portal.horizontal_overflow().await? <= 0, "the audit page overflows at 390 px");
    portal.screenshot("audit-filtered-390px").await?;

    // The CSV download holds exactly those rows, in that order, under the header.
    portal.click("#audit-export-csv").await?;
    let (name, csv) = portal.browser.downloaded(".csv", Duration::from_secs(20)).await?;
    assert!(name.starts_with("elevate-audit-"), "{name}");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("seq,time,event_id,event,outcome,actor,target,request,details,hash"));
    let rows: Vec<&str> = lines.collect();
    let row_seqs: Vec<u64> = rows.iter().filter_map(|r| r.split(',').next()?.parse().ok()).collect();
    assert_eq!(row_seqs, expected_seqs, "{csv}");
    assert!(rows.iter().all(|r| r.contains("db-reader")), "{csv}");
    assert!(rows[0].contains(",406,assignment_removed,success,user:"), "{}", rows[0]);
    // Taking the copy is itself on record, with the filter it used.
    let exported = admin.api.get("/api/v1/audit/search?action=701").await;
    assert_eq!(exported.body["events"][0]["details"]["filter"], "role=db-reader", "{}", exported.body);
    assert_eq!(exported.body["events"][0]["details"]["format"], "csv");

    // The chain holds.
    portal.browser.emulate_width(None).await?;
    portal.click("#audit-verify").await?;
    portal.expect_text("#audit-verify-result", "The chain holds").await?;
    portal.screenshot("audit-verified-desktop").await?;

    // Someone with access to the storage edits one event: the assignment removal now reads as
    // a failure. The hash no longer matches, and verification names that event.
    let tampered = expected_seqs[0];
    let files = stack.durable_object_files("AuditLogDurableObject");
    assert_eq!(files.len(), 1, "one audit log object: {files:?}");
    let edit = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import sqlite3, sys\n\
             db = sqlite3.connect(sys.argv[1])\n\
             key = 'event/%020d' % int(sys.argv[2])\n\
             (value,) = db.execute('SELECT value FROM _cf_KV WHERE key = ?', (key,)).fetchone()\n\
             edited = bytes(value).replace(b'\"outcome\":\"success\"', b'\"outcome\":\"failure\"')\n\
             assert edited != bytes(value), 'nothing to edit'\n\
             db.execute('UPDATE _cf_KV SET value = ? WHERE key = ?', (edited, key))\n\
             db.commit()\n",
        )
        .arg(&files[0])
        .arg(tampered.to_string())
        .output()?;
    assert!(edit.status.success(), "{}", String::from_utf8_lossy(&edit.stderr));
    portal.click("#audit-verify").await?;
    portal.expect_text("#audit-verify-result", &format!("broken at event #{tampered}")).await?;
    portal.expect_text("#audit-verify-result", "it was edited").await?;
    let verified = admin.api.get("/api/v1/audit/verify").await;
    assert_eq!(verified.body["broken"]["index"], tampered, "{}", verified.body);
    assert_eq!(verified.body["broken"]["reason"], "hash_mismatch", "{}", verified.body);
    portal.screenshot("audit-tampered-desktop").await?;
    Ok(())
}

#[tokio::test]
async fn a_search_refuses_bad_filters_and_members_and_pages_back_with_its_cursor() -> TestResult {
    let stack = Stack::start("audit-api").await;
    let admin = elevate_e2e::tenant::administrator(&stack).await;
    let (bob, _carol) = history(&stack, &admin).await;

    for (query, field) in [
        ("from=yesterday", "from"),
        ("target=planet:mars", "target"),
        ("action=999", "action"),
        ("outcome=maybe", "outcome"),
        ("from=10&to=5", "to"),
    ] {
        let refused = admin.api.get(&format!("/api/v1/audit/search?{query}")).await;
        assert_eq!((refused.status, refused.code()), (400, "bad_request"), "{query}: {}", refused.body);
        assert!(
            refused.body["error"]["message"].as_str().unwrap_or_default().contains(field),
            "{}",
            refused.body
        );
    }
    let foreign =
        admin.api.get("/api/v1/audit/search?role=db-reader&cursor=event/00000000000000000001").await;
    assert_eq!(foreign.status, 400, "a cursor from another search: {}", foreign.body);
    let export = admin.api.get("/api/v1/audit/export?format=pdf").await;
    assert_eq!((export.status, export.code()), (400, "bad_request"));

    for path in ["/api/v1/audit/search", "/api/v1/audit/export?format=csv"] {
        assert_eq!(bob.api.get(path).await.status, 403, "{path} for a member");
        assert_eq!(Api::new(&stack).get(path).await.status, 401, "{path} for nobody");
    }

    // Page by page, two at a time, the whole log comes back newest first with nothing repeated.
    let everything = seqs(&admin.api.get("/api/v1/audit/search?limit=200").await.body);
    assert!(everything.len() > 6, "{everything:?}");
    let (mut paged, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let url = match &cursor {
            None => "/api/v1/audit/search?limit=2".to_owned(),
            Some(c) => format!("/api/v1/audit/search?limit=2&cursor={}", elevate_shared::percent::encode(c)),
        };
        let page = admin.api.get(&url).await;
        assert_eq!(page.status, 200, "{}", page.body);
        paged.extend(seqs(&page.body));
        match page.body["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    // The searches themselves add nothing to the log, so the two walks agree.
    assert_eq!(paged, everything);
    assert!(everything.windows(2).all(|w| w[0] > w[1]), "newest first: {everything:?}");

    // JSON lines of the whole log verify offline, the way an auditor would check a copy.
    let lines = reqwest::Client::new()
        .get(stack.api("/api/v1/audit/export?format=jsonl"))
        .header("cookie", format!("elevate_session={}", admin.api.cookie.as_deref().unwrap_or_default()))
        .send()
        .await?;
    assert_eq!(lines.headers()["content-type"], "application/x-ndjson");
    let mut events: Vec<elevate_shared::domain::AuditEvent> =
        lines.text().await?.lines().map(serde_json::from_str).collect::<Result<_, _>>()?;
    events.reverse();
    assert_eq!(elevate_shared::domain::verify_chain(&events), Ok(()));
    Ok(())
}
