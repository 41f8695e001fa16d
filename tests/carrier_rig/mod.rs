//! A rig for the remote-carrier tests: an engine on a temporary sled database with the
//! carrier simulation (its own temporary database) as the remote carrier, a clock that moves
//! with real time and can jump ahead, and the worker and sync driven step by step.

#![allow(dead_code)]

use crate::support::*;
use phonedesk::carrier::api::{AvailableSearch, CarrierApi};
use phonedesk::carrier::sim::{SimCarrier, SimClock, SimSettings};
use phonedesk::carrier::worker::{self, WorkerSettings};
use phonedesk::domain::*;
use phonedesk::engine::Engine;
use std::sync::Arc;
use std::time::Duration;

pub struct Rig {
    pub engine: Arc<Engine>,
    pub sim: Arc<SimCarrier>,
    pub clock: Arc<SimClock>,
    pub settings: WorkerSettings,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    pub rt: tokio::runtime::Runtime,
}

impl Rig {
    pub fn new() -> Rig {
        let dir = tempfile::tempdir().unwrap();
        let carrier_dir = tempfile::tempdir().unwrap();
        let mut policy = fast_policy(50);
        policy.carrier_remote = true;
        let engine = Arc::new(open(dir.path(), policy.clone(), 0.0));
        // Moves with real time (backoff pauses pass), and `advance` jumps ahead.
        let clock = SimClock::system();
        let db = sled::Config::new()
            .path(carrier_dir.path())
            .cache_capacity(4 << 20)
            .open()
            .unwrap();
        let sim = Arc::new(
            SimCarrier::open(
                db.open_tree("carrier").unwrap(),
                SimSettings::from_policy(&policy, 7, 0.0),
                clock.as_clock(),
            )
            .unwrap(),
        );
        engine.set_remote(sim.clone());
        Rig {
            engine,
            sim,
            clock,
            settings: WorkerSettings {
                backoff: Duration::from_millis(1),
                max_backoff: Duration::from_millis(4),
                ..Default::default()
            },
            _dirs: (dir, carrier_dir),
            rt: tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap(),
        }
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    pub fn act(&self, action: Action) -> Outcome {
        self.engine
            .dispatch(&admin(), action, self.now())
            .unwrap_or_else(|e| panic!("refused: {e}"))
    }

    /// Runs the worker until the job has its final answer.
    pub fn settle(&self, job: JobId) -> worker::Answered {
        let clock = Arc::clone(&self.clock);
        let now = move || clock.now();
        let answers = self
            .rt
            .block_on(worker::run_until_answered(
                &self.engine,
                self.sim.as_ref(),
                &self.settings,
                &[job],
                Duration::from_secs(20),
                &now,
            ))
            .unwrap();
        answers
            .into_iter()
            .find(|a| a.job == job)
            .unwrap_or_else(|| panic!("{job} got no final answer"))
    }

    /// Runs whatever is ready now.
    pub fn run_ready(&self) {
        let clock = Arc::clone(&self.clock);
        let now = move || clock.now();
        self.rt
            .block_on(worker::run_ready(
                &self.engine,
                self.sim.as_ref(),
                &self.settings,
                &now,
            ))
            .unwrap();
    }

    pub fn sync(&self) -> phonedesk::carrier::sync::SyncReport {
        self.try_sync().unwrap()
    }

    /// A sync that may meet a carrier fault.
    pub fn try_sync(
        &self,
    ) -> Result<phonedesk::carrier::sync::SyncReport, phonedesk::carrier::sync::SyncError> {
        let clock = Arc::clone(&self.clock);
        let now = move || clock.now();
        self.rt.block_on(phonedesk::carrier::sync::sync(
            &self.engine,
            self.sim.as_ref(),
            &now,
        ))
    }

    pub fn available(&self, n: u32) -> Vec<E164> {
        self.rt
            .block_on(self.sim.search_available_numbers(&AvailableSearch {
                area_code: Some("206".into()),
                country: Some("US".into()),
                max_results: n,
                ..Default::default()
            }))
            .unwrap()
            .items
    }

    pub fn number(&self, n: &E164) -> PhoneNumber {
        self.engine.store().number(n).unwrap().expect("the number")
    }

    /// The number's record, if phonedesk holds it.
    pub fn find_number(&self, n: &E164) -> Option<PhoneNumber> {
        self.engine.store().number(n).unwrap()
    }

    pub fn request(&self, id: &RequestId) -> SupportRequest {
        self.engine
            .store()
            .request(id)
            .unwrap()
            .expect("the request")
    }

    /// Provisions numbers through the carrier and waits for the order to complete.
    pub fn provisioned(&self, count: u32) -> Vec<E164> {
        let numbers = self.available(count);
        let o = self.act(Action::Provision {
            product_type: ProductType::VoiceConnector,
            numbers: numbers.clone(),
        });
        let a = self.settle(o.job.unwrap());
        assert!(a.ok, "{}", a.message);
        self.clock.advance(Duration::from_secs(60));
        self.run_ready();
        for n in &numbers {
            assert_eq!(self.number(n).status, NumberStatus::Unassigned, "{n}");
        }
        numbers
    }
}
