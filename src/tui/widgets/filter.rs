//! The `/` filter: fuzzy matching with `nucleo-matcher`, case-insensitive.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

pub struct Fuzzy {
    matcher: Matcher,
    pattern: Option<Pattern>,
    buf: Vec<char>,
}

impl Fuzzy {
    pub fn new(text: &str) -> Fuzzy {
        let pattern = (!text.trim().is_empty())
            .then(|| Pattern::parse(text, CaseMatching::Ignore, Normalization::Smart));
        Fuzzy {
            matcher: Matcher::new(Config::DEFAULT),
            pattern,
            buf: Vec::new(),
        }
    }

    /// True when the filter is empty or `haystack` matches it.
    pub fn matches(&mut self, haystack: &str) -> bool {
        match &self.pattern {
            None => true,
            Some(p) => p
                .score(Utf32Str::new(haystack, &mut self.buf), &mut self.matcher)
                .is_some(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_fuzzily_and_ignores_case() {
        let mut f = Fuzzy::new("ana 206");
        assert!(f.matches("+12065550123 Ana Lima"));
        assert!(!f.matches("+13125550123 Bo Chen"));
        assert!(Fuzzy::new("").matches("anything"));
    }
}
