//! Styles. The default palette uses the 16 ANSI colours only, so the console follows the
//! terminal's own theme; `NO_COLOR` turns colour off and keeps the selection visible with
//! reverse video; an optional TOML theme file overrides single roles.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;
use std::path::Path;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub text: Style,
    pub dim: Style,
    pub title: Style,
    pub accent: Style,
    pub selected: Style,
    pub marked: Style,
    pub ok: Style,
    pub warn: Style,
    pub error: Style,
    pub tab: Style,
    pub tab_active: Style,
    pub border: Style,
    pub borders: border::Set<'static>,
    pub ascii: bool,
}

/// Borders drawn with `+ - |` for terminals and fonts without box-drawing characters.
pub const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("cannot read the theme file {path}: {}", crate::text::plain_io(source))]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the theme file {path} is not valid TOML: {message}")]
    Parse { path: String, message: String },
    #[error("the theme file {path}: `{key}` {message}")]
    Entry {
        path: String,
        key: String,
        message: String,
    },
}

impl Theme {
    /// The 16-colour palette, or plain attributes when `no_color`.
    pub fn new(no_color: bool, ascii: bool) -> Theme {
        let borders = if ascii { ASCII_BORDER } else { border::PLAIN };
        if no_color {
            let plain = Style::new();
            return Theme {
                text: plain,
                dim: plain,
                title: plain.add_modifier(Modifier::BOLD),
                accent: plain.add_modifier(Modifier::BOLD),
                selected: plain.add_modifier(Modifier::REVERSED),
                marked: plain.add_modifier(Modifier::BOLD),
                ok: plain,
                warn: plain.add_modifier(Modifier::BOLD),
                error: plain.add_modifier(Modifier::BOLD),
                tab: plain,
                tab_active: plain.add_modifier(Modifier::REVERSED | Modifier::BOLD),
                border: plain,
                borders,
                ascii,
            };
        }
        Theme {
            text: Style::new(),
            dim: Style::new().fg(Color::DarkGray),
            title: Style::new().add_modifier(Modifier::BOLD),
            accent: Style::new().fg(Color::Cyan),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            marked: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ok: Style::new().fg(Color::Green),
            warn: Style::new().fg(Color::Yellow),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            tab: Style::new(),
            tab_active: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            border: Style::new().fg(Color::DarkGray),
            borders,
            ascii,
        }
    }

    /// True when the environment asks for no colour (https://no-color.org: set and not empty).
    pub fn no_color_from_env() -> bool {
        std::env::var_os("NO_COLOR")
            .map(|v| !v.is_empty())
            .unwrap_or(false)
    }

    /// Applies a theme file: `accent = "magenta"`, `selected = { fg = "black", bg = "yellow" }`.
    /// Colours are the 16 ANSI names, `#rrggbb` or an index; ignored when `NO_COLOR` is set.
    pub fn load_file(mut self, path: &Path, no_color: bool) -> Result<Theme, ThemeError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ThemeError::Read {
            path: shown.clone(),
            source,
        })?;
        let table: toml::Table = toml::from_str(&text).map_err(|e| ThemeError::Parse {
            path: shown.clone(),
            message: e.message().to_string(),
        })?;
        for (key, value) in &table {
            let bad = |message: String| ThemeError::Entry {
                path: shown.clone(),
                key: key.clone(),
                message,
            };
            let style = parse_style(value).map_err(bad)?;
            let slot = match key.as_str() {
                "text" => &mut self.text,
                "dim" => &mut self.dim,
                "title" => &mut self.title,
                "accent" => &mut self.accent,
                "selected" => &mut self.selected,
                "marked" => &mut self.marked,
                "ok" => &mut self.ok,
                "warn" => &mut self.warn,
                "error" => &mut self.error,
                "tab" => &mut self.tab,
                "tab_active" => &mut self.tab_active,
                "border" => &mut self.border,
                _ => {
                    return Err(bad(
                        "is not a theme role (text, dim, title, accent, selected, marked, ok, warn, error, tab, tab_active, border)".into(),
                    ))
                }
            };
            if !no_color {
                *slot = style;
            }
        }
        Ok(self)
    }
}

fn parse_color(v: &toml::Value) -> Result<Color, String> {
    let s = v
        .as_str()
        .ok_or_else(|| "a colour is a string such as \"cyan\" or \"#00aaff\"".to_string())?;
    Color::from_str(s).map_err(|_| {
        format!("“{s}” is not a colour: use an ANSI name such as cyan, #rrggbb or 0-255")
    })
}

fn parse_style(v: &toml::Value) -> Result<Style, String> {
    if v.is_str() {
        return Ok(Style::new().fg(parse_color(v)?));
    }
    let t = v
        .as_table()
        .ok_or_else(|| "must be a colour or a table { fg, bg, bold, reversed }".to_string())?;
    let mut style = Style::new();
    for (k, v) in t {
        style = match k.as_str() {
            "fg" => style.fg(parse_color(v)?),
            "bg" => style.bg(parse_color(v)?),
            "bold" | "reversed" | "underlined" => {
                let on = v
                    .as_bool()
                    .ok_or_else(|| format!("`{k}` is true or false"))?;
                let m = match k.as_str() {
                    "bold" => Modifier::BOLD,
                    "reversed" => Modifier::REVERSED,
                    _ => Modifier::UNDERLINED,
                };
                if on {
                    style.add_modifier(m)
                } else {
                    style
                }
            }
            other => {
                return Err(format!(
                    "has an unknown field `{other}` (fg, bg, bold, reversed, underlined)"
                ))
            }
        };
    }
    Ok(style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_keeps_the_selection_visible() {
        let t = Theme::new(true, false);
        assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
        assert_eq!(t.selected.fg, None);
        assert_eq!(t.error.fg, None);
    }

    #[test]
    fn a_theme_file_names_its_bad_entry() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("theme.toml");
        std::fs::write(
            &p,
            "accent = \"magenta\"\nselected = { fg = \"black\", bg = \"yellow\" }\n",
        )
        .unwrap();
        let t = Theme::new(false, false).load_file(&p, false).unwrap();
        assert_eq!(t.accent.fg, Some(Color::Magenta));
        assert_eq!(t.selected.bg, Some(Color::Yellow));
        std::fs::write(&p, "acent = \"red\"\n").unwrap();
        let e = Theme::new(false, false)
            .load_file(&p, false)
            .unwrap_err()
            .to_string();
        assert!(e.contains("`acent`"), "{e}");
        std::fs::write(&p, "accent = \"reddish\"\n").unwrap();
        let e = Theme::new(false, false)
            .load_file(&p, false)
            .unwrap_err()
            .to_string();
        assert!(e.contains("reddish"), "{e}");
    }
}
