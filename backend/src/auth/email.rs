//! `Email`: an address that has passed our (deliberately simple) shape check.

/// An e-mail address: trimmed, at most 254 characters, one `@` with a non-empty local part
/// and a dotted domain, no spaces or control characters. Case is kept; the database compares
/// addresses case-insensitively (citext).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Parses `raw`, or says what is wrong with it.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let email = raw.trim();
        if email.is_empty() {
            return Err("is required");
        }
        if email.chars().count() > 254 {
            return Err("must be at most 254 characters");
        }
        let shape_ok = match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
            }
            None => false,
        };
        if !shape_ok || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("must be an e-mail address like name@example.com");
        }
        Ok(Self(email.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_are_accepted_and_trimmed() {
        assert_eq!(
            Email::parse("  Ada@Example.org ").unwrap().as_str(),
            "Ada@Example.org"
        );
        assert!(Email::parse("a.b+tag@sub.example.co.uk").is_ok());
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@",
            "a@b",
            "a@@b.com",
            "a b@c.com",
            "a@.com",
            "a@b.com.",
            "a@b..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn an_overlong_address_is_refused() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(
            Email::parse(&long).unwrap_err(),
            "must be at most 254 characters"
        );
    }
}
