//! The Support screen's forms: a plain request, the port-in form in two steps (the numbers,
//! then the current carrier's records: 13 fields do not fit 24 rows at once), the port-out
//! form, a reply and the LOA. Each field is checked as you type by the domain's parsers;
//! Pick lists are `Field::choice` (◂ value ▸, Left/Right or Space), as in the Directory.

use crate::domain::*;
use crate::local_time;
use crate::text::one_line;
use crate::tui::widgets::form::{Check, Field, Form};
use crate::tui::widgets::DialogEvent;
use crossterm::event::{KeyCode, KeyEvent};

pub fn required(what: &'static str) -> Check {
    required_up_to(what, TEXT_MAX)
}

/// One line, not empty, at most `max` characters and no hidden character: the domain's
/// own check (`checked_text`).
pub fn required_up_to(what: &'static str, max: usize) -> Check {
    Box::new(move |s| said(checked_text(s, what, max), what, max))
}

/// As `required_up_to`, for text over several lines (an issue, a reply): `checked_lines`.
pub fn lines_up_to(what: &'static str, max: usize) -> Check {
    Box::new(move |s| said(checked_lines(s, what, max), what, max))
}

/// Optional one-line text: empty, or what `required` accepts.
pub fn optional(what: &'static str) -> Check {
    let check = required(what);
    Box::new(move |s| {
        if s.trim().is_empty() {
            Ok(())
        } else {
            check(s)
        }
    })
}

/// A secret may be anything typed, but no hidden character (the domain's rule).
pub fn secret_check(what: &'static str) -> Check {
    Box::new(move |s| {
        shown_as_typed(s, format!("the {what}"), |_| false).map_err(|e| e.to_string())
    })
}

/// The domain's answer in the form's words: the field is named as the form names it.
fn said(checked: Result<String, RuleError>, what: &'static str, max: usize) -> Result<(), String> {
    match checked {
        Ok(_) => Ok(()),
        Err(RuleError::TooLong { .. }) => Err(format!("the {what} has at most {max} characters")),
        Err(RuleError::HiddenCharacter {
            hidden, position, ..
        }) => Err(RuleError::HiddenCharacter {
            what: format!("the {what}"),
            hidden,
            position,
        }
        .to_string()),
        Err(_) => Err(format!("enter the {what}")),
    }
}

pub fn email_check() -> Check {
    email_check_for("your administrator account's")
}

/// An email whose owner the messages name: "your administrator account's", "the user's".
pub fn email_check_for(whose: &'static str) -> Check {
    Box::new(move |s| {
        if is_plausible_email(s) {
            Ok(())
        } else if s.trim().is_empty() {
            Err(format!(
                "the email is required: {whose}, e.g. ana@example.com"
            ))
        } else {
            Err(format!(
                "not an email address; {whose}, e.g. ana@example.com"
            ))
        }
    })
}

/// A required phone number: empty says which field to fill, anything else goes to the
/// domain's parser.
fn required_number(text: &str, what: &str) -> Result<E164, String> {
    if text.trim().is_empty() {
        return Err(format!("the {what} is required: +1 and 10 digits"));
    }
    E164::parse(text).map_err(|e| format!("{what}: {e}"))
}

fn number_check(what: &'static str) -> Check {
    Box::new(move |s| required_number(s, what).map(|_| ()))
}

fn numbers_check() -> Check {
    Box::new(|s| parse_numbers(s).map(|_| ()))
}

/// A date and time, not in the past (the domain refuses those too, on submit).
fn date_check(now: Timestamp) -> Check {
    Box::new(move |s| match local_time::read(s) {
        Some(t) if t < now => Err("the requested date is in the past".into()),
        Some(_) => Ok(()),
        None if s.trim().is_empty() => {
            Err("the requested date is required, e.g. 2026-12-15 09:00".into())
        }
        None => Err(format!(
            "a date and time, e.g. 2026-12-15 09:00 ({} time)",
            zone_name()
        )),
    })
}

/// Numbers separated by commas or spaces. A part that reads as one number with spaces in
/// it (`+1 206 555 0123`) is one number.
pub fn parse_numbers(text: &str) -> Result<Vec<E164>, String> {
    let mut out = Vec::new();
    for part in text
        .split([',', ';', '\n'])
        .filter(|p| !p.trim().is_empty())
    {
        match E164::parse(part) {
            Ok(n) => out.push(n),
            Err(_) => {
                for word in part.split_whitespace() {
                    out.push(E164::parse(word).map_err(|e| e.to_string())?);
                }
            }
        }
    }
    if out.is_empty() {
        return Err(format!("enter one or more numbers: {NUMBERS_FORMAT}"));
    }
    Ok(out)
}

fn product_options() -> Vec<String> {
    ProductType::ALL
        .iter()
        .map(|p| p.label().to_string())
        .collect()
}

fn product_of(form: &Form, field: usize) -> ProductType {
    ProductType::ALL[form.chosen(field).min(1)]
}

/// What a form is for.
pub enum FormKind {
    Plain,
    /// Step 1 of the port-in form; the connectors behind the pick list's entries.
    PortInNumbers {
        connectors: Vec<VoiceConnectorId>,
    },
    PortInRecords,
    PortOut,
    Reply(RequestId),
    Loa(RequestId),
}

/// An open form; step 2 of the port-in form keeps step 1 to go back to.
pub struct FormDialog {
    pub form: Form,
    pub kind: FormKind,
    pub back: Option<Box<FormDialog>>,
    /// Step 2 as it was left when Esc went back to step 1, so its fields survive.
    pub forward: Option<Box<FormDialog>>,
}

/// What a key did to the form.
pub enum FormStep {
    Open,
    Cancelled,
    /// Step 1 of the port-in form is filled: step 2 opened.
    Next,
    Submit(Box<Action>),
    /// A plain request whose subject is the seed's port subject: the structured port form
    /// takes over (it asks for every field the carrier needs), keeping the email.
    PortForm {
        port_in: bool,
        email: String,
    },
}

impl FormDialog {
    fn new(form: Form, kind: FormKind) -> FormDialog {
        FormDialog {
            form,
            kind,
            back: None,
            forward: None,
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.form.is_dirty()
            || self.back.as_ref().is_some_and(|b| b.is_dirty())
            || self.forward.as_ref().is_some_and(|f| f.is_dirty())
    }

    pub fn paste(&mut self, text: &str) {
        self.form.paste(text);
    }

    /// Whether secret fields may be shown in full (`Role::may_reveal`).
    pub fn may_reveal(mut self, may: bool) -> FormDialog {
        self.form.may_reveal = may;
        self
    }

    /// The email the form is sent with, if it has one.
    pub fn email(&self) -> Option<&str> {
        let first = self.back.as_deref().unwrap_or(self);
        let i = first.form.fields.iter().position(|f| f.label == "Email")?;
        Some(first.form.value(i).trim())
    }

    pub fn handle_key(&mut self, key: KeyEvent, now: Timestamp) -> FormStep {
        // Step 2 kept aside holds input too: Esc on step 1 asks before dropping both.
        if key.code == KeyCode::Esc
            && self.back.is_none()
            && !self.form.is_dirty()
            && self.forward.as_ref().is_some_and(|f| f.is_dirty())
        {
            self.form.ask_discard();
            return FormStep::Open;
        }
        match self.form.handle_key(key) {
            DialogEvent::Cancel => match self.back.take() {
                Some(first) => {
                    let second = std::mem::replace(self, *first);
                    self.forward = Some(Box::new(second));
                    FormStep::Open
                }
                None => FormStep::Cancelled,
            },
            DialogEvent::Done => self.submit(now),
            _ => FormStep::Open,
        }
    }

    fn submit(&mut self, now: Timestamp) -> FormStep {
        let v = |i: usize| self.form.value(i).trim().to_string();
        let result = match &self.kind {
            FormKind::Plain if port_subject(&v(1)).is_some() => {
                return FormStep::PortForm {
                    port_in: port_subject(&v(1)) == Some(true),
                    email: v(3),
                };
            }
            FormKind::Plain => Ok(Action::SubmitRequest(NewRequest::Other {
                category: Category::ALL[self.form.chosen(0).min(3)],
                subject: v(1),
                issue: v(2),
                email: v(3),
            })),
            FormKind::PortInNumbers { connectors } => {
                // The domain's refusal, at the step where it can be fixed, not after step 2.
                if product_of(&self.form, PI_PRODUCT) == ProductType::VoiceConnector
                    && self.form.chosen(PI_CONNECTOR) == 0
                {
                    let refusal = if connectors.is_empty() {
                        RuleError::PortInNeedsVoiceConnector
                    } else {
                        RuleError::MissingField {
                            form: "port-in form",
                            field: "voice connector",
                        }
                    };
                    self.form.error = Some(refusal.to_string());
                    self.form.focus = PI_CONNECTOR;
                    return FormStep::Open;
                }
                let second = match self.forward.take() {
                    Some(mut kept) => {
                        // Its last refusal was about step 1, which has just changed.
                        kept.form.error = None;
                        *kept
                    }
                    None => FormDialog::new(records_form(), FormKind::PortInRecords),
                };
                let may_reveal = self.form.may_reveal;
                let first = std::mem::replace(self, second.may_reveal(may_reveal));
                self.back = Some(Box::new(first));
                return FormStep::Next;
            }
            FormKind::PortInRecords => self.port_in(),
            FormKind::PortOut => parse_numbers(&v(0)).map(|numbers| {
                Action::SubmitRequest(NewRequest::PortOut {
                    form: PortOut {
                        numbers,
                        product_type: product_of(&self.form, 1),
                    },
                    email: v(2),
                })
            }),
            FormKind::Reply(id) => Ok(Action::Reply {
                request: id.clone(),
                text: self.form.value(0).to_string(),
            }),
            FormKind::Loa(id) => required_number(&v(2), BTN).and_then(|btn| {
                let loa = Loa {
                    carrier: v(0),
                    authorizing_person: v(1),
                    btn,
                    service_address: v(3),
                    submitted_at: now,
                };
                let path = v(4);
                if path.is_empty() {
                    return Ok(Action::SubmitLoa {
                        request: id.clone(),
                        loa,
                    });
                }
                let file = crate::carrier::porting::read_loa_file(std::path::Path::new(&path))?;
                Ok(Action::SubmitLoaFile {
                    request: id.clone(),
                    loa,
                    file,
                })
            }),
        };
        match result {
            Ok(a) => FormStep::Submit(Box::new(a)),
            Err(e) => {
                self.form.error = Some(e);
                FormStep::Open
            }
        }
    }

    /// Both steps of the port-in form as the domain's `PortIn`.
    fn port_in(&self) -> Result<Action, String> {
        let Some(first) = &self.back else {
            return Err("the port-in form lost its first step; open it again".into());
        };
        let FormKind::PortInNumbers { connectors } = &first.kind else {
            return Err("the port-in form lost its first step; open it again".into());
        };
        let a = |i: usize| first.form.value(i).trim().to_string();
        let b = |i: usize| self.form.value(i).trim().to_string();
        let opt = |s: String| (!s.is_empty()).then_some(s);
        let secret = |s: String| opt(s).map(Secret::new);
        let product_type = product_of(&first.form, PI_PRODUCT);
        let connector = first.form.chosen(PI_CONNECTOR);
        let form = PortIn {
            numbers: parse_numbers(&a(PI_NUMBERS))?,
            product_type,
            btn: required_number(&b(0), BTN)?,
            authorizing_person: b(1),
            current_carrier: opt(b(2)),
            service_account_number: secret(b(3)),
            service_pin: secret(self.form.value(4).to_string()),
            service_address: b(5),
            customer_name: b(6),
            requested_at: local_time::read(&a(PI_DATE))
                .ok_or("the requested date is not a date")?,
            voice_connector: match product_type {
                ProductType::VoiceConnector if connector > 0 => {
                    connectors.get(connector - 1).cloned()
                }
                _ => None,
            },
        };
        Ok(Action::SubmitRequest(NewRequest::PortIn {
            form,
            email: a(PI_EMAIL),
        }))
    }

    pub fn draw(
        &self,
        f: &mut ratatui::Frame,
        area: ratatui::layout::Rect,
        theme: &crate::tui::theme::Theme,
    ) {
        self.form.draw(f, area, theme);
    }
}

/// `Some(true)` for the seed's port-in subject, `Some(false)` for port-out, whatever the
/// category (the seed files them under Other).
fn port_subject(subject: &str) -> Option<bool> {
    let s = subject.trim();
    if s.eq_ignore_ascii_case(SUBJECT_PORT_IN) {
        Some(true)
    } else if s.eq_ignore_ascii_case(SUBJECT_PORT_OUT) {
        Some(false)
    } else {
        None
    }
}

/// Puts `email` in a form's email field: as typed (carried from the plain form to a port
/// form), or prefilled (the one used last), which is not unsaved input.
pub fn with_email(mut dialog: FormDialog, email: &str, typed: bool) -> FormDialog {
    if let Some(f) = dialog.form.fields.iter_mut().find(|f| f.label == "Email") {
        if typed {
            f.set(email);
        } else {
            f.prefill(email);
        }
    }
    dialog
}

const CHOOSE: &str = "Left/Right (or Space) to choose";
/// A format, not an example: an example number would be refused as fictional when typed.
const NUMBERS_FORMAT: &str = "+1 and 10 digits each; commas or one per line";
const BTN: &str = "billing number (BTN)";

pub fn plain_form() -> FormDialog {
    let categories: Vec<String> = Category::ALL.iter().map(|c| c.label().into()).collect();
    let form = Form::new("Submit request", "submit request")
        .intro("Support answers in the request's thread.")
        .field(Field::choice("Category", categories, "", CHOOSE))
        .field(Field::new(
            "Subject",
            "",
            "what the request is about",
            required("subject"),
        ))
        .field(
            Field::new(
                "Issue",
                "",
                "describe the issue; Enter adds a line",
                lines_up_to("issue", ISSUE_MAX),
            )
            .multiline(),
        )
        .field(Field::new(
            "Email",
            "",
            "your administrator account's email",
            email_check(),
        ));
    FormDialog::new(form, FormKind::Plain)
}

// Field positions in step 1 of the port-in form.
const PI_NUMBERS: usize = 0;
const PI_PRODUCT: usize = 1;
const PI_CONNECTOR: usize = 2;
const PI_DATE: usize = 3;
const PI_EMAIL: usize = 4;

pub fn port_in_form(connectors: &[VoiceConnector], policy: &Policy, now: Timestamp) -> FormDialog {
    let mut vc: Vec<String> = vec!["none".into()];
    vc.extend(
        connectors
            .iter()
            .map(|c| format!("{} ({})", one_line(&c.name), c.id)),
    );
    let date = local_time::typed(default_port_date(policy, now, local_time::zone()));
    let form = Form::new("Port numbers in (1 of 2)", "next")
        .intro(format!(
            "US numbers only; toll-free only as Voice Connector. Takes {}.",
            porting_span(policy)
        ))
        .field(
            Field::new("Numbers to port", "", NUMBERS_FORMAT, numbers_check())
                .list()
                .hint_until_valid(),
        )
        .field(Field::choice("Product type", product_options(), "", CHOOSE))
        .field(Field::choice(
            "Voice connector",
            vc,
            "",
            "for Voice Connector numbers; Left/Right to choose",
        ))
        .field(Field::new(
            "Requested date",
            &date,
            "in your time zone, e.g. 2026-12-15 09:00",
            date_check(now),
        ))
        .field(Field::new(
            "Email",
            "",
            "your administrator account's email",
            email_check(),
        ));
    let ids = connectors.iter().map(|c| c.id.clone()).collect();
    FormDialog::new(form, FormKind::PortInNumbers { connectors: ids })
}

/// How long a port takes, from the policy: "14-28 days", or durations when not whole days.
pub fn porting_span(policy: &Policy) -> String {
    const DAY: u64 = 86_400;
    let (min, max) = (policy.porting_min.as_secs(), policy.porting_max.as_secs());
    let days = |s: u64| s / DAY;
    if min >= DAY && min % DAY == 0 && max % DAY == 0 {
        if min == max {
            format!("{} days", days(min))
        } else {
            format!("{}-{} days", days(min), days(max))
        }
    } else if min == max {
        format_duration(policy.porting_min)
    } else {
        format!(
            "{} to {}",
            format_duration(policy.porting_min),
            format_duration(policy.porting_max)
        )
    }
}

/// The requested date the form starts with: 09:00 in `zone` on the day the shortest port
/// would complete, moved a day on while that is not after `now` (never a date in the past).
pub fn default_port_date(policy: &Policy, now: Timestamp, zone: &TimeZone) -> Timestamp {
    let earliest = now.plus(policy.porting_min).shown_in(zone);
    let mut day: jiff::civil::Date = match earliest[..10].parse() {
        Ok(d) => d,
        Err(_) => return now,
    };
    loop {
        match Timestamp::parse_in(&format!("{day} 09:00"), zone) {
            Some(at) if at > now => return at,
            Some(_) => {}
            None => return now,
        }
        day = match day.tomorrow() {
            Ok(d) => d,
            Err(_) => return now,
        };
    }
}

/// The user's zone as a form names it: "Europe/Paris", "UTC".
fn zone_name() -> &'static str {
    local_time::zone().iana_name().unwrap_or("local")
}

fn records_form() -> Form {
    Form::new("Port numbers in (2 of 2)", "submit request")
        .back_on_esc()
        .intro("As on your current carrier's contract. Esc: back to step 1.")
        .field(Field::new(
            "Billing number (BTN)",
            "",
            "the account's billing telephone number",
            number_check(BTN),
        ))
        .field(Field::new(
            "Authorizing person",
            "",
            "in charge of billing at the carrier",
            required("authorizing person"),
        ))
        .field(Field::new(
            "Current carrier",
            "",
            "if known",
            optional("current carrier"),
        ))
        .field(
            Field::new(
                "Service account no.",
                "",
                "if the carrier has one",
                secret_check("service account number"),
            )
            .secret(),
        )
        .field(
            Field::new(
                "Service PIN",
                "",
                "if available",
                secret_check("service PIN"),
            )
            .secret(),
        )
        .field(Field::new(
            "Service address",
            "",
            "as in the carrier contract",
            required("service address"),
        ))
        .field(Field::new(
            "Customer name",
            "",
            "as in the carrier contract",
            required("customer name"),
        ))
}

/// The port-out form, with `numbers` filled in (from the Inventory's marks) or empty.
pub fn port_out_form(numbers: &[E164], product_type: ProductType) -> FormDialog {
    let listed = numbers
        .iter()
        .map(|n| n.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut numbers_field = Field::new("Numbers to port out", "", NUMBERS_FORMAT, numbers_check())
        .list()
        .hint_until_valid();
    numbers_field.prefill(&listed);
    let form = Form::new("Port numbers out", "submit request")
        .intro("Support answers with an account ID and PIN for your new carrier.")
        .field(numbers_field)
        .field(Field::choice(
            "Product type",
            product_options(),
            product_type.label(),
            CHOOSE,
        ))
        .field(Field::new(
            "Email",
            "",
            "your administrator account's email",
            email_check(),
        ));
    FormDialog::new(form, FormKind::PortOut)
}

pub fn reply_form(id: &RequestId) -> FormDialog {
    let form = Form::new(format!("Reply to {id}"), "send").field(
        Field::new(
            "Reply",
            "",
            "your message to support; Enter adds a line",
            lines_up_to("reply", ISSUE_MAX),
        )
        .multiline(),
    );
    FormDialog::new(form, FormKind::Reply(id.clone()))
}

/// The LOA, prefilled from the port-in form: it must match the carrier's records.
/// Where the LOA form may take the signed document from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoaDocument {
    /// The simulated carrier's desk checks the fields only.
    None,
    /// A file on the administrator's own machine, sent to AWS Support.
    LocalFile,
    /// Over SSH the server's files are not the administrator's: the CLI attaches it.
    NotOverSsh,
}

pub fn loa_form(r: &SupportRequest, p: &PortIn, document: LoaDocument) -> FormDialog {
    let carrier = p.current_carrier.as_deref().unwrap_or("");
    let form = Form::new(
        format!("Letter of Authorization for {}", r.id),
        "submit LOA",
    )
    .intro("Must match the carrier's records; one LOA per current carrier.")
    .field(Field::new(
        "Carrier",
        &one_line(carrier),
        "the current (losing) carrier",
        required("carrier"),
    ))
    .field(Field::new(
        "Authorizing person",
        &one_line(&p.authorizing_person),
        "as the carrier has it",
        required("authorizing person"),
    ))
    .field(Field::new(
        "Billing number (BTN)",
        p.btn.as_str(),
        "the billing telephone number",
        number_check(BTN),
    ))
    .field(Field::new(
        "Service address",
        &one_line(&p.service_address),
        "as the carrier has it",
        required("service address"),
    ));
    let form = match document {
        LoaDocument::None => form,
        LoaDocument::LocalFile => form.field(Field::new(
            "Signed LOA file",
            "",
            "optional: the path of the signed PDF, sent to AWS Support with the case",
            Box::new(|_| Ok(())),
        )),
        LoaDocument::NotOverSsh => form.intro(format!(
            "Over SSH only the fields go to AWS Support; attach the signed document with \
             `phonedesk support loa {} --file PATH` where the file is.",
            r.id
        )),
    };
    FormDialog::new(form, FormKind::Loa(r.id.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_port_in_form_reads_the_policy_and_never_defaults_to_the_past() {
        let now = Timestamp::parse("2026-11-25 10:30").unwrap();
        let p = Policy::default();
        assert_eq!(porting_span(&p), "14-28 days");
        let utc = &TimeZone::UTC;
        assert_eq!(
            default_port_date(&p, now, utc).to_string(),
            "2026-12-09 09:00 UTC"
        );
        // 09:00 where the user is.
        let paris = TimeZone::get("Europe/Paris").unwrap();
        assert_eq!(
            default_port_date(&p, now, &paris).shown_in(&paris),
            "2026-12-09 09:00 CET"
        );
        let quick = Policy {
            porting_min: std::time::Duration::from_secs(60),
            porting_max: std::time::Duration::from_secs(3_600),
            ..Policy::default()
        };
        assert_eq!(porting_span(&quick), "1 m 0 s to 1 h 0 m");
        // 09:00 today is past at 10:30: tomorrow 09:00.
        assert_eq!(
            default_port_date(&quick, now, utc).to_string(),
            "2026-11-26 09:00 UTC"
        );
        let form = port_in_form(&[], &quick, now);
        assert_eq!(form.form.value(PI_DATE), "2026-11-26 09:00");
    }

    #[test]
    fn numbers_split_on_commas_and_spaces() {
        let v = parse_numbers("+12065550100, +12065550101 +12065550102").unwrap();
        assert_eq!(v.len(), 3);
        let v = parse_numbers("+1 206 555 0100").unwrap();
        assert_eq!(v, vec![E164::parse("+12065550100").unwrap()]);
        assert!(parse_numbers("").is_err());
        assert!(parse_numbers("+12065550100, 555").is_err());
    }

    #[test]
    fn going_back_to_step_one_keeps_what_step_two_holds() {
        use crossterm::event::{KeyCode, KeyModifiers};
        let key = |c: KeyCode| KeyEvent::new(c, KeyModifiers::NONE);
        let now = Timestamp::parse("2026-11-25 10:30").unwrap();
        let mut d = port_in_form(&[], &Policy::default(), now);
        let type_text = |d: &mut FormDialog, text: &str| {
            for c in text.chars() {
                d.handle_key(key(KeyCode::Char(c)), now);
            }
        };
        type_text(&mut d, "+12065550100");
        for _ in 0..PI_EMAIL {
            d.handle_key(key(KeyCode::Tab), now);
        }
        type_text(&mut d, "ana@example.com");
        assert!(matches!(
            d.handle_key(key(KeyCode::Enter), now),
            FormStep::Next
        ));
        type_text(&mut d, "+12065550100");
        let step_two = d.form.value(0).to_string();
        assert!(!step_two.is_empty());
        d.handle_key(key(KeyCode::Esc), now);
        assert!(matches!(d.kind, FormKind::PortInNumbers { .. }));
        assert!(d.is_dirty());
        assert!(matches!(
            d.handle_key(key(KeyCode::Enter), now),
            FormStep::Next
        ));
        assert_eq!(d.form.value(0), step_two, "step 2 kept its fields");
    }

    #[test]
    fn text_fields_use_the_domains_limits_as_you_type() {
        let subject = required("subject");
        assert!(subject("Dropped calls").is_ok());
        assert_eq!(subject("  ").unwrap_err(), "enter the subject");
        let long = "x".repeat(TEXT_MAX + 1);
        assert!(subject(&long).unwrap_err().contains("at most 256"));
        assert!(required_up_to("issue", ISSUE_MAX)(&long).is_ok());
    }

    #[test]
    fn hidden_characters_are_refused_as_you_type_with_the_domains_words() {
        let subject = required("subject");
        assert_eq!(
            subject("Desk\u{1b}[31m").unwrap_err(),
            "the subject contains a control character (escape, U+001B) at position 5"
        );
        assert!(subject("+1 206 \u{202e}4321")
            .unwrap_err()
            .contains("right-to-left override, U+202E"));
        let issue = lines_up_to("issue", ISSUE_MAX);
        assert!(issue("line one\nline two\r\nthree").is_ok());
        assert!(issue("line one\tx").unwrap_err().contains("(tab, U+0009)"));
        assert!(optional("current carrier")("").is_ok());
        assert!(optional("current carrier")("Old\u{7}").is_err());
        assert_eq!(
            secret_check("service PIN")("12\u{9b}").unwrap_err(),
            "the service PIN contains a control character (control sequence introducer, U+009B) at position 3"
        );
    }
}
