//! Amparo's HTTP server: a health endpoint, sign-in, and the first read-only pages of the web
//! interface. Handlers are thin: they call `amparo-app` with the signed-in [`amparo_app::Actor`]
//! and render the answer; every route is listed in [`router`].

mod error;
mod pages;
mod router;
mod session;

pub use router::{AppState, router};

use std::net::SocketAddr;

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn serve(
    app: amparo_app::App,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = AppState::new(app);
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
