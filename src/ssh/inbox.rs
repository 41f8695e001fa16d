//! A session's inbox: what the SSH handler hands to the session's thread (a console, or a
//! command asking on a terminal). Keystrokes are bounded: at most `limit` bytes wait, and
//! the handler waits for room ([`Inbox::push_bytes`]), which stops russh from reading the
//! connection, so the client's channel window closes and it slows to the console's pace.
//! The end of a session jumps the queue: once the client closes the channel, the thread
//! hears it next, and what it had not read yet is dropped at once.

use super::console::Input;
use crate::engine::Event;
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// Keystroke bytes one session may have waiting.
pub const INPUT_LIMIT: usize = 64 * 1024;

pub struct Inbox {
    state: Mutex<State>,
    /// Wakes the session's thread.
    ready: Condvar,
    /// Wakes a handler waiting for room, and whoever waits for the end.
    room: Notify,
    limit: usize,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Input>,
    bytes: usize,
    /// `Closed` or `Shutdown`, heard before anything still queued.
    ending: Option<Input>,
    /// Nothing more is taken (the session ended, or its thread is gone).
    closed: bool,
}

/// Why nothing was received.
#[derive(Debug, PartialEq, Eq)]
pub enum Empty {
    Timeout,
    Closed,
}

impl Inbox {
    pub fn new(limit: usize) -> Inbox {
        Inbox {
            state: Mutex::new(State::default()),
            ready: Condvar::new(),
            room: Notify::new(),
            limit,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keystrokes: waits while the inbox is full. False once the session has ended.
    pub async fn push_bytes(&self, bytes: Vec<u8>) -> bool {
        loop {
            let room = self.room.notified();
            tokio::pin!(room);
            {
                let mut st = self.lock();
                if st.closed {
                    return false;
                }
                if st.bytes == 0 || st.bytes + bytes.len() <= self.limit {
                    st.bytes += bytes.len();
                    st.queue.push_back(Input::Bytes(bytes));
                    self.ready.notify_one();
                    return true;
                }
                // Registered before the lock goes, so a taker's wake-up is not missed.
                room.as_mut().enable();
            }
            room.await;
        }
    }

    /// Keystrokes where nobody may wait (a command that reads only to confirm): dropped
    /// when the inbox is full. False when they were not taken.
    pub fn offer_bytes(&self, bytes: Vec<u8>) -> bool {
        let mut st = self.lock();
        if st.closed || (st.bytes > 0 && st.bytes + bytes.len() > self.limit) {
            return false;
        }
        st.bytes += bytes.len();
        st.queue.push_back(Input::Bytes(bytes));
        self.ready.notify_one();
        true
    }

    /// A resize or an engine event: small, never waits. A run of engine events of the same
    /// kind is kept as its last one (the console reloads the same for each). False once the
    /// session has ended.
    pub fn push(&self, msg: Input) -> bool {
        let mut st = self.lock();
        if st.closed {
            return false;
        }
        if let (Input::Engine(new), Some(Input::Engine(last))) = (&msg, st.queue.back_mut()) {
            if is_session_event(new) == is_session_event(last) {
                *last = new.clone();
                return true;
            }
        }
        st.queue.push_back(msg);
        self.ready.notify_one();
        true
    }

    /// The session ends (`Input::Closed`) or the server stops (`Input::Shutdown`): heard
    /// next, before anything queued, which is dropped now.
    pub fn end(&self, why: Input) {
        let mut st = self.lock();
        if st.closed {
            return;
        }
        st.closed = true;
        st.ending = Some(why);
        st.queue.clear();
        st.bytes = 0;
        drop(st);
        self.ready.notify_all();
        self.room.notify_waiters();
    }

    /// The session's thread is gone: nothing more is taken, and waiters return.
    pub fn close(&self) {
        let mut st = self.lock();
        st.closed = true;
        st.queue.clear();
        st.bytes = 0;
        drop(st);
        self.ready.notify_all();
        self.room.notify_waiters();
    }

    /// Resolves once the inbox takes nothing more.
    pub async fn closed(&self) {
        loop {
            let room = self.room.notified();
            tokio::pin!(room);
            room.as_mut().enable();
            if self.lock().closed {
                return;
            }
            room.await;
        }
    }

    /// The next message, waiting at most `wait`.
    pub fn recv_timeout(&self, wait: Duration) -> Result<Input, Empty> {
        let deadline = Instant::now() + wait;
        let mut st = self.lock();
        loop {
            if let Some(msg) = self.take(&mut st) {
                return Ok(msg);
            }
            if st.closed {
                return Err(Empty::Closed);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Empty::Timeout);
            }
            st = self
                .ready
                .wait_timeout(st, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// The next message if one waits.
    pub fn try_recv(&self) -> Option<Input> {
        let mut st = self.lock();
        self.take(&mut st)
    }

    /// The next message; None once the session has ended and everything was heard.
    pub fn recv(&self) -> Option<Input> {
        loop {
            match self.recv_timeout(Duration::from_secs(3600)) {
                Ok(msg) => return Some(msg),
                Err(Empty::Closed) => return None,
                Err(Empty::Timeout) => continue,
            }
        }
    }

    fn take(&self, st: &mut State) -> Option<Input> {
        if let Some(end) = st.ending.take() {
            return Some(end);
        }
        let msg = st.queue.pop_front()?;
        if let Input::Bytes(b) = &msg {
            st.bytes -= b.len();
            self.room.notify_waiters();
        }
        Some(msg)
    }
}

pub fn is_session_event(ev: &Event) -> bool {
    ev.action == "session started" || ev.action == "session ended"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_inbox_makes_the_sender_wait_until_there_is_room() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let inbox = std::sync::Arc::new(Inbox::new(10));
        rt.block_on(async {
            assert!(inbox.push_bytes(vec![1; 8]).await);
            // 8 + 4 > 10: waits until the 8 are taken.
            let waiting = {
                let inbox = std::sync::Arc::clone(&inbox);
                tokio::spawn(async move { inbox.push_bytes(vec![2; 4]).await })
            };
            tokio::time::sleep(Duration::from_millis(50)).await;
            assert!(!waiting.is_finished());
            assert!(matches!(inbox.try_recv(), Some(Input::Bytes(b)) if b.len() == 8));
            assert!(waiting.await.unwrap());
            // Where nobody may wait, bytes beyond the limit are dropped instead.
            assert!(!inbox.offer_bytes(vec![3; 8]));
        });
    }

    #[test]
    fn the_end_jumps_the_queue_and_drops_what_waits() {
        let inbox = Inbox::new(1024);
        assert!(inbox.offer_bytes(b"jjj".to_vec()));
        inbox.push(Input::Resize(80, 24));
        inbox.end(Input::Closed);
        assert!(matches!(inbox.try_recv(), Some(Input::Closed)));
        assert!(inbox.try_recv().is_none());
        assert_eq!(
            inbox.recv_timeout(Duration::from_millis(10)).unwrap_err(),
            Empty::Closed
        );
        assert!(!inbox.offer_bytes(b"j".to_vec()));
    }
}
