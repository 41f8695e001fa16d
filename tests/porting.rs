//! Porting through the carrier's support desk (AWS Support cases), in process: sled, the
//! engine, the job worker and the sync, with the carrier simulation (and its simulated
//! Support desk) as the remote carrier.

mod carrier_rig;
mod support;

use carrier_rig::Rig;
use phonedesk::carrier::sim::CallFault;
use phonedesk::domain::*;
use std::time::Duration;

const DAY: Duration = Duration::from_secs(24);

fn port_in_form(rig: &Rig, numbers: Vec<E164>) -> Action {
    Action::SubmitRequest(NewRequest::PortIn {
        form: PortIn {
            btn: numbers[0].clone(),
            numbers,
            product_type: ProductType::VoiceConnector,
            authorizing_person: "Ana Lopez".into(),
            current_carrier: Some("Old Telco".into()),
            service_account_number: Some(Secret::new("99887766")),
            service_pin: Some(Secret::new("4321")),
            service_address: "1 Main St, Seattle WA".into(),
            customer_name: "Acme".into(),
            requested_at: rig.now().plus(Duration::from_secs(3600)),
            voice_connector: Some(VoiceConnectorId::from_seq(1)),
        },
        email: "ana@example.com".into(),
    })
}

fn loa(rig: &Rig, request: &RequestId, btn: &E164) -> Action {
    Action::SubmitLoa {
        request: request.clone(),
        loa: Loa {
            carrier: "Old Telco".into(),
            authorizing_person: "Ana Lopez".into(),
            btn: btn.clone(),
            service_address: "1 Main St, Seattle WA".into(),
            submitted_at: rig.now(),
        },
    }
}

#[test]
fn a_port_in_is_a_support_case_and_follows_the_porting_order_to_the_inventory() {
    let rig = Rig::new();
    rig.sync();
    let numbers = rig.available(2);
    let o = rig.act(port_in_form(&rig, numbers.clone()));
    let request = o.request.clone().expect("the request is recorded at once");
    assert!(o.message.contains("Sent to the carrier"), "{}", o.message);
    assert_eq!(
        rig.find_number(&numbers[0]).unwrap().status,
        NumberStatus::PortinInProgress
    );
    let a = rig.settle(o.job.unwrap());
    assert!(
        a.ok && a.message.contains("AWS Support opened case"),
        "{}",
        a.message
    );
    assert_eq!(rig.sim.calls("CreateCase"), 1);

    // Support reviews the case and makes the porting order: documents are pending.
    rig.clock.advance(DAY);
    let report = rig.sync();
    assert!(report.support.contains(request.as_str()), "{report:?}");
    let r = rig.request(&request);
    assert_eq!(r.status, RequestStatus::PendingDocuments);
    assert!(
        r.thread
            .iter()
            .any(|m| m.author == Author::Support && m.text.contains("can be ported in")),
        "{:?}",
        r.thread
    );
    // The numbers stay in Pending although the carrier does not list them yet.
    assert_eq!(
        rig.find_number(&numbers[1]).unwrap().status,
        NumberStatus::PortinInProgress
    );

    // The LOA goes to the case; Support sets the port date.
    let o = rig.act(loa(&rig, &request, &numbers[0]));
    let a = rig.settle(o.job.unwrap());
    assert!(a.ok, "{}", a.message);
    assert_eq!(rig.sim.calls("AddAttachmentsToSet"), 1);
    rig.clock.advance(DAY);
    rig.sync();
    let r = rig.request(&request);
    assert_eq!(r.status, RequestStatus::Foc);
    let foc = r.foc_date.expect("the FOC date");
    assert!(foc > rig.now());
    assert!(r.thread.iter().any(|m| m.text.contains("LOA is accepted")));

    // On the port date the numbers arrive in the inventory.
    rig.clock.advance(Duration::from_secs(29 * 24));
    rig.sync();
    let r = rig.request(&request);
    assert_eq!(r.status, RequestStatus::Completed);
    for n in &numbers {
        assert_eq!(
            rig.find_number(n).unwrap().status,
            NumberStatus::Unassigned,
            "{n}"
        );
    }
    assert_eq!(rig.sim.calls("CreateCase"), 1);
}

#[test]
fn replies_and_the_thread_go_through_the_case_and_a_request_closes_by_resolving_it() {
    let rig = Rig::new();
    let o = rig.act(Action::SubmitRequest(NewRequest::Other {
        category: Category::General,
        subject: "Calling names".into(),
        issue: "How long does a calling name update take?".into(),
        email: "ana@example.com".into(),
    }));
    let request = o.request.clone().unwrap();
    assert!(rig.settle(o.job.unwrap()).ok);
    rig.clock.advance(DAY);
    rig.sync();
    let r = rig.request(&request);
    assert!(
        r.thread.iter().any(|m| m.text.contains("72 hours")),
        "{:?}",
        r.thread
    );
    let o = rig.act(Action::Reply {
        request: request.clone(),
        text: "Thanks, and for the default name?".into(),
    });
    assert!(rig.settle(o.job.unwrap()).ok);
    assert_eq!(rig.sim.calls("AddCommunicationToCase"), 1);
    rig.sync();
    let r = rig.request(&request);
    assert!(r
        .thread
        .iter()
        .any(|m| m.author == Author::Administrator && m.text.contains("default name")));
    let o = rig.act(Action::CloseRequest {
        request: request.clone(),
    });
    assert!(rig.settle(o.job.unwrap()).ok);
    assert_eq!(rig.sim.calls("ResolveCase"), 1);
    assert_eq!(rig.request(&request).status, RequestStatus::Closed);
}

#[test]
fn a_case_whose_creation_may_have_been_applied_is_found_not_filed_twice() {
    let rig = Rig::new();
    rig.sync();
    let numbers = rig.available(1);
    rig.sim
        .faults()
        .arm(CallFault::FailReply, 1, Some("CreateCase"));
    let o = rig.act(port_in_form(&rig, numbers));
    let a = rig.settle(o.job.unwrap());
    assert!(a.ok, "{}", a.message);
    assert_eq!(
        rig.sim.calls("CreateCase"),
        1,
        "one case, found with DescribeCases"
    );
    assert!(rig.sim.calls("DescribeCases") >= 1);
    let request = o.request.unwrap();
    assert!(rig.engine.store().carrier_id(request.as_str()).is_some());
}

#[test]
fn without_a_support_plan_the_job_says_so_and_the_request_stays_recorded() {
    let rig = Rig::new();
    rig.sim.set_support_plan(false);
    let o = rig.act(Action::SubmitRequest(NewRequest::Other {
        category: Category::General,
        subject: "Limits".into(),
        issue: "What is my limit?".into(),
        email: "ana@example.com".into(),
    }));
    let job = o.job.unwrap();
    let a = rig.settle(job);
    assert!(!a.ok);
    assert!(a.message.contains("support plan"), "{}", a.message);
    let r = rig.request(&o.request.unwrap());
    assert_eq!(r.status, RequestStatus::Submitted);
    assert!(rig.engine.store().job(job).unwrap().unwrap().is_failed());
    // The sync says it in one line and syncs the rest.
    let report = rig.sync();
    assert!(report.support.is_empty() || report.support.contains("support plan"));
}

#[test]
fn a_port_out_gets_its_date_and_the_numbers_are_marked_ported_out() {
    let rig = Rig::new();
    rig.sync();
    let numbers = rig.available(1);
    let o = rig.act(Action::Provision {
        product_type: ProductType::VoiceConnector,
        numbers: numbers.clone(),
    });
    rig.settle(o.job.unwrap());
    rig.clock.advance(Duration::from_secs(20));
    rig.run_ready();
    rig.sync();
    assert_eq!(
        rig.find_number(&numbers[0]).unwrap().status,
        NumberStatus::Unassigned
    );
    let o = rig.act(Action::SubmitRequest(NewRequest::PortOut {
        form: PortOut {
            numbers: numbers.clone(),
            product_type: ProductType::VoiceConnector,
        },
        email: "ana@example.com".into(),
    }));
    let request = o.request.clone().unwrap();
    assert!(rig.settle(o.job.unwrap()).ok);
    rig.clock.advance(DAY);
    rig.sync();
    let r = rig.request(&request);
    assert_eq!(r.status, RequestStatus::Foc);
    assert!(r.thread.iter().any(|m| m.text.contains("account ID")));
    rig.clock.advance(Duration::from_secs(29 * 24));
    rig.sync();
    assert_eq!(rig.request(&request).status, RequestStatus::Completed);
}
