//! `/search?q=`: a height, a block hash, a transaction id or an address, sent to its
//! page. A 64-digit hash is a block if this node knows one by it, else a transaction.

use super::block::parse_hash;
use crate::source::Explorer;
use crate::{PageError, PageResult};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use venture_primitives::address_to_script;

/// Longer queries are refused unread: no search term is longer than an address.
const MAX_QUERY: usize = 128;

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

pub async fn page(
    State(explorer): State<Arc<Explorer>>,
    Query(query): Query<SearchQuery>,
) -> PageResult {
    let q = query.q.trim();
    if q.is_empty() {
        return Err(PageError::BadRequest(
            "type a height, a block hash, a transaction id or an address".into(),
        ));
    }
    if q.len() > MAX_QUERY {
        return Err(PageError::BadRequest(format!(
            "a search is at most {MAX_QUERY} characters"
        )));
    }
    let target = if q.len() <= 10 && q.bytes().all(|b| b.is_ascii_digit()) {
        format!("/block/{q}")
    } else if let Some(hash) = parse_hash(q) {
        let known = explorer
            .call("getblockheader", json!([hash.to_string()]))
            .await
            .is_ok();
        if known {
            format!("/block/{hash}")
        } else {
            format!("/tx/{}", q.to_ascii_lowercase())
        }
    } else if address_to_script(&explorer.params().hrp, q).is_ok() {
        format!("/address/{q}")
    } else {
        return Err(PageError::NotFound(format!(
            "nothing matches `{q}`: not a height, a 64-digit hash or an address of this chain"
        )));
    };
    Ok(Redirect::to(&target).into_response())
}
