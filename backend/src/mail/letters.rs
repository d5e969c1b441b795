//! The words of the account mails, plain text and HTML.

use crate::account_links::purpose::LinkPurpose;
use lifeboat_api_types::{RESET_LINK_MINUTES, VERIFY_LINK_HOURS};

/// One mail's subject and bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The mail that carries `link`.
pub fn for_link(purpose: LinkPurpose, link: &str) -> Letter {
    let (subject, lead, action, validity, otherwise) = match purpose {
        LinkPurpose::Reset => (
            "Choose a new Lifeboat password",
            "Someone asked to choose a new password for the Lifeboat account with this address.",
            "Choose a new password",
            format!("The link works once, for {RESET_LINK_MINUTES} minutes."),
            "If it was not you, do nothing: your password stays as it is.",
        ),
        LinkPurpose::Verify => (
            "Confirm your Lifeboat e-mail address",
            "Welcome to Lifeboat. Please confirm that this address is yours.",
            "Confirm my address",
            format!("The link works once, for {VERIFY_LINK_HOURS} hours."),
            "If you did not sign up, do nothing: no account is confirmed without you.",
        ),
    };
    let text = format!("{lead}\n\n{action}:\n{link}\n\n{validity}\n{otherwise}\n\n-- Lifeboat\n");
    let href = escape(link);
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><body style=\"font-family: sans-serif\">\n\
         <p>{lead}</p>\n<p><a href=\"{href}\">{action}</a></p>\n<p>{validity}<br>{otherwise}</p>\n\
         <p>Or paste this into your browser:<br>{href}</p>\n<p>— Lifeboat</p>\n</body></html>\n"
    );
    Letter {
        subject: subject.to_owned(),
        text,
        html,
    }
}

/// `text` safe inside HTML text and double-quoted attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;

    #[test]
    fn both_bodies_carry_the_link_and_say_how_long_it_works() {
        let link = "https://lifeboat.example/reset?token=abc_-1";
        let letter = for_link(LinkPurpose::Reset, link);
        assert!(letter.text.contains(link));
        assert!(letter.html.contains(&format!("href=\"{link}\"")));
        assert!(letter.text.contains("30 minutes"));
        let letter = for_link(LinkPurpose::Verify, link);
        assert!(letter.text.contains("24 hours"));
    }

    #[test]
    fn a_link_with_markup_is_escaped_in_the_html_body() {
        let letter = for_link(LinkPurpose::Reset, "https://x.example/reset?a=1&b=\"<i>");
        assert!(letter.html.contains("a=1&amp;b=&quot;&lt;i&gt;"));
        assert!(!letter.html.contains("<i>"));
    }
}
