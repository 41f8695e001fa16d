//! The hints line (lazygit's options bar): the keys that apply to the row under the
//! cursor, generated from the key map so a remap shows at once, cut to the width.

use crate::tui::keys::{format_key, Cmd, KeyMap, Scope, COMMANDS};
use crate::tui::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// The table keys worth a hint, after the screen's own.
const TABLE_HINTS: [Cmd; 3] = [Cmd::Mark, Cmd::Details, Cmd::Filter];

/// `(key, name)` pairs for the screen's commands that `applies` keeps, then marking,
/// details and the filter: the first key of each, as the key map has it now.
pub fn hints(keys: &KeyMap, scope: Scope, applies: &dyn Fn(Cmd) -> bool) -> Vec<(String, String)> {
    let own = COMMANDS
        .iter()
        .filter(|i| i.scope == scope)
        .map(|i| i.cmd)
        .filter(|c| applies(*c));
    own.chain(TABLE_HINTS.into_iter().filter(|c| applies(*c)))
        .filter_map(|cmd| {
            let key = keys.keys(cmd).first()?;
            Some((
                format_key(key),
                crate::tui::keys::info(cmd).name.to_string(),
            ))
        })
        .collect()
}

/// The hints that fit in `width` columns, two spaces apart, in order (later ones drop).
pub fn fit(hints: &[(String, String)], width: usize) -> String {
    let mut out = String::from(" ");
    for (key, name) in hints {
        let item = format!("{key} {name}");
        let sep = if out.len() > 1 { "  " } else { "" };
        if out.chars().count() + sep.len() + item.chars().count() + 1 > width {
            break;
        }
        out.push_str(sep);
        out.push_str(&item);
    }
    out
}

pub fn draw_hints(f: &mut Frame, area: Rect, theme: &Theme, hints: &[(String, String)]) {
    let text = fit(hints, area.width as usize);
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(text, theme.dim))),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_follow_the_key_map_and_fit_the_width() {
        let keys = KeyMap::defaults();
        let all = hints(&keys, Scope::Inventory, &|_| true);
        assert_eq!(all[0], ("a".to_string(), "assign".to_string()));
        assert!(all.contains(&("d".into(), "delete".into())));
        let none_delete = hints(&keys, Scope::Inventory, &|c| c != Cmd::Delete);
        assert!(!none_delete.iter().any(|(_, n)| n == "delete"));
        let line = fit(&all, 80);
        assert!(line.chars().count() <= 80, "{line}");
        assert!(line.starts_with(" a assign  r reassign"), "{line}");
        // Remapped: the hint shows the new key.
        let mut o = std::collections::BTreeMap::new();
        o.insert(
            "delete".to_string(),
            crate::config::KeyList::One("x".into()),
        );
        let remapped = KeyMap::new(&o).unwrap();
        let h = hints(&remapped, Scope::Inventory, &|_| true);
        assert!(h.contains(&("x".into(), "delete".into())), "{h:?}");
    }
}
