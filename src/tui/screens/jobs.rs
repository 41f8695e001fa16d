//! Jobs: the remote carrier's outbox. Each change phonedesk has to send to the carrier
//! (an order, an assignment, a calling name, a porting case) waits here until the carrier
//! answers: what it is, for which numbers, who asked, where it stands (waiting, sent, or
//! failed and why). `R` sends a failed job again (a job sent before is first looked up at
//! the carrier, so nothing happens twice); `x` cancels a failed or waiting one, confirmed.
//! Shown only when the carrier is remote: the simulated carrier answers at once.

use super::{Cx, DrawCx, Screen, ScreenId};
use crate::domain::*;
use crate::local_time::{self, Shown};
use crate::text::one_line;
use crate::tui::keys::{Cmd, Scope};
use crate::tui::widgets::confirm::Confirm;
use crate::tui::widgets::status::Status;
use crate::tui::widgets::table::{
    body_height, draw_table, pick_columns, sort_letters, Record, Rows,
};
use crate::tui::widgets::table::{Cell, Row};
use crate::tui::widgets::DialogEvent;
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use std::cmp::Ordering;

/// The sortable columns, by their header titles.
pub const COLUMNS: [&str; 5] = ["Job", "State", "What", "Asked by", "Created"];

/// A row: one job, as stored.
pub struct JobRow(Job);

impl Record for JobRow {
    type Key = JobId;
    fn key(&self) -> JobId {
        self.0.id
    }
    fn label(&self) -> String {
        self.0.id.to_string()
    }
    fn haystack(&self) -> String {
        let j = &self.0;
        let numbers: Vec<String> = j
            .numbers
            .iter()
            .flat_map(|n| [n.to_string(), n.national()])
            .collect();
        format!(
            "{} {} {} {} {}",
            j.id,
            j.state.label(),
            j.describe(),
            j.actor,
            numbers.join(" ")
        )
    }
    fn compare(&self, other: &Self, column: usize) -> Ordering {
        let (a, b) = (&self.0, &other.0);
        match column {
            1 => a.state.label().cmp(b.state.label()),
            2 => a.describe().cmp(&b.describe()),
            3 => a.actor.cmp(&b.actor),
            4 => a.created_at.cmp(&b.created_at),
            _ => a.id.cmp(&b.id),
        }
    }
}

#[derive(Default)]
pub struct Jobs {
    rows: Rows<JobRow>,
    confirm: Option<(Confirm, JobId)>,
}

impl Jobs {
    pub fn new() -> Jobs {
        Jobs::default()
    }

    fn current(&self, cx: &mut Cx) -> Option<Job> {
        let job = self.rows.current().map(|r| r.0.clone());
        if job.is_none() {
            cx.say(Status::error("No job is selected."));
        }
        job
    }

    fn retry(&mut self, cx: &mut Cx) {
        let Some(job) = self.current(cx) else {
            return;
        };
        let _ = cx.dispatch(Action::RetryJob { job: job.id });
    }

    fn start_cancel(&mut self, cx: &mut Cx) {
        let Some(job) = self.current(cx) else {
            return;
        };
        // Refused before the dialog: a job the carrier may be carrying out cannot be taken
        // back from here (the domain's rule, asked without changing anything).
        if let Err(e) = cx
            .engine
            .precheck(cx.actor, &Action::CancelJob { job: job.id }, cx.now)
        {
            cx.say(Status::error(e.to_string()));
            return;
        }
        let c = Confirm::new(
            "Cancel carrier job",
            "cancel the job",
            format!("Cancel {}", job.id),
        )
        .line(format!("{}: {}", job.id, one_line(&job.describe())))
        .line("Nothing of it has been carried out; the numbers stay as they are.");
        self.confirm = Some((c, job.id));
    }
}

impl Screen for Jobs {
    fn id(&self) -> ScreenId {
        ScreenId::Jobs
    }

    fn scope(&self) -> Scope {
        Scope::Jobs
    }

    fn copy_text(&self) -> Option<String> {
        self.rows.copy_text()
    }

    fn goto(&mut self, wanted: &str, _cx: &mut Cx) -> bool {
        self.rows.goto(wanted)
    }

    fn set_sort(&mut self, sort: crate::tui::widgets::table::Sort, _cx: &mut Cx) {
        self.rows.set_sort(sort);
    }

    fn arg_values(&self) -> Vec<String> {
        self.rows.names()
    }

    fn refresh(&mut self, cx: &mut Cx) {
        let jobs = cx.engine.store().jobs().unwrap_or_default();
        if let Some(note) = self.rows.set(jobs.into_iter().map(JobRow).collect()) {
            cx.note(note);
        }
    }

    fn on_cmd(&mut self, cmd: Cmd, cx: &mut Cx) -> bool {
        match cmd {
            Cmd::RetryJob => self.retry(cx),
            Cmd::CancelJob => self.start_cancel(cx),
            c => return self.rows.apply(c),
        }
        true
    }

    fn is_modal(&self) -> bool {
        self.confirm.is_some()
    }

    fn in_dialog(&self) -> bool {
        self.confirm.is_some()
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> bool {
        if let Some((mut c, id)) = self.confirm.take() {
            match c.handle_key(key) {
                DialogEvent::Done => {
                    let _ = cx.dispatch(Action::CancelJob { job: id });
                }
                DialogEvent::Cancel => {}
                _ => self.confirm = Some((c, id)),
            }
            return true;
        }
        let letters = sort_letters(&COLUMNS, cx.keys, self.scope());
        match self.rows.sort_key(&key, &letters, &COLUMNS) {
            Some(words) => {
                cx.say(Status::info(words));
                true
            }
            None => false,
        }
    }

    fn set_filter(&mut self, text: &str, _cx: &mut Cx) {
        self.rows.set_filter(text);
    }

    fn filter(&self) -> &str {
        self.rows.filter()
    }

    fn draw(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        // The job under the cursor in full below the table: the reason of a failure is
        // longer than any column.
        let [area, detail] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(3)]).areas(area);
        self.rows.set_height(body_height(area));
        let t = cx.theme;
        let wide = area.width >= 110;
        let rows: Vec<Row> = self
            .rows
            .visible()
            .map(|(JobRow(j), _)| {
                let state = match &j.state {
                    JobState::Failed { .. } => Span::styled("failed", t.warn),
                    s => Span::raw(s.label()),
                };
                let mut cells = vec![
                    Cell::from(j.id.to_string()),
                    Cell::from(state),
                    Cell::from(one_line(&j.describe()).into_owned()),
                ];
                if wide {
                    cells.push(Cell::from(one_line(&j.actor).into_owned()));
                    cells.push(Cell::from(local_time::shown_this_year(j.created_at)));
                }
                cells.push(Cell::from(one_line(&short_state(j)).into_owned()));
                Row::new(cells)
            })
            .collect();
        let mut header = vec!["Job", "State", "What"];
        let mut widths = vec![
            Constraint::Length(8),
            Constraint::Length(7),
            Constraint::Fill(2),
        ];
        if wide {
            header.extend(["Asked by", "Created"]);
            widths.extend([
                Constraint::Length(12),
                Constraint::Length(local_time::shown_width() - 5),
            ]);
        }
        header.push("Detail");
        widths.push(Constraint::Fill(2));
        let header = self.rows.header(t, &header, &COLUMNS);
        let title = self.rows.title(t, "Carrier jobs", None);
        let empty = if self.rows.filter().is_empty() {
            "No carrier jobs: every change has its answer from the carrier."
        } else {
            "No jobs match the filter. Esc clears it."
        };
        let (header, widths, rows) = pick_columns(cx.columns, header, &widths, rows);
        draw_table(
            f,
            area,
            t,
            title,
            header,
            &widths,
            rows,
            &self.rows.nav,
            empty,
        );
        let text = match self.rows.current() {
            Some(JobRow(j)) => {
                let next = if j.is_failed() {
                    " R sends it again (a job sent before is looked up at the carrier first); x cancels it."
                } else {
                    ""
                };
                format!(
                    "{}, asked by {} at {}: {}. {}.{next}",
                    j.id,
                    j.actor,
                    j.created_at.shown(),
                    j.describe(),
                    j.state_words(Shown::shown)
                )
            }
            None => String::new(),
        };
        f.render_widget(
            Paragraph::new(one_line(&text).into_owned())
                .style(t.dim)
                .wrap(Wrap { trim: true }),
            detail,
        );
        if let Some((c, _)) = &self.confirm {
            c.draw(f, area, cx.theme);
        }
    }
}

/// The detail column: a failure's reason, a pause's cause, or where a job waits.
fn short_state(j: &Job) -> String {
    match &j.state {
        JobState::Failed { reason, .. } => reason.clone(),
        JobState::Queued => j
            .last_error
            .clone()
            .unwrap_or_else(|| "waiting to be sent".into()),
        JobState::Sent { .. } => "sent, no answer yet".into(),
    }
}
