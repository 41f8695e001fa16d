//! CSV cells a spreadsheet shows as text and never runs. A cell that begins with `=`, `+`,
//! `-`, `@`, a tab or a carriage return is read as a formula by Excel, LibreOffice and
//! Google Sheets (OWASP's "CSV injection"), so it gets a leading `'`, which they read as
//! "this is text" and do not show. The one exception is a cell that is exactly an E.164
//! phone number (`+12065550123`): it is kept whole, as a spreadsheet reads it as a
//! number at worst, never as a formula. Hidden characters are escaped as for people.

use super::escape::one_line;
use std::borrow::Cow;

/// `text` as a safe CSV cell (the CSV writer still does the quoting).
pub fn cell(text: &str) -> Cow<'_, str> {
    let shown = one_line(text);
    if is_e164(&shown) || !shown.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        return shown;
    }
    Cow::Owned(format!("'{shown}"))
}

/// `^\+[1-9][0-9]{1,14}$`
fn is_e164(text: &str) -> bool {
    let Some(digits) = text.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        assert_eq!(
            cell("=HYPERLINK(\"http://evil.example/?x\",\"Click\")"),
            "'=HYPERLINK(\"http://evil.example/?x\",\"Click\")"
        );
        assert_eq!(
            cell("@SUM(1+1)*cmd|' /C calc'!A0"),
            "'@SUM(1+1)*cmd|' /C calc'!A0"
        );
        assert_eq!(cell("+1+cmd|' /C calc'!A0"), "'+1+cmd|' /C calc'!A0");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("+12065550123 "), "'+12065550123 ");
        assert_eq!(cell("+012065550123"), "'+012065550123");
    }

    #[test]
    fn a_leading_tab_or_carriage_return_is_escaped_so_it_cannot_start_a_formula() {
        assert_eq!(cell("\t=1+1"), "\\t=1+1");
        assert_eq!(cell("\r=1+1"), "\\r=1+1");
    }

    #[test]
    fn phone_numbers_and_plain_text_stay_as_they_are() {
        assert_eq!(cell("+12065550123"), "+12065550123");
        assert_eq!(cell("+442079460123"), "+442079460123");
        assert_eq!(cell("Front desk"), "Front desk");
        assert_eq!(cell("Seattle, WA"), "Seattle, WA");
        assert_eq!(cell(""), "");
        assert!(matches!(cell("Front desk"), Cow::Borrowed(_)));
    }
}
