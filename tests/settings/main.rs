//! One source of truth for settings. Every setting a service reads (its clap `Config`, read
//! through `lifeboat_service_kit::settings::declared`, so nothing here lists them again) is in
//! `.env.example` with the value a container gets; the Dockerfile, `docker-compose.yml` and
//! `deploy/swarm/stack.yml` agree with it; and compose passes every setting from `.env` to
//! its container unless `.env.example` says compose fixes it. A name or a default changed in
//! one place alone fails here.

mod env_example;
mod files;

use clap::CommandFactory;
use env_example::Entry;
use files::{interpolated, interpolations};
use lifeboat_service_kit::settings::{Setting, declared};
use lifeboat_service_kit::telemetry::{DEFAULT_LOG_FILTER, LOG_FILTER_VAR};
use std::collections::BTreeMap;

/// Each service: its name in the compose and stack files (= its Dockerfile stage) and the
/// settings it reads.
fn services() -> Vec<(&'static str, Vec<Setting>)> {
    let with_log_filter = |mut settings: Vec<Setting>| {
        settings.push(Setting {
            env: LOG_FILTER_VAR.to_owned(),
            default: Some(DEFAULT_LOG_FILTER.to_owned()),
            secret: false,
        });
        settings
    };
    vec![
        (
            "backend",
            with_log_filter(declared(&lifeboat_backend::Config::command())),
        ),
        (
            "model-service",
            with_log_filter(declared(&lifeboat_model_service::Config::command())),
        ),
        (
            "frontend",
            with_log_filter(declared(&lifeboat_frontend_service::Config::command())),
        ),
    ]
}

fn env_example() -> BTreeMap<String, Entry> {
    env_example::read(&files::read(".env.example"))
}

#[test]
fn every_setting_a_service_reads_is_in_env_example_with_the_code_default() {
    let entries = env_example();
    for (service, settings) in services() {
        for setting in settings {
            let entry = entries.get(&setting.env).unwrap_or_else(|| {
                panic!("{service} reads {}, which .env.example lacks", setting.env)
            });
            assert_eq!(
                entry.code_default(),
                setting.default.as_deref(),
                "{service}'s default for {}: .env.example says one thing (or its \
                 'native default' mark does), the code another",
                setting.env
            );
        }
    }
}

#[test]
fn every_name_in_env_example_is_read_by_a_service_or_by_compose() {
    let read: Vec<String> = services()
        .into_iter()
        .flat_map(|(_, settings)| settings.into_iter().map(|s| s.env))
        .collect();
    let compose = files::read("docker-compose.yml");
    let interpolated: Vec<_> = interpolations(&compose);
    let entries = env_example();
    for (name, entry) in &entries {
        let in_compose: Vec<_> = interpolated.iter().filter(|(n, _)| n == name).collect();
        assert!(
            read.contains(name) || !in_compose.is_empty(),
            ".env.example names {name}, which no service and not docker-compose.yml reads"
        );
        // A compose-level name's default there is the one .env.example states.
        if !read.contains(name)
            && let Some(value) = &entry.value
        {
            for (_, default) in in_compose {
                assert_eq!(default.as_ref(), Some(value), "compose's default of {name}");
            }
        }
    }
    for (name, _) in interpolated {
        assert!(
            entries.contains_key(&name),
            "docker-compose.yml reads {name}, which .env.example does not document"
        );
    }
}

#[test]
fn each_image_gets_the_values_env_example_states() {
    let dockerfile = files::read("Dockerfile");
    let entries = env_example();
    for (service, settings) in services() {
        let image = files::dockerfile_env(&dockerfile, service);
        assert!(!image.is_empty(), "no ENV for the {service} stage");
        for (name, value) in &image {
            assert!(
                settings.iter().any(|s| &s.env == name),
                "the {service} image sets {name}, which the service does not read"
            );
            assert_eq!(
                entries[name].value.as_ref(),
                Some(value),
                "the {service} image's {name} is not what .env.example states"
            );
        }
    }
}

#[test]
fn compose_passes_every_setting_from_env_or_fixes_it_as_env_example_says() {
    let (compose, secret_files) = files::compose("docker-compose.yml");
    let entries = env_example();
    for (service, settings) in services() {
        let environment = &compose[service].environment;
        for setting in &settings {
            let name = &setting.env;
            let entry = &entries[name];
            let given = environment.get(name).map(String::as_str);
            if entry.fixed_by_compose {
                assert_eq!(
                    given,
                    entry.value.as_deref(),
                    "compose fixes {service}'s {name}"
                );
            } else if let Some(secret) = &entry.compose_secret {
                assert_eq!(given, Some(format!("/run/secrets/{secret}").as_str()));
                assert!(
                    compose[service].secrets.contains(secret),
                    "{service} mounts {secret}"
                );
                let file = &secret_files[secret];
                assert!(
                    interpolated(file, name).is_some(),
                    "the secret {secret} is the file {name} names in .env, not {file}"
                );
            } else {
                let default = given.and_then(|v| interpolated(v, name));
                assert_eq!(
                    default,
                    Some(entry.value.as_deref().unwrap_or("")),
                    "{service} must get {name} from .env, with .env.example's default: \
                     `{name}: ${{{name}:-…}}` in docker-compose.yml"
                );
            }
            if entry.native_default.is_some() && entry.value.is_some() {
                let image = files::dockerfile_env(&files::read("Dockerfile"), service);
                assert!(
                    given.is_some() || image.contains_key(name),
                    "{name} differs from the code's default in containers, but neither \
                     compose nor the image sets it"
                );
            }
        }
        for name in environment.keys() {
            assert!(
                settings.iter().any(|s| &s.env == name),
                "compose gives {service} {name}, which it does not read"
            );
        }
    }
}

#[test]
fn the_swarm_stack_passes_what_compose_takes_from_env_with_the_same_defaults() {
    let (stack, _) = files::compose("deploy/swarm/stack.yml");
    let (compose, _) = files::compose("docker-compose.yml");
    let entries = env_example();
    for (service, settings) in services() {
        let environment = &stack[service].environment;
        for (name, value) in environment {
            assert!(
                settings.iter().any(|s| &s.env == name),
                "the stack gives {service} {name}, which it does not read"
            );
            if let Some(default) = interpolated(value, name) {
                let entry = &entries[name];
                let expected = entry.swarm_default.as_deref();
                let expected = expected.or(entry.value.as_deref()).unwrap_or("");
                assert_eq!(
                    default, expected,
                    "the stack's default for {service}'s {name}"
                );
            }
        }
        for (name, value) in &compose[service].environment {
            if interpolated(value, name).is_some() {
                assert!(
                    environment.contains_key(name),
                    "compose takes {service}'s {name} from .env; the Swarm stack must too"
                );
            }
        }
    }
}
