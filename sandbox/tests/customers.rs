//! Oneshot tests of the files request, idempotency, reviews, admin endpoints and persistence.

mod common;

use axum::http::StatusCode;
use common::{assert_error, Sbx};
use serde_json::{json, Value};

const IND: &str = "/v1/customers/cus_individual_demo/files";

async fn admin_customer(sbx: &Sbx, id: &str) -> Value {
    sbx.get(&format!("/_sandbox/customers/{id}"), None).await.body
}

#[tokio::test]
async fn files_request_validates_everything_before_applying() {
    let sbx = Sbx::new();
    let tok = sbx.full_token().await;
    let id_file = sbx.uploaded(&tok, "id_file", "image/jpeg").await;
    let proof = sbx.uploaded(&tok, "proof_of_address_file", "application/pdf").await;
    let (pending_put, _) = sbx.presign(&tok, "liveness_check_file", "video/mp4", 10).await;
    let cases = [
        (json!({"id_file": id_file, "liveness_check_file": pending_put}), 422, "file_not_uploaded"),
        (json!({"id_file": format!("file_{}", "Z".repeat(26))}), 422, "file_not_uploaded"),
        (json!({"id_file": proof}), 422, "file_purpose_mismatch"),
        (json!({"id_file": id_file, "proof_of_address_file": id_file}), 422, "file_purpose_mismatch"),
        (json!({"id_file": "../../etc/passwd"}), 400, "invalid_request"),
        (json!({}), 400, "invalid_request"),
        (json!({"id_file": null}), 400, "invalid_request"),
        (json!({"selfie": id_file}), 400, "invalid_request"),
        (json!({"id_file": 42}), 400, "invalid_request"),
        (json!("id_file"), 400, "invalid_request"),
    ];
    for (body, status, code) in cases {
        assert_error(&sbx.post(IND, Some(&tok), body).await, status, code);
    }
    assert_error(&sbx.post_raw(IND, Some(&tok), &[], "{\"id_file\"").await, 400, "invalid_json");
    let big = format!("{{\"id_file\":\"{}\"}}", "x".repeat(65 * 1024));
    assert_error(&sbx.post_raw(IND, Some(&tok), &[], big).await, 413, "payload_too_large");
    let r = sbx.post("/v1/customers/cus_nobody/files", Some(&tok), json!({"id_file": id_file})).await;
    assert_error(&r, 404, "customer_not_found");
    let r = sbx.post("/v1/customers/cus_business_demo/files", Some(&tok), json!({"id_file": id_file})).await;
    assert_error(&r, 422, "business_customer");
    let r = sbx.post("/v1/customers/bad.id/files", Some(&tok), json!({"id_file": id_file})).await;
    assert_error(&r, 400, "invalid_request");
    // Nothing was applied: no records, status unchanged.
    let c = admin_customer(&sbx, "cus_individual_demo").await;
    assert_eq!(c["verification_status"], "not_started");
    assert_eq!(c["history"], json!([]));
    let accepted: i64 = sbx
        .state
        .db()
        .with(|c| c.query_row("SELECT COUNT(*) FROM files WHERE accepted_by IS NOT NULL", [], |r| r.get(0)).unwrap());
    assert_eq!(accepted, 0);
}

#[tokio::test]
async fn id_file_triggers_review_and_new_files_override() {
    let sbx = Sbx::with(|c| c.review_delay = 3600.0);
    let tok = sbx.full_token().await;
    let proof1 = sbx.uploaded(&tok, "proof_of_address_file", "image/png").await;
    let r = sbx.post(IND, Some(&tok), json!({"proof_of_address_file": proof1})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["message"], "Files uploaded successfully");
    assert_eq!(r.body["verification_status"], "not_started");
    assert_eq!(r.body["files"]["proof_of_address_file"]["file_id"], proof1.as_str());
    let proof2 = sbx.uploaded(&tok, "proof_of_address_file", "image/png").await;
    let back = sbx.uploaded(&tok, "id_file_back", "image/jpeg").await;
    let front = sbx.uploaded(&tok, "id_file", "image/jpeg").await;
    let body = json!({"id_file": front, "id_file_back": back, "proof_of_address_file": proof2});
    let r = sbx.post(IND, Some(&tok), body).await;
    assert_eq!(r.body["verification_status"], "pending", "{}", r.body);
    assert_eq!(r.body["files"]["proof_of_address_file"]["file_id"], proof2.as_str());
    assert_eq!(r.body["files"]["id_file"]["document_type"], "passport");
    let c = sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await.body;
    assert_eq!(c["verification_status"], "pending");
    assert!(c["submitted_at"].is_string());
    // A further request while pending succeeds, status stays pending, history is kept.
    let live = sbx.uploaded(&tok, "liveness_check_file", "video/webm").await;
    let r = sbx.post(IND, Some(&tok), json!({"liveness_check_file": live})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["verification_status"], "pending");
    let admin = admin_customer(&sbx, "cus_individual_demo").await;
    let history = admin["history"].as_array().unwrap();
    assert_eq!(history.len(), 5);
    assert_eq!(history[0]["file_id"], proof1.as_str());
    assert_eq!(history[0]["current"], false);
    assert_eq!(admin["files"].as_object().unwrap().len(), 4);
    // A file accepted for one customer cannot be used for another.
    sbx.post("/_sandbox/customers", None, json!({"id": "cus_other", "type": "individual"})).await;
    let r = sbx.post("/v1/customers/cus_other/files", Some(&tok), json!({"id_file": front})).await;
    assert_error(&r, 409, "file_already_submitted");
}

#[tokio::test]
async fn idempotency_key_replays_the_first_response() {
    let sbx = Sbx::new();
    let tok = sbx.full_token().await;
    let proof = sbx.uploaded(&tok, "proof_of_address_file", "image/png").await;
    let key = [("idempotency-key", "3f1e6a0c-key")];
    let body = json!({"proof_of_address_file": proof}).to_string();
    let first = sbx.post_raw(IND, Some(&tok), &key, body.clone()).await;
    assert_eq!(first.status, StatusCode::OK);
    let again = sbx.post_raw(IND, Some(&tok), &key, body).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body, first.body);
    let admin = admin_customer(&sbx, "cus_individual_demo").await;
    assert_eq!(admin["history"].as_array().unwrap().len(), 1, "replay changed nothing");
    let other = sbx.uploaded(&tok, "proof_of_address_file", "image/png").await;
    let r = sbx.post_raw(IND, Some(&tok), &key, json!({"proof_of_address_file": other}).to_string()).await;
    assert_error(&r, 422, "idempotency_key_reused");
    let r = sbx.post_raw(IND, Some(&tok), &[("idempotency-key", "")], json!({"proof_of_address_file": other}).to_string()).await;
    assert_error(&r, 400, "invalid_request");
    // Without a key it still works (not idempotent).
    assert_eq!(sbx.post(IND, Some(&tok), json!({"proof_of_address_file": other})).await.status, StatusCode::OK);
    let files: Vec<_> = sbx.events().await.into_iter().filter(|e| e["kind"] == "files").collect();
    assert_eq!(files.len(), 5);
    assert_eq!(files[0]["idempotency_key"], "3f1e6a0c-key");
    assert_eq!(files[0]["replay"], false);
    assert_eq!(files[1]["replay"], true);
    assert_eq!(files[1]["fields"], json!({"proof_of_address_file": proof}));
    assert_eq!(files[2]["error_code"], "idempotency_key_reused");
    assert!(files[4]["idempotency_key"].is_null());
}

#[tokio::test]
async fn reviews_verify_or_reject() {
    let sbx = Sbx::new();
    let tok = sbx.full_token().await;
    for cid in ["cus_individual_demo", "cus_reject_demo"] {
        let f = sbx.uploaded(&tok, "id_file", "image/jpeg").await;
        let r = sbx.post(&format!("/v1/customers/{cid}/files"), Some(&tok), json!({"id_file": f})).await;
        assert_eq!(r.body["verification_status"], "pending");
    }
    let ok = sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await.body;
    assert_eq!(ok["verification_status"], "verified");
    assert!(ok["rejection_reason"].is_null());
    let rej = sbx.get("/v1/customers/cus_reject_demo", Some(&tok)).await.body;
    assert_eq!(rej["verification_status"], "rejected");
    assert!(rej["rejection_reason"].as_str().unwrap().contains("blurred"));
}

#[tokio::test]
async fn admin_customers_and_forced_review() {
    let sbx = Sbx::with(|c| c.review_delay = 3600.0);
    let tok = sbx.full_token().await;
    let new = json!({"id": "cus_x", "type": "individual", "outcome": "reject", "rejection_reason": "Expired document"});
    let r = sbx.post("/_sandbox/customers", None, new.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.body["verification_status"], "not_started");
    assert_error(&sbx.post("/_sandbox/customers", None, new).await, 409, "customer_exists");
    let bad = json!({"id": "cus_y", "type": "company"});
    assert_error(&sbx.post("/_sandbox/customers", None, bad).await, 400, "invalid_request");
    let bad = json!({"id": "../y", "type": "individual"});
    assert_error(&sbx.post("/_sandbox/customers", None, bad).await, 400, "invalid_request");
    assert_error(&sbx.get("/_sandbox/customers/cus_none", None).await, 404, "customer_not_found");
    assert_error(&sbx.post("/_sandbox/customers/cus_x/review", None, json!({})).await, 409, "not_pending");
    let f = sbx.uploaded(&tok, "id_file", "image/jpeg").await;
    sbx.post("/v1/customers/cus_x/files", Some(&tok), json!({"id_file": f})).await;
    assert_eq!(sbx.get("/v1/customers/cus_x", Some(&tok)).await.body["verification_status"], "pending");
    let r = sbx.post("/_sandbox/customers/cus_x/review", None, json!({})).await;
    assert_eq!(r.body["verification_status"], "rejected");
    assert_eq!(r.body["rejection_reason"], "Expired document");
}

#[tokio::test]
async fn admin_is_off_by_default() {
    let sbx = Sbx::with(|c| c.admin = false);
    assert_error(&sbx.get("/_sandbox/events", None).await, 404, "not_found");
    assert_error(&sbx.post("/_sandbox/reset", None, json!({})).await, 404, "not_found");
    assert_error(&sbx.post("/_sandbox/faults", None, json!({"rules": []})).await, 404, "not_found");
}

#[tokio::test]
async fn events_filter_by_customer_and_since() {
    let sbx = Sbx::new();
    let tok = sbx.full_token().await;
    let mine = sbx.uploaded(&tok, "id_file", "image/jpeg").await;
    let _unrelated = sbx.uploaded(&tok, "id_file", "image/jpeg").await;
    sbx.post(IND, Some(&tok), json!({"id_file": mine})).await;
    sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await;
    sbx.get("/v1/customers/cus_reject_demo", Some(&tok)).await;
    let all = sbx.events().await;
    let seqs: Vec<i64> = all.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));
    assert!(all.iter().all(|e| e["at"].as_str().unwrap().len() == 24));
    let r = sbx.get("/_sandbox/events?customer_id=cus_individual_demo", None).await;
    let kinds: Vec<&str> = r.body["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["presign", "put", "files", "customer_get"]);
    let since = seqs[seqs.len() - 2];
    let r = sbx.get(&format!("/_sandbox/events?since={since}"), None).await;
    assert_eq!(r.body["events"].as_array().unwrap().len(), 1);
    assert_error(&sbx.get("/_sandbox/events?since=abc", None).await, 400, "invalid_request");
}

#[tokio::test]
async fn faults_inject_status_latency_and_token_expiry() {
    let sbx = Sbx::new();
    let tok = sbx.full_token().await;
    let rules = json!({"rules": [
        {"route": "presign", "count": 1, "action": {"type": "status", "status": 503}},
        {"route": "customer", "count": 1, "action": {"type": "status", "status": 429, "retry_after": 7}},
        {"route": "files", "count": 1, "action": {"type": "status", "status": 502}},
        {"route": "token", "count": 1, "action": {"type": "status", "status": 500}},
    ]});
    assert_eq!(sbx.post("/_sandbox/faults", None, rules).await.status, StatusCode::OK);
    let body = common::presign_body("id_file", "image/jpeg", 10);
    assert_error(&sbx.post("/v1/files", Some(&tok), body.clone()).await, 503, "service_unavailable");
    assert_eq!(sbx.post("/v1/files", Some(&tok), body).await.status, StatusCode::CREATED);
    let r = sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await;
    assert_error(&r, 429, "rate_limited");
    assert_eq!(r.headers["retry-after"], "7");
    assert_error(&sbx.post(IND, Some(&tok), json!({"id_file": "x"})).await, 502, "bad_gateway");
    let cred = json!({"grant_type": "client_credentials", "client_id": "demo_client", "client_secret": "demo_secret"});
    assert_error(&sbx.post("/oauth/token", None, cred).await, 500, "internal_error");
    let snap = sbx.get("/_sandbox/faults", None).await.body;
    assert_eq!(snap["injected"]["status"], 4);
    assert_eq!(snap["rules"][0]["injected"], 1);
    assert_eq!(sbx.state.db().with(|c| c.query_row("SELECT COUNT(*) FROM files", [], |r| r.get::<_, i64>(0)).unwrap()), 1);

    let rules = json!({"rules": [{"route": "any", "count": 1, "action": {"type": "latency", "ms": 150}},
                                 {"route": "customer", "count": 1, "action": {"type": "expire_token"}}]});
    sbx.post("/_sandbox/faults", None, rules).await;
    let start = std::time::Instant::now();
    assert_error(&sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await, 401, "token_expired");
    assert!(start.elapsed().as_millis() >= 150);
    // The token presented was revoked.
    assert_error(&sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await, 401, "token_expired");
    let faults: Vec<_> = sbx.events().await.into_iter().filter(|e| e["kind"] == "fault").collect();
    let kinds: Vec<&str> = faults.iter().map(|e| e["fault"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["status", "status", "status", "status", "latency", "expire_token"]);
    assert_eq!(faults[0]["route"], "presign");
    assert_eq!(faults[1]["status"], 429);

    for bad in [
        json!({"rules": [{"route": "nowhere", "action": {"type": "drop"}}]}),
        json!({"rules": [{"route": "put", "probability": 1.5, "action": {"type": "drop"}}]}),
        json!({"rules": [{"route": "put", "action": {"type": "status", "status": 404}}]}),
        json!({"rules": [{"route": "put", "action": {"type": "explode"}}]}),
        json!({"rules": "all"}),
    ] {
        assert_error(&sbx.post("/_sandbox/faults", None, bad).await, 400, "invalid_request");
    }
}

#[tokio::test]
async fn a_refusal_fault_answers_4xx_and_applies_nothing() {
    let sbx = Sbx::new();
    let tok = sbx.full_token().await;
    let id = sbx.uploaded(&tok, "id_file", "image/jpeg").await;
    let rules = json!({"rules": [{"route": "files", "id_file": true, "count": 1, "action": {"type": "status", "status": 422}},
                                 {"route": "customer", "count": 1, "action": {"type": "status", "status": 409}}]});
    assert_eq!(sbx.post("/_sandbox/faults", None, rules).await.status, StatusCode::OK);
    assert_error(&sbx.post(IND, Some(&tok), json!({"id_file": id})).await, 422, "unprocessable");
    assert_error(&sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await, 409, "conflict");
    // Nothing applied: the customer has no files and verification did not start.
    let files = sbx.state.db().with(|c| {
        c.query_row("SELECT COUNT(*) FROM customer_files WHERE customer_id = 'cus_individual_demo'", [], |r| r.get::<_, i64>(0)).unwrap()
    });
    assert_eq!(files, 0);
    let customer = sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await.body;
    assert_eq!(customer["verification_status"], "not_started", "{customer}");
    assert_eq!(sbx.post(IND, Some(&tok), json!({"id_file": id})).await.status, StatusCode::OK);
}

#[tokio::test]
async fn faults_are_reproducible_from_the_seed() {
    let sbx = Sbx::new();
    let tok = sbx.full_token().await;
    let mut runs = Vec::new();
    for _ in 0..2 {
        let rules = json!({"seed": 42, "rules": [
            {"route": "customer", "probability": 0.5, "action": {"type": "status", "status": 500}}]});
        sbx.post("/_sandbox/faults", None, rules).await;
        let mut pattern = Vec::new();
        for _ in 0..20 {
            pattern.push(sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await.status.as_u16());
        }
        runs.push(pattern);
    }
    assert_eq!(runs[0], runs[1]);
    assert!(runs[0].contains(&500) && runs[0].contains(&200), "{:?}", runs[0]);
}

#[tokio::test]
async fn reset_clears_state_but_keeps_clients_and_tokens() {
    let sbx = Sbx::with(|c| c.review_delay = 3600.0);
    let tok = sbx.full_token().await;
    let f = sbx.uploaded(&tok, "id_file", "image/jpeg").await;
    sbx.post(IND, Some(&tok), json!({"id_file": f})).await;
    sbx.post("/_sandbox/customers", None, json!({"id": "cus_tmp", "type": "business"})).await;
    sbx.post("/_sandbox/faults", None, json!({"rules": [{"route": "put", "action": {"type": "drop"}}]})).await;
    assert_eq!(sbx.post("/_sandbox/reset", None, json!({})).await.status, StatusCode::OK);
    assert!(sbx.events().await.is_empty());
    assert_eq!(sbx.get("/_sandbox/faults", None).await.body["rules"], json!([]));
    let c = sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await.body;
    assert_eq!(c["verification_status"], "not_started");
    assert_error(&sbx.get("/v1/customers/cus_tmp", Some(&tok)).await, 404, "customer_not_found");
    assert!(!sbx.dir.path().join("blobs").join(&f).exists());
    assert_error(&sbx.post(IND, Some(&tok), json!({"id_file": f})).await, 422, "file_not_uploaded");
    assert!(sbx.token("demo_files_only", None).await.starts_with("sbx_"));
}

#[tokio::test]
async fn state_survives_a_restart() {
    let sbx = Sbx::with(|c| c.review_delay = 3600.0);
    let tok = sbx.full_token().await;
    let f = sbx.uploaded(&tok, "id_file", "image/jpeg").await;
    let (later, later_path) = sbx.presign(&tok, "proof_of_address_file", "image/png", 10).await;
    sbx.post(IND, Some(&tok), json!({"id_file": f})).await;
    sbx.post("/_sandbox/customers", None, json!({"id": "cus_kept", "type": "individual"})).await;
    let events_before = sbx.events().await.len();
    let Sbx { dir, state, api, storage } = sbx;
    let config = state.config().clone();
    drop((state, api, storage));

    let sbx = Sbx::open(dir, config);
    let c = sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await;
    assert_eq!(c.status, StatusCode::OK, "token survives");
    assert_eq!(c.body["verification_status"], "pending");
    assert_eq!(sbx.get("/v1/customers/cus_kept", Some(&tok)).await.status, StatusCode::OK);
    let admin = admin_customer(&sbx, "cus_individual_demo").await;
    assert_eq!(admin["files"]["id_file"]["file_id"], f.as_str());
    assert!(sbx.dir.path().join("blobs").join(&f).exists());
    assert_eq!(sbx.events().await.len(), events_before + 2, "events kept, two customer_get added");
    // A URL presigned before the restart still verifies.
    assert_eq!(sbx.put(&later_path, "image/png", vec![0; 10]).await.status, StatusCode::OK);
    let r = sbx.post(IND, Some(&tok), json!({"proof_of_address_file": later})).await;
    assert_eq!(r.status, StatusCode::OK);
}
