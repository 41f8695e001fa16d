//! Errors in words: an error and its causes as one line, without Rust's "(os error N)" or a
//! debug struct, for every front end's last line (the command line, `serve`'s log).

use super::one_line;

/// An OS error in words, without Rust's "(os error N)" or a debug struct (sled passes on a
/// kept IO error as `Os { code: .., kind: .., message: .. }` text).
pub fn plain_io(e: &std::io::Error) -> String {
    let text = e.to_string();
    if let Some(at) = text.rfind(" (os error ") {
        return text[..at].to_lowercase();
    }
    if text.contains('{') || text.contains("kind:") {
        return e.kind().to_string();
    }
    text
}

/// `e` and its causes joined by ": " (as `{:#}` would), each OS error in words, on one
/// line with hidden characters escaped.
pub fn error_words(e: &anyhow::Error) -> String {
    let words: Vec<String> = e
        .chain()
        .map(|cause| match cause.downcast_ref::<std::io::Error>() {
            Some(io) => plain_io(io),
            None => cause.to_string(),
        })
        .collect();
    one_line(&words.join(": ")).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Error;

    #[test]
    fn os_errors_lose_their_code_in_every_cause() {
        let e = anyhow::Error::new(Error::from_raw_os_error(libc::EADDRINUSE))
            .context("cannot listen on 127.0.0.1:22 (`ssh.listen` in the configuration)");
        assert_eq!(
            error_words(&e),
            "cannot listen on 127.0.0.1:22 (`ssh.listen` in the configuration): address already in use"
        );
    }

    #[test]
    fn other_causes_stay_as_they_are_and_hidden_characters_are_escaped() {
        let e = anyhow::anyhow!("bad key \u{1b}[31m").context("the keys file");
        assert_eq!(error_words(&e), "the keys file: bad key \\u{1b}[31m");
    }
}
