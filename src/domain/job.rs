//! Carrier jobs: the outbox. An action that needs a remote carrier is decided by
//! phonedesk's rules (the clear error at once), then written as the administrator's intent
//! plus a job, in one transaction. The carrier worker sends jobs, oldest first per number,
//! and the carrier's answer comes back as `Action::CarrierAnswer`, by the actor `carrier`.
//!
//! A job's state says whether its call may have reached the carrier: a `Sent` job found at
//! start (a crash, a lost reply) is resolved by reading the carrier's state before anything
//! is sent again, so no order is placed twice.

use super::{Action, RequestId, Timestamp, E164};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How often an order in progress is read again.
pub const ORDER_POLL: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct JobId(pub u64);

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "job-{}", self.0)
    }
}

impl JobId {
    /// Accepts `job-12` or `12`.
    pub fn parse(text: &str) -> Option<JobId> {
        let t = text.trim();
        t.strip_prefix("job-").unwrap_or(t).parse().ok().map(JobId)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobState {
    /// Waiting to be sent (again, after a pause, when `attempts` > 0).
    Queued,
    /// Handed to the carrier at `at`; no answer recorded yet. May have been carried out.
    Sent { at: Timestamp },
    /// Given up: the reason in plain words. Retry or cancel.
    Failed { reason: String, at: Timestamp },
}

impl JobState {
    pub fn label(&self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Sent { .. } => "sent",
            JobState::Failed { .. } => "failed",
        }
    }
}

/// One carrier job: the administrator's action, to be carried out at the carrier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: JobId,
    /// Who asked (the audit's actor).
    pub actor: String,
    /// The action as the administrator gave it; its carrier calls follow from it.
    pub action: Action,
    /// The numbers it touches (jobs on one number run oldest first).
    pub numbers: Vec<E164>,
    /// The local records it touches other than numbers (`vc-3`, `group-1`, `order-2`,
    /// `settings`).
    pub records: Vec<String>,
    pub created_at: Timestamp,
    pub state: JobState,
    /// Sends so far.
    pub attempts: u32,
    /// Not to be sent before (backoff).
    pub not_before: Timestamp,
    /// The carrier's id of what the job created (an order), once known.
    pub carrier_ref: Option<String>,
    /// Why the last try did not go through (shown while it waits).
    pub last_error: Option<String>,
}

impl Job {
    pub fn is_failed(&self) -> bool {
        matches!(self.state, JobState::Failed { .. })
    }

    /// The support request the job is about: named in its action, or created by it.
    pub fn request(&self) -> Option<RequestId> {
        self.action.request().cloned().or_else(|| {
            self.records
                .iter()
                .find(|r| r.starts_with(RequestId::PREFIX))
                .map(|r| RequestId(r.clone()))
        })
    }

    /// "assign +12065550123 to voice connector vc-1" for lists and the details.
    pub fn describe(&self) -> String {
        self.action.describe()
    }

    /// Where the job stands, in words, for every front end; `shown` writes a time in the
    /// reader's zone.
    pub fn state_words(&self, shown: impl Fn(Timestamp) -> String) -> String {
        match &self.state {
            JobState::Queued if self.attempts == 0 => "waiting to be sent".into(),
            JobState::Queued => format!(
                "waiting to be sent again{}",
                self.last_error
                    .as_deref()
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default()
            ),
            JobState::Sent { at } => format!("sent at {}, no answer yet", shown(*at)),
            JobState::Failed { reason, .. } => format!("failed: {reason}"),
        }
    }
}

/// What the carrier said to a job, as the worker reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobAnswer {
    /// The worker is about to send the job (recorded first: never twice).
    Sending,
    /// Carried out; `failed` lists the numbers the carrier refused, with the reason in
    /// plain words. `carrier_ref` is the id of what the carrier created (an order, a
    /// voice connector, a group).
    Done {
        failed: Vec<(E164, String)>,
        carrier_ref: Option<String>,
    },
    /// Not now (throttling, a server error that certainly changed nothing): try again at
    /// `at`. The reason is shown while it waits.
    Later { reason: String, at: Timestamp },
    /// No answer that says whether it was carried out (a timeout, a lost reply, a server
    /// error): at `at`, the carrier's state is read before anything is sent again.
    Uncertain { reason: String, at: Timestamp },
    /// Nothing to do yet (an order still processing): look again at `at`.
    Wait { reason: String, at: Timestamp },
    /// Refused or given up: nothing of it was carried out.
    Failed { reason: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_ids_read_with_or_without_their_prefix() {
        assert_eq!(JobId::parse("job-12"), Some(JobId(12)));
        assert_eq!(JobId::parse(" 7 "), Some(JobId(7)));
        assert_eq!(JobId::parse("order-1"), None);
        assert_eq!(JobId(3).to_string(), "job-3");
    }
}
