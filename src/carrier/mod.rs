//! Where numbers come from: the `Carrier` trait (search, places, and the `Desk` answers the
//! rules ask for) and the embedded `SimulatedCarrier`. A real carrier API can sit behind the
//! same trait. The simulated carrier's rules are written down in `docs/carrier.md`.

pub mod api;
#[cfg(feature = "aws")]
pub mod chime;
mod geo;
pub mod loopback;
pub mod porting;
pub mod search;
pub mod sim;
mod simulated;
pub mod support;
pub mod sync;
pub mod worker;

pub use simulated::SimulatedCarrier;

/// Runs a carrier call to its end from synchronous code (a command, a key press), wherever
/// it is: outside any runtime (a runtime of its own), on a multi-threaded runtime's worker
/// or blocking thread (in place), or on a current-thread runtime, which cannot block in
/// place (on a thread of its own). `None` when no runtime could be started.
pub fn block_on<F>(f: F) -> Option<F::Output>
where
    F: std::future::Future + Send,
    F::Output: Send,
{
    let own = |f: F| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()
            .map(|rt| rt.block_on(f))
    };
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            Some(tokio::task::block_in_place(|| handle.block_on(f)))
        }
        Ok(_) => std::thread::scope(|s| s.spawn(|| own(f)).join().ok().flatten()),
        Err(_) => own(f),
    }
}

use crate::domain::{AvailableNumber, Desk, SearchError, SearchQuery, E164};

/// A carrier: searches its available numbers and answers the rules' questions (`Desk`).
pub trait Carrier: Desk + Send + Sync {
    /// Up to `q.limit` available numbers that fit the query, never one `held` holds
    /// (numbers we already hold); refused with the query's first broken rule.
    fn search(
        &self,
        q: &SearchQuery,
        held: &dyn HeldNumbers,
    ) -> Result<Vec<AvailableNumber>, SearchError>;

    /// Where a number rings: `Seattle, WA`, or a state's name; `None` when unknown.
    fn place_of(&self, n: &E164) -> Option<String>;

    /// The states with numbers, as (two-letter code, name), for pick lists.
    fn states(&self) -> Vec<(String, String)>;

    /// The cities of a state (code or name) with numbers, sorted, for completion.
    fn cities(&self, state: &str) -> Vec<String>;
}

/// The numbers a search must never offer (those already held), as the carrier asks for them.
pub trait HeldNumbers {
    /// Whether `n` is held.
    fn holds(&self, n: &E164) -> bool;

    /// The last four digits of every held number of the NANP exchange `npa`-`nxx`, when
    /// they can be read at once (one ordered scan of an index): a search then skips held
    /// numbers in memory instead of asking about each candidate. `None`: ask `holds`.
    fn held_lines(&self, _npa: u16, _nxx: u16) -> Option<Vec<u16>> {
        None
    }
}

/// A test of one number at a time (a set's `contains`, "none held").
impl<F: Fn(&E164) -> bool> HeldNumbers for F {
    fn holds(&self, n: &E164) -> bool {
        self(n)
    }
}

#[cfg(test)]
mod tests;
