//! The per-block CSV: `height,time,solvetime,bits,difficulty,hashrate`.

use super::run::SimulationResult;
use crate::LabError;
use std::io::Write;

impl SimulationResult {
    /// Writes one header line and one line per block. `difficulty` is on the pow-limit
    /// scale; `hashrate` is in multiples of the base rate.
    pub fn write_csv(&self, mut out: impl Write) -> Result<(), LabError> {
        let fail = |e: std::io::Error| LabError::Write {
            what: "simulation CSV".to_string(),
            reason: e.to_string(),
        };
        writeln!(out, "height,time,solvetime,bits,difficulty,hashrate").map_err(fail)?;
        for b in &self.blocks {
            writeln!(
                out,
                "{},{},{},{:#010x},{:.6},{:.4}",
                b.height, b.time, b.solvetime, b.bits, b.difficulty, b.hashrate
            )
            .map_err(fail)?;
        }
        out.flush().map_err(fail)
    }
}
