//! Oneshot tests of the API and storage routers: every route and error code.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{assert_error, presign_body, Sbx};
use serde_json::json;

fn count(sbx: &Sbx, table: &str) -> i64 {
    sbx.state.db().with(|c| c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap())
}

#[tokio::test]
async fn token_accepts_form_and_json() {
    let sbx = Sbx::new();
    let form = "grant_type=client_credentials&client_id=demo_client&client_secret=demo_secret&scope=file%3Awrite";
    let req = Request::post("/oauth/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let r = sbx.call(req).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["expires_in"], 300);
    assert_eq!(r.body["scope"], "file:write");
    let json_tok = sbx.full_token().await;
    assert!(json_tok.len() > 30);
    assert_eq!(sbx.get("/v1/customers/cus_individual_demo", Some(&json_tok)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn token_errors() {
    let sbx = Sbx::new();
    let bad = json!({"grant_type": "client_credentials", "client_id": "demo_client", "client_secret": "nope"});
    assert_error(&sbx.post("/oauth/token", None, bad).await, 401, "invalid_client");
    let unknown = json!({"grant_type": "client_credentials", "client_id": "who", "client_secret": "demo_secret"});
    assert_error(&sbx.post("/oauth/token", None, unknown).await, 401, "invalid_client");
    let grant = json!({"grant_type": "password", "client_id": "demo_client", "client_secret": "demo_secret"});
    assert_error(&sbx.post("/oauth/token", None, grant).await, 400, "unsupported_grant_type");
    let missing = json!({"client_id": "demo_client", "client_secret": "demo_secret"});
    assert_error(&sbx.post("/oauth/token", None, missing).await, 400, "invalid_request");
    let scope = json!({"grant_type": "client_credentials", "client_id": "demo_files_only",
                       "client_secret": "demo_secret", "scope": "customer:write"});
    assert_error(&sbx.post("/oauth/token", None, scope).await, 400, "invalid_scope");
    assert_error(&sbx.post_raw("/oauth/token", None, &[], "{not json").await, 400, "invalid_json");
    assert_eq!(count(&sbx, "tokens"), 0);
}

#[tokio::test]
async fn tokens_are_required_checked_and_scoped() {
    let sbx = Sbx::new();
    let body = presign_body("id_file", "image/jpeg", 10);
    assert_error(&sbx.post("/v1/files", None, body.clone()).await, 401, "invalid_token");
    assert_error(&sbx.post("/v1/files", Some("forged"), body.clone()).await, 401, "invalid_token");
    assert_error(&sbx.get("/v1/customers/cus_individual_demo", None).await, 401, "invalid_token");
    let files_only = sbx.token("demo_files_only", None).await;
    assert_eq!(sbx.post("/v1/files", Some(&files_only), body.clone()).await.status, StatusCode::CREATED);
    assert_error(&sbx.get("/v1/customers/cus_individual_demo", Some(&files_only)).await, 403, "insufficient_scope");
    let r = sbx.post("/v1/customers/cus_individual_demo/files", Some(&files_only), json!({"id_file": "x"})).await;
    assert_error(&r, 403, "insufficient_scope");
    let customer_only = sbx.token("demo_client", Some("customer:write")).await;
    assert_error(&sbx.post("/v1/files", Some(&customer_only), body).await, 403, "insufficient_scope");
    assert_eq!(count(&sbx, "files"), 1);
}

#[tokio::test]
async fn tokens_expire() {
    let sbx = Sbx::new();
    let body = json!({"grant_type": "client_credentials", "client_id": "demo_client",
                      "client_secret": "demo_secret", "expires_in": 1});
    let r = sbx.post("/oauth/token", None, body).await;
    assert_eq!(r.body["expires_in"], 1);
    let tok = r.body["access_token"].as_str().unwrap().to_string();
    assert_eq!(sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await.status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_error(&sbx.get("/v1/customers/cus_individual_demo", Some(&tok)).await, 401, "token_expired");
}

#[tokio::test]
async fn presign_returns_a_signed_url() {
    let sbx = Sbx::new();
    let tok = sbx.full_token().await;
    let r = sbx.post("/v1/files", Some(&tok), presign_body("id_file", "image/jpeg", 1234)).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let id = r.body["file_id"].as_str().unwrap();
    assert!(id.starts_with("file_") && id.len() == 31, "{id}");
    assert_eq!(r.body["method"], "PUT");
    assert_eq!(r.body["headers"], json!({"Content-Type": "image/jpeg"}));
    let url = r.body["upload_url"].as_str().unwrap();
    assert!(url.starts_with(&format!("http://127.0.0.1:8788/upload/{id}?expires=")), "{url}");
    assert!(url.contains("&sig="));
    assert!(r.body["expires_at"].as_str().unwrap().ends_with('Z'));
    for (purpose, ct) in [
        ("proof_of_address_file", "application/pdf"),
        ("liveness_check_file", "video/mp4"),
        ("liveness_check_file", "video/webm"),
        ("liveness_check_file", "image/png"),
        ("id_file_back", "image/heic"),
    ] {
        let r = sbx.post("/v1/files", Some(&tok), presign_body(purpose, ct, 10)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{purpose} {ct}: {}", r.body);
    }
}

#[tokio::test]
async fn presign_rejects_bad_input_and_stores_nothing() {
    let sbx = Sbx::with(|c| c.max_file_size = 1000);
    let tok = sbx.full_token().await;
    let with_doc = |d: &str| json!({"purpose": "id_file", "content_type": "image/jpeg", "size": 10, "document_type": d});
    let cases = [
        (json!({"purpose": "selfie", "content_type": "image/jpeg", "size": 10}), 400, "invalid_request"),
        (with_doc("national_id"), 422, "document_type_not_accepted"),
        (with_doc("library_card"), 422, "document_type_not_accepted"),
        (json!({"purpose": "id_file", "content_type": "image/jpeg", "size": 10}), 400, "invalid_request"),
        (presign_body("id_file", "application/pdf", 10), 400, "unsupported_content_type"),
        (presign_body("id_file", "video/mp4", 10), 400, "unsupported_content_type"),
        (presign_body("proof_of_address_file", "text/plain", 10), 400, "unsupported_content_type"),
        (presign_body("proof_of_address_file", "image/png", 1001), 413, "file_too_large"),
        (presign_body("proof_of_address_file", "image/png", 0), 400, "invalid_request"),
        (json!({"purpose": "id_file", "content_type": "image/jpeg", "size": "big", "document_type": "passport"}), 400, "invalid_request"),
        (json!({"purpose": "proof_of_address_file", "size": 10}), 400, "invalid_request"),
        (json!({"purpose": "proof_of_address_file", "content_type": "image/png", "size": -5}), 400, "invalid_request"),
        (json!([1, 2]), 400, "invalid_request"),
    ];
    for (body, status, code) in cases {
        let r = sbx.post("/v1/files", Some(&tok), body.clone()).await;
        assert_error(&r, status, code);
    }
    assert_error(&sbx.post_raw("/v1/files", Some(&tok), &[], "{\"purpose\":").await, 400, "invalid_json");
    let huge = format!("{{\"purpose\":\"{}\"}}", "x".repeat(70 * 1024));
    assert_error(&sbx.post_raw("/v1/files", Some(&tok), &[], huge).await, 413, "payload_too_large");
    assert_eq!(count(&sbx, "files"), 0);
    let events = sbx.events().await;
    let presigns: Vec<_> = events.iter().filter(|e| e["kind"] == "presign").collect();
    assert_eq!(presigns.len(), 15);
    assert!(presigns.iter().all(|e| e["file_id"].is_null() && e["error_code"].is_string()));
    assert_eq!(presigns[1]["document_type"], "national_id");
    assert_eq!(presigns[1]["error_code"], "document_type_not_accepted");
}

#[tokio::test]
async fn put_stores_the_blob_and_answers_etag() {
    let sbx = Sbx::new();
    let tok = sbx.full_token().await;
    let (id, path) = sbx.presign(&tok, "id_file", "image/jpeg", 100).await;
    let r = sbx.put(&path, "image/jpeg", vec![1u8; 100]).await;
    assert_eq!(r.status, StatusCode::OK);
    let etag = r.headers["etag"].to_str().unwrap();
    assert!(etag.starts_with('"') && etag.len() == 28, "{etag}");
    let blob = std::fs::read(sbx.dir.path().join("blobs").join(&id)).unwrap();
    assert_eq!(blob, vec![1u8; 100]);
    // A repeated PUT before acceptance overwrites.
    assert_eq!(sbx.put(&path, "image/jpeg", vec![2u8; 100]).await.status, StatusCode::OK);
    assert_eq!(std::fs::read(sbx.dir.path().join("blobs").join(&id)).unwrap(), vec![2u8; 100]);
    let put = sbx.events().await.into_iter().rfind(|e| e["kind"] == "put").unwrap();
    assert_eq!(put["bytes"], 100);
    assert_eq!(put["completed"], true);
    assert_eq!(put["authorization"], false);
    assert_eq!(put["content_type"], "image/jpeg");
}

#[tokio::test]
async fn put_rejects_bad_uploads_and_keeps_nothing() {
    let sbx = Sbx::new();
    let tok = sbx.full_token().await;
    let (id, path) = sbx.presign(&tok, "id_file", "image/jpeg", 100).await;
    let (base, query) = path.split_once('?').unwrap();
    let sig_pos = path.find("sig=").unwrap() + 4;
    let mut tampered = path.clone();
    let flipped = if &path[sig_pos..sig_pos + 1] == "0" { "1" } else { "0" };
    tampered.replace_range(sig_pos..sig_pos + 1, flipped);
    assert_error(&sbx.put(&tampered, "image/jpeg", vec![0; 100]).await, 403, "invalid_signature");
    assert_error(&sbx.put(base, "image/jpeg", vec![0; 100]).await, 403, "invalid_signature");
    let later = query.replacen("expires=", "expires=9", 1);
    assert_error(&sbx.put(&format!("{base}?{later}"), "image/jpeg", vec![0; 100]).await, 403, "invalid_signature");
    let other_id = format!("/upload/file_{}?{query}", "A".repeat(26));
    assert_error(&sbx.put(&other_id, "image/jpeg", vec![0; 100]).await, 403, "invalid_signature");
    assert_error(&sbx.put(&path, "image/png", vec![0; 100]).await, 400, "content_type_mismatch");
    assert_error(&sbx.put(&path, "image/jpeg", vec![0; 99]).await, 400, "length_mismatch");
    assert_error(&sbx.put(&path, "image/jpeg", vec![0; 101]).await, 400, "length_mismatch");
    // Without Content-Length the byte count is checked while streaming.
    let req = Request::put(&path).header("content-type", "image/jpeg").body(Body::from(vec![0u8; 150])).unwrap();
    let mut req = req;
    req.headers_mut().remove("content-length");
    assert_error(&common::send(&sbx.storage, req).await, 400, "length_mismatch");
    assert_error(&sbx.put(&format!("/upload/..%2F..%2Fetc?{query}"), "image/jpeg", vec![0; 100]).await, 400, "invalid_request");
    assert_error(&sbx.put(&format!("/upload/{id}/..?{query}"), "image/jpeg", vec![0; 100]).await, 404, "not_found");
    assert!(std::fs::read_dir(sbx.dir.path().join("blobs")).unwrap().flatten().all(|e| e.path().is_dir()));
    assert_eq!(std::fs::read_dir(sbx.dir.path().join("blobs/tmp")).unwrap().count(), 0);
    let r = sbx.post("/v1/customers/cus_individual_demo/files", Some(&tok), json!({"id_file": id})).await;
    assert_error(&r, 422, "file_not_uploaded");
}

#[tokio::test]
async fn put_after_acceptance_conflicts_and_authorization_is_recorded() {
    let sbx = Sbx::new();
    let tok = sbx.full_token().await;
    let (id, path) = sbx.presign(&tok, "proof_of_address_file", "application/pdf", 100).await;
    let req = Request::put(&path)
        .header("content-type", "application/pdf")
        .header("authorization", format!("Bearer {tok}"))
        .body(Body::from(vec![3u8; 100]))
        .unwrap();
    assert_eq!(common::send(&sbx.storage, req).await.status, StatusCode::OK);
    let r = sbx.post("/v1/customers/cus_individual_demo/files", Some(&tok), json!({"proof_of_address_file": id})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_error(&sbx.put(&path, "application/pdf", vec![9u8; 100]).await, 409, "file_already_submitted");
    assert_eq!(std::fs::read(sbx.dir.path().join("blobs").join(&id)).unwrap(), vec![3u8; 100]);
    let puts: Vec<_> = sbx.events().await.into_iter().filter(|e| e["kind"] == "put").collect();
    assert_eq!(puts[0]["authorization"], true);
    assert_eq!(puts[1]["error_code"], "file_already_submitted");
}

#[tokio::test]
async fn a_put_whose_client_goes_away_mid_handler_is_still_logged() {
    let sbx = Sbx::new();
    let tok = sbx.full_token().await;
    let (id, path) = sbx.presign(&tok, "proof_of_address_file", "application/pdf", 100).await;
    let rules = json!({"rules": [{"route": "put", "count": 1, "action": {"type": "latency", "ms": 5000}}]});
    assert_eq!(sbx.post("/_sandbox/faults", None, rules).await.status, StatusCode::OK);
    // The client gives up while the storage waits: the server drops the
    // handler (as hyper does when the connection closes), with no answer.
    let gave_up = tokio::time::timeout(std::time::Duration::from_millis(100), sbx.put(&path, "application/pdf", vec![1u8; 100])).await;
    assert!(gave_up.is_err(), "the latency held the PUT");
    // The retry goes through; both PUTs are in the log, in the order they ended.
    assert_eq!(sbx.put(&path, "application/pdf", vec![2u8; 100]).await.status, StatusCode::OK);
    let events = sbx.events().await;
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k != "token" && **k != "presign").copied().collect::<Vec<_>>(), ["fault", "put", "put"]);
    let puts: Vec<_> = events.iter().filter(|e| e["kind"] == "put").collect();
    assert_eq!(puts[0]["file_id"], id.as_str());
    assert_eq!((&puts[0]["status"], &puts[0]["error_code"], &puts[0]["completed"]), (&json!(null), &json!("client_gone"), &json!(false)));
    assert_eq!(puts[0]["bytes"], 0);
    assert_eq!((&puts[1]["status"], &puts[1]["completed"]), (&json!(200), &json!(true)));
    assert_eq!(std::fs::read(sbx.dir.path().join("blobs").join(&id)).unwrap(), vec![2u8; 100]);
}

#[tokio::test]
async fn expired_presign_is_refused() {
    let sbx = Sbx::new();
    let tok = sbx.full_token().await;
    let rules = json!({"rules": [{"route": "presign", "count": 1, "action": {"type": "expire_presign"}}]});
    assert_eq!(sbx.post("/_sandbox/faults", None, rules).await.status, StatusCode::OK);
    let (id, path) = sbx.presign(&tok, "id_file", "image/jpeg", 10).await;
    assert_error(&sbx.put(&path, "image/jpeg", vec![0; 10]).await, 403, "upload_url_expired");
    assert!(!sbx.dir.path().join("blobs").join(id).exists());
    // Forced expiry on the PUT route itself.
    let (_, path) = sbx.presign(&tok, "id_file", "image/jpeg", 10).await;
    let rules = json!({"rules": [{"route": "put", "action": {"type": "expire_presign"}}]});
    sbx.post("/_sandbox/faults", None, rules).await;
    assert_error(&sbx.put(&path, "image/jpeg", vec![0; 10]).await, 403, "upload_url_expired");
    sbx.post("/_sandbox/faults", None, json!({"rules": []})).await;
    assert_eq!(sbx.put(&path, "image/jpeg", vec![0; 10]).await.status, StatusCode::OK);
}

#[tokio::test]
async fn get_customer() {
    let sbx = Sbx::new();
    let tok = sbx.full_token().await;
    let r = sbx.get("/v1/customers/cus_business_demo", Some(&tok)).await;
    assert_eq!(
        r.body,
        json!({"id": "cus_business_demo", "type": "business", "verification_status": "not_started",
               "submitted_at": null, "rejection_reason": null})
    );
    assert_error(&sbx.get("/v1/customers/cus_nobody", Some(&tok)).await, 404, "customer_not_found");
    assert_error(&sbx.get("/v1/customers/a.b", Some(&tok)).await, 400, "invalid_request");
    assert_error(&sbx.get("/v1/customers/..%2Fetc", Some(&tok)).await, 400, "invalid_request");
    assert_error(&sbx.get("/v1/customers/%FF%FE", Some(&tok)).await, 400, "invalid_request");
    assert_error(&sbx.get(&format!("/v1/customers/{}", "a".repeat(65)), Some(&tok)).await, 400, "invalid_request");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let sbx = Sbx::new();
    assert_error(&sbx.get("/v2/nothing", None).await, 404, "not_found");
    assert_error(&sbx.get("/v1/files", None).await, 405, "method_not_allowed");
    let r = common::send(&sbx.storage, Request::get("/upload/x").body(Body::empty()).unwrap()).await;
    assert_error(&r, 405, "method_not_allowed");
    let r = common::send(&sbx.storage, Request::get("/").body(Body::empty()).unwrap()).await;
    assert_error(&r, 404, "not_found");
}
