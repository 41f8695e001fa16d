//! NOT BUILT YET: a stand-in for the Deletion queue, Support, Directory and Audit screens,
//! which another engineer is adding. It says so on screen and claims nothing else.
//! Replace the `Placeholder::new(...)` line in `App::new` with the real screen.

use super::{Cx, DrawCx, Screen, ScreenId};
use crate::tui::keys::{Cmd, Scope};
use crate::tui::widgets::block;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub struct Placeholder {
    id: ScreenId,
    scope: Scope,
}

impl Placeholder {
    pub fn new(id: ScreenId, scope: Scope) -> Placeholder {
        Placeholder { id, scope }
    }
}

impl Screen for Placeholder {
    fn id(&self) -> ScreenId {
        self.id
    }

    fn scope(&self) -> Scope {
        self.scope
    }

    fn refresh(&mut self, _cx: &mut Cx) {}

    fn on_cmd(&mut self, _cmd: Cmd, _cx: &mut Cx) -> bool {
        false
    }

    fn draw(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        let text = vec![
            Line::from(format!("The {} screen is not built yet.", self.id.title()))
                .style(cx.theme.warn),
            Line::from(""),
            Line::from("Use the command line (phonedesk --help) for this part until it lands."),
        ];
        let b = block(cx.theme, format!(" {} (not built yet) ", self.id.title()));
        f.render_widget(
            Paragraph::new(text).block(b).wrap(Wrap { trim: true }),
            area,
        );
    }
}
