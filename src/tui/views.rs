//! Saved views and column choices from the configuration (`[[tui.views]]`,
//! `[tui.columns]`): checked once when the console starts (an error names the entry and
//! lists what is valid), then looked up by name for `:view NAME` and by screen for the
//! table's columns.

use super::keys::Scope;
use super::screens::{column_titles, sort_columns, ScreenId};
use super::widgets::table::{column_name, Sort};
use crate::config::ViewConfig;
use std::collections::{BTreeMap, HashMap};

/// The screens whose columns and views the configuration may choose, by their `:` names.
pub const LIST_SCREENS: [(&str, ScreenId, Scope); 7] = [
    ("orders", ScreenId::Orders, Scope::Orders),
    ("pending", ScreenId::Pending, Scope::Pending),
    ("inventory", ScreenId::Inventory, Scope::Inventory),
    (
        "deletion-queue",
        ScreenId::DeletionQueue,
        Scope::DeletionQueue,
    ),
    ("support", ScreenId::Support, Scope::Support),
    ("audit", ScreenId::Audit, Scope::Audit),
    ("jobs", ScreenId::Jobs, Scope::Jobs),
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ViewError {
    #[error("{entry}: “{screen}” is not a list screen; use {valid}")]
    UnknownScreen {
        entry: String,
        screen: String,
        valid: String,
    },
    #[error("{entry}: “{column}” is not a column of the {screen} screen; use {valid}")]
    UnknownColumn {
        entry: String,
        column: String,
        screen: &'static str,
        valid: String,
    },
    #[error("{entry}: the {screen} screen does not sort by “{column}”; use {valid}, with desc after it for the other way round")]
    BadSort {
        entry: String,
        column: String,
        screen: &'static str,
        valid: String,
    },
    #[error("[[tui.views]]: a view needs a name (name = \"unassigned-wa\")")]
    NoName,
    #[error("[[tui.views]] `{0}` is named twice: give each view its own name")]
    Twice(String),
}

/// A saved view, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub name: String,
    pub screen: ScreenId,
    pub filter: String,
    pub sort: Option<Sort>,
    /// Column names (`column_name`), in order; None: the screen's configured columns.
    pub columns: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default)]
pub struct Views {
    views: Vec<View>,
    /// `[tui.columns]`, by screen.
    configured: HashMap<ScreenId, Vec<String>>,
    /// The columns shown now: the configured ones, or the last view's.
    shown: HashMap<ScreenId, Vec<String>>,
}

impl Views {
    pub fn new(
        views: &[ViewConfig],
        columns: &BTreeMap<String, Vec<String>>,
    ) -> Result<Views, ViewError> {
        let mut configured = HashMap::new();
        for (screen, names) in columns {
            let entry = format!("[tui.columns] `{}`", one_line(screen));
            let (id, scope) = list_screen(&entry, screen)?;
            configured.insert(id, checked_columns(&entry, scope, names)?);
        }
        let mut checked: Vec<View> = Vec::new();
        for v in views {
            let name = v.name.trim();
            if name.is_empty() {
                return Err(ViewError::NoName);
            }
            if checked.iter().any(|c| c.name == name) {
                return Err(ViewError::Twice(one_line(name)));
            }
            let entry = format!("[[tui.views]] `{}`", one_line(name));
            let (screen, scope) = list_screen(&format!("{entry} `screen`"), &v.screen)?;
            let sort = match &v.sort {
                Some(text) => Some(read_sort(&format!("{entry} `sort`"), scope, text)?),
                None => None,
            };
            let columns = match &v.columns {
                Some(names) => Some(checked_columns(
                    &format!("{entry} `columns`"),
                    scope,
                    names,
                )?),
                None => None,
            };
            checked.push(View {
                name: name.to_string(),
                screen,
                filter: v.filter.clone(),
                sort,
                columns,
            });
        }
        Ok(Views {
            views: checked,
            shown: configured.clone(),
            configured,
        })
    }

    pub fn named(&self, name: &str) -> Option<&View> {
        self.views.iter().find(|v| v.name == name.trim())
    }

    pub fn names(&self) -> Vec<String> {
        self.views.iter().map(|v| v.name.clone()).collect()
    }

    /// The columns a screen shows now (None: all of its own).
    pub fn columns(&self, screen: ScreenId) -> Option<&[String]> {
        self.shown.get(&screen).map(|v| v.as_slice())
    }

    /// A view was shown: its columns, or the configured ones when it names none.
    pub fn show(&mut self, view: &View) {
        match view
            .columns
            .clone()
            .or_else(|| self.configured.get(&view.screen).cloned())
        {
            Some(c) => self.shown.insert(view.screen, c),
            None => self.shown.remove(&view.screen),
        };
    }
}

/// `status`, `status desc`, `Product type asc`: a sortable column of the screen's.
pub fn read_sort(entry: &str, scope: Scope, text: &str) -> Result<Sort, ViewError> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let (column, descending) = match words.split_last() {
        Some((last, rest)) if last.eq_ignore_ascii_case("desc") => (rest.join(" "), true),
        Some((last, rest)) if last.eq_ignore_ascii_case("asc") => (rest.join(" "), false),
        _ => (words.join(" "), false),
    };
    let names = sort_columns(scope);
    let wanted = column_name(&column);
    names
        .iter()
        .position(|t| column_name(t) == wanted)
        .filter(|_| !wanted.is_empty())
        .map(|column| Sort { column, descending })
        .ok_or_else(|| ViewError::BadSort {
            entry: entry.to_string(),
            column: one_line(&column),
            screen: scope.label(),
            valid: listed(names.iter().map(|t| column_name(t))),
        })
}

/// The sortable columns' names of a screen, for `:sort`'s completion.
pub fn sort_names(scope: Scope) -> Vec<String> {
    sort_columns(scope).iter().map(|t| column_name(t)).collect()
}

fn list_screen(entry: &str, screen: &str) -> Result<(ScreenId, Scope), ViewError> {
    let wanted = column_name(screen);
    LIST_SCREENS
        .iter()
        .find(|(name, ..)| *name == wanted)
        .map(|(_, id, scope)| (*id, *scope))
        .ok_or_else(|| ViewError::UnknownScreen {
            entry: entry.to_string(),
            screen: one_line(screen),
            valid: listed(LIST_SCREENS.iter().map(|(n, ..)| n.to_string())),
        })
}

fn checked_columns(entry: &str, scope: Scope, names: &[String]) -> Result<Vec<String>, ViewError> {
    let valid: Vec<String> = column_titles(scope)
        .iter()
        .map(|t| column_name(t))
        .collect();
    names
        .iter()
        .map(|n| {
            let name = column_name(n);
            if valid.contains(&name) {
                Ok(name)
            } else {
                Err(ViewError::UnknownColumn {
                    entry: entry.to_string(),
                    column: one_line(n),
                    screen: scope.label(),
                    valid: listed(valid.iter().cloned()),
                })
            }
        })
        .collect()
}

fn listed(names: impl Iterator<Item = String>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

fn one_line(s: &str) -> String {
    crate::text::one_line(s).chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(name: &str, screen: &str) -> ViewConfig {
        ViewConfig {
            name: name.into(),
            screen: screen.into(),
            ..ViewConfig::default()
        }
    }

    #[test]
    fn views_and_columns_are_checked_and_errors_name_the_entry() {
        let mut columns = BTreeMap::new();
        columns.insert(
            "inventory".to_string(),
            vec!["number".to_string(), "Assigned to".to_string()],
        );
        let mut v = view("unassigned-wa", "inventory");
        v.filter = "status:unassigned state:WA".into();
        v.sort = Some("status desc".into());
        let views = Views::new(&[v], &columns).unwrap();
        let got = views.named("unassigned-wa").unwrap();
        assert_eq!(got.screen, ScreenId::Inventory);
        assert_eq!(
            got.sort,
            Some(Sort {
                column: 3,
                descending: true
            })
        );
        assert_eq!(
            views.columns(ScreenId::Inventory),
            Some(&["number".to_string(), "assigned-to".to_string()][..])
        );

        columns.insert("inventory".into(), vec!["numbr".into()]);
        let e = Views::new(&[], &columns).unwrap_err().to_string();
        assert_eq!(
            e,
            "[tui.columns] `inventory`: “numbr” is not a column of the Inventory screen; use number, type, product-type, status, assigned-to, calling-name, e164, calls, sms"
        );
        let e = Views::new(&[view("x", "invntory")], &BTreeMap::new())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("[[tui.views]] `x` `screen`: “invntory” is not a list screen; use orders, pending, inventory"),
            "{e}"
        );
        let mut bad_sort = view("x", "orders");
        bad_sort.sort = Some("colour".into());
        let e = Views::new(&[bad_sort], &BTreeMap::new())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`sort`: the Orders screen does not sort by “colour”; use order, type"),
            "{e}"
        );
        let e = Views::new(
            &[view("a", "orders"), view("a", "pending")],
            &BTreeMap::new(),
        )
        .unwrap_err();
        assert_eq!(e, ViewError::Twice("a".into()));
    }
}
