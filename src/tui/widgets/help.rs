//! The `?` overlay: the keys of the current screen, navigation and global keys, built
//! from the key map (never written by hand, so it cannot drift).

use super::{block, centered, fit};
use crate::tui::keys::KeyMap;
use crate::tui::keys::Scope;
use crate::tui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

/// The help's lines for a screen: `keys  :name  what it does`.
pub fn help_lines(keys: &KeyMap, screen: Scope, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (scope, cmds) in keys.help_for(screen) {
        let heading = match scope {
            Scope::Global => "Everywhere".to_string(),
            Scope::Navigation => "Tables and lists".to_string(),
            s => format!("{} screen", s.label()),
        };
        if !lines.is_empty() {
            lines.push(Line::from(""));
        }
        lines.push(Line::from(heading).style(theme.title));
        for c in cmds {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<16}", keys.keys_label(c.cmd)), theme.accent),
                Span::styled(format!("{:<20}", format!(":{}", c.name)), theme.dim),
                Span::raw(c.help),
            ]));
        }
    }
    lines
}

pub fn draw_help(f: &mut Frame, area: Rect, theme: &Theme, lines: &[Line<'static>], scroll: usize) {
    draw_overlay_text(f, area, theme, " Help ", lines, scroll)
}

/// A scrollable box of lines over the screen (the help, the message log); long lines are
/// cut to the box with an ellipsis.
pub fn draw_overlay_text(
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
    title: &str,
    lines: &[Line<'static>],
    scroll: usize,
) {
    let rect = centered(area, 96, area.height.saturating_sub(2).max(3));
    f.render_widget(Clear, rect);
    let outer = block(theme, title.to_string())
        .title_bottom(Line::from(" j/k scroll  Esc or ? close ").style(theme.dim));
    let inner = outer.inner(rect);
    f.render_widget(outer, rect);
    let w = inner.width as usize;
    let shown: Vec<Line> = lines
        .iter()
        .skip(scroll.min(lines.len().saturating_sub(1)))
        .take(inner.height as usize)
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            if text.chars().count() > w {
                Line::from(fit(&text, w, theme.ascii))
            } else {
                l.clone()
            }
        })
        .collect();
    f.render_widget(Paragraph::new(shown), inner);
}
