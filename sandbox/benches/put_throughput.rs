//! PUT throughput benchmark (run with `cargo bench -p kyc-sandbox`; not a timed test).
//!
//! Starts the `kyc-sandbox` binary as a child process and a minimal discard handler in this
//! process, then uploads the same 100 MB file with `curl --upload-file` to both, several rounds.
//! Prints the sandbox throughput as a ratio of the baseline's and the sandbox's peak RSS
//! (VmHWM) before and after accepting the 100 MB PUTs.

use std::net::TcpListener as StdListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::routing::put;
use axum::Router;
use futures_util::StreamExt;
use serde_json::{json, Value};

const SIZE: usize = 100 * 1024 * 1024;
const ROUNDS: usize = 3;

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn vm_hwm_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// `curl --upload-file`; returns seconds taken.
fn curl_put(url: &str, file: &std::path::Path, content_type: &str) -> f64 {
    let out = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code} %{time_total}", "-H", "Expect:"])
        .args(["-H", &format!("Content-Type: {content_type}"), "--upload-file"])
        .arg(file)
        .arg(url)
        .output()
        .expect("curl is installed");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (code, secs) = text.split_once(' ').unwrap_or(("000", "0"));
    assert_eq!(code, "200", "curl PUT {url} answered {text}");
    secs.parse().unwrap()
}

async fn discard(body: Body) -> &'static str {
    let mut stream = body.into_data_stream();
    let mut n = 0usize;
    while let Some(chunk) = stream.next().await {
        n += chunk.map(|c| c.len()).unwrap_or(0);
    }
    assert_eq!(n, SIZE);
    ""
}

fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("upload.bin");
    std::fs::write(&file, vec![0x5au8; SIZE]).unwrap();

    let (api, storage, demo) = (free_port(), free_port(), free_port());
    let mut child = Command::new(env!("CARGO_BIN_EXE_kyc-sandbox"))
        .args(["--api-addr", &format!("127.0.0.1:{api}"), "--storage-addr", &format!("127.0.0.1:{storage}")])
        .args(["--demo-addr", &format!("127.0.0.1:{demo}"), "--webhook-url", "none"])
        .args(["--max-file-size", &(SIZE * 2).to_string(), "--data-dir"])
        .arg(dir.path().join("data"))
        .stdout(Stdio::null())
        .spawn()
        .expect("start kyc-sandbox");
    let pid = child.id();

    let baseline_port = free_port();
    rt.spawn(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", baseline_port)).await.unwrap();
        axum::serve(listener, Router::new().route("/discard", put(discard))).await.unwrap();
    });

    let client = reqwest::Client::new();
    let api_url = format!("http://127.0.0.1:{api}");
    let token = rt.block_on(async {
        let start = Instant::now();
        loop {
            let res = client
                .post(format!("{api_url}/oauth/token"))
                .json(&json!({"grant_type": "client_credentials", "client_id": "demo_client", "client_secret": "demo_secret"}))
                .send()
                .await;
            if let Ok(r) = res {
                let v: Value = r.json().await.unwrap();
                break v["access_token"].as_str().unwrap().to_string();
            }
            assert!(start.elapsed() < Duration::from_secs(30), "sandbox did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let before = vm_hwm_kib(pid);

    let (mut sandbox_best, mut baseline_best) = (f64::MAX, f64::MAX);
    for round in 1..=ROUNDS {
        let url = rt.block_on(async {
            let body = json!({"purpose": "liveness_check_file", "filename": "clip.mp4", "content_type": "video/mp4", "size": SIZE});
            let v: Value = client
                .post(format!("{api_url}/v1/files"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["upload_url"].as_str().unwrap().to_string()
        });
        let base = curl_put(&format!("http://127.0.0.1:{baseline_port}/discard"), &file, "video/mp4");
        let sbx = curl_put(&url, &file, "video/mp4");
        let mbps = |s: f64| SIZE as f64 / s / 1e6;
        println!("round {round}: baseline {:.0} MB/s, sandbox {:.0} MB/s", mbps(base), mbps(sbx));
        baseline_best = baseline_best.min(base);
        sandbox_best = sandbox_best.min(sbx);
    }
    let after = vm_hwm_kib(pid);
    let _ = child.kill();
    let _ = child.wait();

    let mbps = |s: f64| SIZE as f64 / s / 1e6;
    println!("PUT of {} MiB over loopback, best of {ROUNDS}:", SIZE >> 20);
    println!("  baseline (discard handler): {:.0} MB/s", mbps(baseline_best));
    println!("  sandbox  (verify + stream to disk): {:.0} MB/s", mbps(sandbox_best));
    println!("  throughput ratio sandbox/baseline: {:.2}", baseline_best / sandbox_best);
    println!(
        "  sandbox peak RSS (VmHWM): {:.1} MiB before uploads, {:.1} MiB after {ROUNDS} x 100 MiB PUTs (+{:.1} MiB)",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        (after.saturating_sub(before)) as f64 / 1024.0
    );
}
