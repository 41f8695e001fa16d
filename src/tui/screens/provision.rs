//! The provisioning wizard, as in the seed: product type, then a search by country,
//! state, city, area code, toll-free prefix or digit pattern, then the numbers to order
//! (Space marks), then Provision. The order then shows in Orders and Pending. A mark holds
//! the number for this administrator (`domain::hold`): other sessions see "held by alice,
//! 9 m left" and cannot mark or order it; unmarking, a new search, cancelling and the
//! console's end release the holds, the order consumes them.

use super::{Cx, DrawCx, Effect, Screen, ScreenId};
use crate::domain::*;
use crate::text::one_line;
use crate::tui::keys::{Cmd, Scope};
use crate::tui::widgets::form::{Check, Field, Form};
use crate::tui::widgets::status::Status;
use crate::tui::widgets::table::{body_height, draw_table, Nav};
use crate::tui::widgets::table::{Cell, Row};
use crate::tui::widgets::{block, DialogEvent};
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    ProductType,
    Search,
    Results,
}

pub struct Provision {
    step: Step,
    product: usize,
    /// What the carrier sells: Voice Connector and SIP Media Application Dial-In at the
    /// Chime SDK, Business Calling and Voice Connector in the simulation.
    products: &'static [ProductType],
    form: Form,
    results: Vec<AvailableNumber>,
    nav: Nav,
    marks: BTreeSet<E164>,
    /// The holds in force on the results (this session's marks and others'), as last
    /// read: reloaded on refresh, after a mark, and on every console's hold event.
    holds: HashMap<E164, Hold>,
}

impl Default for Provision {
    fn default() -> Self {
        Self::new()
    }
}

// Field positions in the search form.
const COUNTRY: usize = 0;
const STATE: usize = 1;
const CITY: usize = 2;
const AREA: usize = 3;
const TOLL_FREE: usize = 4;
const DIGITS: usize = 5;
const HOW_MANY: usize = 6;

impl Provision {
    pub fn new() -> Provision {
        Provision {
            step: Step::ProductType,
            product: 0,
            products: &ProductType::ALL,
            form: search_form(500),
            results: Vec::new(),
            nav: Nav::default(),
            marks: BTreeSet::new(),
            holds: HashMap::new(),
        }
    }

    pub fn step(&self) -> Step {
        self.step
    }

    fn product_type(&self) -> ProductType {
        self.products[self.product.min(self.products.len() - 1)]
    }

    fn query(&self) -> Result<SearchQuery, String> {
        let v = |i| self.form.value(i).trim().to_string();
        let opt = |s: String| (!s.is_empty()).then_some(s);
        let num = |i: usize, what: &str| -> Result<Option<u16>, String> {
            let s = v(i);
            if s.is_empty() {
                return Ok(None);
            }
            s.parse()
                .map(Some)
                .map_err(|_| format!("the {what} is digits only, not “{}”", one_line(&s)))
        };
        let limit: usize = v(HOW_MANY)
            .parse()
            .map_err(|_| "how many: give a number, e.g. 10".to_string())?;
        let mut q = SearchQuery::us();
        q.country = v(COUNTRY);
        q.state = opt(v(STATE));
        q.city = opt(v(CITY));
        q.area_code = num(AREA, "area code")?;
        q.toll_free_prefix = num(TOLL_FREE, "toll-free prefix")?;
        q.contains = opt(v(DIGITS));
        q.limit = limit;
        if self.product_type() == ProductType::BusinessCalling {
            // Toll-free numbers can never be Business Calling numbers.
            if q.toll_free_prefix.is_some() {
                return Err("toll-free numbers can only be Voice Connector numbers: \
                     go back and choose Voice Connector to search by toll-free prefix"
                    .to_string());
            }
            q.number_type = Some(NumberType::Local);
        }
        Ok(q.normalized())
    }

    fn search(&mut self, cx: &mut Cx) {
        let q = match self.query() {
            Ok(q) => q,
            Err(e) => {
                self.form.error = Some(e);
                return;
            }
        };
        match crate::carrier::search::available(cx.engine, &q) {
            Ok(found) => {
                let n = found.len();
                self.results = found;
                self.unmark_all(cx);
                self.load_holds(cx);
                self.nav = Nav::default();
                self.nav.set_len(n);
                self.step = Step::Results;
                cx.say(Status::info(format!(
                    "{n} numbers available. Space marks, p provisions the marked numbers."
                )));
            }
            Err(e) => self.form.error = Some(e.to_string()),
        }
    }

    /// Reads the holds in force on the results.
    fn load_holds(&mut self, cx: &Cx) {
        self.holds = self
            .results
            .iter()
            .filter_map(|a| cx.engine.hold_on(&a.number, cx.now).ok().flatten())
            .map(|h| (h.number.clone(), h))
            .collect();
    }

    /// Marks (and holds) or unmarks (and releases) the number under the cursor. A number
    /// someone else holds is refused with the reason, and stays unmarked.
    fn toggle_mark(&mut self, cx: &mut Cx) {
        let Some(n) = self.results.get(self.nav.cursor).map(|a| a.number.clone()) else {
            return;
        };
        if self.marks.remove(&n) {
            cx.release(std::slice::from_ref(&n));
        } else if cx.hold(std::slice::from_ref(&n)) {
            self.marks.insert(n);
        } else {
            self.load_holds(cx);
            return;
        }
        self.load_holds(cx);
        self.nav.down(1);
    }

    /// Marks every result nobody else holds (or unmarks all when all are marked).
    fn toggle_all(&mut self, cx: &mut Cx) {
        if !self.results.is_empty() && self.marks.len() == self.results.len() {
            self.unmark_all(cx);
            self.load_holds(cx);
            return;
        }
        self.load_holds(cx);
        let (others, free): (Vec<E164>, Vec<E164>) = self
            .results
            .iter()
            .map(|a| a.number.clone())
            .filter(|n| !self.marks.contains(n))
            .partition(|n| {
                self.holds
                    .get(n)
                    .is_some_and(|h| h.blocks(cx.actor, cx.now))
            });
        if !free.is_empty() && cx.hold(&free) {
            self.marks.extend(free);
        }
        self.load_holds(cx);
        if !others.is_empty() {
            cx.say(Status::info(format!(
                "{} marked; {} held by other administrators stay unmarked.",
                self.marks.len(),
                counted(others.len() as u64, "number")
            )));
        }
    }

    /// Clears the marks and releases their holds.
    fn unmark_all(&mut self, cx: &mut Cx) {
        let marked: Vec<E164> = std::mem::take(&mut self.marks).into_iter().collect();
        if !marked.is_empty() {
            cx.release(&marked);
        }
    }

    fn provision(&mut self, cx: &mut Cx) {
        let numbers: Vec<E164> = if self.marks.is_empty() {
            self.results
                .get(self.nav.cursor)
                .map(|a| a.number.clone())
                .into_iter()
                .collect()
        } else {
            self.marks.iter().cloned().collect()
        };
        if numbers.is_empty() {
            cx.say(Status::error(RuleError::NothingSelected.to_string()));
            return;
        }
        if cx
            .dispatch(Action::Provision {
                product_type: self.product_type(),
                numbers,
            })
            .is_ok()
        {
            *self = Provision::new();
            cx.emit(Effect::Go(ScreenId::Orders));
        }
    }

    fn draw_product(&self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        let t = cx.theme;
        let mut lines = vec![
            Line::from("Step 1 of 3: choose the product type, then Enter."),
            Line::from(""),
        ];
        let about = |p: ProductType| {
            match p {
            ProductType::BusinessCalling => {
                "Numbers for your users: assign each to one user of an account."
            }
            ProductType::VoiceConnector => {
                "Numbers for a SIP trunk: assign to a voice connector or group. Toll-free numbers are Voice Connector only."
            }
            ProductType::SipMediaApplicationDialIn => {
                "Numbers that call a SIP media application: a SIP rule sends their calls to it."
            }
        }
        };
        for (i, p) in self.products.iter().enumerate() {
            let sel = i == self.product;
            let mark = if sel { "(*) " } else { "( ) " };
            lines.push(Line::from(vec![
                Span::styled(mark, t.accent),
                Span::styled(p.label(), if sel { t.selected } else { t.text }),
            ]));
            lines.push(Line::from(format!("    {}", about(*p))).style(t.dim));
        }
        if !self.products.contains(&ProductType::BusinessCalling) {
            lines.push(Line::from(""));
            lines.push(Line::from(RuleError::BusinessCallingEnded.to_string()).style(t.dim));
        }
        lines.push(Line::from(""));
        lines.push(Line::from("j/k choose  Enter next  Esc cancel").style(t.dim));
        let b = block(t, " Orders › Provision phone numbers ");
        f.render_widget(
            Paragraph::new(lines).block(b).wrap(Wrap { trim: false }),
            area,
        );
    }

    fn draw_results(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        let t = cx.theme;
        self.nav.set_height(body_height(area));
        self.nav.set_len(self.results.len());
        let visible = &self.results[self.nav.visible()];
        // A Hold column only while a visible result is held, as wide as its longest text.
        let held: Vec<Option<String>> = visible
            .iter()
            .map(|a| {
                self.holds
                    .get(&a.number)
                    .filter(|h| h.is_active(cx.now))
                    .map(|h| one_line(&h.shown(cx.now)).into_owned())
            })
            .collect();
        let held_width = held.iter().flatten().map(|h| h.chars().count()).max();
        let rows = visible
            .iter()
            .zip(held)
            .map(|(a, held)| {
                let marked = self.marks.contains(&a.number);
                let blocked = !marked && held.is_some();
                let mut cells = vec![
                    Cell::from(if marked { "*" } else { " " }),
                    Cell::from(a.number.national()),
                    Cell::from(a.number.to_string()),
                    Cell::from(a.number_type.label()),
                    Cell::from(one_line(&a.place()).into_owned()),
                ];
                if held_width.is_some() {
                    cells.push(Cell::from(held.unwrap_or_default()));
                }
                let row = Row::new(cells);
                if marked {
                    row.style(t.marked)
                } else if blocked {
                    row.style(t.dim)
                } else {
                    row
                }
            })
            .collect();
        let mut widths = vec![
            Constraint::Length(1),
            Constraint::Length(14),
            Constraint::Length(12),
            Constraint::Length(9),
            Constraint::Fill(1),
        ];
        let mut headers = vec!["", "Number", "E.164", "Type", "Where"];
        if let Some(w) = held_width {
            widths.push(Constraint::Length(w as u16));
            headers.push("Hold");
        }
        let title = Line::from(format!(
            " Provision › {} › step 3 of 3: {} marked; p provisions, s edits the search ",
            self.product_type(),
            self.marks.len()
        ));
        draw_table(
            f,
            area,
            t,
            title,
            headers,
            &widths,
            rows,
            &self.nav,
            "No numbers match. Press s to change the search.",
        );
    }
}

fn search_form(limit: usize) -> Form {
    let check_state: Check = Box::new(|s| {
        if s.trim().is_empty() || us_state(s).is_some() {
            Ok(())
        } else {
            Err(SearchError::UnknownState(one_line(s).into_owned()).to_string())
        }
    });
    let check_country: Check = Box::new(|s| {
        SearchQuery {
            country: s.to_string(),
            ..SearchQuery::us().with_area_code(206)
        }
        .validate(MAX_SEARCH_RESULTS)
        .map_err(|e| e.to_string())
    });
    let check_area: Check = Box::new(|s| match s.trim() {
        "" => Ok(()),
        t => match t.parse::<u16>() {
            Ok(n) => SearchQuery::us()
                .with_area_code(n)
                .validate(MAX_SEARCH_RESULTS)
                .map_err(|e| e.to_string()),
            Err(_) => Err("an area code is 3 digits, e.g. 206".into()),
        },
    });
    let check_toll_free: Check = Box::new(|s| match s.trim() {
        "" => Ok(()),
        t => match t.parse::<u16>() {
            Ok(n) => SearchQuery::us()
                .with_toll_free_prefix(n)
                .validate(MAX_SEARCH_RESULTS)
                .map_err(|e| e.to_string()),
            Err(_) => Err(SearchError::BadTollFreePrefix(0)
                .to_string()
                .replace(" 0 ", " that ")),
        },
    });
    let check_digits: Check = Box::new(|s| {
        if s.trim().is_empty() {
            return Ok(());
        }
        SearchQuery::us()
            .with_area_code(206)
            .with_contains(s)
            .normalized()
            .validate(MAX_SEARCH_RESULTS)
            .map_err(|e| e.to_string())
    });
    let check_limit: Check = Box::new(move |s| match s.trim().parse::<usize>() {
        Ok(n) => SearchQuery::us()
            .with_area_code(206)
            .with_limit(n)
            .validate(limit)
            .map_err(|e| e.to_string()),
        Err(_) => Err(format!("give a number from 1 to {limit}")),
    });
    Form::new(
        "Provision › step 2 of 3: search available numbers",
        "search",
    )
    // Esc goes back to step 1 and keeps what was typed here: nothing to ask.
    .back_on_esc()
    .intro("Give an area code, a state, a city with its state, or a toll-free prefix.")
    .field(Field::new(
        "Country",
        "US",
        "United States numbers only",
        check_country,
    ))
    .field(Field::new(
        "State",
        "",
        "two-letter code or name, e.g. WA",
        check_state,
    ))
    .field(Field::new(
        "City",
        "",
        "needs its state, e.g. Seattle",
        Box::new(|_| Ok(())),
    ))
    .field(Field::new("Area code", "", "e.g. 206", check_area))
    .field(Field::new(
        "Toll-free prefix",
        "",
        "800, 833, 844, 855, 866, 877 or 888",
        check_toll_free,
    ))
    .field(Field::new(
        "Digits contain",
        "",
        "digits anywhere in the number, e.g. 555",
        check_digits,
    ))
    .field(Field::new(
        "How many",
        &DEFAULT_SEARCH_RESULTS.to_string(),
        "results to show",
        check_limit,
    ))
}

impl Screen for Provision {
    fn id(&self) -> ScreenId {
        ScreenId::Provision
    }

    fn scope(&self) -> Scope {
        Scope::Provision
    }

    fn refresh(&mut self, cx: &mut Cx) {
        self.products = if cx.engine.policy().carrier_remote {
            &ProductType::CHIME_SDK
        } else {
            &ProductType::ALL
        };
        if self.step == Step::ProductType && !self.form.is_dirty() {
            self.form = search_form(cx.engine.policy().search_limit);
        }
        self.load_holds(cx);
    }

    /// A hold's minutes left, or its end, read differently.
    fn tick(&mut self, before: Timestamp, now: Timestamp) -> bool {
        self.step == Step::Results
            && self
                .holds
                .values()
                .any(|h| h.is_active(before) != h.is_active(now) || h.shown(before) != h.shown(now))
    }

    fn is_modal(&self) -> bool {
        self.step == Step::Search
    }

    fn on_paste(&mut self, text: &str) {
        if self.step == Step::Search {
            self.form.paste(text);
        }
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) -> bool {
        if self.step != Step::Search {
            return false;
        }
        match self.form.handle_key(key) {
            DialogEvent::Cancel => self.step = Step::ProductType,
            DialogEvent::Done => self.search(cx),
            _ => {}
        }
        true
    }

    fn on_cmd(&mut self, cmd: Cmd, cx: &mut Cx) -> bool {
        match (self.step, cmd) {
            (Step::ProductType, Cmd::Up) => self.product = 0,
            (Step::ProductType, Cmd::Down) => self.product = self.products.len() - 1,
            (Step::ProductType, Cmd::Details | Cmd::Right) => self.step = Step::Search,
            (Step::ProductType, Cmd::Back | Cmd::Left) => {
                // Cancelled: the next time starts fresh, with no old values, focus or error.
                self.unmark_all(cx);
                let products = self.products;
                *self = Provision::new();
                self.products = products;
                self.form = search_form(cx.engine.policy().search_limit);
                cx.emit(Effect::Back);
            }
            (Step::ProductType, Cmd::Provision) => {}
            (Step::Results, Cmd::Provision) => self.provision(cx),
            (Step::Results, Cmd::Search | Cmd::Back | Cmd::Left) => self.step = Step::Search,
            (Step::Results, Cmd::Mark) => self.toggle_mark(cx),
            (Step::Results, Cmd::MarkAll) => self.toggle_all(cx),
            (Step::Results, c) => return self.nav.apply(c),
            _ => return false,
        }
        true
    }

    fn has_unsaved_input(&self) -> bool {
        self.form.is_dirty() || !self.marks.is_empty()
    }

    fn draw(&mut self, f: &mut Frame, area: Rect, cx: &DrawCx) {
        match self.step {
            Step::ProductType => self.draw_product(f, area, cx),
            Step::Search => {
                let b = block(
                    cx.theme,
                    format!(
                        " Orders › Provision phone numbers › {} ",
                        self.product_type()
                    ),
                );
                f.render_widget(b, area);
                self.form.draw(f, area, cx.theme);
            }
            Step::Results => self.draw_results(f, area, cx),
        }
    }
}
