//! Filters as administrators type them, for every list: the console's `/` (and later the
//! command line). Pure: it matches what a list gives it and reads nothing itself.
//!
//! A filter is terms separated by spaces, all of which must hold:
//! - a free word matches as a substring of the row's text, case-insensitive; `~word`
//!   matches fuzzily (its letters in order);
//! - `field:value` matches exactly (case-insensitive) one of the values the row gives for
//!   that field (`status:assigned`, `product:vc`, `vc:"Main trunk"`, `state:WA`); each list
//!   declares its fields, and a word whose prefix is not one of them is a free word;
//! - digits (`360`, `206-555`, `+1360`, `"(206) 360"`, or `/360`) match a phone number's digits in place:
//!   from the start of a group of its national form ((360) 555-0123: 360, 555 or 0123) or
//!   from the start of its E.164 form, across the punctuation; a row without numbers
//!   matches them as a free word;
//! - `!` in front of any term inverts it (`!status:assigned`, `!/206`).

pub mod numbers;

use crate::domain::E164;
use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// A field a list can be filtered by exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// What is typed before the colon: `status`.
    pub name: &'static str,
    /// What it matches, for help: "Assigned, Unassigned or Ported out".
    pub help: &'static str,
}

/// A row as a filter sees it.
pub trait Subject {
    /// The words free text matches.
    fn text(&self) -> String;
    /// The values of the field `name` (one of the list's `FieldSpec`s): a filter on the
    /// field matches when it equals one of them, ignoring case. Several values give a
    /// value its other names (`Voice Connector`, `vc`).
    fn values(&self, field: &str) -> Vec<String>;
    /// The phone numbers digit filters match; none for rows without one.
    fn numbers(&self) -> Vec<E164> {
        Vec::new()
    }
}

enum Test {
    Words(Atom),
    Field {
        name: &'static str,
        value: String,
    },
    /// `e164`: typed with `+`, so only from the start of the E.164 form.
    Digits {
        digits: String,
        e164: bool,
        text: Atom,
    },
}

struct Term {
    test: Test,
    negated: bool,
}

/// A parsed filter, ready to match rows.
pub struct Query {
    terms: Vec<Term>,
    matcher: Matcher,
    buf: Vec<char>,
}

impl Query {
    /// Reads `text` against the list's `fields`. Never fails: anything that is not a
    /// field filter or digits is free text.
    pub fn parse(text: &str, fields: &[FieldSpec]) -> Query {
        let terms = split_terms(text)
            .into_iter()
            .filter_map(|(_, raw)| term(&raw, fields))
            .collect();
        Query {
            terms,
            matcher: Matcher::new(Config::DEFAULT),
            buf: Vec::new(),
        }
    }

    /// True when the filter keeps every row.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// True when every term holds for `row`.
    pub fn matches<S: Subject + ?Sized>(&mut self, row: &S) -> bool {
        if self.terms.is_empty() {
            return true;
        }
        // Read lazily: a list of numbers filtered by status never builds its text.
        let mut text: Option<String> = None;
        let mut numbers: Option<Vec<E164>> = None;
        for t in &self.terms {
            let holds = match &t.test {
                Test::Words(atom) => {
                    let text = text.get_or_insert_with(|| row.text());
                    let hay = Utf32Str::new(text, &mut self.buf);
                    atom.score(hay, &mut self.matcher).is_some()
                }
                Test::Field { name, value } => row
                    .values(name)
                    .iter()
                    .any(|v| v.trim().eq_ignore_ascii_case(value)),
                Test::Digits {
                    digits,
                    e164,
                    text: atom,
                } => {
                    let numbers = numbers.get_or_insert_with(|| row.numbers());
                    if numbers.is_empty() {
                        let text = text.get_or_insert_with(|| row.text());
                        let hay = Utf32Str::new(text, &mut self.buf);
                        atom.score(hay, &mut self.matcher).is_some()
                    } else {
                        numbers.iter().any(|n| {
                            if *e164 {
                                n.as_str()[1..].starts_with(digits.as_str())
                            } else {
                                digits_in_place(digits, n)
                            }
                        })
                    }
                }
            };
            if holds == t.negated {
                return false;
            }
        }
        true
    }
}

/// True when `digits` are the number's digits read from the start of its E.164 form
/// (without the `+`) or from the start of a group of its national form.
pub fn digits_in_place(digits: &str, number: &E164) -> bool {
    if digits.is_empty() {
        return true;
    }
    let e164: String = number
        .as_str()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if e164.starts_with(digits) {
        return true;
    }
    let national = number.national();
    let all: String = national.chars().filter(char::is_ascii_digit).collect();
    // Where each group of digits of the national form starts, counted in digits.
    let mut starts = Vec::new();
    let mut seen = 0;
    let mut in_group = false;
    for c in national.chars() {
        if c.is_ascii_digit() {
            if !in_group {
                starts.push(seen);
            }
            in_group = true;
            seen += 1;
        } else {
            in_group = false;
        }
    }
    starts.into_iter().any(|s| all[s..].starts_with(digits))
}

/// One term: `!` then a field filter, digits or a free word.
fn term(raw: &str, fields: &[FieldSpec]) -> Option<Term> {
    let (negated, body) = match raw.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    if body.is_empty() {
        return None;
    }
    let test = if let Some(t) = field_term(body, fields) {
        // `status:` while its value is still being typed keeps every row.
        if matches!(&t, Test::Field { value, .. } if value.is_empty()) {
            return None;
        }
        t
    } else if let Some((digits, e164)) = digit_term(body) {
        Test::Digits {
            text: atom(&digits, AtomKind::Substring),
            digits,
            e164,
        }
    } else {
        let (kind, word) = match body.strip_prefix('~') {
            Some(w) => (AtomKind::Fuzzy, w),
            None => (AtomKind::Substring, body),
        };
        let word = unquote(word);
        if word.is_empty() {
            return None;
        }
        Test::Words(atom(&word, kind))
    };
    Some(Term { test, negated })
}

fn field_term(body: &str, fields: &[FieldSpec]) -> Option<Test> {
    let (name, value) = body.split_once(':')?;
    let spec = fields.iter().find(|f| f.name.eq_ignore_ascii_case(name))?;
    Some(Test::Field {
        name: spec.name,
        value: unquote(value).trim().to_string(),
    })
}

/// `360`, `/360`, `+1360`, `"(360) 555"`: the digits, when the term is only digits and a
/// phone number's punctuation (with at least one digit), and whether it starts with `+`.
fn digit_term(body: &str) -> Option<(String, bool)> {
    let body = body.strip_prefix('/').unwrap_or(body);
    let body = unquote(body);
    let e164 = body.trim_start().starts_with('+');
    let phone_like = body
        .chars()
        .all(|c| c.is_ascii_digit() || "+-().".contains(c) || c == ' ');
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    (phone_like && !digits.is_empty()).then_some((digits, e164))
}

fn atom(word: &str, kind: AtomKind) -> Atom {
    Atom::new(
        word,
        CaseMatching::Ignore,
        Normalization::Smart,
        kind,
        false,
    )
}

fn unquote(s: &str) -> String {
    s.replace('"', "")
}

/// The terms of `text` with where each starts: spaces separate terms except inside double
/// quotes (`vc:"Main trunk"` is one term).
fn split_terms(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        }
        if c.is_whitespace() && !quoted {
            if !current.is_empty() {
                out.push((start, std::mem::take(&mut current)));
            }
            continue;
        }
        if current.is_empty() {
            start = i;
        }
        current.push(c);
    }
    if !current.is_empty() {
        out.push((start, current));
    }
    out
}

/// What Tab offers for the last term of a filter being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// Where in the text the completed part starts (after a `!`).
    pub start: usize,
    /// Each a whole replacement for the text from `start`: `status:`, `vc:"Main trunk"`.
    pub options: Vec<String>,
}

impl Completion {
    /// The text after Tab: the one option (with a space after a whole value), or the
    /// longest start the options share.
    pub fn apply(&self, text: &str) -> String {
        let head = &text[..self.start];
        match self.options.as_slice() {
            [] => text.to_string(),
            [one] if one.ends_with(':') => format!("{head}{one}"),
            [one] => format!("{head}{one} "),
            many => {
                let common = common_start(many);
                if common.chars().count() > text[self.start..].chars().count() {
                    format!("{head}{common}")
                } else {
                    text.to_string()
                }
            }
        }
    }
}

/// Tab completion of the last term: field names (`sta` → `status:`), then the field's
/// values (`product:v` → `product:"Voice Connector"`). `values` lists a field's values.
pub fn complete(
    text: &str,
    fields: &[FieldSpec],
    values: &dyn Fn(&str) -> Vec<String>,
) -> Completion {
    let ends_in_space = text.ends_with(char::is_whitespace) && !inside_quotes(text);
    let (mut start, last) = match split_terms(text).pop() {
        Some((s, t)) if !ends_in_space => (s, t),
        _ => (text.len(), String::new()),
    };
    let last = match last.strip_prefix('!') {
        Some(rest) => {
            start += 1;
            rest.to_string()
        }
        None => last,
    };
    let options = match last.split_once(':') {
        Some((name, typed)) => match fields.iter().find(|f| f.name.eq_ignore_ascii_case(name)) {
            Some(spec) => {
                let typed = unquote(typed).to_lowercase();
                let mut v: Vec<String> = values(spec.name)
                    .into_iter()
                    .filter(|v| v.to_lowercase().starts_with(&typed))
                    .map(|v| {
                        if v.contains(char::is_whitespace) {
                            format!("{}:\"{v}\"", spec.name)
                        } else {
                            format!("{}:{v}", spec.name)
                        }
                    })
                    .collect();
                v.sort_by_key(|o| o.to_lowercase());
                v.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
                v
            }
            None => Vec::new(),
        },
        None => fields
            .iter()
            .filter(|f| f.name.starts_with(&last.to_lowercase()))
            .map(|f| format!("{}:", f.name))
            .collect(),
    };
    Completion { start, options }
}

fn inside_quotes(text: &str) -> bool {
    text.chars().filter(|c| *c == '"').count() % 2 == 1
}

/// The longest start every option shares (by characters).
fn common_start(options: &[String]) -> String {
    let first: Vec<char> = options[0].chars().collect();
    let mut len = first.len();
    for o in &options[1..] {
        len = len.min(
            first
                .iter()
                .zip(o.chars())
                .take_while(|(a, b)| **a == *b)
                .count(),
        );
    }
    first[..len].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: [FieldSpec; 3] = [
        FieldSpec {
            name: "status",
            help: "",
        },
        FieldSpec {
            name: "product",
            help: "",
        },
        FieldSpec {
            name: "vc",
            help: "",
        },
    ];

    struct Row {
        number: &'static str,
        status: &'static str,
        product: [&'static str; 2],
        vc: &'static str,
        text: &'static str,
    }

    impl Subject for Row {
        fn text(&self) -> String {
            format!("{} {}", self.number, self.text)
        }
        fn values(&self, field: &str) -> Vec<String> {
            match field {
                "status" => vec![self.status.into()],
                "product" => self.product.iter().map(|s| s.to_string()).collect(),
                "vc" => vec![self.vc.into()],
                _ => Vec::new(),
            }
        }
        fn numbers(&self) -> Vec<E164> {
            E164::parse(self.number).into_iter().collect()
        }
    }

    fn rows() -> Vec<Row> {
        vec![
            Row {
                number: "+13412071360",
                status: "Assigned",
                product: ["Voice Connector", "vc"],
                vc: "Main trunk",
                text: "vc: Main trunk",
            },
            Row {
                number: "+13605550199",
                status: "Unassigned",
                product: ["Business Calling", "bc"],
                vc: "",
                text: "Acme Sales",
            },
            Row {
                number: "+12063601234",
                status: "Unassigned",
                product: ["Voice Connector", "vc"],
                vc: "Main trunk east",
                text: "vc: Main trunk east",
            },
        ]
    }

    /// The numbers of the rows `filter` keeps.
    fn kept(filter: &str) -> Vec<&'static str> {
        let mut q = Query::parse(filter, &FIELDS);
        rows()
            .into_iter()
            .filter(|r| q.matches(r))
            .map(|r| r.number)
            .collect()
    }

    #[test]
    fn field_filters_match_exactly_ignoring_case() {
        assert_eq!(kept("status:assigned"), vec!["+13412071360"]);
        assert_eq!(kept("STATUS:Unassigned").len(), 2);
        assert_eq!(kept("product:vc"), vec!["+13412071360", "+12063601234"]);
        assert_eq!(kept("product:\"business calling\""), vec!["+13605550199"]);
        // Exact: "Main trunk" is not "Main trunk east".
        assert_eq!(kept("vc:\"Main trunk\""), vec!["+13412071360"]);
        assert_eq!(kept("status:assign"), Vec::<&str>::new());
    }

    #[test]
    fn digits_match_in_place_not_anywhere() {
        // 360 as the area code or the exchange, not the end of (341) 207-1360.
        assert_eq!(kept("/360"), vec!["+13605550199", "+12063601234"]);
        assert_eq!(kept("360"), vec!["+13605550199", "+12063601234"]);
        assert_eq!(kept("1360"), vec!["+13412071360", "+13605550199"]);
        assert_eq!(kept("+1360"), vec!["+13605550199"]);
        assert_eq!(kept("\"(206) 360\""), vec!["+12063601234"]);
        assert_eq!(kept("207-13"), vec!["+13412071360"]);
        assert!(digits_in_place(
            "3412071360",
            &E164::parse("+13412071360").unwrap()
        ));
    }

    #[test]
    fn bang_inverts_any_term_and_free_words_stay_substrings_or_fuzzy() {
        assert_eq!(kept("!status:assigned").len(), 2);
        assert_eq!(kept("!/360"), vec!["+13412071360"]);
        assert_eq!(kept("trunk !east"), vec!["+13412071360"]);
        assert_eq!(kept("acme"), vec!["+13605550199"]);
        assert_eq!(kept("~acsl"), vec!["+13605550199"]);
        assert_eq!(kept("asl"), Vec::<&str>::new());
        // An unknown field is a free word; a field without its value yet keeps all.
        assert_eq!(kept("trunk:"), Vec::<&str>::new());
        assert_eq!(kept("vc:").len(), 3);
        assert_eq!(kept("").len(), 3);
    }

    #[test]
    fn digits_on_rows_without_numbers_are_words() {
        struct Order(&'static str);
        impl Subject for Order {
            fn text(&self) -> String {
                self.0.into()
            }
            fn values(&self, _: &str) -> Vec<String> {
                Vec::new()
            }
        }
        let mut q = Query::parse("12", &[]);
        assert!(q.matches(&Order("order-12 New")));
        assert!(!q.matches(&Order("order-3 New")));
    }

    #[test]
    fn tab_completes_field_names_then_values() {
        let values = |f: &str| -> Vec<String> {
            match f {
                "status" => vec!["Assigned".into(), "Unassigned".into()],
                "vc" => vec!["Main trunk".into(), "Main trunk east".into()],
                _ => Vec::new(),
            }
        };
        let c = complete("sta", &FIELDS, &values);
        assert_eq!(c.options, vec!["status:"]);
        assert_eq!(c.apply("sta"), "status:");
        let c = complete("acme !status:una", &FIELDS, &values);
        assert_eq!(c.options, vec!["status:Unassigned"]);
        assert_eq!(c.apply("acme !status:una"), "acme !status:Unassigned ");
        let c = complete("vc:ma", &FIELDS, &values);
        assert_eq!(c.options.len(), 2);
        assert_eq!(c.apply("vc:ma"), "vc:\"Main trunk");
        let c = complete("vc:\"Main trunk e", &FIELDS, &values);
        assert_eq!(c.apply("vc:\"Main trunk e"), "vc:\"Main trunk east\" ");
        let c = complete("acme ", &FIELDS, &values);
        assert_eq!(c.options, vec!["status:", "product:", "vc:"]);
    }
}
