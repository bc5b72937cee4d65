//! The outcome of a verification run.

/// How many vectors agreed with the real chain, how many did not, and why not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Vectors (files, bulk headers, index tuples) on which we agree with the chain.
    pub passed: usize,
    /// Vectors on which we do not.
    pub failed: usize,
    /// One line per disagreement, naming the file and the vector.
    pub mismatches: Vec<String>,
    /// One line per vector that passed with a caveat (a refusal whose reason we could
    /// not compare), naming the file.
    pub notes: Vec<String>,
}

impl VerifyReport {
    /// `N passed, M failed`.
    pub fn summary_line(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }

    /// Records one vector: passed when `problems` is empty, else failed with one
    /// mismatch line per problem, prefixed by `label`.
    pub(crate) fn record(&mut self, label: &str, problems: Vec<String>) {
        if problems.is_empty() {
            self.passed += 1;
        } else {
            self.failed += 1;
            self.mismatches.extend(
                problems
                    .into_iter()
                    .map(|problem| format!("{label}: {problem}")),
            );
        }
    }

    /// Adds notes on the vector `label`.
    pub(crate) fn note(&mut self, label: &str, notes: Vec<String>) {
        self.notes
            .extend(notes.into_iter().map(|note| format!("{label}: {note}")));
    }

    /// Whether every vector agreed.
    pub fn all_passed(&self) -> bool {
        self.failed == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_vectors_not_lines() {
        let mut report = VerifyReport::default();
        report.record("a.json", vec![]);
        report.record("b.json", vec!["hash differs".into(), "check fails".into()]);
        assert_eq!(report.summary_line(), "1 passed, 1 failed");
        assert_eq!(
            report.mismatches,
            ["b.json: hash differs", "b.json: check fails"]
        );
        assert!(!report.all_passed());
    }
}
