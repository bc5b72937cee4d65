//! `export-blocks` and `import-blocks`.

use crate::blocks_file::{read_frame, write_frame};
use crate::cli::{ExportArgs, ImportArgs};
use crate::datadir;
use anyhow::{bail, Context, Result};
use bitcoin::consensus::encode;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{BufReader, BufWriter, Write};
use std::process::ExitCode;
use std::time::Instant;
use venture_chain::{ChainError, ProcessOutcome};
use venture_primitives::Block;

pub fn export(args: &ExportArgs) -> Result<ExitCode> {
    let params = datadir::load_params(&args.chain.chain)?;
    let dir = datadir::resolve(args.chain.datadir.as_deref(), &params);
    let chain = datadir::open_chain(params.clone(), &dir)?;
    let to = args.to.unwrap_or(chain.height()).min(chain.height());
    if args.from > to {
        bail!(
            "nothing to export: --from {} is above the last height {to}",
            args.from
        );
    }
    let file = std::fs::File::create(&args.file)
        .with_context(|| format!("cannot create {}", args.file.display()))?;
    let mut out = BufWriter::new(file);
    let progress = progress_bar(u64::from(to - args.from + 1), false);
    for height in args.from..=to {
        let hash = chain
            .index()
            .active_at(height)
            .with_context(|| format!("no block at height {height}"))?;
        let bytes = chain
            .store()
            .block_bytes(&hash)?
            .with_context(|| format!("block {hash} at height {height} is not stored"))?;
        write_frame(&mut out, params.magic(), &bytes)?;
        progress.inc(1);
    }
    out.flush()?;
    progress.finish_and_clear();
    println!(
        "exported blocks {}..={to} to {}",
        args.from,
        args.file.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn import(args: &ImportArgs, quiet: bool) -> Result<ExitCode> {
    let params = datadir::load_params(&args.chain.chain)?;
    let dir = datadir::resolve(args.chain.datadir.as_deref(), &params);
    let mut chain = datadir::open_chain(params.clone(), &dir)?;
    let file = std::fs::File::open(&args.file)
        .with_context(|| format!("cannot open {}", args.file.display()))?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut input = BufReader::with_capacity(1 << 20, file);
    let progress = progress_bar(total, quiet);
    let started = Instant::now();
    let (mut connected, mut known, mut other) = (0u64, 0u64, 0u64);
    let mut frame_no = 0u64;
    while let Some(bytes) = read_frame(&mut input, params.magic())? {
        frame_no += 1;
        progress.inc(bytes.len() as u64 + 8);
        let block: Block = encode::deserialize(&bytes)
            .with_context(|| format!("block {frame_no} in the file does not decode"))?;
        let hash = block.block_hash();
        match chain.process_block(block, true) {
            Ok(ProcessOutcome::Connected) => connected += 1,
            Ok(ProcessOutcome::Duplicate) => known += 1,
            Ok(_) => other += 1,
            Err(ChainError::Block(e)) => {
                progress.finish_and_clear();
                bail!("block {frame_no} ({hash}) is invalid: {e}");
            }
            Err(e) => return Err(e.into()),
        }
        if frame_no.is_multiple_of(1000) {
            progress.set_message(format!("height {}", chain.height()));
        }
    }
    progress.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    let tip = chain.tip();
    println!(
        "imported {frame_no} blocks in {elapsed:.2}s ({:.0} blocks/s): {connected} connected, {known} already known, {other} side-chain or orphan",
        frame_no as f64 / elapsed.max(1e-9)
    );
    println!("tip {} at height {}", tip.hash, tip.height);
    Ok(ExitCode::SUCCESS)
}

fn progress_bar(total: u64, hidden: bool) -> ProgressBar {
    if hidden {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:40} {percent:>3}% {msg} [{elapsed_precise}<{eta_precise}]",
    ) {
        bar.set_style(style);
    }
    bar
}
