//! A real browser for end-to-end tests of the explorer: Debian's `chromium`, headless,
//! loading a page and handing back the DOM it built, or a screenshot of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Headless chromium with a throw-away profile.
pub struct Browser {
    binary: PathBuf,
    profile: tempfile::TempDir,
}

/// Longest one page load may take.
const LOAD_TIMEOUT: Duration = Duration::from_secs(90);

impl Browser {
    /// The installed chromium; `None` (skipping) when there is none, except under
    /// CI=true, where it must be there (`scripts/setup.sh` installs it).
    pub fn find() -> Option<Browser> {
        let binary = ["chromium", "chromium-browser"].iter().find_map(|name| {
            let found = Command::new(name)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            found.then(|| PathBuf::from(name))
        });
        match binary {
            Some(binary) => Some(Browser {
                binary,
                profile: tempfile::tempdir().expect("profile dir"),
            }),
            None if std::env::var("CI").is_ok_and(|v| v == "true") => {
                panic!("chromium is not installed; CI=true requires it (scripts/setup.sh)")
            }
            None => {
                eprintln!("skipping: chromium is not installed (scripts/setup.sh installs it)");
                None
            }
        }
    }

    fn run(&self, extra: &[String], url: &str) -> Vec<u8> {
        let mut child = Command::new(&self.binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--hide-scrollbars",
                "--window-size=1280,2200",
            ])
            .arg(format!("--user-data-dir={}", self.profile.path().display()))
            .args(extra)
            .arg(url)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        let deadline = Instant::now() + LOAD_TIMEOUT;
        while child.try_wait().expect("chromium status").is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("chromium did not load {url} within {LOAD_TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let output = child.wait_with_output().expect("chromium output");
        assert!(output.status.success(), "chromium failed on {url}");
        output.stdout
    }

    /// The DOM chromium built from `url`, serialized.
    pub fn dom(&self, url: &str) -> String {
        String::from_utf8(self.run(&["--dump-dom".into()], url)).expect("DOM is UTF-8")
    }

    /// Saves a screenshot of `url` as the PNG `path`.
    pub fn screenshot(&self, url: &str, path: &Path) {
        self.run(&[format!("--screenshot={}", path.display())], url);
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("no screenshot of {url}: {e}"));
        assert!(
            bytes.starts_with(b"\x89PNG"),
            "{} is not a PNG",
            path.display()
        );
    }
}

/// The text inside the element with `id` in a serialized DOM, tags removed and
/// entities decoded; panics naming the id when there is none.
pub fn text_of(dom: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\"");
    let start = dom
        .find(&marker)
        .unwrap_or_else(|| panic!("no element #{id} in the page"));
    let open_end = start + dom[start..].find('>').expect("tag ends");
    let mut depth = 0usize;
    let mut text = String::new();
    let mut rest = &dom[open_end + 1..];
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let end = rest.find('>').expect("tag ends");
            let tag = &rest[..=end];
            if tag.starts_with("</") {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            } else if !tag.ends_with("/>") && !tag.starts_with("<br") {
                depth += 1;
            }
            rest = &rest[end + 1..];
        } else {
            text.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    decode_entities(text.trim())
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// The first number in `text` (`"5 VDEV"` → 5.0, `"4.6e-10"` → 4.6e-10).
pub fn number_in(text: &str) -> f64 {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')))
        .find_map(|part| part.parse().ok())
        .unwrap_or_else(|| panic!("no number in {text:?}"))
}
