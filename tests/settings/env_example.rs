//! `.env.example` read as data: each setting, its value, and the marks above it (the file's
//! header says what each mark means).

use std::collections::BTreeMap;

/// One `NAME=value` (or `# NAME=example`) line and the marks above it.
#[derive(Debug, Default, Clone)]
pub struct Entry {
    /// The value a container gets; `None` for a commented-out example (no value).
    pub value: Option<String>,
    /// `native default: X`: the service's own default (`None` for "unset").
    pub native_default: Option<Option<String>>,
    pub fixed_by_compose: bool,
    /// `compose: secret S`.
    pub compose_secret: Option<String>,
    /// `swarm default: X`.
    pub swarm_default: Option<String>,
}

impl Entry {
    /// The default the service's own code must have.
    pub fn code_default(&self) -> Option<&str> {
        match &self.native_default {
            Some(native) => native.as_deref(),
            None => self.value.as_deref(),
        }
    }
}

/// Every setting in the file, by name; panics on a duplicate or a mark that names nothing.
pub fn read(text: &str) -> BTreeMap<String, Entry> {
    let mut entries = BTreeMap::new();
    let mut marks = Entry::default();
    for line in text.lines() {
        if line.trim().is_empty() {
            marks = Entry::default();
            continue;
        }
        let (commented, body) = match line.strip_prefix("# ") {
            Some(rest) => (true, rest),
            None => (false, line),
        };
        if let Some(mark) = body.strip_prefix("native default: ") {
            marks.native_default = Some((mark != "unset").then(|| mark.to_owned()));
        } else if body == "fixed by compose" {
            marks.fixed_by_compose = true;
        } else if let Some(secret) = body.strip_prefix("compose: secret ") {
            marks.compose_secret = Some(secret.to_owned());
        } else if let Some(value) = body.strip_prefix("swarm default: ") {
            marks.swarm_default = Some(value.to_owned());
        } else if let Some((name, value)) = setting(body) {
            let entry = Entry {
                value: (!commented).then(|| value.to_owned()),
                ..std::mem::take(&mut marks)
            };
            assert!(
                entries.insert(name.to_owned(), entry).is_none(),
                ".env.example names {name} twice"
            );
        }
    }
    entries
}

/// `NAME=value` where NAME is an upper-case variable name.
fn setting(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once('=')?;
    let is_name = name.starts_with(|c: char| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    is_name.then_some((name, value))
}
