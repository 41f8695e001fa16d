//! `ssh host numbers list --json`: a command without a pty runs the matching CLI subcommand
//! with the caller's role. Standard output goes to the channel, standard error to its
//! extended-data stream, then the exit status; the client's `ssh` exits with it.

use super::console::{Input, Output};
use super::inbox::Inbox;
use crate::cli::{Access, Runner};
use crate::domain::Actor;
use crate::engine::Engine;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::Arc;

/// Splits a command line the way a POSIX shell would split words: blanks separate words,
/// single quotes keep everything, double quotes keep everything but `\"` and `\\`, a
/// backslash outside quotes escapes the next character. No expansion of any kind.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("a single quote is not closed".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err("a double quote is not closed".into()),
                        },
                        Some(c) => word.push(c),
                        None => return Err("a double quote is not closed".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') => {}
                    Some(c) => word.push(c),
                    None => return Err("the command ends with a backslash".into()),
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// Runs `command` with the CLI, streaming its output to the channel: standard output as
/// data, standard error as extended data 1. With a pty (`ssh -t host delete ...`) the client's
/// terminal is raw, so line ends become CR LF, and confirmations are asked on it: typed
/// characters are echoed, Enter answers, Ctrl-C or Ctrl-D answers no. Returns the exit code.
pub fn run(
    cli: Runner,
    engine: &Arc<Engine>,
    actor: &Actor,
    command: &str,
    out: &Output,
    input: Option<Arc<Inbox>>,
) -> i32 {
    let pty = input.is_some();
    let mut stdout = ChannelWriter::new(out.clone(), None, pty);
    let mut stderr = ChannelWriter::new(out.clone(), Some(1), pty);
    let status = match split_words(command) {
        Ok(args) => {
            let mut reader = input.map(|inbox| {
                BufReader::new(PtyLine {
                    inbox,
                    out: out.clone(),
                    done: false,
                })
            });
            // Over SSH a command never touches the server's files, and confirmations
            // are asked on the client's terminal when it has one.
            let access = Access {
                input: reader.as_mut().map(|r| r as &mut dyn BufRead),
                ask: pty,
                files: false,
                dir: None,
            };
            cli(engine, actor, args, access, &mut stdout, &mut stderr)
        }
        Err(why) => {
            let _ = writeln!(stderr, "phonedesk: cannot read the command: {why}");
            2
        }
    };
    let _ = stdout.flush();
    let _ = stderr.flush();
    status
}

/// Output to one stream of the channel: collected up to 64 KiB, sent on flush; with a pty,
/// sent at once (a prompt must show before its answer is read).
struct ChannelWriter {
    out: Output,
    ext: Option<u32>,
    crlf: bool,
    prev: u8,
    buf: Vec<u8>,
    broken: bool,
}

const CHUNK: usize = 64 * 1024;

impl ChannelWriter {
    fn new(out: Output, ext: Option<u32>, pty: bool) -> ChannelWriter {
        ChannelWriter {
            out,
            ext,
            crlf: pty,
            prev: 0,
            buf: Vec::new(),
            broken: false,
        }
    }

    fn send(&mut self) -> std::io::Result<()> {
        if self.broken {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        }
        if self.buf.is_empty() {
            // Nothing to send: ask whether the client is still there (an idle `watch`
            // learns so that its reader went away). An empty write sends no packet.
            return match self.out.send(Vec::new()) {
                true => Ok(()),
                false => {
                    self.broken = true;
                    Err(std::io::ErrorKind::BrokenPipe.into())
                }
            };
        }
        let bytes = std::mem::take(&mut self.buf);
        let ok = match self.ext {
            None => self.out.send(bytes),
            Some(ext) => self.out.send_ext(ext, bytes),
        };
        if ok {
            Ok(())
        } else {
            self.broken = true;
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.broken {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        }
        if self.crlf {
            for &b in bytes {
                if b == b'\n' && self.prev != b'\r' {
                    self.buf.push(b'\r');
                }
                self.buf.push(b);
                self.prev = b;
            }
        } else {
            self.buf.extend_from_slice(bytes);
        }
        if self.crlf || self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

/// Lines typed on the client's raw terminal, echoed as they are typed.
struct PtyLine {
    inbox: Arc<Inbox>,
    out: Output,
    done: bool,
}

impl Read for PtyLine {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut line: Vec<u8> = Vec::new();
        while !self.done {
            let bytes = match self.inbox.recv() {
                Some(Input::Bytes(b)) => b,
                Some(Input::Resize(..)) | Some(Input::Engine(_)) => continue,
                Some(Input::Shutdown(_)) | Some(Input::Closed) | None => {
                    self.done = true;
                    break;
                }
            };
            let mut echo = Vec::new();
            for b in bytes {
                match b {
                    b'\r' | b'\n' => {
                        echo.extend_from_slice(b"\r\n");
                        self.out.send(echo);
                        line.push(b'\n');
                        let n = line.len().min(buf.len());
                        buf[..n].copy_from_slice(&line[..n]);
                        return Ok(n);
                    }
                    0x03 | 0x04 => {
                        echo.extend_from_slice(if b == 0x03 { b"^C\r\n" } else { b"\r\n" });
                        self.out.send(echo);
                        self.done = true;
                        return Ok(0);
                    }
                    0x7f | 0x08 if line.pop().is_some() => echo.extend_from_slice(b"\x08 \x08"),
                    b if b >= 0x20 && b != 0x7f && line.len() < 256 => {
                        line.push(b);
                        echo.push(b);
                    }
                    _ => {}
                }
            }
            if !echo.is_empty() {
                self.out.send(echo);
            }
        }
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        split_words(s).unwrap()
    }

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(w("numbers list --json"), ["numbers", "list", "--json"]);
        assert_eq!(w("  a   b\t"), ["a", "b"]);
        assert_eq!(
            w("users add --name 'Ann Lee' --email \"a@b.c\""),
            ["users", "add", "--name", "Ann Lee", "--email", "a@b.c"]
        );
        assert_eq!(
            w(r#"x "say \"hi\"" a\ b ''"#),
            ["x", "say \"hi\"", "a b", ""]
        );
        assert_eq!(w(""), Vec::<String>::new());
        assert!(split_words("a 'b").is_err());
        assert!(split_words("a \"b").is_err());
    }
}
