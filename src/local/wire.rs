//! What goes over the local socket: frames of one kind byte, a big-endian u32 length and
//! that many bytes. The frame layout never changes; the request (JSON) says which version
//! of the conversation the client speaks, so a different build is refused in words.
//!
//! Client to server: one `REQUEST`, then an `INPUT` for each `READ` (empty: end of input).
//! Server to client: `OUT` and `ERR` (the command's standard output and error, an empty one
//! only asks whether the client is still there), `READ` (the command wants up to N bytes of
//! standard input), and `EXIT` with the exit code, last.

use serde::{Deserialize, Serialize};
use std::io::{Read, Write};

/// The version of the conversation this build speaks.
pub const PROTOCOL: u32 = 1;

pub const REQUEST: u8 = b'Q';
pub const INPUT: u8 = b'I';
pub const OUT: u8 = b'O';
pub const ERR: u8 = b'E';
pub const READ: u8 = b'R';
pub const EXIT: u8 = b'X';

/// The largest frame either side accepts (a request is a command line and a directory).
pub const MAX_FRAME: usize = 1024 * 1024;
/// The most output or input sent in one frame.
pub const CHUNK: usize = 64 * 1024;

/// One command, as the client would have run it alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub protocol: u32,
    /// The words after the program name, exactly as typed.
    pub args: Vec<String>,
    /// The client's login (`$USER`, else `$LOGNAME`): the actor is `local:LOGIN`, as alone.
    pub login: Option<String>,
    /// The client's time zone by its IANA name, when it has one.
    pub zone: Option<String>,
    /// The client's `TZ`, for a zone without an IANA name (a POSIX rule, a file).
    pub tz: Option<String>,
    /// The client's working directory, as bytes (file names may be any bytes).
    pub dir: Vec<u8>,
    /// Whether a person answers on the client's standard input (a terminal).
    pub interactive: bool,
}

/// A frame that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("the other side closed the connection")]
    Closed,
    #[error("a message of {len} bytes is larger than allowed")]
    TooLarge { kind: u8, len: usize },
    #[error("{}", crate::text::plain_io(.0))]
    Io(#[from] std::io::Error),
}

pub fn write_frame(to: &mut impl Write, kind: u8, payload: &[u8]) -> std::io::Result<()> {
    let len = u32::try_from(payload.len())
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
    let mut frame = Vec::with_capacity(5 + payload.len());
    frame.push(kind);
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(payload);
    to.write_all(&frame)?;
    to.flush()
}

/// Reads one frame; `Closed` when the other side closed before a frame began.
pub fn read_frame(from: &mut impl Read) -> Result<(u8, Vec<u8>), WireError> {
    let mut head = [0u8; 5];
    let mut got = 0;
    while got < head.len() {
        match from.read(&mut head[got..]) {
            Ok(0) => return Err(WireError::Closed),
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
    if len > MAX_FRAME {
        return Err(WireError::TooLarge { kind: head[0], len });
    }
    let mut payload = vec![0u8; len];
    from.read_exact(&mut payload).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => WireError::Closed,
        _ => WireError::Io(e),
    })?;
    Ok((head[0], payload))
}

pub fn exit_frame(code: i32) -> [u8; 4] {
    code.to_be_bytes()
}

pub fn read_exit(payload: &[u8]) -> Option<i32> {
    Some(i32::from_be_bytes(payload.try_into().ok()?))
}

pub fn read_len(payload: &[u8]) -> Option<usize> {
    Some(u32::from_be_bytes(payload.try_into().ok()?) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_oversized_ones_are_refused() {
        let mut buf = Vec::new();
        write_frame(&mut buf, OUT, b"hello").unwrap();
        write_frame(&mut buf, EXIT, &exit_frame(-3)).unwrap();
        let mut r = &buf[..];
        assert_eq!(read_frame(&mut r).unwrap(), (OUT, b"hello".to_vec()));
        let (kind, p) = read_frame(&mut r).unwrap();
        assert_eq!((kind, read_exit(&p)), (EXIT, Some(-3)));
        assert!(matches!(read_frame(&mut r), Err(WireError::Closed)));

        let mut huge = vec![OUT];
        huge.extend_from_slice(&(MAX_FRAME as u32 + 1).to_be_bytes());
        assert!(matches!(
            read_frame(&mut &huge[..]),
            Err(WireError::TooLarge { .. })
        ));
        // Cut in the middle of a frame: closed, not a short frame.
        assert!(matches!(read_frame(&mut &buf[..7]), Err(WireError::Closed)));
    }
}
