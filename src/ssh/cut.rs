//! A TCP stream the server can cut from outside while russh owns it: after
//! [`Cut::cut`], reads and writes fail at once, so the connection's task ends and the
//! socket closes (used for the login grace time). Cutting through this wrapper, rather
//! than `shutdown(2)` on the raw descriptor, cannot touch a descriptor number that was
//! reused by a later connection.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// The switch: shared by the stream and whoever may cut it.
#[derive(Debug, Default)]
pub struct Cut {
    done: AtomicBool,
    /// The tasks waiting to read and to write, woken by a cut.
    reader: Mutex<Option<Waker>>,
    writer: Mutex<Option<Waker>>,
}

impl Cut {
    pub fn new() -> Arc<Cut> {
        Arc::new(Cut::default())
    }

    /// Every read and write from now on fails; a waiting read wakes up to fail.
    pub fn cut(&self) {
        self.done.store(true, Ordering::SeqCst);
        for slot in [&self.reader, &self.writer] {
            let waker = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
            if let Some(w) = waker {
                w.wake();
            }
        }
    }

    /// Ready with an error once cut; else remembers who to wake.
    fn check(&self, slot: &Mutex<Option<Waker>>, cx: &Context<'_>) -> io::Result<()> {
        if self.is_cut() {
            return Err(cut_error());
        }
        *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(cx.waker().clone());
        // A cut between the check and storing the waker must not be missed.
        if self.is_cut() {
            return Err(cut_error());
        }
        Ok(())
    }

    fn is_cut(&self) -> bool {
        self.done.load(Ordering::SeqCst)
    }
}

pub struct CutStream {
    inner: TcpStream,
    cut: Arc<Cut>,
}

impl CutStream {
    pub fn new(inner: TcpStream, cut: Arc<Cut>) -> CutStream {
        CutStream { inner, cut }
    }
}

fn cut_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "the server closed the connection",
    )
}

impl AsyncRead for CutStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Err(e) = self.cut.check(&self.cut.reader, cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for CutStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Err(e) = self.cut.check(&self.cut.writer, cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Err(e) = self.cut.check(&self.cut.writer, cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
