//! `--aux url=HOST:PORT,cookie=FILE,address=ADDR`: one aux node on the command line, in
//! the same settings as a `[[aux]]` table of the file.

use crate::config::{AuxNodeSettings, ConfigError};
use std::path::PathBuf;

impl AuxNodeSettings {
    /// Parses `url=HOST:PORT,cookie=FILE,address=ADDR` (or `user=`, `password=`,
    /// `datadir=`).
    pub fn from_flag(spec: &str) -> Result<AuxNodeSettings, ConfigError> {
        let refuse = |problem: String| ConfigError::AuxFlag {
            spec: spec.to_string(),
            problem,
        };
        let mut node = AuxNodeSettings::default();
        let mut address = None;
        for part in spec.split(',').filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| refuse(format!("`{part}` is not KEY=VALUE")))?;
            match key.trim() {
                "url" => node.url = Some(value.to_string()),
                "datadir" => node.datadir = Some(PathBuf::from(value)),
                "cookie" => node.cookie = Some(PathBuf::from(value)),
                "user" => node.user = Some(value.to_string()),
                "password" => node.password = Some(value.to_string()),
                "address" => address = Some(value.to_string()),
                other => {
                    return Err(refuse(format!(
                        "unknown key `{other}` (url, datadir, cookie, user, password, address)"
                    )))
                }
            }
        }
        if node.url.is_none() && node.datadir.is_none() {
            return Err(refuse("url= (or datadir=) is missing".into()));
        }
        node.address = address.ok_or_else(|| refuse("address= is missing".into()))?;
        Ok(node)
    }
}
