//! Every Voice Connector and SIP media application procedure of the seed, from the command
//! line, on "real" numbers: the built CLI drives the AWS SDK client against the built
//! binary's `phonedesk fake-chime` (tests/chime_common), `--json` checked.

mod chime_common;

use chime_common::ChimeDesk;

#[test]
fn harness_reaches_the_fake_carrier_only() {
    let desk = ChimeDesk::start();
    let s = desk.sync();
    assert_eq!(s["ok"], true, "{s}");
    let r = desk.chime.requests();
    assert!(
        r.get("ListPhoneNumbers").copied().unwrap_or(0) >= 1,
        "{r:?}"
    );
}
