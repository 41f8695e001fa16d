//! Searching the carrier for available numbers: the query an administrator fills in, the
//! rules it must follow before it reaches the carrier, and what comes back.

use super::{NumberType, E164, TOLL_FREE_PREFIXES};
use serde::{Deserialize, Serialize};

/// The most results one search returns (the Chime API's `MaxResults` bound).
pub const MAX_SEARCH_RESULTS: usize = 500;

/// How many results a new query asks for.
pub const DEFAULT_SEARCH_RESULTS: usize = 10;

/// The 50 states and the District of Columbia: two-letter code and name.
pub const US_STATES: [(&str, &str); 51] = [
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
];

/// The state a code or name designates (`"wa"`, `"WA"`, `"Washington"`), as its entry in
/// `US_STATES`.
pub fn us_state(text: &str) -> Option<(&'static str, &'static str)> {
    let t = collapse_spaces(text);
    US_STATES
        .iter()
        .copied()
        .find(|(code, name)| code.eq_ignore_ascii_case(&t) || name.eq_ignore_ascii_case(&t))
}

/// What an administrator asks the carrier for (the API's `SearchAvailablePhoneNumbers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// ISO 3166 country code: `US`.
    pub country: String,
    /// Two-letter state code: `WA`.
    pub state: Option<String>,
    /// A city of `state`, as the carrier names it: `Seattle`.
    pub city: Option<String>,
    /// NANP area code (NPA): `206`.
    pub area_code: Option<u16>,
    /// One of the US toll-free prefixes: `800`, `833`, ... `888`.
    pub toll_free_prefix: Option<u16>,
    /// Digits the number must contain anywhere in its national number: `555`.
    pub contains: Option<String>,
    pub number_type: Option<NumberType>,
    /// How many numbers to return at most.
    pub limit: usize,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery::us()
    }
}

/// Why a search was refused before it reached the carrier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    #[error("the carrier has United States numbers only: search with country US, not “{0}”")]
    UnsupportedCountry(String),
    #[error(
        "a US search needs an area code, a state, a city with its state, or a toll-free prefix"
    )]
    NeedsLocation,
    #[error("a city search needs the city's state too, e.g. Seattle in WA")]
    CityWithoutState,
    #[error("“{0}” is not a US state: use its two-letter code, e.g. WA")]
    UnknownState(String),
    #[error("an area code has 3 digits from 200 to 999, not {0}")]
    BadAreaCode(u16),
    #[error("{0} is a toll-free prefix, not an area code: search by toll-free prefix instead")]
    AreaCodeIsTollFree(u16),
    #[error("{0} is not a toll-free prefix: use 800, 833, 844, 855, 866, 877 or 888")]
    BadTollFreePrefix(u16),
    #[error(
        "toll-free numbers have no area code, state or city: search by toll-free prefix alone"
    )]
    TollFreeWithPlace,
    #[error("a toll-free prefix finds toll-free numbers, not local ones")]
    LocalWithTollFreePrefix,
    #[error("toll-free numbers are found by toll-free prefix, not by area code, state or city")]
    TollFreeWithoutPrefix,
    #[error("“{0}” is not a digit pattern: use 1 to 10 digits, e.g. 555")]
    BadPattern(String),
    #[error("ask for 1 to {max} numbers, not {asked}")]
    BadLimit { asked: usize, max: usize },
}

/// A number the carrier offers, with where it rings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailableNumber {
    pub number: E164,
    pub number_type: NumberType,
    pub city: Option<String>,
    /// Two-letter state code; `None` for toll-free numbers.
    pub state: Option<String>,
}

impl AvailableNumber {
    /// `Seattle, WA`, `Washington`, or `Toll-free`.
    pub fn place(&self) -> String {
        match (&self.city, &self.state) {
            (Some(c), Some(s)) => format!("{c}, {s}"),
            (None, Some(s)) => us_state(s)
                .map(|(_, name)| name.to_string())
                .unwrap_or_else(|| s.clone()),
            _ if self.number_type == NumberType::TollFree => {
                NumberType::TollFree.label().to_string()
            }
            _ => String::new(),
        }
    }
}

impl SearchQuery {
    /// A US search with nothing chosen yet, asking for `DEFAULT_SEARCH_RESULTS` numbers.
    pub fn us() -> Self {
        SearchQuery {
            country: "US".into(),
            state: None,
            city: None,
            area_code: None,
            toll_free_prefix: None,
            contains: None,
            number_type: None,
            limit: DEFAULT_SEARCH_RESULTS,
        }
    }

    pub fn with_state(mut self, state: impl Into<String>) -> Self {
        self.state = Some(state.into());
        self
    }

    pub fn with_city(mut self, city: impl Into<String>, state: impl Into<String>) -> Self {
        self.city = Some(city.into());
        self.state = Some(state.into());
        self
    }

    pub fn with_area_code(mut self, npa: u16) -> Self {
        self.area_code = Some(npa);
        self
    }

    pub fn with_toll_free_prefix(mut self, prefix: u16) -> Self {
        self.toll_free_prefix = Some(prefix);
        self
    }

    pub fn with_contains(mut self, digits: impl Into<String>) -> Self {
        self.contains = Some(digits.into());
        self
    }

    pub fn with_type(mut self, number_type: NumberType) -> Self {
        self.number_type = Some(number_type);
        self
    }

    pub fn with_limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    /// The query as typed, tidied: country upper-cased, a state name turned into its code,
    /// spaces collapsed, blank text dropped, and `-`, `.`, spaces and parentheses removed
    /// from the digit pattern. Whatever it cannot tidy is left for `validate` to refuse.
    pub fn normalized(&self) -> SearchQuery {
        let text = |s: &Option<String>| s.as_deref().map(collapse_spaces).filter(|s| !s.is_empty());
        let state =
            text(&self.state).map(|s| us_state(&s).map(|(code, _)| code.to_string()).unwrap_or(s));
        let contains = self
            .contains
            .as_deref()
            .map(|c| {
                c.chars()
                    .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
                    .collect::<String>()
            })
            .filter(|c| !c.is_empty());
        SearchQuery {
            country: self.country.trim().to_ascii_uppercase(),
            state,
            city: text(&self.city),
            area_code: self.area_code,
            toll_free_prefix: self.toll_free_prefix,
            contains,
            number_type: self.number_type,
            limit: self.limit,
        }
    }

    /// The number type the query asks for, explicitly or by its toll-free prefix.
    pub fn effective_type(&self) -> Option<NumberType> {
        self.number_type
            .or(self.toll_free_prefix.map(|_| NumberType::TollFree))
    }

    /// Checks the search rules; `policy_limit` is the configured results bound (never more
    /// than `MAX_SEARCH_RESULTS`). Blank text counts as not given.
    pub fn validate(&self, policy_limit: usize) -> Result<(), SearchError> {
        let given =
            |s: &Option<String>| s.as_deref().map(|s| !s.trim().is_empty()).unwrap_or(false);
        let country = self.country.trim();
        if !country.eq_ignore_ascii_case("US") {
            return Err(SearchError::UnsupportedCountry(printable(country)));
        }
        let max = policy_limit.clamp(1, MAX_SEARCH_RESULTS);
        if self.limit == 0 || self.limit > max {
            return Err(SearchError::BadLimit {
                asked: self.limit,
                max,
            });
        }
        let (has_state, has_city) = (given(&self.state), given(&self.city));
        if has_city && !has_state {
            return Err(SearchError::CityWithoutState);
        }
        if let Some(state) = self.state.as_deref().filter(|_| has_state) {
            let s = collapse_spaces(state);
            if !(s.len() == 2 && us_state(&s).is_some()) {
                return Err(SearchError::UnknownState(printable(&s)));
            }
        }
        if let Some(npa) = self.area_code {
            if !(200..=999).contains(&npa) {
                return Err(SearchError::BadAreaCode(npa));
            }
            if TOLL_FREE_PREFIXES.contains(&npa) {
                return Err(SearchError::AreaCodeIsTollFree(npa));
            }
        }
        let has_place = has_state || self.area_code.is_some();
        if let Some(prefix) = self.toll_free_prefix {
            if !TOLL_FREE_PREFIXES.contains(&prefix) {
                return Err(SearchError::BadTollFreePrefix(prefix));
            }
            if has_place {
                return Err(SearchError::TollFreeWithPlace);
            }
            if self.number_type == Some(NumberType::Local) {
                return Err(SearchError::LocalWithTollFreePrefix);
            }
        } else if !has_place {
            return Err(SearchError::NeedsLocation);
        } else if self.number_type == Some(NumberType::TollFree) {
            return Err(SearchError::TollFreeWithoutPrefix);
        }
        if let Some(c) = &self.contains {
            if c.is_empty() || c.len() > 10 || !c.bytes().all(|b| b.is_ascii_digit()) {
                return Err(SearchError::BadPattern(printable(c)));
            }
        }
        Ok(())
    }
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Untrusted text made safe to echo in an error message.
fn printable(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: usize = 500;

    fn ok(q: SearchQuery) {
        assert_eq!(q.validate(LIMIT), Ok(()), "{q:?}");
    }

    fn err(q: SearchQuery) -> SearchError {
        q.validate(LIMIT).expect_err("the query should be refused")
    }

    #[test]
    fn a_us_search_needs_a_place_or_a_toll_free_prefix() {
        assert_eq!(err(SearchQuery::us()), SearchError::NeedsLocation);
        assert_eq!(
            err(SearchQuery::us().with_contains("555")),
            SearchError::NeedsLocation
        );
        assert_eq!(
            err(SearchQuery::us().with_type(NumberType::Local)),
            SearchError::NeedsLocation
        );
        ok(SearchQuery::us().with_area_code(206));
        ok(SearchQuery::us().with_state("WA"));
        ok(SearchQuery::us().with_city("Seattle", "WA"));
        ok(SearchQuery::us().with_toll_free_prefix(888));
        assert_eq!(
            SearchError::NeedsLocation.to_string(),
            "a US search needs an area code, a state, a city with its state, or a toll-free prefix"
        );
    }

    #[test]
    fn blank_text_counts_as_not_given() {
        let mut q = SearchQuery::us();
        q.state = Some("  ".into());
        assert_eq!(err(q), SearchError::NeedsLocation);
    }

    #[test]
    fn a_city_needs_its_state() {
        let mut q = SearchQuery::us();
        q.city = Some("Seattle".into());
        assert_eq!(err(q.clone()), SearchError::CityWithoutState);
        q.area_code = Some(206);
        assert_eq!(err(q), SearchError::CityWithoutState);
    }

    #[test]
    fn states_are_two_letter_us_codes() {
        ok(SearchQuery::us().with_state("wa"));
        ok(SearchQuery::us().with_state("DC"));
        assert_eq!(
            err(SearchQuery::us().with_state("ON")),
            SearchError::UnknownState("ON".into())
        );
        assert_eq!(
            err(SearchQuery::us().with_state("Washington")),
            SearchError::UnknownState("Washington".into())
        );
        // ...but tidying turns a state name into its code.
        ok(SearchQuery::us().with_state(" washington ").normalized());
        assert_eq!(
            SearchQuery::us()
                .with_state("new  york")
                .normalized()
                .state
                .as_deref(),
            Some("NY")
        );
    }

    #[test]
    fn area_codes_have_three_digits_from_200() {
        ok(SearchQuery::us().with_area_code(200));
        ok(SearchQuery::us().with_area_code(999));
        for bad in [0, 12, 199, 1000, 2065] {
            assert_eq!(
                err(SearchQuery::us().with_area_code(bad)),
                SearchError::BadAreaCode(bad)
            );
        }
        assert_eq!(
            err(SearchQuery::us().with_area_code(800)),
            SearchError::AreaCodeIsTollFree(800)
        );
    }

    #[test]
    fn toll_free_prefixes_are_the_seven_us_ones() {
        for p in TOLL_FREE_PREFIXES {
            ok(SearchQuery::us().with_toll_free_prefix(p));
        }
        for bad in [800 - 1, 822, 900, 811] {
            assert_eq!(
                err(SearchQuery::us().with_toll_free_prefix(bad)),
                SearchError::BadTollFreePrefix(bad)
            );
        }
    }

    #[test]
    fn toll_free_and_places_do_not_mix() {
        assert_eq!(
            err(SearchQuery::us()
                .with_toll_free_prefix(800)
                .with_state("WA")),
            SearchError::TollFreeWithPlace
        );
        assert_eq!(
            err(SearchQuery::us()
                .with_toll_free_prefix(800)
                .with_area_code(206)),
            SearchError::TollFreeWithPlace
        );
        assert_eq!(
            err(SearchQuery::us()
                .with_toll_free_prefix(800)
                .with_type(NumberType::Local)),
            SearchError::LocalWithTollFreePrefix
        );
        assert_eq!(
            err(SearchQuery::us()
                .with_area_code(206)
                .with_type(NumberType::TollFree)),
            SearchError::TollFreeWithoutPrefix
        );
        ok(SearchQuery::us()
            .with_toll_free_prefix(800)
            .with_type(NumberType::TollFree));
        ok(SearchQuery::us()
            .with_area_code(206)
            .with_type(NumberType::Local));
        assert_eq!(
            SearchQuery::us()
                .with_toll_free_prefix(800)
                .effective_type(),
            Some(NumberType::TollFree)
        );
    }

    #[test]
    fn patterns_are_one_to_ten_digits() {
        ok(SearchQuery::us().with_area_code(206).with_contains("5"));
        ok(SearchQuery::us()
            .with_area_code(206)
            .with_contains("2065550123"));
        for bad in ["", "20655501234", "55a", "+1", "5 5"] {
            assert_eq!(
                err(SearchQuery::us().with_area_code(206).with_contains(bad)),
                SearchError::BadPattern(bad.into()),
                "{bad}"
            );
        }
        // Tidying removes what people type for readability.
        let q = SearchQuery::us()
            .with_area_code(206)
            .with_contains("555-01")
            .normalized();
        assert_eq!(q.contains.as_deref(), Some("55501"));
        ok(q);
    }

    #[test]
    fn limits_run_from_one_to_the_policy_bound() {
        ok(SearchQuery::us().with_area_code(206).with_limit(1));
        ok(SearchQuery::us().with_area_code(206).with_limit(500));
        assert_eq!(
            err(SearchQuery::us().with_area_code(206).with_limit(0)),
            SearchError::BadLimit { asked: 0, max: 500 }
        );
        assert_eq!(
            err(SearchQuery::us().with_area_code(206).with_limit(501)),
            SearchError::BadLimit {
                asked: 501,
                max: 500
            }
        );
        let q = SearchQuery::us().with_area_code(206).with_limit(30);
        assert_eq!(
            q.validate(25),
            Err(SearchError::BadLimit { asked: 30, max: 25 })
        );
        // The API's bound holds even when the configuration asks for more.
        let q = SearchQuery::us().with_area_code(206).with_limit(600);
        assert_eq!(
            q.validate(1000),
            Err(SearchError::BadLimit {
                asked: 600,
                max: 500
            })
        );
    }

    #[test]
    fn only_us_numbers_are_searched() {
        ok(SearchQuery {
            country: "us".into(),
            ..SearchQuery::us().with_area_code(206)
        });
        let q = SearchQuery {
            country: "CA".into(),
            ..SearchQuery::us().with_area_code(416)
        };
        assert_eq!(err(q), SearchError::UnsupportedCountry("CA".into()));
        let q = SearchQuery {
            country: "".into(),
            ..SearchQuery::us().with_area_code(206)
        };
        assert!(err(q).to_string().contains("United States numbers only"));
        assert_eq!(
            SearchQuery {
                country: " us ".into(),
                ..SearchQuery::us()
            }
            .normalized()
            .country,
            "US"
        );
    }

    #[test]
    fn queries_round_trip_through_json() {
        let q = SearchQuery::us()
            .with_city("Seattle", "WA")
            .with_contains("55")
            .with_type(NumberType::Local);
        let back: SearchQuery = serde_json::from_str(&serde_json::to_string(&q).unwrap()).unwrap();
        assert_eq!(back, q);
        assert_eq!(SearchQuery::default(), SearchQuery::us());
    }

    #[test]
    fn available_numbers_name_their_place() {
        let n = |city: Option<&str>, state: Option<&str>, t| AvailableNumber {
            number: E164::nanp(206, 215, 1234),
            number_type: t,
            city: city.map(String::from),
            state: state.map(String::from),
        };
        assert_eq!(
            n(Some("Seattle"), Some("WA"), NumberType::Local).place(),
            "Seattle, WA"
        );
        assert_eq!(n(None, Some("WA"), NumberType::Local).place(), "Washington");
        assert_eq!(n(None, None, NumberType::TollFree).place(), "Toll-free");
    }

    #[test]
    fn state_names_and_codes_are_recognised() {
        assert_eq!(us_state("dc"), Some(("DC", "District of Columbia")));
        assert_eq!(us_state("North  Dakota"), Some(("ND", "North Dakota")));
        assert_eq!(us_state("Ontario"), None);
        assert_eq!(US_STATES.len(), 51);
    }
}
