//! `ventured run --config FILE`: any of `run`'s flags in a TOML file, written as the
//! flag without its dashes (`rpc-port = 8332` or `rpc_port = 8332`; `mine = true`;
//! `bootnode = ["/ip4/…", "/ip4/…"]`). Flags given on the command line (or in the
//! environment) win over the file, as in Bitcoin Core; a list on the command line
//! replaces the file's.

use clap::parser::ValueSource;
use clap::{ArgAction, ArgMatches, Args};
use std::ffi::OsString;
use std::path::Path;

/// The command-line flags the file at `path` stands for, leaving out every setting
/// `given` (the parsed `run` arguments) already has from the command line or the
/// environment. Errors name the file and the setting.
pub fn flags_from_file(path: &Path, given: &ArgMatches) -> Result<Vec<OsString>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the config file {}: {e}", path.display()))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| format!("config file {}: {e}", path.display()))?;
    let run = crate::cli::RunArgs::augment_args(clap::Command::new("run"));
    let mut flags = Vec::new();
    for (key, value) in &table {
        let long = key.replace('_', "-");
        let bad = |why: &str| format!("config file {}: `{key}` {why}", path.display());
        if long == "config" {
            return Err(bad("cannot name another config file"));
        }
        let arg = run
            .get_arguments()
            .find(|a| a.get_long() == Some(long.as_str()))
            .ok_or_else(|| bad("is not a flag of `ventured run` (see ventured run --help)"))?;
        if matches!(
            given.value_source(arg.get_id().as_str()),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        ) {
            continue;
        }
        let flag = format!("--{long}");
        let repeatable = matches!(arg.get_action(), ArgAction::Append);
        match value {
            toml::Value::Boolean(true) => flags.push(flag.into()),
            toml::Value::Boolean(false) => {}
            toml::Value::Array(items) if repeatable => {
                for item in items {
                    flags.push(flag.clone().into());
                    flags.push(
                        scalar(item)
                            .ok_or_else(|| bad("holds a value that is not a string or number"))?
                            .into(),
                    );
                }
            }
            toml::Value::Array(_) => return Err(bad("takes one value, not a list")),
            other => {
                flags.push(flag.into());
                flags.push(
                    scalar(other)
                        .ok_or_else(|| bad("must be a string, number or boolean"))?
                        .into(),
                );
            }
        }
    }
    Ok(flags)
}

fn scalar(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Float(f) => Some(f.to_string()),
        _ => None,
    }
}
