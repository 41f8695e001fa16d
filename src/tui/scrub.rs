//! The last step of every frame: no cell may hold a hidden character (a control, a
//! bidirectional control). Screens escape text from the store as they lay it out
//! (`text::one_line`) and ratatui drops control characters in text it draws; this catches
//! whatever a widget put in a cell by other means, so nothing reaches the terminal raw.

use crate::text::is_hidden;
use ratatui::buffer::Buffer;

/// Replaces the symbol of every cell holding a hidden character with U+FFFD.
pub fn scrub(buffer: &mut Buffer) {
    for cell in buffer.content.iter_mut() {
        if cell.symbol().chars().any(is_hidden) {
            cell.set_symbol("\u{FFFD}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    #[test]
    fn a_cell_with_a_hidden_character_shows_a_replacement() {
        let mut b = Buffer::empty(Rect::new(0, 0, 3, 1));
        b[(0, 0)].set_symbol("\u{1b}");
        b[(1, 0)].set_symbol("a\u{202e}");
        b[(2, 0)].set_symbol("b");
        scrub(&mut b);
        let shown: Vec<&str> = b.content.iter().map(|c| c.symbol()).collect();
        assert_eq!(shown, ["\u{FFFD}", "\u{FFFD}", "b"]);
    }
}
