//! Faults a test can set at run time on the simulated carrier: calls throttled, failing,
//! slow, or applied but answered with a server error; per-number failures in batch answers;
//! acquisitions that fail.

use crate::carrier::api::CarrierError;
use crate::domain::E164;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What happens to a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum CallFault {
    /// Refused with throttling (HTTP 429), nothing applied.
    Throttle,
    /// Refused with a server error (500 or 503), nothing applied.
    ServerError { status: u16 },
    /// Answered only after this long (for timeouts), then carried out normally.
    Delay { millis: u64 },
    /// Carried out, then answered with a server error (500): the caller cannot tell
    /// whether it was applied (never twice).
    FailReply,
}

#[derive(Debug, Clone)]
struct Armed {
    fault: CallFault,
    remaining: u32,
    /// The API operation it applies to (`CreatePhoneNumberOrder`); any when `None`.
    operation: Option<String>,
}

#[derive(Debug, Default)]
struct State {
    armed: Vec<Armed>,
    number_failures: HashMap<E164, String>,
    failing_numbers: HashSet<E164>,
    failing_acquisitions: u32,
}

/// A handle on the faults; clones share them.
#[derive(Debug, Clone, Default)]
pub struct Faults(Arc<Mutex<State>>);

impl Faults {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next `count` calls (of `operation`, or of any operation) meet `fault`.
    pub fn arm(&self, fault: CallFault, count: u32, operation: Option<&str>) {
        if count == 0 {
            return;
        }
        self.state().armed.push(Armed {
            fault,
            remaining: count,
            operation: operation.map(str::to_string),
        });
    }

    pub fn throttle_next(&self, count: u32) {
        self.arm(CallFault::Throttle, count, None);
    }

    /// `status` 503 answers "unavailable"; anything else is a 500.
    pub fn fail_next(&self, count: u32, status: u16) {
        self.arm(CallFault::ServerError { status }, count, None);
    }

    pub fn delay_next(&self, count: u32, delay: Duration) {
        self.arm(
            CallFault::Delay {
                millis: delay.as_millis() as u64,
            },
            count,
            None,
        );
    }

    /// The next `count` calls of `operation` are carried out and then answered with a 500.
    pub fn fail_reply_next(&self, count: u32, operation: Option<&str>) {
        self.arm(CallFault::FailReply, count, operation);
    }

    /// Batch answers (associate, disassociate, update, delete) fail this number with the
    /// API's error `code` (`ServiceFailure`, `Conflict`, ...) until cleared; it is not changed.
    pub fn fail_number(&self, number: E164, code: &str) {
        self.state()
            .number_failures
            .insert(number, code.to_string());
    }

    /// Orders of this number fail to acquire it.
    pub fn fail_acquisition_of(&self, number: E164) {
        self.state().failing_numbers.insert(number);
    }

    /// The next `count` ordered numbers fail to be acquired.
    pub fn fail_next_acquisitions(&self, count: u32) {
        self.state().failing_acquisitions += count;
    }

    /// Back to a carrier without faults.
    pub fn clear(&self) {
        *self.state() = State::default();
    }

    /// Before a call: its delay, or the error that refuses it. Consumes what it uses.
    pub(crate) fn before_call(&self, operation: &str) -> (Option<Duration>, Option<CarrierError>) {
        let mut s = self.state();
        let mut delay = None;
        let mut error = None;
        for a in s.armed.iter_mut() {
            let applies = a.remaining > 0
                && a.operation
                    .as_deref()
                    .map(|o| o == operation)
                    .unwrap_or(true);
            if !applies {
                continue;
            }
            match a.fault {
                CallFault::Delay { millis } if delay.is_none() => {
                    delay = Some(Duration::from_millis(millis));
                    a.remaining -= 1;
                }
                CallFault::Throttle if error.is_none() => {
                    error = Some(CarrierError::Throttled);
                    a.remaining -= 1;
                }
                CallFault::ServerError { status } if error.is_none() => {
                    error = Some(if status == 503 {
                        CarrierError::Unavailable
                    } else {
                        CarrierError::ServiceFailure { status }
                    });
                    a.remaining -= 1;
                }
                _ => {}
            }
        }
        s.armed.retain(|a| a.remaining > 0);
        (delay, error)
    }

    /// After a call was carried out: true when its answer is to be lost in a 500.
    pub(crate) fn fail_reply(&self, operation: &str) -> bool {
        let mut s = self.state();
        let hit = s.armed.iter_mut().find(|a| {
            a.fault == CallFault::FailReply
                && a.remaining > 0
                && a.operation
                    .as_deref()
                    .map(|o| o == operation)
                    .unwrap_or(true)
        });
        let failed = match hit {
            Some(a) => {
                a.remaining -= 1;
                true
            }
            None => false,
        };
        s.armed.retain(|a| a.remaining > 0);
        failed
    }

    /// The per-number failure set for this number, if any.
    pub(crate) fn number_failure(&self, number: &E164) -> Option<String> {
        self.state().number_failures.get(number).cloned()
    }

    /// Whether ordering this number fails by a fault (consumes a counted failure).
    pub(crate) fn acquisition_fails(&self, number: &E164) -> bool {
        let mut s = self.state();
        if s.failing_numbers.contains(number) {
            return true;
        }
        if s.failing_acquisitions > 0 {
            s.failing_acquisitions -= 1;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn armed_faults_are_used_up_in_order() {
        let f = Faults::default();
        f.throttle_next(1);
        f.fail_next(1, 503);
        f.delay_next(1, Duration::from_millis(5));
        let (d, e) = f.before_call("ListPhoneNumbers");
        assert_eq!(d, Some(Duration::from_millis(5)));
        assert_eq!(e, Some(CarrierError::Throttled));
        assert_eq!(f.before_call("X"), (None, Some(CarrierError::Unavailable)));
        assert_eq!(f.before_call("X"), (None, None));
    }

    #[test]
    fn faults_can_target_one_operation() {
        let f = Faults::default();
        f.fail_reply_next(1, Some("CreatePhoneNumberOrder"));
        assert!(!f.fail_reply("GetPhoneNumberOrder"));
        assert!(f.fail_reply("CreatePhoneNumberOrder"));
        assert!(!f.fail_reply("CreatePhoneNumberOrder"));
    }

    #[test]
    fn acquisition_failures_count_down() {
        let f = Faults::default();
        let n = E164::nanp(206, 215, 1234);
        f.fail_next_acquisitions(1);
        assert!(f.acquisition_fails(&n));
        assert!(!f.acquisition_fails(&n));
        f.fail_acquisition_of(n.clone());
        assert!(f.acquisition_fails(&n));
        f.clear();
        assert!(!f.acquisition_fails(&n));
    }
}
