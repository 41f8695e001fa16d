//! The remote-carrier machinery end to end, on sled and the carrier simulation as the
//! remote carrier: actions become jobs, the worker sends them, answers land through the
//! engine, faults are retried or resolved without sending anything twice, and a sync
//! brings what changed outside phonedesk.

mod carrier_rig;
mod support;

use carrier_rig::Rig;
use phonedesk::carrier::api::{Association, CarrierApi, NumberUpdate};
use phonedesk::carrier::worker;
use phonedesk::domain::*;
use std::sync::Arc;
use std::time::Duration;
use support::*;

#[test]
fn a_sync_brings_the_carriers_directory_and_an_order_lands_once_completed() {
    let rig = Rig::new();
    let report = rig.sync();
    assert_eq!(report.numbers, 0);
    let connectors = rig.engine.store().voice_connectors().unwrap();
    assert!(
        !connectors.is_empty(),
        "the seeded account's connectors came over"
    );
    for vc in &connectors {
        assert!(rig.engine.store().carrier_id(&vc.id.0).is_some());
    }
    let numbers = rig.available(3);
    let o = rig.act(Action::Provision {
        product_type: ProductType::VoiceConnector,
        numbers: numbers.clone(),
    });
    assert!(o.message.contains("Sent to the carrier"), "{}", o.message);
    assert_eq!(
        rig.number(&numbers[0]).status,
        NumberStatus::AcquireInProgress
    );
    let answer = rig.settle(o.job.unwrap());
    assert!(
        answer.ok && answer.message.contains("accepted"),
        "{}",
        answer.message
    );
    assert_eq!(rig.sim.calls("CreatePhoneNumberOrder"), 1);
    // Still processing at the carrier: nothing lands yet.
    rig.run_ready();
    assert_eq!(
        rig.number(&numbers[0]).status,
        NumberStatus::AcquireInProgress
    );
    rig.clock.advance(Duration::from_secs(60));
    rig.run_ready();
    for n in &numbers {
        assert_eq!(rig.number(n).status, NumberStatus::Unassigned);
    }
    assert!(rig.engine.store().jobs().unwrap().is_empty());
    assert!(rig.engine.check().unwrap().is_empty());
}

#[test]
fn assign_goes_to_the_carrier_and_a_throttled_call_is_sent_again() {
    let rig = Rig::new();
    rig.sync();
    let numbers = rig.provisioned(2);
    let vc = rig.engine.store().voice_connectors().unwrap()[0].id.clone();
    rig.sim.faults().throttle_next(2);
    let o = rig.act(Action::Assign {
        numbers: numbers.clone(),
        to: Assignee::VoiceConnector(vc.clone()),
    });
    let a = rig.settle(o.job.unwrap());
    assert!(a.ok, "{}", a.message);
    for n in &numbers {
        assert_eq!(
            rig.number(n).status,
            NumberStatus::Assigned(Assignee::VoiceConnector(vc.clone()))
        );
        let at_carrier = rig.rt.block_on(rig.sim.get_number(n)).unwrap();
        let carrier_vc = rig.engine.store().carrier_id(&vc.0).unwrap();
        assert_eq!(
            at_carrier.associations,
            vec![Association::VoiceConnector(carrier_vc)]
        );
    }
}

#[test]
fn an_order_whose_reply_was_lost_is_found_not_placed_twice() {
    let rig = Rig::new();
    let numbers = rig.available(2);
    rig.sim
        .faults()
        .fail_reply_next(1, Some("CreatePhoneNumberOrder"));
    let o = rig.act(Action::Provision {
        product_type: ProductType::VoiceConnector,
        numbers: numbers.clone(),
    });
    let a = rig.settle(o.job.unwrap());
    assert!(a.ok, "{}", a.message);
    assert_eq!(
        rig.sim.calls("CreatePhoneNumberOrder"),
        1,
        "the order was read back, not placed again"
    );
    let order = o.order.unwrap();
    assert!(rig.engine.store().carrier_id(&order.0).is_some());
}

#[test]
fn a_refusal_by_the_carrier_is_said_in_words_and_changes_nothing_here() {
    let rig = Rig::new();
    rig.sync();
    let numbers = rig.provisioned(1);
    let vc = rig.engine.store().voice_connectors().unwrap()[0].id.clone();
    let carrier_vc = rig.engine.store().carrier_id(&vc.0).unwrap();
    // Assigned behind phonedesk's back: the carrier refuses the delete.
    rig.sim
        .console_associate(&Association::VoiceConnector(carrier_vc), &numbers[0])
        .unwrap();
    let before = state(&rig.engine);
    let o = rig.act(Action::Delete {
        numbers: numbers.clone(),
    });
    let a = rig.settle(o.job.unwrap());
    assert!(a.ok, "the job ran: {}", a.message);
    assert!(
        a.message.contains(numbers[0].as_str()) && a.message.contains("unassign"),
        "{}",
        a.message
    );
    assert_eq!(state(&rig.engine).numbers, before.numbers);
    // The sync then shows where the number really is.
    let report = rig.sync();
    assert_eq!(report.changed, numbers);
    assert_eq!(
        rig.number(&numbers[0]).status,
        NumberStatus::Assigned(Assignee::VoiceConnector(vc))
    );
}

#[test]
fn a_sync_applies_changes_made_outside_phonedesk_and_numbers_gone() {
    let rig = Rig::new();
    rig.sync();
    let numbers = rig.provisioned(2);
    rig.sim
        .console_update(&numbers[0], &NumberUpdate::Name("Front.desk".into()))
        .unwrap();
    // Bought before the release, so the search cannot offer the released number again.
    let bought = rig.available(1);
    rig.sim
        .console_buy(&bought, ProductType::VoiceConnector)
        .unwrap();
    rig.sim.console_release(&numbers[1]).unwrap();
    rig.clock.advance(Duration::from_secs(60));
    let report = rig.sync();
    assert_eq!(rig.number(&numbers[0]).label.as_deref(), Some("Front.desk"));
    assert!(
        rig.engine.store().number(&numbers[1]).unwrap().is_none(),
        "{report:?} {:?}",
        rig.engine.store().number(&numbers[1])
    );
    assert_eq!(report.gone, vec![numbers[1].clone()]);
    assert_eq!(rig.number(&bought[0]).status, NumberStatus::Unassigned);
    let audit = rig.engine.store().audit(50).unwrap();
    assert!(audit
        .iter()
        .any(|e| e.actor == "carrier" && e.result.contains("changed outside phonedesk")));
    // Nothing differs the second time.
    let again = rig.sync();
    assert!(
        again.changed.is_empty() && again.gone.is_empty(),
        "{again:?}"
    );
    assert!(rig.engine.check().unwrap().is_empty());
}

#[test]
fn a_failed_job_is_kept_for_retry_and_a_viewer_cannot_touch_it() {
    let rig = Rig::new();
    rig.sync();
    let numbers = rig.provisioned(1);
    let o = rig.act(Action::SetLabel {
        number: numbers[0].clone(),
        label: Some("Sales".into()),
    });
    rig.sim.faults().fail_next(20, 503);
    let job = o.job.unwrap();
    let a = rig.settle(job);
    assert!(!a.ok && a.message.contains("gave up"), "{}", a.message);
    assert!(rig.engine.store().job(job).unwrap().unwrap().is_failed());
    let viewer = Actor::viewer("eve");
    assert!(rig
        .engine
        .dispatch(&viewer, Action::RetryJob { job }, rig.now())
        .is_err());
    rig.sim.faults().clear();
    rig.act(Action::RetryJob { job });
    let a = rig.settle(job);
    assert!(a.ok, "{}", a.message);
    assert_eq!(rig.number(&numbers[0]).label.as_deref(), Some("Sales"));
}

#[test]
fn two_workers_running_at_once_send_a_job_once() {
    // `serve` runs the worker while an SSH session's command sends its own jobs: both
    // may find the same job waiting.
    let rig = Rig::new();
    rig.sync();
    let numbers = rig.available(2);
    let o = rig.act(Action::Provision {
        product_type: ProductType::VoiceConnector,
        numbers,
    });
    let job = o.job.unwrap();
    rig.sim.faults().delay_next(2, Duration::from_millis(300));
    let clock = Arc::clone(&rig.clock);
    let now = move || clock.now();
    let (a, b) = rig.rt.block_on(async {
        tokio::join!(
            worker::run_ready(&rig.engine, rig.sim.as_ref(), &rig.settings, &now),
            worker::run_ready(&rig.engine, rig.sim.as_ref(), &rig.settings, &now),
        )
    });
    let answers: Vec<_> = a.unwrap().into_iter().chain(b.unwrap()).collect();
    assert_eq!(rig.sim.calls("CreatePhoneNumberOrder"), 1, "{answers:?}");
    assert_eq!(
        answers.iter().filter(|x| x.job == job).count(),
        1,
        "{answers:?}"
    );
    assert!(rig.engine.check().unwrap().is_empty());
}
