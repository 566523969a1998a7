//! Serving a router on a listener, with two request extensions: the peer address and a handle
//! that closes the connection without a response (for the `drop` and `lose_answer` faults).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::ServiceExt;

/// Address of the client of this connection.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub SocketAddr);

/// Closes the connection carrying the request, without any response.
#[derive(Debug, Clone)]
pub struct ConnKill(Arc<Notify>);

impl ConnKill {
    /// Close the connection and never return (the handler future is dropped with it).
    pub async fn kill_and_wait<T>(&self) -> T {
        self.0.notify_one();
        std::future::pending().await
    }
}

/// Accept connections on `listener` forever, serving `router` over HTTP/1.1.
pub async fn serve(listener: TcpListener, router: Router) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(conn) => conn,
            Err(e) => {
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let kill_for_svc = kill.clone();
            let svc = hyper::service::service_fn(move |mut req: Request<Incoming>| {
                req.extensions_mut().insert(PeerAddr(peer));
                req.extensions_mut().insert(ConnKill(kill_for_svc.clone()));
                let router = router.clone();
                router.oneshot(req.map(axum::body::Body::new))
            });
            let conn = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc);
            tokio::select! {
                res = conn => if let Err(e) = res { tracing::debug!("connection from {peer}: {e}") },
                _ = kill.notified() => tracing::debug!("connection from {peer} dropped by fault"),
            }
        });
    }
}
