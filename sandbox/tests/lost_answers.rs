//! The `lose_answer` fault: the request is handled and committed, then its answer is replaced
//! by a 502/503 or a closed connection. Oneshot tests for statuses, filters, validation and the
//! seeded draw; real listeners for the closed connection.

mod common;

use axum::http::StatusCode;
use common::{assert_error, presign_body, real, real_token, Sbx};
use kyc_sandbox::Running;
use reqwest::Client;
use serde_json::{json, Value};

const IND: &str = "/v1/customers/cus_individual_demo/files";

/// Replace the fault rules; panics unless accepted.
async fn set_faults(sbx: &Sbx, rules: Value) {
    let r = sbx.post("/_sandbox/faults", None, rules).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// One `lose_answer` rule on `route`, for one request.
fn lose_once(route: &str, status: Option<u16>) -> Value {
    let mut action = json!({"type": "lose_answer"});
    if let Some(s) = status {
        action["status"] = json!(s);
    }
    json!({"rules": [{"route": route, "count": 1, "action": action}]})
}

/// What the client sees when the answer is lost with `status` in a oneshot test (no listener:
/// a closed connection falls back to 503).
fn assert_lost(r: &common::Resp, status: Option<u16>) {
    match status {
        Some(502) => assert_error(r, 502, "bad_gateway"),
        _ => assert_error(r, 503, "service_unavailable"),
    }
}

/// The request's own event (`answer_lost: true`, no error) and the `lose_answer` fault event
/// logged after it.
fn lost_pair(events: &[Value], kind: &str, route: &str, status: Option<u16>) -> (Value, Value) {
    let own = events.iter().find(|e| e["kind"] == kind && e["answer_lost"] == true).expect("own event marked lost");
    let fault = events.iter().find(|e| e["kind"] == "fault" && e["fault"] == "lose_answer").expect("fault event");
    assert!(own["error_code"].is_null(), "{own}");
    assert_eq!(fault["route"], route);
    assert_eq!(fault["status"], json!(status));
    assert_eq!(fault["committed"], true);
    assert!(fault["seq"].as_i64() > own["seq"].as_i64(), "fault logged after {own}: {fault}");
    (own.clone(), fault.clone())
}

fn count(sbx: &Sbx, table: &str) -> i64 {
    sbx.state.db().with(|c| c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap())
}

async fn status_of(sbx: &Sbx, tok: &str) -> Value {
    sbx.get("/v1/customers/cus_individual_demo", Some(tok)).await.body["verification_status"].clone()
}

#[tokio::test]
async fn lost_presign_answer_still_creates_the_file() {
    for status in [502, 503] {
        let sbx = Sbx::new();
        let tok = sbx.full_token().await;
        set_faults(&sbx, lose_once("presign", Some(status))).await;
        let r = sbx.post("/v1/files", Some(&tok), presign_body("id_file", "image/jpeg", 10)).await;
        assert_lost(&r, Some(status));
        assert_eq!(count(&sbx, "files"), 1, "the presign was committed");
        let events = sbx.events().await;
        let (own, fault) = lost_pair(&events, "presign", "presign", Some(status));
        assert_eq!(own["status"], 201);
        assert!(own["file_id"].as_str().is_some_and(|f| f.starts_with("file_")), "{own}");
        assert!(fault["customer_id"].is_null());
        // The rule is spent: the next presign answers normally, unmarked.
        assert_eq!(sbx.post("/v1/files", Some(&tok), presign_body("id_file", "image/jpeg", 10)).await.status, 201);
        let last = sbx.events().await.into_iter().rfind(|e| e["kind"] == "presign").unwrap();
        assert!(last.get("answer_lost").is_none(), "{last}");
        let snap = sbx.get("/_sandbox/faults", None).await.body;
        assert_eq!(snap["injected"], json!({"lose_answer": 1}));
        assert_eq!(snap["rules"][0]["injected"], 1);
    }
}

#[tokio::test]
async fn lost_put_answer_keeps_the_blob_and_the_retry_succeeds() {
    for status in [Some(502), Some(503), None] {
        let sbx = Sbx::with(|c| c.review_delay = 3600.0);
        let tok = sbx.full_token().await;
        let (poa, poa_path) = sbx.presign(&tok, "proof_of_address_file", "application/pdf", 100).await;
        let (id, id_path) = sbx.presign(&tok, "id_file", "image/jpeg", 100).await;
        let mut rules = lose_once("put", status);
        rules["rules"][0]["count"] = json!(2);
        set_faults(&sbx, rules).await;
        let r = sbx.put(&poa_path, "application/pdf", vec![4u8; 100]).await;
        assert_lost(&r, status);
        assert!(r.headers.get("etag").is_none());
        assert_lost(&sbx.put(&id_path, "image/jpeg", vec![5u8; 100]).await, status);
        assert_eq!(std::fs::read(sbx.dir.path().join("blobs").join(&poa)).unwrap(), vec![4u8; 100]);
        let events = sbx.events().await;
        let (own, _) = lost_pair(&events, "put", "put", status);
        assert_eq!((own["status"].clone(), own["completed"].clone()), (json!(200), json!(true)));
        assert_eq!(own["file_id"], poa.as_str());
        // The lost upload counts: the file is accepted without a retry.
        let r = sbx.post(IND, Some(&tok), json!({"proof_of_address_file": poa})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        // A retried PUT to the same URL succeeds as long as the file is not accepted.
        let retry = sbx.put(&id_path, "image/jpeg", vec![6u8; 100]).await;
        assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
        assert_eq!(std::fs::read(sbx.dir.path().join("blobs").join(&id)).unwrap(), vec![6u8; 100]);
        assert_error(&sbx.put(&poa_path, "application/pdf", vec![4u8; 100]).await, 409, "file_already_submitted");
        let r = sbx.post(IND, Some(&tok), json!({"id_file": id})).await;
        assert_eq!(r.body["verification_status"], "pending", "{}", r.body);
        let snap = sbx.get("/_sandbox/faults", None).await.body;
        assert_eq!(snap["injected"]["lose_answer"], 2);
    }
}

#[tokio::test]
async fn lost_files_answer_is_committed_and_the_retry_replays() {
    for status in [502, 503] {
        let sbx = Sbx::with(|c| c.review_delay = 3600.0);
        let tok = sbx.full_token().await;
        let f = sbx.uploaded(&tok, "id_file", "image/jpeg").await;
        set_faults(&sbx, lose_once("files", Some(status))).await;
        let key = [("idempotency-key", "key-lost-1")];
        let body = json!({"id_file": f}).to_string();
        assert_lost(&sbx.post_raw(IND, Some(&tok), &key, body.clone()).await, Some(status));
        assert_eq!(status_of(&sbx, &tok).await, "pending", "verification was triggered");
        let events = sbx.events().await;
        let (own, fault) = lost_pair(&events, "files", "files", Some(status));
        assert_eq!((own["status"].clone(), own["replay"].clone()), (json!(200), json!(false)));
        assert_eq!(own["fields"], json!({"id_file": f}));
        assert_eq!(fault["customer_id"], "cus_individual_demo");
        // The retry with the same key is a replay of the lost answer and changes nothing.
        let retry = sbx.post_raw(IND, Some(&tok), &key, body.clone()).await;
        assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
        let stored: String = sbx.state.db().with(|c| {
            c.query_row("SELECT body FROM idempotency WHERE key = 'key-lost-1'", [], |r| r.get(0)).unwrap()
        });
        assert_eq!(retry.body, serde_json::from_str::<Value>(&stored).unwrap());
        assert_eq!(retry.body["verification_status"], "pending");
        assert_eq!(retry.body["files"]["id_file"]["file_id"], f.as_str());
        let last = sbx.events().await.into_iter().rfind(|e| e["kind"] == "files").unwrap();
        assert_eq!(last["replay"], true);
        assert!(last.get("answer_lost").is_none());
        let admin = sbx.get("/_sandbox/customers/cus_individual_demo", None).await.body;
        assert_eq!(admin["history"].as_array().unwrap().len(), 1, "no second effect: {admin}");
        // Filtered by customer, the lost request and its fault are both there.
        let mine = sbx.get("/_sandbox/events?customer_id=cus_individual_demo", None).await.body;
        let kinds: Vec<&str> = mine["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["presign", "put", "files", "fault", "customer_get", "files"]);
    }
}

#[tokio::test]
async fn lost_customer_answer_is_logged_with_its_real_status() {
    for status in [502, 503] {
        let sbx = Sbx::new();
        let tok = sbx.full_token().await;
        set_faults(&sbx, lose_once("customer", Some(status))).await;
        assert_lost(&sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await, Some(status));
        let events = sbx.events().await;
        let (own, fault) = lost_pair(&events, "customer_get", "customer", Some(status));
        assert_eq!(own["status"], 200);
        assert_eq!(fault["customer_id"], "cus_individual_demo");
        assert_eq!(sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn failed_requests_do_not_consume_lose_answer_rules() {
    let sbx = Sbx::new();
    let tok = sbx.full_token().await;
    let (fid, path) = sbx.presign(&tok, "id_file", "image/jpeg", 100).await;
    set_faults(
        &sbx,
        json!({"rules": [
            {"route": "files", "count": 1, "action": {"type": "lose_answer", "status": 503}},
            {"route": "presign", "count": 1, "action": {"type": "lose_answer", "status": 502}},
            {"route": "put", "count": 1, "action": {"type": "lose_answer", "status": 502}},
            {"route": "customer", "count": 1, "action": {"type": "lose_answer"}},
        ]}),
    )
    .await;
    assert_error(&sbx.post(IND, Some(&tok), json!({"id_file": fid})).await, 422, "file_not_uploaded");
    assert_error(&sbx.post(IND, None, json!({"id_file": fid})).await, 401, "invalid_token");
    assert_error(&sbx.post("/v1/files", Some(&tok), presign_body("selfie", "image/jpeg", 10)).await, 400, "invalid_request");
    assert_error(&sbx.put(&path, "image/png", vec![1u8; 100]).await, 400, "content_type_mismatch");
    assert_error(&sbx.get("/v1/customers/cus_nobody", Some(&tok)).await, 404, "customer_not_found");
    let snap = sbx.get("/_sandbox/faults", None).await.body;
    assert_eq!(snap["injected"], json!({}));
    assert!(snap["rules"].as_array().unwrap().iter().all(|r| r["injected"] == 0), "{snap}");
    assert!(sbx.events().await.iter().all(|e| e["kind"] != "fault" && e.get("answer_lost").is_none()));
    // The rules are still there for the first successful request of each route.
    assert_lost(&sbx.post("/v1/files", Some(&tok), presign_body("id_file", "image/jpeg", 10)).await, Some(502));
    assert_lost(&sbx.put(&path, "image/jpeg", vec![1u8; 100]).await, Some(502));
    assert_lost(&sbx.post(IND, Some(&tok), json!({"id_file": fid})).await, Some(503));
    assert_lost(&sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await, None);
    assert_eq!(sbx.get("/_sandbox/faults", None).await.body["injected"], json!({"lose_answer": 4}));
    assert_eq!(count(&sbx, "files"), 2);
}

#[tokio::test]
async fn id_file_filter_selects_files_requests() {
    let sbx = Sbx::with(|c| c.review_delay = 3600.0);
    let tok = sbx.full_token().await;
    let poa = sbx.uploaded(&tok, "proof_of_address_file", "image/png").await;
    let poa2 = sbx.uploaded(&tok, "proof_of_address_file", "image/png").await;
    let id = sbx.uploaded(&tok, "id_file", "image/jpeg").await;
    set_faults(
        &sbx,
        json!({"rules": [
            {"route": "files", "id_file": true, "count": 1, "action": {"type": "status", "status": 503}},
            {"route": "files", "id_file": false, "count": 2, "action": {"type": "lose_answer", "status": 502}},
        ]}),
    )
    .await;
    // Without id_file: the `true` rule does not match; the `false` rule loses the answer.
    assert_lost(&sbx.post(IND, Some(&tok), json!({"proof_of_address_file": poa})).await, Some(502));
    let admin = sbx.get("/_sandbox/customers/cus_individual_demo", None).await.body;
    assert_eq!(admin["files"]["proof_of_address_file"]["file_id"], poa.as_str(), "committed: {admin}");
    assert_eq!(admin["verification_status"], "not_started");
    // With id_file: the `true` rule strikes before any effect.
    assert_error(&sbx.post(IND, Some(&tok), json!({"id_file": id})).await, 503, "service_unavailable");
    assert_eq!(status_of(&sbx, &tok).await, "not_started", "nothing applied");
    // With id_file again: the `false` rule (one injection left) does not match; real answer.
    let r = sbx.post(IND, Some(&tok), json!({"id_file": id})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["verification_status"], "pending");
    // Without id_file again: the `false` rule still has its second injection.
    assert_lost(&sbx.post(IND, Some(&tok), json!({"proof_of_address_file": poa2})).await, Some(502));
    let snap = sbx.get("/_sandbox/faults", None).await.body;
    assert_eq!(snap["injected"], json!({"status": 1, "lose_answer": 2}));
    assert_eq!(snap["rules"][0]["id_file"], true);
    assert_eq!(snap["rules"][1]["id_file"], false);
    let faults: Vec<Value> = sbx.events().await.into_iter().filter(|e| e["kind"] == "fault").collect();
    let kinds: Vec<&str> = faults.iter().map(|e| e["fault"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["lose_answer", "status", "lose_answer"]);
    assert!(faults[1].get("committed").is_none(), "before-effect faults are unchanged: {}", faults[1]);
}

#[tokio::test]
async fn lose_answer_rules_are_validated() {
    let sbx = Sbx::new();
    let good = json!({"rules": [{"route": "files", "id_file": true, "action": {"type": "lose_answer"}},
                                {"route": "any", "probability": 0.5, "action": {"type": "lose_answer", "status": 503}}]});
    set_faults(&sbx, good).await;
    let before = sbx.get("/_sandbox/faults", None).await.body;
    assert_eq!(
        before["rules"][0],
        json!({"route": "files", "probability": 1.0, "id_file": true, "action": {"type": "lose_answer"}, "injected": 0})
    );
    assert_eq!(before["rules"][1]["action"], json!({"type": "lose_answer", "status": 503}));
    let lose = |route: &str, action: Value| json!({"rules": [{"route": route, "action": action}]});
    let cases = [
        (lose("token", json!({"type": "lose_answer"})), "token"),
        (lose("token", json!({"type": "lose_answer", "status": 503})), "token"),
        (lose("files", json!({"type": "lose_answer", "status": 500})), "502 or 503"),
        (lose("files", json!({"type": "lose_answer", "status": 429})), "502 or 503"),
        (lose("put", json!({"type": "lose_answer", "status": 200})), "502 or 503"),
        (json!({"rules": [{"route": "put", "id_file": true, "action": {"type": "lose_answer"}}]}), "id_file"),
        (json!({"rules": [{"route": "any", "id_file": false, "action": {"type": "status", "status": 503}}]}), "id_file"),
        (json!({"rules": [{"route": "customer", "id_file": true, "action": {"type": "drop"}}]}), "id_file"),
        (json!({"rules": [{"route": "files", "id_file": "yes", "action": {"type": "drop"}}]}), "boolean"),
        (lose("files", json!({"type": "lose_answer", "status": "502"})), "u16"),
        (lose("files", json!({"type": "lose_answer", "status": 502, "retry_after": 1})), "retry_after"),
        (json!({"rules": [{"route": "files", "id_files": true, "action": {"type": "lose_answer"}}]}), "id_files"),
    ];
    for (bad, says) in cases {
        let r = sbx.post("/_sandbox/faults", None, bad.clone()).await;
        assert_error(&r, 400, "invalid_request");
        let msg = r.body["error"]["message"].as_str().unwrap();
        assert!(msg.contains(says), "{bad}: {msg}");
    }
    assert_eq!(sbx.get("/_sandbox/faults", None).await.body, before, "a refused set changes nothing");
}

#[tokio::test]
async fn lose_answer_on_any_spares_the_token_route() {
    let sbx = Sbx::new();
    let tok = sbx.full_token().await;
    set_faults(&sbx, json!({"rules": [{"route": "any", "count": 2, "action": {"type": "lose_answer", "status": 503}}]})).await;
    assert!(sbx.full_token().await.starts_with("sbx_"));
    assert_lost(&sbx.post("/v1/files", Some(&tok), presign_body("id_file", "image/jpeg", 10)).await, Some(503));
    assert_lost(&sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await, Some(503));
    assert_eq!(sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await.status, StatusCode::OK);
    let routes: Vec<Value> =
        sbx.events().await.into_iter().filter(|e| e["kind"] == "fault").map(|e| e["route"].clone()).collect();
    assert_eq!(routes, [json!("presign"), json!("customer")]);
}

#[tokio::test]
async fn lose_answer_draw_is_reproducible_and_skips_failures() {
    let sbx = Sbx::new();
    let tok = sbx.full_token().await;
    let rules = json!({"seed": 11, "rules": [
        {"route": "customer", "probability": 0.5, "action": {"type": "lose_answer", "status": 502}}]});
    let mut runs = Vec::new();
    for with_failures in [false, true, false] {
        set_faults(&sbx, rules.clone()).await;
        let mut pattern = Vec::new();
        for _ in 0..24 {
            if with_failures {
                // A failed request never loses its answer and never draws.
                assert_error(&sbx.get("/v1/customers/cus_nobody", Some(&tok)).await, 404, "customer_not_found");
            }
            pattern.push(sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await.status.as_u16());
        }
        runs.push(pattern);
    }
    assert_eq!(runs[0], runs[2], "same seed, same requests, same faults");
    assert_eq!(runs[0], runs[1], "failures in between change nothing");
    assert!(runs[0].contains(&502) && runs[0].contains(&200), "{:?}", runs[0]);
    let lost = sbx.events().await.iter().filter(|e| e["kind"] == "customer_get" && e["answer_lost"] == true).count();
    assert_eq!(lost, runs.iter().flatten().filter(|s| **s == 502).count());
}

// Real listeners: without `status` the connection closes with no response.

fn api(r: &Running, path: &str) -> String {
    format!("http://{}{path}", r.api)
}

async fn real_faults(c: &Client, r: &Running, rules: Value) {
    let resp = c.post(api(r, "/_sandbox/faults")).json(&rules).send().await.unwrap();
    assert_eq!(resp.status(), reqwest::StatusCode::OK);
}

async fn real_events(c: &Client, r: &Running) -> Vec<Value> {
    let v: Value = c.get(api(r, "/_sandbox/events")).send().await.unwrap().json().await.unwrap();
    v["events"].as_array().unwrap().clone()
}

/// The last `lose_answer` fault event and the request event it follows.
async fn last_lost(c: &Client, r: &Running, kind: &str, route: &str) -> Value {
    let events = real_events(c, r).await;
    let fault = events.iter().rfind(|e| e["fault"] == "lose_answer").expect("fault event").clone();
    let own = events.iter().rfind(|e| e["kind"] == kind).expect("own event").clone();
    assert_eq!((fault["route"].clone(), fault["status"].clone(), fault["committed"].clone()), (json!(route), Value::Null, json!(true)));
    assert_eq!(own["answer_lost"], true, "{own}");
    assert!(own["seq"].as_i64() < fault["seq"].as_i64());
    own
}

#[tokio::test]
async fn lost_answers_without_status_close_the_connection() {
    let (r, dir) = real(|c| c.review_delay = 3600.0).await;
    let c = Client::new();
    let tok = real_token(&c, &r).await;
    let files_url = api(&r, "/v1/customers/cus_individual_demo/files");
    let customer_url = api(&r, "/v1/customers/cus_individual_demo");

    // presign: the file exists although the client never saw its id.
    real_faults(&c, &r, lose_once("presign", None)).await;
    let res = c.post(api(&r, "/v1/files")).bearer_auth(&tok).json(&presign_body("id_file", "image/jpeg", 10)).send().await;
    assert!(res.is_err(), "{res:?}");
    let own = last_lost(&c, &r, "presign", "presign").await;
    assert_eq!(own["status"], 201);
    let fid = own["file_id"].as_str().unwrap().to_string();
    let known: i64 = r.state.db().with(|db| db.query_row("SELECT COUNT(*) FROM files WHERE id = ?1", [&fid], |x| x.get(0)).unwrap());
    assert_eq!(known, 1);

    // put: the blob is stored; a retry of the same URL answers 200.
    let p: Value = c.post(api(&r, "/v1/files")).bearer_auth(&tok).json(&presign_body("id_file", "image/jpeg", 10)).send().await.unwrap().json().await.unwrap();
    let (id, url) = (p["file_id"].as_str().unwrap().to_string(), p["upload_url"].as_str().unwrap().to_string());
    real_faults(&c, &r, lose_once("put", None)).await;
    let res = c.put(&url).header("content-type", "image/jpeg").body(vec![8u8; 10]).send().await;
    assert!(res.is_err(), "{res:?}");
    assert_eq!(last_lost(&c, &r, "put", "put").await["completed"], true);
    assert_eq!(std::fs::read(dir.path().join("blobs").join(&id)).unwrap(), vec![8u8; 10]);
    let retry = c.put(&url).header("content-type", "image/jpeg").body(vec![8u8; 10]).send().await.unwrap();
    assert_eq!(retry.status(), reqwest::StatusCode::OK);

    // files: verification started; the retry with the same key is a replay.
    real_faults(&c, &r, lose_once("files", None)).await;
    let send = || c.post(&files_url).bearer_auth(&tok).header("idempotency-key", "k1").json(&json!({"id_file": id})).send();
    assert!(send().await.is_err());
    assert_eq!(last_lost(&c, &r, "files", "files").await["status"], 200);
    let view: Value = c.get(&customer_url).bearer_auth(&tok).send().await.unwrap().json().await.unwrap();
    assert_eq!(view["verification_status"], "pending");
    let replay = send().await.unwrap();
    assert_eq!(replay.status(), reqwest::StatusCode::OK);
    assert_eq!(real_events(&c, &r).await.into_iter().rfind(|e| e["kind"] == "files").unwrap()["replay"], true);

    // customer: the read happened and is logged with its real status.
    real_faults(&c, &r, lose_once("customer", None)).await;
    assert!(c.get(&customer_url).bearer_auth(&tok).send().await.is_err());
    assert_eq!(last_lost(&c, &r, "customer_get", "customer").await["status"], 200);
    assert_eq!(c.get(&customer_url).bearer_auth(&tok).send().await.unwrap().status(), reqwest::StatusCode::OK);

    let snap: Value = c.get(api(&r, "/_sandbox/faults")).send().await.unwrap().json().await.unwrap();
    assert_eq!(snap["injected"], json!({"lose_answer": 4}));
}
