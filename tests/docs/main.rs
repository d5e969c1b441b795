//! The docs in step with the code: README's settings table with `.env.example` (which
//! `tests/settings` holds to the code), README's metric list with the metrics each service
//! records, and the route tables of README and docs/api.md with the backend's OpenAPI
//! document. Changing one side alone fails here.

// A failed unwrap is a failed test with its reason: exactly what test helpers want.
#![allow(clippy::unwrap_used)]

#[path = "../settings/env_example.rs"]
#[allow(dead_code)]
mod env_example;
#[path = "../settings/files.rs"]
#[allow(dead_code)]
mod files;

use std::collections::{BTreeMap, BTreeSet};

/// The rows of the first Markdown table after `heading`, as trimmed cells.
fn table_after(text: &str, heading: &str) -> Vec<Vec<String>> {
    let section = &text[text.find(heading).unwrap_or_else(|| panic!("no {heading}"))..];
    section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2) // the header and its rule
        .map(|row| {
            row.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

/// The backticked words of `text`.
fn code_spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

#[test]
fn the_readme_settings_table_lists_every_setting_with_its_default() {
    let readme = files::read("README.md");
    let entries = env_example::read(&files::read(".env.example"));
    let mut listed = BTreeMap::new();
    for row in table_after(&readme, "## Configuration") {
        let name = row[0].trim_matches('`').to_owned();
        let (default, fixed) = match row[1].strip_suffix(" (fixed)") {
            Some(default) => (default, true),
            None => (row[1].as_str(), false),
        };
        let default = match default {
            "(unset)" => None,
            "(empty)" => Some(String::new()),
            value => Some(value.trim_matches('`').to_owned()),
        };
        listed.insert(name, (default, fixed));
    }
    assert_eq!(
        listed.keys().collect::<BTreeSet<_>>(),
        entries.keys().collect::<BTreeSet<_>>(),
        "README's settings table and .env.example name different settings"
    );
    for (name, entry) in &entries {
        let expected = (entry.value.clone(), entry.fixed_by_compose);
        assert_eq!(listed[name], expected, "README's row for {name}");
    }
}

/// The metric names `(counter|gauge|histogram)!("…"` (and `describe_…!`) in the Rust files
/// under `dir`.
fn metrics_recorded_in(dir: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut stack = vec![files::root().join(dir)];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for kind in ["counter!(", "gauge!(", "histogram!("] {
            for (at, _) in text.match_indices(kind) {
                let rest = text[at + kind.len()..].trim_start();
                if let Some(quoted) = rest.strip_prefix('"') {
                    let name = &quoted[..quoted.find('"').expect("a closing quote")];
                    names.insert(name.to_owned());
                }
            }
        }
    }
    names
}

#[test]
fn the_readme_metric_list_names_every_metric_each_service_records() {
    let readme = files::read("README.md");
    let rows = table_after(&readme, "| service | series |");
    for (service, dir) in [
        ("backend", "backend/src"),
        ("model service", "model-service/src"),
    ] {
        let row = rows
            .iter()
            .find(|r| r[0] == service)
            .unwrap_or_else(|| panic!("README's metric table has no {service} row"));
        let listed: BTreeSet<String> = code_spans(&row[1])
            .into_iter()
            .map(|span| span.split('{').next().unwrap_or(span).to_owned())
            .collect();
        assert_eq!(
            listed,
            metrics_recorded_in(dir),
            "README's {service} series (left) against what {dir} records (right)"
        );
    }
    for shared in metrics_recorded_in("crates/service-kit/src") {
        assert!(
            readme.contains(&format!("`{shared}`")),
            "README does not name {shared}, which every service records"
        );
    }
    assert!(
        metrics_recorded_in("frontend-service/src").is_empty(),
        "the web port records metrics of its own: give it a row in README's table"
    );
}

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// Every `METHOD /path` of the backend's OpenAPI document.
fn documented_operations() -> BTreeSet<(String, String)> {
    let document = lifeboat_backend::routes::document();
    let mut operations = BTreeSet::new();
    for (path, item) in &document.paths.paths {
        let by_method = [&item.get, &item.post, &item.put, &item.patch, &item.delete];
        for (method, operation) in METHODS.into_iter().zip(by_method) {
            if operation.is_some() {
                operations.insert((method.to_owned(), path.clone()));
            }
        }
    }
    operations
}

/// Every `` `METHOD /api/…` `` a text names (the path up to a space, `?` or backtick).
fn api_routes_named_in(text: &str) -> BTreeSet<(String, String)> {
    code_spans(text)
        .into_iter()
        .filter_map(|span| {
            let (method, rest) = span.split_once(' ')?;
            let path = rest.split([' ', '?']).next()?;
            (METHODS.contains(&method) && path.starts_with("/api/"))
                .then(|| (method.to_owned(), path.to_owned()))
        })
        .collect()
}

#[test]
fn the_api_reference_has_every_route_and_the_docs_name_no_route_that_does_not_exist() {
    let operations = documented_operations();
    assert!(operations.len() > 20, "the document has the routes");
    let reference = files::read("docs/api.md");
    let named_in_reference = api_routes_named_in(&reference);
    for (method, path) in &operations {
        let named = named_in_reference.contains(&(method.clone(), path.clone()))
            || reference.contains(&format!("`{method} {path}`"));
        assert!(named, "docs/api.md does not describe {method} {path}");
    }
    for doc in ["README.md", "docs/api.md"] {
        for (method, path) in api_routes_named_in(&files::read(doc)) {
            assert!(
                operations.contains(&(method.clone(), path.clone())),
                "{doc} names {method} {path}, which the backend does not serve"
            );
        }
    }
}
