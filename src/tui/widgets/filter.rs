//! The `/` filter with `nucleo-matcher`: every word typed must appear (case-insensitive);
//! a word starting with `~` matches fuzzily instead.

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str};

pub struct Fuzzy {
    matcher: Matcher,
    atoms: Vec<Atom>,
    buf: Vec<char>,
}

impl Fuzzy {
    pub fn new(text: &str) -> Fuzzy {
        let atoms = text
            .split_whitespace()
            .filter_map(|word| {
                let (kind, word) = match word.strip_prefix('~') {
                    Some(w) => (AtomKind::Fuzzy, w),
                    None => (AtomKind::Substring, word),
                };
                (!word.is_empty()).then(|| {
                    Atom::new(
                        word,
                        CaseMatching::Ignore,
                        Normalization::Smart,
                        kind,
                        false,
                    )
                })
            })
            .collect();
        Fuzzy {
            matcher: Matcher::new(Config::DEFAULT),
            atoms,
            buf: Vec::new(),
        }
    }

    /// True when the filter is empty or `haystack` matches every word of it.
    pub fn matches(&mut self, haystack: &str) -> bool {
        if self.atoms.is_empty() {
            return true;
        }
        let hay = Utf32Str::new(haystack, &mut self.buf);
        self.atoms
            .iter()
            .all(|a| a.score(hay, &mut self.matcher).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_must_appear() {
        let mut f = Fuzzy::new("ana 206");
        assert!(f.matches("+12065550123 Ana Lima"));
        assert!(!f.matches("+13125550123 Bo Chen"));
        assert!(!Fuzzy::new("lima").matches("Calling Unassigned Acme Sales"));
        assert!(Fuzzy::new("~lma").matches("Ana Lima"));
        assert!(Fuzzy::new("").matches("anything"));
    }
}
