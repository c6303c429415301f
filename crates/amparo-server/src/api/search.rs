//! `GET /api/v1/search`: the search page's search as JSON, with the same parameters (filters
//! repeated: `kind=event&kind=person`) and the body of `amparo search --json`.

use axum::Json;
use axum::extract::{RawQuery, State};
use serde_json::Value;

use crate::AppState;
use crate::api::error::ApiError;
use crate::api::extract::ApiActor;

/// `GET /api/v1/search?q=&kind=&case=&language=&violation=&custody_status=&place=&year=&from=&to=&sort=&page=&per_page=&facets=&prefix=`
///
/// Only what the caller may see is found, counted and faceted; a parameter that cannot be read
/// is `invalid_query` naming it.
pub async fn search(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params: amparo_app::SearchParams = crate::query::parse(query.as_deref().unwrap_or(""))?;
    let request = params.to_request()?;
    let page = state.app.search(&actor, &request).await?;
    Ok(Json(page.to_json()))
}
