//! An action that cannot apply to the selection says why at once, in the rules' words,
//! instead of after the pickers or the form: assign of an assigned number, reassign of an
//! unassigned one, the default calling name while an update is on its way.

mod tui_common;

use phonedesk::domain::*;
use tui_common::*;

/// The console with the cursor on `number` (filtered to it).
fn on_number(w: &World, number: &E164) -> phonedesk::tui::App {
    let mut a = app(w);
    press(&mut a, w.now, "/");
    press(&mut a, w.now, &number.as_str()[1..]);
    press(&mut a, w.now, "<Enter>");
    a
}

fn assigned_and_unassigned(w: &World) -> (E164, E164) {
    let records = w.engine.store().numbers_at(&w.inventory).unwrap();
    let assigned = records
        .iter()
        .find(|p| p.assignee().is_some())
        .expect("the world has an assigned number");
    let free = records
        .iter()
        .find(|p| p.assignee().is_none() && p.product_type == ProductType::VoiceConnector)
        .expect("the world has an unassigned Voice Connector number");
    (assigned.number.clone(), free.number.clone())
}

#[test]
fn assigning_an_assigned_number_is_refused_before_any_picker() {
    let w = world();
    let (assigned, _) = assigned_and_unassigned(&w);
    let mut a = on_number(&w, &assigned);
    press(&mut a, w.now, "a");
    let screen = render(&mut a, 120, 40);
    assert!(!screen.contains("Assign: "), "no picker opened: {screen}");
    assert!(
        screen.contains("assign it again (or reassign it)"),
        "{screen}"
    );
}

#[test]
fn reassigning_an_unassigned_number_is_refused_before_any_picker() {
    let w = world();
    let (_, free) = assigned_and_unassigned(&w);
    let mut a = on_number(&w, &free);
    press(&mut a, w.now, "r");
    let screen = render(&mut a, 120, 40);
    assert!(!screen.contains("Reassign: "), "no picker opened: {screen}");
    assert!(
        screen.contains(&RuleError::NotAssigned(free.clone()).to_string()),
        "{screen}"
    );
}

#[test]
fn the_default_name_form_does_not_open_while_an_update_is_on_its_way() {
    let w = world();
    w.engine
        .dispatch(
            &admin(),
            Action::SetDefaultCallingName {
                name: CallingName::parse("Acme Corp").unwrap(),
            },
            w.now,
        )
        .unwrap();
    let mut a = app(&w);
    press(&mut a, w.now, "N");
    let screen = render(&mut a, 120, 40);
    assert!(!screen.contains("Update default calling name"), "{screen}");
    assert!(screen.contains("default calling name"), "{screen}");
    // Once it has landed and the cooldown is over, the form opens.
    let later = w.now.plus(w.engine.policy().default_name_cooldown * 2);
    w.engine.run_due(later).unwrap();
    let mut a = app(&w);
    press(&mut a, later, "N");
    let screen = render(&mut a, 120, 40);
    assert!(screen.contains("Update default calling name"), "{screen}");
}
