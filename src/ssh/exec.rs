//! `ssh host numbers list --json`: a command without a pty runs the matching CLI subcommand
//! with the caller's role. Standard output goes to the channel, standard error to its
//! extended-data stream, then the exit status; the client's `ssh` exits with it.

use crate::domain::Actor;
use crate::engine::Engine;
use std::io::Write;
use std::sync::Arc;

/// Runs one CLI command: `(engine, actor, args, interactive, out, err) -> exit code`.
pub type CliRunner =
    fn(&Arc<Engine>, &Actor, Vec<String>, bool, &mut dyn Write, &mut dyn Write) -> i32;

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

/// The result of one command, ready to send.
pub struct Ran {
    pub out: Vec<u8>,
    pub err: Vec<u8>,
    pub status: i32,
}

/// Runs `command` with the CLI; `pty` means the client's terminal is raw, so line ends
/// become CR LF.
pub fn run(cli: CliRunner, engine: &Arc<Engine>, actor: &Actor, command: &str, pty: bool) -> Ran {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let status = match split_words(command) {
        Ok(mut args) => {
            // `ssh host phonedesk numbers list` works as well as `ssh host numbers list`.
            if args.first().map(|a| a == "phonedesk").unwrap_or(false) {
                args.remove(0);
            }
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                cli(engine, actor, args, pty, &mut out, &mut err)
            }));
            match run {
                Ok(status) => status,
                Err(_) => {
                    let _ = writeln!(err, "phonedesk: the command failed unexpectedly");
                    70
                }
            }
        }
        Err(why) => {
            let _ = writeln!(err, "phonedesk: cannot read the command: {why}");
            2
        }
    };
    if pty {
        out = crlf(&out);
        err = crlf(&err);
    }
    Ran { out, err, status }
}

fn crlf(bytes: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(bytes.len() + bytes.len() / 16);
    let mut prev = 0u8;
    for &b in bytes {
        if b == b'\n' && prev != b'\r' {
            v.push(b'\r');
        }
        v.push(b);
        prev = b;
    }
    v
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

    #[test]
    fn crlf_only_where_missing() {
        assert_eq!(crlf(b"a\nb\r\nc\n"), b"a\r\nb\r\nc\r\n");
    }
}
