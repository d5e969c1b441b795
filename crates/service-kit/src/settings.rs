//! A service's settings as operators see them, read from its clap `Command`, so the list is
//! written once (the `Config` struct): each environment variable and its default (for the
//! settings test that holds `.env.example`, the Dockerfile and the compose files to it), and
//! the values in force, logged at start-up with secrets hidden.

use clap::{Command, Parser};
use std::fmt::Write;

/// One environment variable a service reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The variable's name, e.g. `PREDICTION_RETENTION_DAYS`.
    pub env: String,
    /// Its default in the code, if it has one.
    pub default: Option<String>,
    /// Whether its value is secret (never logged).
    pub secret: bool,
}

/// Every environment variable `command` reads, in declaration order.
pub fn declared(command: &Command) -> Vec<Setting> {
    command
        .get_arguments()
        .filter_map(|arg| {
            let env = arg.get_env()?.to_string_lossy().into_owned();
            let defaults: Vec<_> = arg
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            Some(Setting {
                env,
                default: (!defaults.is_empty()).then(|| defaults.join(",")),
                secret: arg.is_hide_env_values_set(),
            })
        })
        .collect()
}

/// Parses the configuration from the command line and the environment (exiting with clap's
/// message when it cannot), and logs every setting's value in force, secrets as `(set)`.
pub fn parse_and_log<C: Parser>() -> C {
    let command = C::command();
    let matches = command.clone().get_matches();
    tracing::info!(settings = in_force(&command, &matches), "settings in force");
    C::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// `NAME=value` for each setting, space-separated; secrets show only whether they are set
/// (an empty one is not).
fn in_force(command: &Command, matches: &clap::ArgMatches) -> String {
    let mut line = String::new();
    for arg in command.get_arguments() {
        let Some(env) = arg.get_env() else { continue };
        let values: Option<Vec<String>> = matches
            .get_raw(arg.get_id().as_str())
            .map(|raw| raw.map(|v| v.to_string_lossy().into_owned()).collect());
        // An empty secret is no secret (compose passes `${JWT_SECRET:-}`).
        let shown = match values {
            None => "(unset)".to_owned(),
            Some(values) if arg.is_hide_env_values_set() => {
                let set = values.iter().any(|v| !v.is_empty());
                if set { "(set)" } else { "(unset)" }.to_owned()
            }
            Some(values) => values.join(","),
        };
        let separator = if line.is_empty() { "" } else { " " };
        let _ = write!(line, "{separator}{}={shown}", env.to_string_lossy());
    }
    line
}

#[cfg(test)]
#[cfg_attr(coverage_nightly, coverage(off))]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[derive(Debug, Parser)]
    struct Example {
        /// A number with a default.
        #[arg(long, env = "EXAMPLE_COUNT", default_value_t = 3)]
        count: u32,
        /// A secret.
        #[arg(long, env = "EXAMPLE_SECRET", hide_env_values = true)]
        secret: Option<String>,
        /// Not set by default.
        #[arg(long, env = "EXAMPLE_PATH")]
        path: Option<String>,
        /// A flag of the command line only.
        #[arg(long)]
        verbose: bool,
    }

    #[test]
    fn every_environment_variable_is_declared_with_its_default() {
        let declared = declared(&Example::command());
        let names: Vec<_> = declared.iter().map(|s| s.env.as_str()).collect();
        assert_eq!(names, ["EXAMPLE_COUNT", "EXAMPLE_SECRET", "EXAMPLE_PATH"]);
        assert_eq!(declared[0].default.as_deref(), Some("3"));
        assert!(declared[1].secret);
        assert_eq!(declared[2].default, None);
    }

    #[test]
    fn the_values_in_force_hide_secrets() {
        let command = Example::command();
        let matches = command
            .clone()
            .try_get_matches_from(["example", "--count", "7", "--secret", "hunter2hunter2"])
            .unwrap();
        let line = in_force(&command, &matches);
        assert_eq!(
            line,
            "EXAMPLE_COUNT=7 EXAMPLE_SECRET=(set) EXAMPLE_PATH=(unset)"
        );
        assert!(!line.contains("hunter2"));
    }

    #[test]
    fn an_empty_secret_is_shown_as_unset() {
        let command = Example::command();
        let matches = command
            .clone()
            .try_get_matches_from(["example", "--secret", ""])
            .unwrap();
        assert!(in_force(&command, &matches).contains("EXAMPLE_SECRET=(unset)"));
    }
}
