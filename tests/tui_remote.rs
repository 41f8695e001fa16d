//! The console with a remote carrier: a number with a change on its way says so in the
//! Inventory and its details, and the Jobs screen lists the carrier jobs, retries a failed
//! one and cancels it (confirmed). With the simulated carrier there is no Jobs tab. The
//! provisioning wizard offers what the Chime SDK sells and searches the carrier itself.

mod carrier_rig;
mod support;
mod tui_common;

use carrier_rig::Rig;
use phonedesk::domain::*;
use phonedesk::tui::{App, UiOptions};
use std::sync::Arc;
use tui_common::{press, render};

fn fixed(s: u64) -> Timestamp {
    Timestamp::parse("2026-12-07T10:00:00Z")
        .unwrap()
        .plus(std::time::Duration::from_secs(s))
}

fn console(rig: &Rig, now: Timestamp) -> App {
    phonedesk::local_time::use_zone(TimeZone::UTC);
    App::new(
        Arc::clone(&rig.engine),
        tui_common::admin(),
        UiOptions::default(),
        now,
    )
    .unwrap()
}

/// A label change sent to the carrier and refused there: the job waits, failed.
fn failed_label_job(rig: &Rig) -> (E164, JobId) {
    let number = rig.provisioned(2).remove(0);
    let job = rig
        .engine
        .dispatch(
            &tui_common::admin(),
            Action::SetLabel {
                number: number.clone(),
                label: Some("sales".into()),
            },
            fixed(0),
        )
        .unwrap()
        .job
        .expect("a carrier job");
    rig.engine
        .dispatch(
            &Actor::carrier(),
            Action::CarrierAnswer {
                job,
                answer: JobAnswer::Failed {
                    reason: "the carrier did not answer in time, five times".into(),
                },
            },
            fixed(5),
        )
        .unwrap();
    (number, job)
}

#[test]
fn a_failed_job_shows_on_its_number_and_on_the_jobs_screen() {
    let rig = Rig::new();
    let (number, job) = failed_label_job(&rig);
    let mut app = console(&rig, fixed(10));

    let inventory = render(&mut app, 120, 40);
    assert!(inventory.contains("8 Jobs"), "{inventory}");
    let row = inventory
        .lines()
        .find(|l| l.contains(&number.national()))
        .expect("the number's row");
    assert!(row.contains("Job failed"), "{row}");

    // The details say which job and what to do.
    let details = {
        let mut app = console(&rig, fixed(10));
        press(&mut app, fixed(10), "/");
        press(&mut app, fixed(10), &number.as_str()[2..]);
        press(&mut app, fixed(10), "<Enter><Enter>");
        render(&mut app, 120, 40)
    };
    assert!(
        details.contains(&format!("{job}: set the label")),
        "{details}"
    );
    assert!(
        details.contains("On the Jobs screen, R sends it again and x cancels it."),
        "{details}"
    );

    press(&mut app, fixed(10), "8");
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("jobs_failed_{w}x{h}"), render(&mut app, w, h));
    }
}

#[test]
fn retry_requeues_and_cancel_asks_then_removes_the_job_leaving_the_number_as_it_was() {
    let rig = Rig::new();
    let (number, job) = failed_label_job(&rig);
    let mut app = console(&rig, fixed(10));
    press(&mut app, fixed(10), "8R");
    let j = rig.engine.store().job(job).unwrap().expect("still there");
    assert_eq!(j.state, JobState::Queued, "retried: waiting to be sent");
    assert!(render(&mut app, 120, 40).contains("waiting to be sent"));

    press(&mut app, fixed(11), "x");
    let dialog = render(&mut app, 80, 24);
    assert!(dialog.contains("Cancel carrier job"), "{dialog}");
    // Enter alone does nothing until "I understand" is ticked.
    press(&mut app, fixed(11), "<Enter>");
    assert!(rig.engine.store().job(job).unwrap().is_some());
    press(&mut app, fixed(11), "<Space><Enter>");
    assert!(rig.engine.store().job(job).unwrap().is_none(), "cancelled");
    let after = render(&mut app, 120, 40);
    assert!(after.contains("No carrier jobs"), "{after}");
    let n = rig.engine.store().number(&number).unwrap().unwrap();
    assert_eq!(n.label, None, "nothing of the job was applied");
}

#[test]
fn a_job_sent_to_the_carrier_cannot_be_cancelled_and_the_dialog_does_not_open() {
    let rig = Rig::new();
    let (_, job) = failed_label_job(&rig);
    let mut app = console(&rig, fixed(10));
    // Retried: the worker sends it, and before its answer is recorded it is "sent".
    press(&mut app, fixed(10), "8R");
    rig.engine
        .dispatch(
            &Actor::carrier(),
            Action::CarrierAnswer {
                job,
                answer: JobAnswer::Sending,
            },
            fixed(11),
        )
        .unwrap();
    press(&mut app, fixed(12), "x");
    let screen = render(&mut app, 120, 40);
    assert!(!screen.contains("Cancel carrier job"), "{screen}");
    assert!(screen.contains(&job.to_string()), "{screen}");
    assert!(rig.engine.store().job(job).unwrap().is_some());
}

#[test]
fn the_simulated_carrier_has_no_jobs_tab_and_the_key_says_why() {
    let w = tui_common::world();
    let mut app = tui_common::app(&w);
    let screen = render(&mut app, 120, 40);
    assert!(!screen.contains("Jobs"), "{screen}");
    press(&mut app, w.now, "8");
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("No carrier jobs here"), "{screen}");
    assert!(screen.contains("Inventory"), "{screen}");
}

#[test]
fn a_background_trouble_and_its_end_show_on_the_status_line_not_on_stderr() {
    let rig = Rig::new();
    let mut app = console(&rig, fixed(0));
    rig.engine.keep_troubles_off_stderr();
    let mut events = rig.engine.subscribe();
    rig.engine.trouble(
        "the carrier sync",
        Some("the carrier sync could not reach the carrier: \u{1b}[2Jconnection refused".into()),
    );
    let event = events.try_recv().expect("the trouble is announced");
    app.handle_event(event, fixed(1));
    let screen = render(&mut app, 120, 40);
    let status = screen.lines().last().unwrap();
    assert!(
        status.contains("the carrier sync could not reach the carrier"),
        "{screen}"
    );
    assert!(!screen.contains('\u{1b}'), "escaped: {screen}");
    rig.engine.trouble("the carrier sync", None);
    app.handle_event(events.try_recv().unwrap(), fixed(2));
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("the carrier sync works again"), "{screen}");
}

#[test]
fn the_wizard_offers_the_chime_sdk_products_and_searches_the_carrier() {
    let rig = Rig::new();
    let mut app = console(&rig, fixed(0));
    press(&mut app, fixed(0), "p");
    let step1 = render(&mut app, 120, 40);
    assert!(step1.contains("(*) Voice Connector"), "{step1}");
    assert!(
        step1.contains("( ) SIP Media Application Dial-In"),
        "{step1}"
    );
    assert!(!step1.contains(") Business Calling"), "{step1}");
    assert!(
        step1.contains("ended with the Amazon Chime service"),
        "{step1}"
    );

    // A throttled search says so beside the form and changes nothing.
    rig.sim.faults().throttle_next(1);
    press(&mut app, fixed(0), "<Enter><Tab><Tab><Tab>206<Enter>");
    let refused = render(&mut app, 120, 40);
    assert!(refused.contains("the carrier's search failed"), "{refused}");
    assert!(rig.engine.store().jobs().unwrap().is_empty());

    let searches = rig.sim.calls("SearchAvailablePhoneNumbers");
    press(&mut app, fixed(0), "<Enter>");
    assert_eq!(
        rig.sim.calls("SearchAvailablePhoneNumbers"),
        searches + 1,
        "the wizard asked the carrier"
    );
    let results = render(&mut app, 120, 40);
    assert!(results.contains("numbers available"), "{results}");
    press(&mut app, fixed(0), "<Space><Space>p");
    let jobs = rig.engine.store().jobs().unwrap();
    assert_eq!(jobs.len(), 1, "one order sent to the carrier");
    match &jobs[0].action {
        Action::Provision {
            product_type,
            numbers,
        } => {
            assert_eq!(*product_type, ProductType::VoiceConnector);
            assert_eq!(numbers.len(), 2);
            let available = rig.available(500);
            for n in numbers {
                assert!(available.contains(n), "{n} is the carrier's");
                assert!(results.contains(&n.national()), "{n} was shown");
            }
        }
        other => panic!("not an order: {other:?}"),
    }
}

#[test]
fn the_console_says_whose_numbers_it_manages() {
    let rig = Rig::new();
    rig.engine.set_carrier_label(
        "AWS 111122223333 us-east-1".into(),
        "AWS account 111122223333 in us-east-1, as arn:aws:iam::111122223333:user/ana".into(),
    );
    let mut app = console(&rig, fixed(0));
    let wide = render(&mut app, 120, 40);
    let header = wide.lines().next().unwrap();
    assert!(header.contains("AWS 111122223333 us-east-1"), "{header}");
    assert!(
        wide.contains("Managing the numbers of AWS account 111122223333 in us-east-1"),
        "{wide}"
    );
    // At 80 columns the header keeps what it had; the status line still says it.
    let narrow = render(&mut app, 80, 24);
    let header = narrow.lines().next().unwrap();
    assert!(header.contains("Held 0/50"), "{header}");
    assert!(!header.contains("111122223333"), "{header}");
}

/// A port-in filed at AWS Support and waiting for its documents.
fn port_in_waiting_for_documents() -> Rig {
    let rig = Rig::new();
    rig.sync();
    let numbers = rig.available(2);
    let filed = rig.act(Action::SubmitRequest(NewRequest::PortIn {
        form: PortIn {
            btn: numbers[0].clone(),
            numbers: numbers.clone(),
            product_type: ProductType::VoiceConnector,
            authorizing_person: "Ana Lopez".into(),
            current_carrier: Some("Old Telco".into()),
            service_account_number: Some(Secret::new("99887766")),
            service_pin: Some(Secret::new("4321")),
            service_address: "1 Main St, Seattle WA".into(),
            customer_name: "Acme".into(),
            requested_at: rig.now().plus(std::time::Duration::from_secs(3600)),
            voice_connector: Some(VoiceConnectorId::from_seq(1)),
        },
        email: "ana@example.com".into(),
    }));
    assert!(rig.settle(filed.job.unwrap()).ok);
    rig.clock.advance(std::time::Duration::from_secs(24 * 3600));
    rig.sync();
    rig
}

#[test]
fn the_loa_form_attaches_the_signed_file_to_the_support_case() {
    let rig = port_in_waiting_for_documents();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("signed-loa.pdf");
    std::fs::write(&pdf, b"%PDF-1.4 signed").unwrap();

    let now = rig.now();
    let mut app = console(&rig, now);
    press(&mut app, now, "5L");
    let form = render(&mut app, 120, 40);
    assert!(form.contains("Signed LOA file"), "{form}");
    // A path that is not there: said beside the form, nothing sent.
    press(&mut app, now, "<Tab><Tab><Tab><Tab>/no/such/loa.pdf<Enter>");
    let refused = render(&mut app, 120, 40);
    assert!(
        refused.contains("cannot read the LOA file /no/such/loa.pdf: there is no such file"),
        "{refused}"
    );
    assert!(rig.engine.store().jobs().unwrap().is_empty());
    press(&mut app, now, &"<BS>".repeat("/no/such/loa.pdf".len()));
    press(&mut app, now, &format!("{}<Enter>", pdf.display()));
    let jobs = rig.engine.store().jobs().unwrap();
    assert_eq!(jobs.len(), 1, "{}", render(&mut app, 120, 40));
    match &jobs[0].action {
        Action::SubmitLoaFile { file, .. } => {
            assert_eq!(file.name, "signed-loa.pdf");
            assert_eq!(file.data, b"%PDF-1.4 signed");
        }
        other => panic!("not an LOA with its file: {other:?}"),
    }
    assert!(rig.settle(jobs[0].id).ok);
    assert_eq!(rig.sim.calls("AddAttachmentsToSet"), 1);
}

#[test]
fn over_ssh_the_loa_form_never_reads_the_servers_files() {
    let rig = port_in_waiting_for_documents();
    let now = rig.now();
    let ui = UiOptions {
        export_on_screen: Some("phonedesk export".into()),
        ..UiOptions::default()
    };
    let mut app = App::new(Arc::clone(&rig.engine), tui_common::admin(), ui, now).unwrap();
    press(&mut app, now, "5L");
    let form = render(&mut app, 120, 40);
    assert!(!form.contains("Signed LOA file"), "{form}");
    assert!(
        form.contains("Over SSH only the fields go to AWS Support"),
        "{form}"
    );
}
