//! Bytes from an SSH client's terminal, turned into crossterm `KeyEvent`s.
//!
//! Over SSH there is no local terminal for crossterm to read, so the session parses what the
//! client's terminal sends: UTF-8 text, control characters, and the CSI (`ESC [`) and SS3
//! (`ESC O`) sequences xterm-like terminals use for special keys, with xterm's modifier
//! parameter (`ESC [ 1 ; 5 A` is Ctrl-Up). Sequences may arrive split across packets: an
//! unfinished one waits in the parser. A lone `ESC` is ambiguous (the Esc key, or the start of
//! a sequence), so the caller calls [`KeyParser::flush`] when nothing more arrived within
//! [`ESC_TIMEOUT`].

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Duration;

/// How long an unfinished escape sequence waits for the rest before it counts as keys.
pub const ESC_TIMEOUT: Duration = Duration::from_millis(40);

const ESC: u8 = 0x1b;

/// Bracketed paste (enabled by the session with `ESC [ ? 2004 h`): the client's terminal
/// wraps pasted text in these, so its line breaks are text, not Enter presses.
const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";
/// A paste longer than this is cut; the rest is dropped up to its end marker.
const PASTE_MAX: usize = 256 * 1024;

/// What the client's terminal sent: a key, or text pasted in one piece.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermInput {
    Key(KeyEvent),
    Paste(String),
}

/// Incremental parser; keeps an unfinished sequence, or a paste whose end has not come yet,
/// between calls.
#[derive(Debug, Default)]
pub struct KeyParser {
    pending: Vec<u8>,
    /// Inside a bracketed paste: the text so far. It waits for its end marker however long
    /// that takes (a long paste arrives in many packets), and is never flushed as keys.
    paste: Option<Vec<u8>>,
}

enum Step {
    /// A key (or nothing, for an unknown sequence) and how many bytes it used.
    Done(Option<KeyEvent>, usize),
    /// More bytes are needed.
    Incomplete,
}

impl KeyParser {
    pub fn new() -> KeyParser {
        KeyParser::default()
    }

    /// True while an unfinished sequence waits: call [`flush`](Self::flush) after
    /// [`ESC_TIMEOUT`] without input.
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty() && self.paste.is_none()
    }

    /// The keys alone (tests of key sequences).
    #[cfg(test)]
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<KeyEvent> {
        self.feed_input(bytes)
            .into_iter()
            .filter_map(|i| match i {
                TermInput::Key(k) => Some(k),
                TermInput::Paste(_) => None,
            })
            .collect()
    }

    /// Parses `bytes` after whatever was pending; returns the complete keys and pastes.
    pub fn feed_input(&mut self, bytes: &[u8]) -> Vec<TermInput> {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        let mut at = 0;
        while at < self.pending.len() {
            let rest = &self.pending[at..];
            if let Some(text) = &mut self.paste {
                match find(rest, PASTE_END) {
                    Some(end) => {
                        take_paste(text, &rest[..end]);
                        let text = self.paste.take().unwrap_or_default();
                        out.push(TermInput::Paste(
                            String::from_utf8_lossy(&text).into_owned(),
                        ));
                        at += end + PASTE_END.len();
                    }
                    None => {
                        // Keep what could be the start of the end marker for the next packet.
                        let keep = (PASTE_END.len() - 1).min(rest.len());
                        take_paste(text, &rest[..rest.len() - keep]);
                        at = self.pending.len() - keep;
                        break;
                    }
                }
                continue;
            }
            if rest.starts_with(PASTE_START) {
                self.paste = Some(Vec::new());
                at += PASTE_START.len();
                continue;
            }
            if PASTE_START.starts_with(rest) && rest.len() > 1 {
                // Perhaps a paste's start marker cut by the packet: wait for the rest.
                break;
            }
            match parse(rest) {
                Step::Done(key, used) => {
                    out.extend(key.map(TermInput::Key));
                    at += used;
                }
                Step::Incomplete => break,
            }
        }
        self.pending.drain(..at);
        out
    }

    /// Nothing more came: what is pending is keys as it stands. A lone `ESC` is the Esc key;
    /// `ESC x` is Alt-x; an unfinished UTF-8 character is dropped.
    pub fn flush(&mut self) -> Vec<KeyEvent> {
        if self.paste.is_some() {
            return Vec::new();
        }
        let pending = std::mem::take(&mut self.pending);
        let mut keys = Vec::new();
        let mut rest: &[u8] = &pending;
        while let Some((&first, tail)) = rest.split_first() {
            if first == ESC {
                match tail.split_first() {
                    None => {
                        keys.push(key(KeyCode::Esc, KeyModifiers::NONE));
                        rest = tail;
                    }
                    Some((&c, tail2)) if c.is_ascii() && c != ESC => {
                        keys.push(with_alt(plain_ascii(c)));
                        rest = tail2;
                    }
                    Some(_) => {
                        keys.push(key(KeyCode::Esc, KeyModifiers::NONE));
                        rest = tail;
                    }
                }
            } else {
                // Only an unfinished UTF-8 character can be left here.
                match parse(rest) {
                    Step::Done(k, used) => {
                        keys.extend(k);
                        rest = &rest[used..];
                    }
                    Step::Incomplete => break,
                }
            }
        }
        keys
    }
}

/// Where `needle` starts in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Adds pasted bytes, up to [`PASTE_MAX`].
fn take_paste(text: &mut Vec<u8>, bytes: &[u8]) {
    let room = PASTE_MAX.saturating_sub(text.len());
    text.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

fn with_alt(mut k: KeyEvent) -> KeyEvent {
    k.modifiers |= KeyModifiers::ALT;
    k
}

/// A character as crossterm reports it: upper-case letters carry SHIFT.
fn char_key(c: char) -> KeyEvent {
    let m = if c.is_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    key(KeyCode::Char(c), m)
}

/// One ASCII byte on its own (no escape sequence).
fn plain_ascii(b: u8) -> KeyEvent {
    match b {
        b'\r' | b'\n' => key(KeyCode::Enter, KeyModifiers::NONE),
        b'\t' => key(KeyCode::Tab, KeyModifiers::NONE),
        0x7f | 0x08 => key(KeyCode::Backspace, KeyModifiers::NONE),
        ESC => key(KeyCode::Esc, KeyModifiers::NONE),
        0x00 => key(KeyCode::Char(' '), KeyModifiers::CONTROL),
        0x01..=0x1a => key(KeyCode::Char((b - 1 + b'a') as char), KeyModifiers::CONTROL),
        0x1c..=0x1f => key(
            KeyCode::Char((b - 0x1c + b'4') as char),
            KeyModifiers::CONTROL,
        ),
        _ => char_key(b as char),
    }
}

fn parse(buf: &[u8]) -> Step {
    let b = buf[0];
    if b == ESC {
        return parse_escape(buf);
    }
    if b.is_ascii() {
        return Step::Done(Some(plain_ascii(b)), 1);
    }
    parse_utf8(buf)
}

fn parse_utf8(buf: &[u8]) -> Step {
    let len = match buf[0] {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Step::Done(None, 1),
    };
    if buf.len() < len {
        // Continuation bytes seen so far must be valid, or the lead byte is garbage.
        if buf[1..].iter().any(|c| c & 0xc0 != 0x80) {
            return Step::Done(None, 1);
        }
        return Step::Incomplete;
    }
    match std::str::from_utf8(&buf[..len]) {
        Ok(s) => Step::Done(s.chars().next().map(char_key), len),
        Err(_) => Step::Done(None, 1),
    }
}

fn parse_escape(buf: &[u8]) -> Step {
    let Some(&next) = buf.get(1) else {
        return Step::Incomplete;
    };
    match next {
        b'[' => parse_csi(buf),
        b'O' => match buf.get(2) {
            None => Step::Incomplete,
            Some(&f) => Step::Done(final_key(f, KeyModifiers::NONE), 3),
        },
        // ESC ESC: the first one is the Esc key.
        ESC => Step::Done(Some(key(KeyCode::Esc, KeyModifiers::NONE)), 1),
        _ => match parse(&buf[1..]) {
            Step::Done(k, used) => Step::Done(k.map(with_alt), used + 1),
            Step::Incomplete => Step::Incomplete,
        },
    }
}

/// `ESC [ params final`; also the Linux console's `ESC [ [ A`..`E` for F1-F5.
fn parse_csi(buf: &[u8]) -> Step {
    if buf.get(2) == Some(&b'[') {
        return match buf.get(3) {
            None => Step::Incomplete,
            Some(&c @ b'A'..=b'E') => {
                Step::Done(Some(key(KeyCode::F(c - b'A' + 1), KeyModifiers::NONE)), 4)
            }
            Some(_) => Step::Done(None, 4),
        };
    }
    let mut i = 2;
    while i < buf.len() && (0x20..=0x3f).contains(&buf[i]) {
        i += 1;
    }
    let Some(&fin) = buf.get(i) else {
        // Guard against an endless run of parameter bytes.
        if buf.len() > 32 {
            return Step::Done(None, buf.len());
        }
        return Step::Incomplete;
    };
    let used = i + 1;
    if !(0x40..=0x7e).contains(&fin) {
        // Not a well-formed sequence: drop the introducer and read the rest as keys.
        return Step::Done(None, 2);
    }
    let params = std::str::from_utf8(&buf[2..i]).unwrap_or("");
    let mut nums = params.split(';').map(|p| p.parse::<u16>().ok());
    let first = nums.next().flatten();
    let mods = modifiers(nums.next().flatten());
    let k = match fin {
        b'~' => match first {
            Some(1 | 7) => Some(key(KeyCode::Home, mods)),
            Some(2) => Some(key(KeyCode::Insert, mods)),
            Some(3) => Some(key(KeyCode::Delete, mods)),
            Some(4 | 8) => Some(key(KeyCode::End, mods)),
            Some(5) => Some(key(KeyCode::PageUp, mods)),
            Some(6) => Some(key(KeyCode::PageDown, mods)),
            Some(n @ 11..=15) => Some(key(KeyCode::F((n - 10) as u8), mods)),
            Some(n @ 17..=21) => Some(key(KeyCode::F((n - 11) as u8), mods)),
            Some(n @ 23..=24) => Some(key(KeyCode::F((n - 12) as u8), mods)),
            _ => None,
        },
        b'Z' => Some(key(KeyCode::BackTab, KeyModifiers::SHIFT)),
        _ if params.starts_with('?') || params.starts_with('<') => None,
        f => final_key(f, mods),
    };
    Step::Done(k, used)
}

/// The final byte shared by CSI and SS3 forms: arrows, Home/End, F1-F4.
fn final_key(f: u8, mods: KeyModifiers) -> Option<KeyEvent> {
    let code = match f {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P' => KeyCode::F(1),
        b'Q' => KeyCode::F(2),
        b'R' => KeyCode::F(3),
        b'S' => KeyCode::F(4),
        b'M' => KeyCode::Enter,
        _ => return None,
    };
    Some(key(code, mods))
}

/// xterm's modifier parameter: 1 + (shift 1 | alt 2 | ctrl 4).
fn modifiers(param: Option<u16>) -> KeyModifiers {
    let Some(p) = param else {
        return KeyModifiers::NONE;
    };
    let bits = p.saturating_sub(1);
    let mut m = KeyModifiers::NONE;
    if bits & 1 != 0 {
        m |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        m |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        m |= KeyModifiers::CONTROL;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn km(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn a_bracketed_paste_is_text_even_across_packets() {
        let mut p = KeyParser::new();
        let mut got = p.feed_input(b"j\x1b[20");
        got.extend(p.feed_input(b"0~+12068976329\r+1206"));
        // Inside a paste nothing waits for the Esc timeout.
        assert!(!p.has_pending());
        got.extend(p.flush().into_iter().map(TermInput::Key));
        got.extend(p.feed_input(b"3749620\r\x1b[20"));
        got.extend(p.feed_input(b"1~k"));
        assert_eq!(
            got,
            vec![
                TermInput::Key(k(KeyCode::Char('j'))),
                TermInput::Paste("+12068976329\r+12063749620\r".into()),
                TermInput::Key(k(KeyCode::Char('k'))),
            ]
        );
    }

    fn all(bytes: &[u8]) -> Vec<KeyEvent> {
        let mut p = KeyParser::new();
        let mut keys = p.feed(bytes);
        keys.extend(p.flush());
        keys
    }

    #[test]
    fn printable_characters_including_utf8() {
        assert_eq!(
            all(b"jk"),
            vec![k(KeyCode::Char('j')), k(KeyCode::Char('k'))]
        );
        assert_eq!(all(b"G"), vec![km(KeyCode::Char('G'), KeyModifiers::SHIFT)]);
        assert_eq!(
            all("é€😀".as_bytes()),
            vec![
                k(KeyCode::Char('é')),
                k(KeyCode::Char('€')),
                k(KeyCode::Char('😀'))
            ]
        );
        assert_eq!(
            all(b" /?:"),
            vec![
                k(KeyCode::Char(' ')),
                k(KeyCode::Char('/')),
                k(KeyCode::Char('?')),
                k(KeyCode::Char(':'))
            ]
        );
    }

    #[test]
    fn utf8_split_across_packets() {
        let bytes = "€".as_bytes();
        let mut p = KeyParser::new();
        assert!(p.feed(&bytes[..1]).is_empty());
        assert!(p.feed(&bytes[1..2]).is_empty());
        assert_eq!(p.feed(&bytes[2..]), vec![k(KeyCode::Char('€'))]);
        assert!(!p.has_pending());
    }

    #[test]
    fn invalid_utf8_is_skipped() {
        assert_eq!(all(&[0xff, b'a']), vec![k(KeyCode::Char('a'))]);
        assert_eq!(all(&[0xe2, b'a']), vec![k(KeyCode::Char('a'))]);
    }

    #[test]
    fn enter_tab_backtab_backspace() {
        assert_eq!(all(b"\r"), vec![k(KeyCode::Enter)]);
        assert_eq!(all(b"\n"), vec![k(KeyCode::Enter)]);
        assert_eq!(all(b"\t"), vec![k(KeyCode::Tab)]);
        assert_eq!(
            all(b"\x1b[Z"),
            vec![km(KeyCode::BackTab, KeyModifiers::SHIFT)]
        );
        assert_eq!(all(b"\x7f"), vec![k(KeyCode::Backspace)]);
        assert_eq!(all(b"\x08"), vec![k(KeyCode::Backspace)]);
    }

    #[test]
    fn arrows_home_end_in_csi_and_ss3_forms() {
        for (csi, ss3, code) in [
            (&b"\x1b[A"[..], &b"\x1bOA"[..], KeyCode::Up),
            (b"\x1b[B", b"\x1bOB", KeyCode::Down),
            (b"\x1b[C", b"\x1bOC", KeyCode::Right),
            (b"\x1b[D", b"\x1bOD", KeyCode::Left),
            (b"\x1b[H", b"\x1bOH", KeyCode::Home),
            (b"\x1b[F", b"\x1bOF", KeyCode::End),
        ] {
            assert_eq!(all(csi), vec![k(code)], "{csi:?}");
            assert_eq!(all(ss3), vec![k(code)], "{ss3:?}");
        }
    }

    #[test]
    fn tilde_keys() {
        for (seq, code) in [
            (&b"\x1b[1~"[..], KeyCode::Home),
            (b"\x1b[7~", KeyCode::Home),
            (b"\x1b[4~", KeyCode::End),
            (b"\x1b[8~", KeyCode::End),
            (b"\x1b[2~", KeyCode::Insert),
            (b"\x1b[3~", KeyCode::Delete),
            (b"\x1b[5~", KeyCode::PageUp),
            (b"\x1b[6~", KeyCode::PageDown),
        ] {
            assert_eq!(all(seq), vec![k(code)], "{seq:?}");
        }
    }

    #[test]
    fn function_keys_f1_to_f12() {
        let ss3 = [b"\x1bOP", b"\x1bOQ", b"\x1bOR", b"\x1bOS"];
        for (i, s) in ss3.iter().enumerate() {
            assert_eq!(all(&s[..]), vec![k(KeyCode::F(i as u8 + 1))]);
        }
        let tilde = [11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 23, 24];
        for (i, n) in tilde.iter().enumerate() {
            let seq = format!("\x1b[{n}~");
            assert_eq!(
                all(seq.as_bytes()),
                vec![k(KeyCode::F(i as u8 + 1))],
                "{seq:?}"
            );
        }
        assert_eq!(all(b"\x1b[[A"), vec![k(KeyCode::F(1))]);
        assert_eq!(all(b"\x1b[[E"), vec![k(KeyCode::F(5))]);
        assert_eq!(
            all(b"\x1b[1;2P"),
            vec![km(KeyCode::F(1), KeyModifiers::SHIFT)]
        );
    }

    #[test]
    fn modified_keys() {
        assert_eq!(
            all(b"\x1b[1;5A"),
            vec![km(KeyCode::Up, KeyModifiers::CONTROL)]
        );
        assert_eq!(
            all(b"\x1b[1;2D"),
            vec![km(KeyCode::Left, KeyModifiers::SHIFT)]
        );
        assert_eq!(
            all(b"\x1b[3;3~"),
            vec![km(KeyCode::Delete, KeyModifiers::ALT)]
        );
        assert_eq!(
            all(b"\x1b[5;6~"),
            vec![km(
                KeyCode::PageUp,
                KeyModifiers::SHIFT | KeyModifiers::CONTROL
            )]
        );
    }

    #[test]
    fn ctrl_and_alt_letters() {
        assert_eq!(
            all(b"\x03"),
            vec![km(KeyCode::Char('c'), KeyModifiers::CONTROL)]
        );
        assert_eq!(
            all(b"\x01\x1a"),
            vec![
                km(KeyCode::Char('a'), KeyModifiers::CONTROL),
                km(KeyCode::Char('z'), KeyModifiers::CONTROL)
            ]
        );
        assert_eq!(
            all(b"\x1bx"),
            vec![km(KeyCode::Char('x'), KeyModifiers::ALT)]
        );
        assert_eq!(
            all(b"\x1bX"),
            vec![km(
                KeyCode::Char('X'),
                KeyModifiers::ALT | KeyModifiers::SHIFT
            )]
        );
        assert_eq!(
            all(b"\x1b\x04"),
            vec![km(
                KeyCode::Char('d'),
                KeyModifiers::ALT | KeyModifiers::CONTROL
            )]
        );
        assert_eq!(
            all("\x1bé".as_bytes()),
            vec![km(KeyCode::Char('é'), KeyModifiers::ALT)]
        );
    }

    #[test]
    fn sequences_split_across_packets() {
        let mut p = KeyParser::new();
        assert!(p.feed(b"j\x1b").iter().eq([k(KeyCode::Char('j'))].iter()));
        assert!(p.has_pending());
        assert!(p.feed(b"[").is_empty());
        assert!(p.feed(b"1;").is_empty());
        assert_eq!(
            p.feed(b"5B"),
            vec![km(KeyCode::Down, KeyModifiers::CONTROL)]
        );
        assert!(!p.has_pending());

        assert!(p.feed(b"\x1bO").is_empty());
        assert_eq!(p.feed(b"Dk"), vec![k(KeyCode::Left), k(KeyCode::Char('k'))]);

        assert!(p.feed(b"\x1b[2").is_empty());
        assert_eq!(p.feed(b"4~"), vec![k(KeyCode::F(12))]);
    }

    #[test]
    fn lone_esc_after_the_timeout() {
        let mut p = KeyParser::new();
        assert!(p.feed(b"\x1b").is_empty());
        assert!(p.has_pending());
        assert_eq!(p.flush(), vec![k(KeyCode::Esc)]);
        assert!(!p.has_pending());
        // Esc then a key in the same packet is Alt-key; two Escs are Esc then Esc.
        assert_eq!(all(b"\x1b\x1b"), vec![k(KeyCode::Esc), k(KeyCode::Esc)]);
        // ESC [ with nothing after it is Alt-[.
        assert_eq!(
            all(b"\x1b["),
            vec![km(KeyCode::Char('['), KeyModifiers::ALT)]
        );
        assert_eq!(
            all(b"\x1bO"),
            vec![km(
                KeyCode::Char('O'),
                KeyModifiers::ALT | KeyModifiers::SHIFT
            )]
        );
    }

    #[test]
    fn unknown_and_report_sequences_are_ignored() {
        assert_eq!(all(b"\x1b[?1;2cj"), vec![k(KeyCode::Char('j'))]);
        // ESC[200~ starts a bracketed paste (its own test); another unknown `~` code is dropped.
        assert_eq!(all(b"\x1b[99~x"), vec![k(KeyCode::Char('x'))]);
        assert_eq!(all(b"\x1b[Ij"), vec![k(KeyCode::Char('j'))]);
    }

    #[test]
    fn many_keys_in_one_packet() {
        let keys = all(b"jjj\x1b[Bq");
        assert_eq!(keys.len(), 5);
        assert_eq!(keys[3], k(KeyCode::Down));
        assert_eq!(keys[4], k(KeyCode::Char('q')));
    }
}
