//! Organisations (tenants): one PostgreSQL database holds several, each with its own
//! numbers, limit, directory, audit log and carrier settings; an embedded (sled) database
//! holds one, the default. Everything above the store works on one organisation, so an
//! organisation is chosen once, where a process or a session starts: by `--org` (or
//! `PHONEDESK_ORG`, or `[database] organisation`) for a command or a console, by the
//! authorized key for an SSH session. The names are checked here, for all of them.

/// The organisation a database holds when none is named (every existing database's).
pub const DEFAULT: &str = crate::store::DEFAULT_TENANT;

/// The environment variable naming the organisation of a command or a console.
pub const ENV_ORG: &str = "PHONEDESK_ORG";

/// The longest organisation name.
pub const NAME_MAX: usize = 32;

/// What an embedded database says to an organisation other than the default.
pub const ONE_ONLY: &str =
    "an embedded database holds one organisation; use PostgreSQL for several";

/// What an organisation name is made of, for messages.
pub const NAME_RULE: &str = "1 to 32 letters, digits, `-` or `_`";

/// Why a text is no organisation name, in words ("must be 1 to 32 letters, ...").
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = (1..=NAME_MAX).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "the organisation name “{}” must be {NAME_RULE}",
            shown(name)
        ))
    }
}

/// The organisation a command or a console works on: `--org`, else `PHONEDESK_ORG`, else
/// the configuration's `[database] organisation`, else the default; checked, and refused
/// in words on an embedded database unless it is the default.
pub fn choose(
    flag: Option<&str>,
    configured: Option<&str>,
    database: &std::path::Path,
) -> Result<String, String> {
    let env = std::env::var(ENV_ORG).ok().filter(|v| !v.is_empty());
    let (name, from) = match (flag, env, configured) {
        (Some(f), _, _) => (f.to_string(), "--org"),
        (None, Some(e), _) => (e, ENV_ORG),
        (None, None, Some(c)) => (c.to_string(), "[database] organisation"),
        (None, None, None) => return Ok(DEFAULT.to_string()),
    };
    check_name(&name).map_err(|e| format!("{from}: {e}"))?;
    if name != DEFAULT && crate::store::postgres_url(database).is_none() {
        return Err(format!(
            "{from} names the organisation “{name}”, but {ONE_ONLY}"
        ));
    }
    Ok(name)
}

/// The organisation a console's header names: none for the default one, so a single
/// organisation's console reads as it always did.
pub fn shown_in_header(organisation: &str) -> Option<String> {
    (organisation != DEFAULT).then(|| organisation.to_string())
}

/// Untrusted text echoed in a message: one line, hidden characters escaped, at most 40.
pub fn shown(text: &str) -> String {
    crate::text::one_line(text).chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn names_are_letters_digits_dashes_and_underscores_up_to_32() {
        for ok in ["acme", "Acme-2", "a_b", "default", &"x".repeat(32)] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "acme corp",
            "a@b",
            "a.b",
            "é",
            &"x".repeat(33),
            "a\u{1b}b",
        ] {
            let e = check_name(bad).unwrap_err();
            assert!(e.contains("must be 1 to 32 letters"), "{e}");
            assert!(!e.contains('\u{1b}'), "{e}");
        }
    }

    #[test]
    fn the_flag_wins_and_an_embedded_database_keeps_the_default() {
        let pg = Path::new("postgres://u@127.0.0.1:5432/pd");
        let sled = Path::new("/srv/db");
        assert_eq!(choose(None, None, sled).unwrap(), DEFAULT);
        assert_eq!(choose(Some("acme"), Some("beta"), pg).unwrap(), "acme");
        assert_eq!(choose(None, Some("beta"), pg).unwrap(), "beta");
        assert_eq!(choose(Some("default"), None, sled).unwrap(), DEFAULT);
        let e = choose(Some("acme"), None, sled).unwrap_err();
        assert!(e.contains("--org") && e.contains(ONE_ONLY), "{e}");
        let e = choose(None, Some("acme"), sled).unwrap_err();
        assert!(e.contains("[database] organisation"), "{e}");
        let e = choose(Some("a b"), None, pg).unwrap_err();
        assert!(e.starts_with("--org: the organisation name"), "{e}");
    }
}
