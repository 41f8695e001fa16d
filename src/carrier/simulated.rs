//! The simulated carrier: deterministic numbers from real US exchanges, a configurable share
//! of failed acquisitions, and a support desk that follows fixed rules (`docs/carrier.md`).

use super::geo::{geo, state_index, Exchange, Geo};
use super::{Carrier, HeldNumbers};
use crate::domain::{
    AvailableNumber, Category, Desk, Loa, NumberType, OrderId, Policy, PortIn, RequestId,
    SearchError, SearchQuery, Secret, SupportRequest, Timestamp, E164, MAX_SEARCH_RESULTS,
    US_STATES,
};
use std::collections::HashSet;

/// A carrier that invents nothing at random: every answer follows from the seed and the
/// question, so demos and tests are reproducible.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedCarrier {
    seed: u64,
    failure_rate: f64,
}

const FAILURE_REASONS: [&str; 3] = [
    "the carrier released the number to another customer",
    "the carrier could not reserve the number before the order timed out",
    "the number is held in a porting dispute at the carrier",
];

impl SimulatedCarrier {
    /// `failure_rate` is the share of acquisitions that fail, from 0 (none) to 1 (all).
    pub fn new(seed: u64, failure_rate: f64) -> Self {
        let failure_rate = if failure_rate.is_nan() {
            0.0
        } else {
            failure_rate.clamp(0.0, 1.0)
        };
        SimulatedCarrier { seed, failure_rate }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn failure_rate(&self) -> f64 {
        self.failure_rate
    }

    /// A stable 64-bit hash of the seed and some labelled text.
    fn hash(&self, parts: &[&str]) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ mix(self.seed);
        for p in parts {
            for b in p.bytes().chain(std::iter::once(0xff)) {
                h ^= b as u64;
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        mix(h)
    }

    /// The exchanges a (normalized, valid) query can draw from, in this seed's order.
    fn candidates(&self, g: &Geo, q: &SearchQuery) -> InOrder {
        let state = q.state.as_deref().and_then(state_index);
        let base: &[u32] = if let Some(prefix) = q.toll_free_prefix {
            g.in_npa(prefix)
        } else if let (Some(s), Some(city)) = (state, q.city.as_deref()) {
            g.in_city(s, city)
        } else if let Some(npa) = q.area_code {
            g.in_npa(npa)
        } else if let Some(s) = state {
            g.in_state(s)
        } else {
            &[]
        };
        let want_toll_free = q.effective_type().map(|t| t == NumberType::TollFree);
        let items: Vec<(u64, u32)> = base
            .iter()
            .copied()
            .filter(|&i| {
                let e = &g.exchanges[i as usize];
                want_toll_free
                    .map(|tf| tf == e.is_toll_free())
                    .unwrap_or(true)
                    && q.area_code.map(|a| a == e.npa).unwrap_or(true)
                    && state.map(|s| Some(s) == e.state).unwrap_or(true)
            })
            .map(|i| {
                (
                    mix(self.seed ^ mix(g.exchanges[i as usize].code() as u64)),
                    i,
                )
            })
            .collect();
        InOrder {
            items,
            sorted: 0,
            next: 0,
            chunk: (2 * q.limit).max(64),
        }
    }

    fn exchange_of(&self, n: &E164) -> Option<(&'static Exchange, u16)> {
        if !n.is_nanp() {
            return None;
        }
        let d = &n.as_str()[2..];
        let (npa, nxx, line): (u16, u16, u16) = (
            d[..3].parse().ok()?,
            d[3..6].parse().ok()?,
            d[6..].parse().ok()?,
        );
        geo().exchange(npa, nxx).map(|e| (e, line))
    }
}

/// Keyed exchanges in key order, sorted only as far as they are read: a search usually
/// needs its first few hundred exchanges of a state's thousands.
struct InOrder {
    items: Vec<(u64, u32)>,
    sorted: usize,
    next: usize,
    chunk: usize,
}

impl Iterator for InOrder {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        if self.next >= self.items.len() {
            return None;
        }
        if self.next == self.sorted {
            let rest = &mut self.items[self.sorted..];
            let take = self.chunk.min(rest.len());
            if take < rest.len() {
                rest.select_nth_unstable(take);
            }
            rest[..take].sort_unstable();
            self.sorted += take;
            self.chunk *= 2;
        }
        self.next += 1;
        Some(self.items[self.next - 1].1)
    }
}

/// A line the carrier never hands out: `0000`, and the fictional 555-0100 to 555-0199.
fn is_reserved_line(nxx: u16, line: u16) -> bool {
    line == 0 || (nxx == 555 && (100..=199).contains(&line))
}

/// True for the fictional 555-01XX numbers.
fn is_fictional(n: &E164) -> bool {
    n.is_nanp() && &n.as_str()[5..8] == "555" && &n.as_str()[8..10] == "01"
}

/// Separates the line shuffles' keys from the exchange order's keys.
const LINES_KEY: u64 = 0x6c69_6e65_7300_0000;

/// splitmix64's finaliser.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A keyed permutation of `0..10^digits`: affine, digit reversal, affine.
#[derive(Debug, Clone, Copy)]
struct Shuffle {
    digits: u32,
    modulus: u32,
    a1: u32,
    b1: u32,
    a2: u32,
    b2: u32,
}

impl Shuffle {
    fn new(digits: u32, key: u64) -> Shuffle {
        let modulus = 10u32.pow(digits);
        // Multipliers coprime to 10 make each affine step a bijection.
        let unit = |k: u64| {
            const UNITS: [u32; 4] = [1, 3, 7, 9];
            (((k % 1000) as u32) * 10 + UNITS[((k >> 20) % 4) as usize]) % modulus.max(1)
        };
        let k2 = mix(key);
        Shuffle {
            digits,
            modulus,
            a1: unit(key).max(1),
            b1: ((key >> 32) % modulus as u64) as u32,
            a2: unit(k2).max(1),
            b2: ((k2 >> 32) % modulus as u64) as u32,
        }
    }

    fn apply(&self, i: u32) -> u32 {
        if self.modulus <= 1 {
            return 0;
        }
        let m = self.modulus as u64;
        let x = (self.a1 as u64 * i as u64 + self.b1 as u64) % m;
        let mut r = 0u64;
        let mut y = x;
        for _ in 0..self.digits {
            r = r * 10 + y % 10;
            y /= 10;
        }
        ((self.a2 as u64 * r + self.b2 as u64) % m) as u32
    }
}

/// Lines of one exchange whose digits fit the pattern: fixed digits, and free positions
/// filled from a shuffle of `0..10^free`.
#[derive(Debug, Clone)]
struct Template {
    fixed: [Option<u8>; 4],
    free: u32,
    shuffle: Shuffle,
    next: u32,
}

impl Template {
    fn line(&self, k: u32) -> u16 {
        let mut v = self.shuffle.apply(k);
        let mut line = 0u16;
        // Free digits fill the free positions from the least significant one up.
        let mut digits = [0u8; 4];
        for pos in (0..4).rev() {
            digits[pos] = match self.fixed[pos] {
                Some(d) => d,
                None => {
                    let d = (v % 10) as u8;
                    v /= 10;
                    d
                }
            };
        }
        for d in digits {
            line = line * 10 + d as u16;
        }
        line
    }

    fn exhausted(&self) -> bool {
        self.next >= 10u32.pow(self.free)
    }
}

/// The numbers one exchange offers for a query, lazily, in this seed's order.
struct ExchangeLines {
    index: u32,
    npa: u16,
    nxx: u16,
    templates: Vec<Template>,
    turn: usize,
    seen: Option<HashSet<u16>>,
    /// The exchange's held lines, when the holder could list them at once.
    held: Option<LineSet>,
}

/// A set of an exchange's lines (0000 to 9999), one bit each.
struct LineSet(Box<[u64; LineSet::WORDS]>);

impl LineSet {
    const WORDS: usize = 10_000usize.div_ceil(64);

    fn of(lines: &[u16]) -> LineSet {
        let mut bits = Box::new([0u64; LineSet::WORDS]);
        for &l in lines.iter().filter(|&&l| l < 10_000) {
            bits[l as usize / 64] |= 1 << (l % 64);
        }
        LineSet(bits)
    }

    fn contains(&self, line: u16) -> bool {
        line < 10_000 && self.0[line as usize / 64] & (1 << (line % 64)) != 0
    }
}

impl ExchangeLines {
    fn new(
        carrier: &SimulatedCarrier,
        index: u32,
        e: &Exchange,
        pattern: Option<&[u8]>,
    ) -> ExchangeLines {
        let (npa, nxx) = (e.npa, e.nxx);
        let prefix = [
            npa / 100,
            npa / 10 % 10,
            npa % 10,
            nxx / 100,
            nxx / 10 % 10,
            nxx % 10,
        ]
        .map(|d| d as u8);
        let key = mix(carrier.seed ^ mix(LINES_KEY ^ e.code() as u64));
        let mut fixes: Vec<[Option<u8>; 4]> = Vec::new();
        match pattern {
            None => fixes.push([None; 4]),
            Some(p) => {
                for offset in 0..=(10 - p.len()) {
                    let fits = p
                        .iter()
                        .enumerate()
                        .all(|(j, &d)| offset + j >= 6 || prefix[offset + j] == d);
                    if !fits {
                        continue;
                    }
                    if offset + p.len() <= 6 {
                        // The exchange itself contains the pattern: every line fits.
                        fixes = vec![[None; 4]];
                        break;
                    }
                    let mut fixed = [None; 4];
                    for (j, &d) in p.iter().enumerate().filter(|(j, _)| offset + j >= 6) {
                        fixed[offset + j - 6] = Some(d);
                    }
                    fixes.push(fixed);
                }
            }
        }
        let templates: Vec<Template> = fixes
            .into_iter()
            .enumerate()
            .map(|(t, fixed)| {
                let free = fixed.iter().filter(|d| d.is_none()).count() as u32;
                Template {
                    fixed,
                    free,
                    shuffle: Shuffle::new(free, mix(key ^ t as u64)),
                    next: 0,
                }
            })
            .collect();
        let seen = (templates.len() > 1).then(HashSet::new);
        ExchangeLines {
            index,
            npa: e.npa,
            nxx: e.nxx,
            templates,
            turn: 0,
            seen,
            held: None,
        }
    }

    /// The next line that fits, or `None` when the exchange has no more.
    fn next_line(&mut self) -> Option<u16> {
        loop {
            let n = self.templates.len();
            let t = (0..n)
                .map(|k| (self.turn + k) % n)
                .find(|&t| !self.templates[t].exhausted())?;
            self.turn = (t + 1) % n;
            let tpl = &mut self.templates[t];
            let line = tpl.line(tpl.next);
            tpl.next += 1;
            if let Some(seen) = &mut self.seen {
                if !seen.insert(line) {
                    continue;
                }
            }
            if !is_reserved_line(self.nxx, line) {
                return Some(line);
            }
        }
    }
}

impl Carrier for SimulatedCarrier {
    fn search(
        &self,
        q: &SearchQuery,
        held: &dyn HeldNumbers,
    ) -> Result<Vec<AvailableNumber>, SearchError> {
        let q = q.normalized();
        q.validate(MAX_SEARCH_RESULTS)?;
        let g = geo();
        let pattern: Option<Vec<u8>> = q
            .contains
            .as_ref()
            .map(|c| c.bytes().map(|b| b - b'0').collect());
        let candidates = self.candidates(g, &q);
        // Round robin over the exchanges, one number from each per round: results spread
        // over the area like a real carrier's. A held number gives way to the next number
        // of the same exchange, so the other results stay the same.
        let mut out: Vec<AvailableNumber> = Vec::with_capacity(q.limit);
        let take = |lines: &mut ExchangeLines, out: &mut Vec<AvailableNumber>| -> bool {
            while let Some(line) = lines.next_line() {
                let number = match &lines.held {
                    Some(set) if set.contains(line) => continue,
                    Some(_) => E164::nanp(lines.npa, lines.nxx, line),
                    None => {
                        let number = E164::nanp(lines.npa, lines.nxx, line);
                        if held.holds(&number) {
                            continue;
                        }
                        number
                    }
                };
                let e = &g.exchanges[lines.index as usize];
                out.push(AvailableNumber {
                    number,
                    number_type: if e.is_toll_free() {
                        NumberType::TollFree
                    } else {
                        NumberType::Local
                    },
                    city: g.city_name(e).map(String::from),
                    state: e.state.map(|s| US_STATES[s as usize].0.to_string()),
                });
                return true;
            }
            false
        };
        // First round: the exchanges in this seed's order, one number each.
        let mut active: Vec<ExchangeLines> = Vec::new();
        for i in candidates {
            if out.len() >= q.limit {
                break;
            }
            let e = &g.exchanges[i as usize];
            let mut lines = ExchangeLines::new(self, i, e, pattern.as_deref());
            // One read of the exchange's held numbers instead of a question per candidate.
            lines.held = held.held_lines(e.npa, e.nxx).map(|l| LineSet::of(&l));
            if take(&mut lines, &mut out) {
                active.push(lines);
            }
        }
        // Further rounds over the exchanges that still have numbers.
        while out.len() < q.limit && !active.is_empty() {
            active.retain_mut(|lines| out.len() >= q.limit || take(lines, &mut out));
        }
        out.sort_by(|a, b| a.number.cmp(&b.number));
        Ok(out)
    }

    fn place_of(&self, n: &E164) -> Option<String> {
        geo().place_of(n)
    }

    fn states(&self) -> Vec<(String, String)> {
        let g = geo();
        US_STATES
            .iter()
            .enumerate()
            .filter(|(i, _)| !g.in_state(*i as u8).is_empty())
            .map(|(_, (code, name))| (code.to_string(), name.to_string()))
            .collect()
    }

    fn cities(&self, state: &str) -> Vec<String> {
        state_index(state)
            .map(|s| geo().cities_of(s).to_vec())
            .unwrap_or_default()
    }
}

fn tidy(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Desk for SimulatedCarrier {
    fn offers(&self, n: &E164) -> bool {
        match self.exchange_of(n) {
            Some((e, line)) => !is_reserved_line(e.nxx, line),
            None => false,
        }
    }

    fn acquire(&self, order: &OrderId, n: &E164) -> Result<(), String> {
        if !self.offers(n) {
            return Err("the carrier does not offer this number".into());
        }
        let h = self.hash(&["acquire", order.as_str(), n.as_str()]);
        let draw = (h >> 11) as f64 / (1u64 << 53) as f64;
        if draw < self.failure_rate {
            return Err(FAILURE_REASONS[(h % FAILURE_REASONS.len() as u64) as usize].into());
        }
        Ok(())
    }

    fn review_port_in(&self, form: &PortIn) -> Result<String, String> {
        let mut problems = Vec::new();
        for n in &form.numbers {
            if is_fictional(n) {
                problems.push(format!(
                    "{n} is a fictional 555-01XX number that no carrier holds."
                ));
            } else if n.number_type() == NumberType::Local && self.exchange_of(n).is_none() {
                let d = &n.as_str()[2..];
                problems.push(format!(
                    "{n}: the losing carrier does not release numbers from the {}-{} exchange.",
                    &d[..3.min(d.len())],
                    d.get(3..6).unwrap_or("")
                ));
            }
        }
        if !problems.is_empty() {
            return Err(format!(
                "These numbers cannot be ported in. {}",
                problems.join(" ")
            ));
        }
        let carrier = form
            .current_carrier
            .as_deref()
            .unwrap_or("your current carrier");
        Ok(format!(
            "The numbers can be ported in. Please submit a Letter of Authorization (LOA) for {carrier}, \
             signed by {}, with the billing telephone number {} and the service address exactly as \
             {carrier} has them on record.",
            form.authorizing_person, form.btn
        ))
    }

    fn check_loa(&self, form: &PortIn, loa: &Loa) -> Result<(), String> {
        let mut differ = Vec::new();
        let mut compare = |what: &str, on_loa: &str, on_record: &str| {
            if tidy(on_loa) != tidy(on_record) {
                differ.push(format!(
                    "the {what} differs (LOA: “{}”; records: “{}”)",
                    on_loa.trim(),
                    on_record.trim()
                ));
            }
        };
        if let Some(current) = &form.current_carrier {
            compare("carrier", &loa.carrier, current);
        }
        compare(
            "authorizing person",
            &loa.authorizing_person,
            &form.authorizing_person,
        );
        compare(
            "billing telephone number",
            loa.btn.as_str(),
            form.btn.as_str(),
        );
        compare(
            "service address",
            &loa.service_address,
            &form.service_address,
        );
        if differ.is_empty() {
            Ok(())
        } else {
            Err(differ.join("; "))
        }
    }

    fn port_date(&self, request: &RequestId, now: Timestamp, policy: &Policy) -> Timestamp {
        let min = policy.porting_min;
        let span_minutes = policy.porting_max.saturating_sub(min).as_secs() / 60;
        let h = self.hash(&["port date", request.as_str()]);
        let offset = std::time::Duration::from_secs((h % (span_minutes + 1)) * 60);
        now.plus(min + offset)
    }

    fn port_out_credentials(&self, request: &RequestId) -> (String, Secret) {
        const ALPHABET: &[u8; 32] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
        let h = self.hash(&["port-out account", request.as_str()]);
        let account: String = (0..6)
            .map(|i| ALPHABET[((h >> (5 * i)) & 31) as usize] as char)
            .collect();
        let pin = self.hash(&["port-out pin", request.as_str()]) % 1_000_000;
        (format!("PD-{account}"), Secret::new(format!("{pin:06}")))
    }

    fn answer(&self, request: &SupportRequest) -> String {
        let text = format!("{} {}", request.subject, request.issue).to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
        let id = &request.id;
        if has(&["port"]) {
            return format!(
                "A port needs the structured form: file a new request from the Support screen and choose \
                 “{}” or “{}”, so that support receives every field the carriers need. This request ({id}) \
                 cannot start a port.",
                crate::domain::SUBJECT_PORT_IN,
                crate::domain::SUBJECT_PORT_OUT
            );
        }
        if has(&["limit", "quota", "more numbers"]) {
            return "Pending and inventory numbers count against your inventory limit (25 numbers unless \
                    your configuration says otherwise); failed orders and the deletion queue do not. Delete \
                    numbers you no longer need, or ask whoever runs phonedesk to raise the limit in its \
                    configuration."
                .into();
        }
        if has(&["calling name", "caller id", "cnam"]) {
            return "Calling name updates take up to 72 hours to reach the carriers. The default calling name \
                    can change once every 7 days, and a number's own calling name can change again once its \
                    update has completed. Names are 2 to 15 letters, digits or spaces."
                .into();
        }
        if has(&["sms", "text message"]) {
            return "SMS works on local numbers whose user has SMS turned on. After you change a user's \
                    number or permissions, the user must sign out of Amazon Chime and sign in again."
                .into();
        }
        match request.category {
            Category::Billing => format!(
                "Numbers are billed from the day they are provisioned or ported in until they are purged \
                 from the deletion queue. We have passed {id} to the billing team; they reply by email."
            ),
            Category::Technical => format!(
                "The carrier found no fault on its side for {id}. If calls still fail, reply with the calling \
                 and called numbers and the time of a failed call (UTC), and we will trace it."
            ),
            Category::General | Category::Other => format!(
                "Thank you for contacting support about {id}. Reply to this thread with any further detail; \
                 close the request when you no longer need help."
            ),
        }
    }
}
