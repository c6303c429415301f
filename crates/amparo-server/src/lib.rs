//! Amparo's HTTP server: the bilingual HTML interface and the JSON API. Handlers are thin: they
//! call `amparo-app` with the signed-in [`amparo_app::Actor`] and render the answer; every route
//! is listed in [`router`].

mod account;
pub mod api;
mod error;
mod forms;
pub mod i18n;
mod pages;
mod qr_svg;
mod query;
mod router;
mod session;
mod timeline_svg;

pub use router::{AppState, FORM_ROUTES, PAGE_ROUTES, router};

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
