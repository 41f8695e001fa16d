//! Connections that have not signed in yet, as OpenSSH's `MaxStartups` counts them: a cap
//! in total and a cap per source address, checked when a connection is accepted so that a
//! flood is refused before it costs a key exchange, and released when the connection signs
//! in or ends.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// The counts, shared by the accept loop and the connections.
#[derive(Debug)]
pub struct Startups {
    max_total: usize,
    max_per_source: usize,
    counts: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    by_source: HashMap<IpAddr, usize>,
}

/// Why a connection was refused at the door.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// `max_startups` connections are waiting to sign in.
    Total(usize),
    /// `max_startups_per_source` of them come from this address.
    Source(usize),
}

impl std::fmt::Display for Full {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Full::Total(n) => write!(f, "{n} connections are waiting to sign in (max_startups)"),
            Full::Source(n) => write!(
                f,
                "{n} connections from this address are waiting to sign in (max_startups_per_source)"
            ),
        }
    }
}

/// One connection that has not signed in; dropping it (at sign-in or at the end) frees its
/// place.
#[derive(Debug)]
pub struct Startup {
    startups: Arc<Startups>,
    source: IpAddr,
}

impl Startups {
    pub fn new(max_total: usize, max_per_source: usize) -> Arc<Startups> {
        Arc::new(Startups {
            max_total,
            max_per_source,
            counts: Mutex::new(Counts::default()),
        })
    }

    /// A place for a new connection from `peer`, or why there is none.
    pub fn admit(self: &Arc<Self>, peer: IpAddr) -> Result<Startup, Full> {
        let source = source_of(peer);
        let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if c.total >= self.max_total {
            return Err(Full::Total(self.max_total));
        }
        let from_here = c.by_source.entry(source).or_insert(0);
        if *from_here >= self.max_per_source {
            return Err(Full::Source(self.max_per_source));
        }
        *from_here += 1;
        c.total += 1;
        Ok(Startup {
            startups: Arc::clone(self),
            source,
        })
    }

    /// Connections waiting to sign in now.
    pub fn waiting(&self) -> usize {
        self.counts.lock().unwrap_or_else(|e| e.into_inner()).total
    }
}

impl Drop for Startup {
    fn drop(&mut self) {
        let mut c = self
            .startups
            .counts
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        c.total -= 1;
        if let Some(n) = c.by_source.get_mut(&self.source) {
            *n -= 1;
            if *n == 0 {
                c.by_source.remove(&self.source);
            }
        }
    }
}

/// What counts as one source: an IPv4 address, or an IPv6 /64 (one site's network: a host
/// there can take any address in it).
fn source_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(bits.into())
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn caps_in_total_and_per_source_and_frees_on_drop() {
        let s = Startups::new(4, 2);
        let a1 = s.admit(ip("10.0.0.1")).unwrap();
        let _a2 = s.admit(ip("10.0.0.1")).unwrap();
        assert_eq!(s.admit(ip("10.0.0.1")).unwrap_err(), Full::Source(2));
        let _b1 = s.admit(ip("10.0.0.2")).unwrap();
        let _c1 = s.admit(ip("2001:db8::1")).unwrap();
        assert_eq!(s.waiting(), 4);
        assert_eq!(s.admit(ip("10.0.0.3")).unwrap_err(), Full::Total(4));
        drop(a1);
        assert_eq!(s.waiting(), 3);
        assert!(s.admit(ip("10.0.0.1")).is_ok());
    }

    #[test]
    fn an_ipv6_network_is_one_source_and_mapped_ipv4_is_ipv4() {
        let s = Startups::new(10, 1);
        let _a = s.admit(ip("2001:db8:1:2::1")).unwrap();
        assert_eq!(
            s.admit(ip("2001:db8:1:2:ffff::9")).unwrap_err(),
            Full::Source(1)
        );
        assert!(s.admit(ip("2001:db8:1:3::1")).is_ok());
        let _v4 = s.admit(ip("192.0.2.7")).unwrap();
        assert_eq!(
            s.admit(ip("::ffff:192.0.2.7")).unwrap_err(),
            Full::Source(1)
        );
    }
}
