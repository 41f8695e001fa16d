//! Searching the remote carrier for numbers to order (`SearchAvailablePhoneNumbers`): the
//! query is checked by the same rules as the simulated carrier's search, its filters go to
//! the API, and "digits the number must contain", which the API has no filter for, is
//! applied here over the result pages. One function for the CLI and the console's
//! provisioning wizard.

use super::api::{CarrierApi, CarrierError};
use super::geo::geo;
use crate::domain::{AvailableNumber, AvailableSearch, SearchError, SearchQuery, E164};
use crate::engine::Engine;

/// The most numbers one `SearchAvailablePhoneNumbers` call returns.
const API_PAGE: usize = 500;
/// Pages read at most for one search with "contains" (the API gives 500 numbers a page).
const MAX_PAGES: usize = 20;

/// Why a search of the remote carrier gave no list.
#[derive(Debug, thiserror::Error)]
pub enum RemoteSearchError {
    #[error(transparent)]
    Query(#[from] SearchError),
    #[error("the carrier's search failed: {0}")]
    Carrier(#[from] CarrierError),
    #[error(transparent)]
    Local(#[from] crate::engine::EngineError),
    #[error("the carrier's search could not be started")]
    NoRuntime,
}

/// The numbers the carrier offers for `query`: the remote carrier's
/// (`SearchAvailablePhoneNumbers`) when one is connected, else the simulated carrier's.
/// Synchronous, for a command or a key press; every front end searches through here.
pub fn available(
    engine: &Engine,
    query: &SearchQuery,
) -> Result<Vec<AvailableNumber>, RemoteSearchError> {
    match engine.remote() {
        Some(api) => crate::carrier::block_on(search_remote(engine, api.as_ref(), query))
            .ok_or(RemoteSearchError::NoRuntime)?,
        None => Ok(engine.search(query)?),
    }
}

/// The API's form of a checked query (its first page).
fn api_query(q: &SearchQuery) -> AvailableSearch {
    let page = if q.contains.is_some() {
        API_PAGE
    } else {
        q.limit.clamp(1, API_PAGE)
    };
    AvailableSearch {
        area_code: q.area_code.map(|a| a.to_string()),
        city: q.city.clone(),
        state: q.state.clone(),
        country: Some(q.country.trim().to_ascii_uppercase()),
        toll_free_prefix: q.toll_free_prefix.map(|p| p.to_string()),
        number_type: q.number_type,
        max_results: page as u32,
        next: None,
    }
}

/// An available number with where it rings, as the simulated carrier's search gives it.
fn located(number: E164) -> AvailableNumber {
    let (city, state) = match geo().city_and_state_of(&number) {
        Some((city, state)) => (city.map(str::to_string), Some(state.to_string())),
        None => (None, None),
    };
    AvailableNumber {
        number_type: number.number_type(),
        number,
        city,
        state,
    }
}

/// The digits of a number's national number (`2065550100` for `+12065550100`), which
/// "contains" searches in.
fn national_digits(n: &E164) -> String {
    n.national().chars().filter(char::is_ascii_digit).collect()
}

/// Up to `query.limit` numbers the remote carrier offers for `query`, never one phonedesk
/// holds; with "contains", the pages are read until enough fit (or the carrier has no
/// more, or `MAX_PAGES` were read), so fewer than the limit may come back.
pub async fn search_remote(
    engine: &Engine,
    api: &dyn CarrierApi,
    query: &SearchQuery,
) -> Result<Vec<AvailableNumber>, RemoteSearchError> {
    let q = query.normalized();
    q.validate(engine.policy().search_limit)?;
    let mut ask = api_query(&q);
    let mut found: Vec<AvailableNumber> = Vec::new();
    for _ in 0..MAX_PAGES {
        let page = api.search_available_numbers(&ask).await?;
        for n in page.items {
            let fits = q
                .contains
                .as_deref()
                .is_none_or(|digits| national_digits(&n).contains(digits));
            if fits && !engine.holds(&n) && !found.iter().any(|f| f.number == n) {
                found.push(located(n));
            }
        }
        if found.len() >= q.limit {
            break;
        }
        match page.next {
            Some(token) => ask.next = Some(token),
            None => break,
        }
    }
    found.truncate(q.limit);
    found.sort_by(|a, b| a.number.cmp(&b.number));
    Ok(found)
}
