//! A minimal console used until (and as a fallback to) the real one: who you are, how many
//! administrators are connected, the last key and the last change anyone made.

use super::console::{ClientPrefs, Front};
use crate::domain::{Actor, Timestamp};
use crate::engine::{Engine, Event};
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;
use std::sync::Arc;

pub struct StandIn {
    engine: Arc<Engine>,
    actor: Actor,
    last_key: String,
    last_event: String,
    dirty: bool,
    quit: bool,
}

pub fn make(
    engine: Arc<Engine>,
    actor: Actor,
    _prefs: &ClientPrefs,
    _now: Timestamp,
) -> Result<Box<dyn Front>, String> {
    Ok(Box::new(StandIn {
        engine,
        actor,
        last_key: String::new(),
        last_event: String::new(),
        dirty: true,
        quit: false,
    }))
}

impl Front for StandIn {
    fn handle_key(&mut self, key: KeyEvent, _now: Timestamp) {
        if key.code == KeyCode::Char('q') {
            self.quit = true;
        }
        self.last_key = format!("{:?} {:?}", key.code, key.modifiers);
        self.dirty = true;
    }

    fn handle_event(&mut self, event: Event, _now: Timestamp) {
        self.last_event = format!("{} by {}: {}", event.action, event.actor, event.message);
        self.dirty = true;
    }

    fn tick(&mut self, _now: Timestamp) -> bool {
        false
    }

    fn draw(&mut self, frame: &mut Frame) {
        self.dirty = false;
        let area = frame.area();
        let [head, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        let header = format!(
            "phonedesk  {} ({})  connected: {}  size {}x{}",
            self.actor.name,
            self.actor.role.label(),
            self.engine.sessions(),
            area.width,
            area.height
        );
        frame.render_widget(Paragraph::new(header), head);
        let text = format!(
            "key: {}\nlast change: {}\n\nq quits",
            self.last_key,
            clean(&self.last_event)
        );
        frame.render_widget(
            Paragraph::new(text).block(Block::default().borders(Borders::ALL)),
            body,
        );
    }

    fn needs_redraw(&self) -> bool {
        self.dirty
    }

    fn should_quit(&self) -> bool {
        self.quit
    }
}

fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}
