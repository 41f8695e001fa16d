//! Phone numbers in E.164, validated with libphonenumber (the `phonenumber` crate) at the
//! edges; once parsed, a number is a cheap string that is never re-validated.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The US toll-free prefixes (NPA) that the Chime API accepts.
pub const TOLL_FREE_PREFIXES: [u16; 7] = [800, 833, 844, 855, 866, 877, 888];

/// A valid phone number in E.164 form: `+12065550123`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct E164(String);

/// What is wrong with a number as typed, said so the administrator can fix it. Every
/// front end shows these words (the CLI's messages and the console's form checks).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("“{0}” needs + and the country code (E.164), e.g. +12065550123")]
    NotE164(String),
    #[error("“{typed}” needs a + before the country code: {suggestion}")]
    MissingPlus { typed: String, suggestion: String },
    #[error("“{typed}” has “{found}” where a digit belongs")]
    NotADigit { typed: String, found: char },
    #[error("“{typed}”: there is no country code +{code}")]
    UnknownCountryCode { typed: String, code: String },
    #[error("“{typed}” has too many digits: a +{code} number has {expected} after the +{code}")]
    TooLong {
        typed: String,
        code: u16,
        expected: String,
    },
    #[error("“{typed}” has too few digits: a +{code} number has {expected} after the +{code}")]
    TooShort {
        typed: String,
        code: u16,
        expected: String,
    },
    #[error("{0} is not a valid phone number for its country")]
    Invalid(String),
}

/// Local or toll-free, as the Chime API's `PhoneNumberType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NumberType {
    Local,
    TollFree,
}

impl NumberType {
    pub fn label(self) -> &'static str {
        match self {
            NumberType::Local => "Local",
            NumberType::TollFree => "Toll-free",
        }
    }
}

impl E164 {
    /// Parses what an administrator typed. Spaces, dashes, dots and parentheses are allowed
    /// for readability, but the number must carry `+` and its country code. A refusal
    /// says what is wrong: the missing `+`, a character that is not a digit, a country
    /// code that does not exist, too many or too few digits for the country.
    pub fn parse(input: &str) -> Result<E164, NumberError> {
        let trimmed = input.trim();
        let typed = || printable(trimmed);
        let compact = compact(trimmed);
        let Some(digits) = compact.strip_prefix('+') else {
            return Err(missing_plus(&compact)
                .map(|suggestion| NumberError::MissingPlus {
                    typed: typed(),
                    suggestion,
                })
                .unwrap_or_else(|| NumberError::NotE164(typed())));
        };
        if let Some(found) = digits.chars().find(|c| !c.is_ascii_digit()) {
            return Err(NumberError::NotADigit {
                typed: typed(),
                found,
            });
        }
        if digits.is_empty() {
            return Err(NumberError::NotE164(typed()));
        }
        let Some((code, national)) = split_country_code(digits) else {
            return Err(NumberError::UnknownCountryCode {
                typed: typed(),
                code: digits.chars().take(3).collect(),
            });
        };
        if let Some(lengths) = national_lengths(code) {
            let (min, max) = (lengths.all[0], lengths.all[lengths.all.len() - 1]);
            let expected = length_words(&lengths.main);
            if national.len() > usize::from(max) {
                return Err(NumberError::TooLong {
                    typed: typed(),
                    code,
                    expected,
                });
            }
            if national.len() < usize::from(min) {
                return Err(NumberError::TooShort {
                    typed: typed(),
                    code,
                    expected,
                });
            }
        }
        let valid = phonenumber::parse(None, &compact)
            .map(|parsed| phonenumber::is_valid(&parsed))
            .unwrap_or(false);
        if !valid {
            return Err(NumberError::Invalid(compact));
        }
        Ok(E164(compact))
    }

    /// A number to look records up by (`history`, `audit --number`). A NANP number in its
    /// E.164 form is taken as written, without libphonenumber's validity check: its
    /// metadata costs about 100 ms to load in a new process, most of a cold `history`.
    /// The store holds only numbers that passed `parse`, so one that would not has simply
    /// nothing recorded. Any other input is read by `parse`, with its refusals.
    pub fn parse_to_look_up(input: &str) -> Result<E164, NumberError> {
        let compact = compact(input.trim());
        match compact.strip_prefix("+1") {
            Some(national)
                if national.len() == 10 && national.bytes().all(|b| b.is_ascii_digit()) =>
            {
                Ok(E164(compact))
            }
            _ => E164::parse(input),
        }
    }

    /// Builds a NANP number from its ten digits without the libphonenumber check; for the
    /// simulated carrier, whose numbers come from real NPA-NXX blocks.
    pub fn nanp(npa: u16, nxx: u16, line: u16) -> E164 {
        E164(format!("+1{npa:03}{nxx:03}{line:04}"))
    }

    /// Wraps text read back from the store's own indexes, written from valid numbers.
    pub fn from_stored(text: String) -> E164 {
        E164(text)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number's digits (without `+`) as one integer: E.164 has at most 15 digits and
    /// no country code starts with 0, so two numbers are equal exactly when these are.
    pub fn digits(&self) -> Option<u64> {
        self.0.strip_prefix('+')?.parse().ok()
    }

    /// True for +1 (the North American Numbering Plan).
    pub fn is_nanp(&self) -> bool {
        self.0.len() == 12 && self.0.starts_with("+1")
    }

    /// The NANP area code (NPA), if this is a +1 number.
    pub fn area_code(&self) -> Option<u16> {
        self.is_nanp().then(|| self.0[2..5].parse().ok()).flatten()
    }

    pub fn number_type(&self) -> NumberType {
        match self.area_code() {
            Some(npa) if TOLL_FREE_PREFIXES.contains(&npa) => NumberType::TollFree,
            _ => NumberType::Local,
        }
    }

    /// True when libphonenumber places the number in the United States (not Canada or
    /// another NANP country); toll-free +1 numbers count as US.
    pub fn is_us(&self) -> bool {
        if !self.is_nanp() {
            return false;
        }
        if self.number_type() == NumberType::TollFree {
            return true;
        }
        phonenumber::parse(None, &self.0)
            .ok()
            .and_then(|n| n.country().id())
            .map(|id| id == phonenumber::country::Id::US)
            .unwrap_or(false)
    }

    /// The ISO 3166 alpha-2 country libphonenumber places the number in (`US`, `GB`);
    /// toll-free +1 numbers count as US.
    pub fn country(&self) -> Option<String> {
        if self.is_nanp() && self.number_type() == NumberType::TollFree {
            return Some("US".into());
        }
        phonenumber::parse(None, &self.0)
            .ok()
            .and_then(|n| n.country().id())
            .map(|id| id.as_ref().to_string())
    }

    /// National format: `(206) 555-0123` for NANP, libphonenumber's format elsewhere.
    pub fn national(&self) -> String {
        if self.is_nanp() {
            let d = &self.0[2..];
            return format!("({}) {}-{}", &d[..3], &d[3..6], &d[6..]);
        }
        phonenumber::parse(None, &self.0)
            .map(|n| n.format().mode(phonenumber::Mode::National).to_string())
            .unwrap_or_else(|_| self.0.clone())
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Validates a toll-free prefix as typed for a search (`800`, `8(00|33|44|55|66|77|88)`).
pub fn parse_toll_free_prefix(text: &str) -> Option<u16> {
    let p: u16 = text.trim().parse().ok()?;
    TOLL_FREE_PREFIXES.contains(&p).then_some(p)
}

/// Digits typed without `+` that form a valid NANP number with their leading 1
/// (`1-206-223-2948`): the number they were meant to be.
fn missing_plus(compact: &str) -> Option<String> {
    let nanp = compact.len() == 11
        && compact.starts_with('1')
        && compact.bytes().all(|b| b.is_ascii_digit());
    let with_plus = format!("+{compact}");
    (nanp && E164::parse(&with_plus).is_ok()).then_some(with_plus)
}

/// A typed number without the spaces, dashes, dots and parentheses allowed for readability.
fn compact(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect()
}

/// The country calling code at the start of `digits` and the national number after it.
/// Calling codes are prefix-free, so the first one that exists is the one.
fn split_country_code(digits: &str) -> Option<(u16, &str)> {
    (1..=3.min(digits.len())).find_map(|len| {
        let code: u16 = digits[..len].parse().ok()?;
        phonenumber::metadata::DATABASE
            .region(&code)
            .map(|_| (code, &digits[len..]))
    })
}

/// How many digits the national numbers of a calling code may have, shortest first: in
/// any of its countries (`all`), and in its main country (+1: the United States), which
/// messages quote.
struct NationalLengths {
    all: Vec<u16>,
    main: Vec<u16>,
}

fn national_lengths(code: u16) -> Option<NationalLengths> {
    let countries = phonenumber::metadata::DATABASE.by_code(&code)?;
    let main = countries
        .iter()
        .find(|m| m.is_main_country_for_code())
        .or_else(|| countries.first())?;
    let all: Vec<u16> = sorted(countries.iter().flat_map(|m| lengths_of(m)));
    let main = sorted(lengths_of(main));
    (!all.is_empty() && !main.is_empty()).then_some(NationalLengths { all, main })
}

fn sorted(lengths: impl IntoIterator<Item = u16>) -> Vec<u16> {
    let mut v: Vec<u16> = lengths.into_iter().collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The lengths of one country's numbers. The metadata keeps them per kind of number
/// (fixed line, mobile, toll-free, ...), not always on the general description.
fn lengths_of(m: &phonenumber::Metadata) -> Vec<u16> {
    let d = m.descriptors();
    [
        Some(d.general()),
        d.fixed_line(),
        d.mobile(),
        d.toll_free(),
        d.premium_rate(),
        d.shared_cost(),
        d.personal_number(),
        d.voip(),
        d.pager(),
        d.uan(),
        d.voicemail(),
    ]
    .into_iter()
    .flatten()
    .flat_map(|k| k.possible_length().iter().copied())
    .collect()
}

/// "10", "9 or 10", "5 to 12" digits.
fn length_words(lengths: &[u16]) -> String {
    match lengths {
        [one] => one.to_string(),
        [a, b] => format!("{a} or {b}"),
        many => format!("{} to {}", many[0], many[many.len() - 1]),
    }
}

/// Untrusted text made safe to echo in an error message.
fn printable(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_to_look_up_is_read_by_its_form_alone() {
        // No NANP area code starts with 1: libphonenumber refuses this as a number to use,
        // but looking it up needs only its form (the store holds no such number).
        assert!(E164::parse("+11235550123").is_err());
        let n = E164::parse_to_look_up(" +1 (123) 555-0123 ").unwrap();
        assert_eq!(n.as_str(), "+11235550123");
        assert_eq!(
            E164::parse_to_look_up("+12065550123").unwrap(),
            E164::parse("+12065550123").unwrap()
        );
        // Anything else is read by `parse`, with its refusals.
        for bad in [
            "2065550123",
            "+1206555012a",
            "+1206555012",
            "+120655501234",
            "555",
            "+",
        ] {
            assert_eq!(
                E164::parse_to_look_up(bad).unwrap_err().to_string(),
                E164::parse(bad).unwrap_err().to_string(),
                "{bad}"
            );
        }
    }

    #[test]
    fn parses_e164_with_readability_characters() {
        let n = E164::parse(" +1 (206) 555-0123 ").unwrap();
        assert_eq!(n.as_str(), "+12065550123");
        assert_eq!(n.national(), "(206) 555-0123");
        assert_eq!(n.area_code(), Some(206));
        assert_eq!(n.number_type(), NumberType::Local);
        assert!(n.is_us());
    }

    #[test]
    fn refuses_numbers_without_country_code_or_malformed() {
        for bad in ["2065550123", "", "+", "phone", "206-555-0123"] {
            assert!(
                matches!(E164::parse(bad), Err(NumberError::NotE164(_))),
                "{bad}"
            );
        }
        for bad in ["+1abc5550123", "++12065550123", "+1206555O123"] {
            assert!(
                matches!(E164::parse(bad), Err(NumberError::NotADigit { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn says_what_is_wrong_with_a_number() {
        let say = |s: &str| E164::parse(s).unwrap_err().to_string();
        assert_eq!(
            say("+99912345678"),
            "“+99912345678”: there is no country code +999"
        );
        assert_eq!(
            say("+1206555012345678"),
            "“+1206555012345678” has too many digits: a +1 number has 10 after the +1"
        );
        assert_eq!(
            say("+1206"),
            "“+1206” has too few digits: a +1 number has 10 after the +1"
        );
        assert_eq!(
            say("1-206-223-2948"),
            "“1-206-223-2948” needs a + before the country code: +12062232948"
        );
        assert_eq!(
            say("+1206555O123"),
            "“+1206555O123” has “O” where a digit belongs"
        );
        // Eleven digits with a leading 1 that are not a valid number get no suggestion.
        assert!(matches!(
            E164::parse("10065550123"),
            Err(NumberError::NotE164(_))
        ));
    }

    #[test]
    fn refuses_numbers_invalid_for_their_country() {
        // NANP area codes never start with 0 or 1.
        assert!(matches!(
            E164::parse("+10065550123"),
            Err(NumberError::Invalid(_))
        ));
    }

    #[test]
    fn classifies_toll_free_and_foreign_numbers() {
        let tf = E164::parse("+18005550199").unwrap();
        assert_eq!(tf.number_type(), NumberType::TollFree);
        assert!(tf.is_us());
        let ca = E164::parse("+14165550123").unwrap(); // Toronto
        assert!(!ca.is_us());
        let uk = E164::parse("+442079460123").unwrap();
        assert!(!uk.is_us());
        assert_eq!(uk.number_type(), NumberType::Local);
        assert_eq!(uk.country().as_deref(), Some("GB"));
        assert_eq!(ca.country().as_deref(), Some("CA"));
        assert_eq!(tf.country().as_deref(), Some("US"));
    }

    #[test]
    fn toll_free_prefixes_are_the_seven_us_ones() {
        assert_eq!(parse_toll_free_prefix("888"), Some(888));
        assert_eq!(parse_toll_free_prefix("822"), None);
        assert_eq!(parse_toll_free_prefix("900"), None);
    }
}
