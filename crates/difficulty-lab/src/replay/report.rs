//! What a replay found: a count of passes and one line per failure.

use std::fmt;

/// The outcome of replaying one or more vector files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayReport {
    pub passed: usize,
    pub failed: usize,
    /// One line per failed case: file, case, and what differed.
    pub mismatches: Vec<String>,
    /// Per file: its name, the format recognised, and its pass/fail counts.
    pub files: Vec<FileReport>,
}

/// One file's share of a [`ReplayReport`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    pub file: String,
    pub format: &'static str,
    pub passed: usize,
    pub failed: usize,
}

impl ReplayReport {
    /// `N passed, M failed`.
    pub fn summary_line(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }

    /// Whether every case passed (and there was at least one).
    pub fn all_passed(&self) -> bool {
        self.failed == 0 && self.passed > 0
    }
}

impl fmt::Display for ReplayReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for file in &self.files {
            writeln!(
                f,
                "{} ({}): {} passed, {} failed",
                file.file, file.format, file.passed, file.failed
            )?;
        }
        for mismatch in &self.mismatches {
            writeln!(f, "MISMATCH {mismatch}")?;
        }
        write!(f, "{}", self.summary_line())
    }
}

/// Collects the cases of one file.
#[derive(Debug)]
pub(crate) struct Tally {
    file: String,
    format: &'static str,
    passed: usize,
    mismatches: Vec<String>,
}

impl Tally {
    pub fn new(file: String, format: &'static str) -> Self {
        Tally {
            file,
            format,
            passed: 0,
            mismatches: Vec::new(),
        }
    }

    /// Records one case: `Ok(())` passed, `Err(what)` failed with a one-line reason.
    pub fn case(&mut self, name: &str, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => self.passed += 1,
            Err(what) => self
                .mismatches
                .push(format!("{}: {name}: {what}", self.file)),
        }
    }

    /// Records a compact-bits comparison.
    pub fn bits(&mut self, name: &str, expected: u32, got: u32) {
        let outcome = if expected == got {
            Ok(())
        } else {
            Err(format!("expected {expected:#010x}, got {got:#010x}"))
        };
        self.case(name, outcome);
    }

    pub fn into_report(self, report: &mut ReplayReport) {
        report.passed += self.passed;
        report.failed += self.mismatches.len();
        report.files.push(FileReport {
            file: self.file,
            format: self.format,
            passed: self.passed,
            failed: self.mismatches.len(),
        });
        report.mismatches.extend(self.mismatches);
    }
}
