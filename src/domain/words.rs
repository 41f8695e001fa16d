//! Counts in words: "1 minute", "2 minutes", never "1 minutes" or "2 number(s)".

/// `n` and the noun, plural unless `n` is 1. For the regular nouns phonedesk counts
/// (numbers, users, seconds, minutes, hours, days).
pub fn counted(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn one_is_singular_the_rest_plural() {
        assert_eq!(counted(1u64, "minute"), "1 minute");
        assert_eq!(counted(0u64, "number"), "0 numbers");
        assert_eq!(counted(2u64, "number"), "2 numbers");
    }

    #[test]
    fn refusals_count_in_words() {
        let e = crate::domain::RuleError::HasNumbers {
            name: "Main trunk".into(),
            count: 2,
        };
        assert_eq!(
            e.to_string(),
            "Main trunk still has 2 numbers assigned; unassign them first"
        );
        let e = crate::domain::RuleError::AccountHasUsers {
            name: "Acme".into(),
            count: 1,
        };
        assert_eq!(
            e.to_string(),
            "account Acme still has 1 user; delete it first"
        );
    }
}
