//! Phone numbers in E.164, validated with libphonenumber (the `phonenumber` crate) at the
//! edges; once parsed, a number is a cheap string that is never re-validated.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The US toll-free prefixes (NPA) that the Chime API accepts.
pub const TOLL_FREE_PREFIXES: [u16; 7] = [800, 833, 844, 855, 866, 877, 888];

/// A valid phone number in E.164 form: `+12065550123`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct E164(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("“{0}” needs + and the country code (E.164), e.g. +12065550123")]
    NotE164(String),
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
    /// for readability, but the number must carry `+` and its country code.
    pub fn parse(input: &str) -> Result<E164, NumberError> {
        let trimmed = input.trim();
        let compact: String = trimmed
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        let digits = compact.strip_prefix('+').unwrap_or("");
        if digits.len() < 8 || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NumberError::NotE164(printable(trimmed)));
        }
        let parsed = phonenumber::parse(None, &compact)
            .map_err(|_| NumberError::NotE164(printable(trimmed)))?;
        if !phonenumber::is_valid(&parsed) {
            return Err(NumberError::Invalid(compact));
        }
        Ok(E164(compact))
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

/// Untrusted text made safe to echo in an error message.
fn printable(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        for bad in [
            "2065550123",
            "",
            "+",
            "+1abc5550123",
            "phone",
            "+12",
            "++12065550123",
        ] {
            assert!(
                matches!(E164::parse(bad), Err(NumberError::NotE164(_))),
                "{bad}"
            );
        }
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
