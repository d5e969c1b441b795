//! The deployment files as data: each compose or Swarm service's environment and secrets,
//! and each Dockerfile stage's `ENV` with the stages it is built `FROM`.

use std::collections::BTreeMap;
use std::path::Path;

/// The repository's root.
pub fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

pub fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A compose (or stack) file's service: its environment, as written (before interpolation),
/// and the secrets it mounts.
#[derive(Debug, Default)]
pub struct Service {
    pub environment: BTreeMap<String, String>,
    pub secrets: Vec<String>,
}

/// The services of a compose file, and its top-level secrets' `file:` entries.
pub fn compose(path: &str) -> (BTreeMap<String, Service>, BTreeMap<String, String>) {
    let mut yaml: serde_norway::Value =
        serde_norway::from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    yaml.apply_merge().expect("merge keys");
    let mut services = BTreeMap::new();
    for (name, service) in mapping(&yaml["services"]) {
        let environment = mapping(&service["environment"])
            .map(|(k, v)| (k.to_owned(), scalar(v)))
            .collect();
        let secrets = service["secrets"]
            .as_sequence()
            .map(|s| s.iter().map(scalar).collect())
            .unwrap_or_default();
        services.insert(
            name.to_owned(),
            Service {
                environment,
                secrets,
            },
        );
    }
    let secrets = mapping(&yaml["secrets"])
        .filter_map(|(name, secret)| Some((name.to_owned(), secret["file"].as_str()?.to_owned())))
        .collect();
    (services, secrets)
}

fn mapping(value: &serde_norway::Value) -> impl Iterator<Item = (&str, &serde_norway::Value)> {
    value
        .as_mapping()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.as_str()?, v)))
}

fn scalar(value: &serde_norway::Value) -> String {
    match value {
        serde_norway::Value::String(s) => s.clone(),
        serde_norway::Value::Null => String::new(),
        other => serde_norway::to_string(other)
            .expect("a scalar")
            .trim()
            .to_owned(),
    }
}

/// The `ENV` values a Dockerfile stage's image has: its own and those of the stages it is
/// built `FROM`, later ones winning.
pub fn dockerfile_env(text: &str, stage: &str) -> BTreeMap<String, String> {
    let mut stages: BTreeMap<String, (Option<String>, BTreeMap<String, String>)> = BTreeMap::new();
    let mut current = None;
    // Continuation lines joined, comments dropped.
    let joined = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("\\\n", " ");
    for line in joined.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["FROM", base, "AS", name] => {
                stages.insert(name.to_string(), (Some(base.to_string()), BTreeMap::new()));
                current = Some(name.to_string());
            }
            ["ENV", pairs @ ..] => {
                let stage = current.as_ref().expect("ENV after FROM");
                let env = &mut stages.get_mut(stage).expect("the stage").1;
                for pair in pairs {
                    let (k, v) = pair.split_once('=').expect("ENV NAME=value");
                    env.insert(k.to_owned(), v.to_owned());
                }
            }
            _ => {}
        }
    }
    let mut chain = vec![];
    let mut next = Some(stage.to_owned());
    while let Some(name) = next {
        let Some((base, env)) = stages.get(&name) else {
            break;
        };
        chain.push(env.clone());
        next = base.clone();
    }
    chain.into_iter().rev().flatten().collect()
}

/// `Some(default)` when `value` is exactly `${name:-default}`.
pub fn interpolated<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    value
        .strip_prefix("${")?
        .strip_prefix(name)?
        .strip_prefix(":-")?
        .strip_suffix('}')
}

/// Every `${NAME…}` a text interpolates: the name and, where given, its `:-` default.
pub fn interpolations(text: &str) -> Vec<(String, Option<String>)> {
    text.match_indices("${")
        .filter_map(|(at, _)| {
            let rest = &text[at + 2..];
            let inner = &rest[..rest.find('}')?];
            let (name, default) = match inner.split_once(":-") {
                Some((name, default)) => (name, Some(default.to_owned())),
                None => (inner, None),
            };
            Some((name.to_owned(), default))
        })
        .collect()
}
