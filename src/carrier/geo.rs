//! The North American exchanges the simulated carrier sells from: libphonenumber's
//! geocoding data for +1 (`assets/geocoding/en/1.txt`), parsed once, kept for the 50 states
//! and DC, and indexed by state, city and area code.

use crate::domain::{us_state, E164, TOLL_FREE_PREFIXES, US_STATES};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

/// libphonenumber 9.0.33, `resources/geocoding/en/1.txt` (Apache-2.0): see `assets/README.md`.
const GEOCODING_NANP: &str = include_str!("../../assets/geocoding/en/1.txt");

/// One NPA-NXX block: the first six digits of a ten-digit NANP number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exchange {
    pub npa: u16,
    pub nxx: u16,
    /// Index into `US_STATES`; `None` for toll-free exchanges.
    pub state: Option<u8>,
    /// Index into `Geo::cities`, when the data names the city.
    pub city: Option<u32>,
}

impl Exchange {
    pub fn code(&self) -> u32 {
        self.npa as u32 * 1000 + self.nxx as u32
    }

    pub fn is_toll_free(&self) -> bool {
        self.state.is_none()
    }
}

/// A place from the data: a city in a state, or a whole state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    state: u8,
    city: Option<u32>,
}

/// The parsed data and its indexes. Built once per process (`geo()`).
pub(crate) struct Geo {
    pub exchanges: Vec<Exchange>,
    pub cities: Vec<String>,
    by_state: Vec<Vec<u32>>,
    by_city: HashMap<(u8, String), Vec<u32>>,
    /// Indexed by area code (0 to 999).
    by_npa: Vec<Vec<u32>>,
    /// Prefixes of the national number (3 to 6 digits, as (length, value)) to their place,
    /// for `place_of`.
    places: HashMap<(u8, u32), Place>,
    /// City names per state, sorted, for pick lists.
    state_cities: Vec<Vec<String>>,
}

pub(crate) fn geo() -> &'static Geo {
    static GEO: OnceLock<Geo> = OnceLock::new();
    GEO.get_or_init(|| Geo::parse(GEOCODING_NANP))
}

/// An exchange code that can hold ordinary numbers: `[2-9]XX`, not an N11 service code, not
/// 555 (directory and fictional use) and not 950/958/959/976 (carrier access, test, premium).
pub(crate) fn is_assignable_nxx(nxx: u16) -> bool {
    (200..=999).contains(&nxx) && nxx % 100 != 11 && !matches!(nxx, 555 | 950 | 958 | 959 | 976)
}

/// The key of a city in the index: lower case, single spaces.
pub(crate) fn city_key(city: &str) -> String {
    city.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

pub(crate) fn state_index(code_or_name: &str) -> Option<u8> {
    let (code, _) = us_state(code_or_name)?;
    US_STATES
        .iter()
        .position(|(c, _)| *c == code)
        .map(|i| i as u8)
}

/// `Seattle, WA` to a place; state names (`New Jersey`, `Washington State`,
/// `Washington D.C.`) to a whole state; anything outside the 50 states and DC to `None`.
fn parse_place(text: &str, intern: &mut impl FnMut(&str) -> u32) -> Option<Place> {
    let text = text.trim();
    if let Some((city, code)) = text.rsplit_once(", ") {
        let is_code = code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase());
        if is_code {
            let state = US_STATES.iter().position(|(c, _)| *c == code)? as u8;
            return Some(Place {
                state,
                city: Some(intern(city.trim())),
            });
        }
    }
    let state = match text {
        "Washington State" => state_index("WA"),
        "Washington D.C." | "Washington DC" => state_index("DC"),
        name => state_index(name),
    }?;
    Some(Place { state, city: None })
}

impl Geo {
    fn parse(data: &str) -> Geo {
        let mut cities: Vec<String> = Vec::new();
        let mut city_ids: HashMap<String, u32> = HashMap::new();
        let mut intern = |name: &str| -> u32 {
            *city_ids.entry(name.to_string()).or_insert_with(|| {
                cities.push(name.to_string());
                (cities.len() - 1) as u32
            })
        };
        let mut places: HashMap<(u8, u32), Place> = HashMap::new();
        // Every NPA with an exchange-level entry, US or not: those are never filled in.
        let mut npas_with_exchanges: HashSet<u16> = HashSet::new();
        let mut exchanges: Vec<Exchange> = Vec::new();
        for line in data.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((prefix, place)) = line.split_once('|') else {
                continue;
            };
            let Some(digits) = prefix.strip_prefix('1') else {
                continue;
            };
            if !(3..=6).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            if digits.len() == 6 {
                npas_with_exchanges.insert(digits[..3].parse().unwrap_or(0));
            }
            let Some(place) = parse_place(place, &mut intern) else {
                continue;
            };
            places.insert((digits.len() as u8, digits.parse().unwrap_or(0)), place);
            if digits.len() == 6 {
                let npa: u16 = digits[..3].parse().unwrap_or(0);
                let nxx: u16 = digits[3..].parse().unwrap_or(0);
                if (200..=999).contains(&npa) && (200..=999).contains(&nxx) {
                    exchanges.push(Exchange {
                        npa,
                        nxx,
                        state: Some(place.state),
                        city: place.city,
                    });
                }
            }
        }
        // Area codes the data knows only as a whole (DC's 202, new overlays): every
        // assignable exchange of the area code, placed by the longest known prefix.
        // (About a hundred area codes; checking 8 blocks each takes a few milliseconds.)
        let mut filled: BTreeSet<u16> = BTreeSet::new();
        for &(len, value) in places.keys().filter(|(len, _)| *len < 6) {
            let npa = (value / 10u32.pow(len as u32 - 3)) as u16;
            if !npas_with_exchanges.contains(&npa) && (200..=999).contains(&npa) {
                filled.insert(npa);
            }
        }
        for npa in filled {
            let open = open_blocks(npa);
            // No exchange-level entries here: the place depends on the first two NXX digits.
            let mut block = (u16::MAX, None);
            for nxx in (200..=999).filter(|&x| is_assignable_nxx(x) && open.contains(&(x / 100))) {
                if block.0 != nxx / 10 {
                    block = (
                        nxx / 10,
                        longest_place(&places, npa as u32 * 1000 + nxx as u32),
                    );
                }
                if let Some(place) = block.1 {
                    exchanges.push(Exchange {
                        npa,
                        nxx,
                        state: Some(place.state),
                        city: place.city,
                    });
                }
            }
        }
        for npa in TOLL_FREE_PREFIXES {
            for nxx in (200..=999).filter(|&x| is_assignable_nxx(x)) {
                exchanges.push(Exchange {
                    npa,
                    nxx,
                    state: None,
                    city: None,
                });
            }
        }
        exchanges.sort_by_key(|e| e.code());
        exchanges.dedup_by_key(|e| e.code());

        let mut by_state = vec![Vec::new(); US_STATES.len()];
        let mut by_city_id: HashMap<(u8, u32), Vec<u32>> = HashMap::new();
        let mut by_npa: Vec<Vec<u32>> = vec![Vec::new(); 1000];
        for (i, e) in exchanges.iter().enumerate() {
            let i = i as u32;
            by_npa[e.npa as usize].push(i);
            if let Some(s) = e.state {
                by_state[s as usize].push(i);
                if let Some(c) = e.city {
                    by_city_id.entry((s, c)).or_default().push(i);
                }
            }
        }
        // Spellings that differ only in case or spacing are one city.
        let mut by_city: HashMap<(u8, String), Vec<u32>> = HashMap::new();
        let mut state_cities: Vec<Vec<String>> = vec![Vec::new(); US_STATES.len()];
        let mut groups: Vec<((u8, u32), Vec<u32>)> = by_city_id.into_iter().collect();
        groups.sort_unstable_by_key(|(key, _)| *key);
        for ((s, c), ids) in groups {
            let name = &cities[c as usize];
            let list = by_city.entry((s, city_key(name))).or_default();
            if list.is_empty() {
                state_cities[s as usize].push(name.clone());
            }
            list.extend(ids);
        }
        for list in by_city.values_mut() {
            list.sort_unstable();
        }
        for names in &mut state_cities {
            names.sort_by_cached_key(|c| (city_key(c), c.clone()));
        }
        Geo {
            exchanges,
            cities,
            by_state,
            by_city,
            by_npa,
            places,
            state_cities,
        }
    }

    /// The exchange of a number, if the carrier has it.
    pub fn exchange(&self, npa: u16, nxx: u16) -> Option<&Exchange> {
        // The exchanges are sorted by code.
        let code = npa as u32 * 1000 + nxx as u32;
        let i = self
            .exchanges
            .binary_search_by_key(&code, |e| e.code())
            .ok()?;
        Some(&self.exchanges[i])
    }

    pub fn in_state(&self, state: u8) -> &[u32] {
        self.by_state
            .get(state as usize)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    pub fn in_city(&self, state: u8, city: &str) -> &[u32] {
        self.by_city
            .get(&(state, city_key(city)))
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    pub fn in_npa(&self, npa: u16) -> &[u32] {
        self.by_npa
            .get(npa as usize)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    pub fn cities_of(&self, state: u8) -> &[String] {
        self.state_cities
            .get(state as usize)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
    }

    pub fn city_name(&self, e: &Exchange) -> Option<&str> {
        e.city.map(|c| self.cities[c as usize].as_str())
    }

    /// Where a US number rings, by the longest prefix the data knows: `Seattle, WA`, or the
    /// state's name. `None` for toll-free, non-US and unknown numbers.
    pub fn place_of(&self, n: &E164) -> Option<String> {
        let (city, state) = self.city_and_state_of(n)?;
        Some(match city {
            Some(c) => format!("{c}, {state}"),
            None => US_STATES
                .iter()
                .find(|(code, _)| *code == state)
                .map_or(state, |(_, name)| name)
                .to_string(),
        })
    }

    /// Where a US number rings: its city when known, and its state's two-letter code.
    pub fn city_and_state_of(&self, n: &E164) -> Option<(Option<&str>, &'static str)> {
        if !n.is_nanp() {
            return None;
        }
        let exchange: u32 = n.as_str()[2..8].parse().ok()?;
        let place = longest_place(&self.places, exchange)?;
        let city = place.city.map(|c| self.cities[c as usize].as_str());
        Some((city, US_STATES[place.state as usize].0))
    }
}

/// New area codes open in blocks of a hundred exchanges (274-2XX before 274-3XX): the
/// blocks libphonenumber knows as valid, as a bit per first NXX digit (bit 2 to 9), for
/// the area codes the data knows only as a whole. Asking libphonenumber at start took most
/// of a cold search's time (its metadata loads on first use), so the answers are kept here;
/// `tests::open_blocks_are_libphonenumbers` checks them against it and prints a new table
/// when the data or libphonenumber changes.
const OPEN_BLOCKS: &[(u16, u16)] = &[
    (202, 0b1111111100),
    (210, 0b1111111100),
    (212, 0b1111111100),
    (213, 0b1111111100),
    (220, 0b1111111100),
    (223, 0b1111111100),
    (227, 0b1111111100),
    (235, 0b1111111100),
    (272, 0b1111111100),
    (274, 0b0010000100),
    (279, 0b1111111100),
    (283, 0b1111111100),
    (312, 0b1111111100),
    (324, 0b1111111100),
    (326, 0b1111111100),
    (327, 0b1111111100),
    (329, 0b1111111100),
    (331, 0b1111111100),
    (332, 0b1111111100),
    (339, 0b1111111100),
    (341, 0b1111111100),
    (346, 0b1111111100),
    (350, 0b1111111100),
    (351, 0b1111111100),
    (353, 0b1111111100),
    (363, 0b1111111100),
    (364, 0b1111111100),
    (369, 0b1111111100),
    (380, 0b1111111100),
    (385, 0b1111111100),
    (424, 0b1111111100),
    (430, 0b1111111100),
    (442, 0b1111111100),
    (445, 0b1111111100),
    (447, 0b1111111100),
    (448, 0b1111111100),
    (458, 0b1111111100),
    (463, 0b1111111100),
    (464, 0b1111111100),
    (470, 0b1111111100),
    (472, 0b1110011100),
    (475, 0b1111111100),
    (531, 0b1111111100),
    (534, 0b1111111100),
    (539, 0b1111111100),
    (551, 0b1111111100),
    (557, 0b1111111100),
    (564, 0b1111111100),
    (567, 0b1111111100),
    (572, 0b1111111100),
    (582, 0b1111111100),
    (628, 0b1111111100),
    (629, 0b1111111100),
    (640, 0b1111111100),
    (645, 0b1111111100),
    (656, 0b1111111100),
    (657, 0b1111111100),
    (667, 0b1111111100),
    (669, 0b1111111100),
    (680, 0b1111111100),
    (681, 0b1111111100),
    (686, 0b1111111100),
    (689, 0b1111111100),
    (725, 0b1111111100),
    (726, 0b1111111100),
    (728, 0b1111111100),
    (730, 0b1111111100),
    (737, 0b1111111100),
    (738, 0b1111111100),
    (743, 0b1111111100),
    (747, 0b1111111100),
    (748, 0b1111111100),
    (754, 0b1111111100),
    (762, 0b1111111100),
    (771, 0b1111111100),
    (773, 0b1111111100),
    (820, 0b1111111100),
    (821, 0b1111111100),
    (826, 0b1111111100),
    (835, 0b1111111100),
    (838, 0b1111111100),
    (839, 0b1111111100),
    (840, 0b1111111100),
    (848, 0b1111111100),
    (854, 0b1111111100),
    (872, 0b1111111100),
    (878, 0b1111111100),
    (917, 0b1111111100),
    (929, 0b1111111100),
    (930, 0b1111111100),
    (934, 0b1111111100),
    (938, 0b1111111100),
    (943, 0b1111111100),
    (945, 0b1111111100),
    (947, 0b1111111100),
    (948, 0b1111111100),
    (959, 0b1111111100),
    (975, 0b1111111100),
    (983, 0b1110011100),
    (984, 0b1111111100),
    (986, 0b1111111100),
];

/// The first NXX digits (2 to 9) open in the area code `npa`.
fn open_blocks(npa: u16) -> Vec<u16> {
    let bits = OPEN_BLOCKS
        .binary_search_by_key(&npa, |&(n, _)| n)
        .map(|i| OPEN_BLOCKS[i].1)
        .unwrap_or(0);
    (2..=9).filter(|d| bits & (1 << d) != 0).collect()
}

/// The place of the longest known prefix of a six-digit NPA-NXX.
fn longest_place(places: &HashMap<(u8, u32), Place>, npa_nxx: u32) -> Option<Place> {
    (3..=6u32).rev().find_map(|len| {
        places
            .get(&(len as u8, npa_nxx / 10u32.pow(6 - len)))
            .copied()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_parses_to_us_exchanges_only() {
        let g = geo();
        assert!(g.exchanges.len() > 30_000, "{}", g.exchanges.len());
        // Seattle is there, with its city.
        let e = g.exchange(206, 215).expect("206-215");
        assert_eq!(g.city_name(e), Some("Seattle"));
        assert_eq!(US_STATES[e.state.unwrap() as usize].0, "WA");
        // Toronto (416), Calgary (403), Montreal (514), the Bahamas (242), Puerto Rico (787)
        // and the US Virgin Islands (340) are not.
        for npa in [416, 403, 514, 242, 787, 340, 905, 604] {
            assert!(g.in_npa(npa).is_empty(), "{npa}");
        }
        // DC's area codes are known only as a whole: their exchanges are filled in.
        assert!(g.in_npa(202).len() > 700);
        assert!(g.in_state(state_index("DC").unwrap()).len() > 700);
        // Every state has numbers.
        for (code, _) in US_STATES {
            assert!(!g.in_state(state_index(code).unwrap()).is_empty(), "{code}");
        }
    }

    #[test]
    fn places_use_the_longest_known_prefix() {
        let g = geo();
        let p = |s: &str| g.place_of(&E164::parse(s).unwrap());
        assert_eq!(p("+12062151234").as_deref(), Some("Seattle, WA"));
        assert_eq!(p("+12025550123").as_deref(), Some("District of Columbia"));
        assert_eq!(p("+14165550123"), None); // Toronto
        assert_eq!(p("+18005550199"), None);
        assert_eq!(p("+442079460123"), None);
    }

    #[test]
    fn cities_are_listed_per_state_once_each() {
        let g = geo();
        let wa = g.cities_of(state_index("WA").unwrap());
        assert!(wa.iter().any(|c| c == "Seattle"));
        let keys: HashSet<String> = wa.iter().map(|c| city_key(c)).collect();
        assert_eq!(keys.len(), wa.len());
        assert!(!g
            .in_city(state_index("wa").unwrap(), "  SEATTLE ")
            .is_empty());
    }

    /// The area codes filled in as a whole, and the blocks libphonenumber says are open.
    fn open_blocks_by_libphonenumber() -> Vec<(u16, u16)> {
        let g = geo();
        let mut npas: Vec<u16> = OPEN_BLOCKS.iter().map(|&(n, _)| n).collect();
        // Every area code known only as a whole (no exchange-level entry).
        let with_exchanges: HashSet<u16> = GEOCODING_NANP
            .lines()
            .filter_map(|l| l.split_once('|'))
            .filter_map(|(p, _)| p.strip_prefix('1'))
            .filter(|d| d.len() == 6)
            .filter_map(|d| d[..3].parse().ok())
            .collect();
        npas.extend(
            g.places
                .keys()
                .filter(|(len, _)| *len < 6)
                .map(|&(len, value)| (value / 10u32.pow(len as u32 - 3)) as u16)
                .filter(|npa| (200..=999).contains(npa) && !with_exchanges.contains(npa)),
        );
        npas.sort_unstable();
        npas.dedup();
        npas.into_iter()
            .map(|npa| {
                let bits = (2..=9u16)
                    .filter(|d| E164::parse(&format!("+1{npa:03}{d}234567")).is_ok())
                    .fold(0u16, |b, d| b | 1 << d);
                (npa, bits)
            })
            .filter(|&(_, bits)| bits != 0)
            .collect()
    }

    #[test]
    fn open_blocks_are_libphonenumbers() {
        let expected = open_blocks_by_libphonenumber();
        assert!(
            OPEN_BLOCKS == expected.as_slice(),
            "OPEN_BLOCKS is out of date; replace it with:\n{}",
            expected
                .iter()
                .map(|(n, b)| format!("({n}, 0b{b:010b}),"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    #[test]
    fn assignable_exchange_codes() {
        assert!(is_assignable_nxx(215));
        for bad in [0, 199, 211, 411, 911, 555, 950, 958, 959, 976, 1000] {
            assert!(!is_assignable_nxx(bad), "{bad}");
        }
    }
}
