//! Each header's proof of work, checked once and, for a response of headers, on all
//! cores ahead of the sequential checks that need each header's parent in the index.
//!
//! A block whose header the index already holds, byte for byte, is not hashed again
//! ([`Chain::check_block_header_pow`]). Headers of a response are checked one by one, in order, as before; what changes is when their
//! proof-of-work verdicts are computed. At the first header whose verdict is missing,
//! [`PowAhead`] computes it together with those of the headers right after it, as far
//! as each builds on the one before, in parallel. The run doubles after each run, so a
//! bad header (or a break in linkage) found partway costs at most about twice the
//! hashes a one-by-one check would have spent on the same response.

use crate::checks::{check_header_pow, check_header_pow_hash, header_pow_input};
use crate::{BlockError, Chain, ChainError};
use bitcoin::BlockHash;
use rayon::prelude::*;
use venture_chainspec::ChainParams;
use venture_difficulty::BlockKind;
use venture_pow::{PowAlgorithm, PowHash};
use venture_primitives::Header;

/// Verdicts computed ahead for a response of headers.
pub(crate) struct PowAhead<'a> {
    headers: &'a [Header],
    hashes: &'a [BlockHash],
    verdicts: Vec<Option<Result<BlockKind, BlockError>>>,
    /// How many headers the next run may take.
    run: usize,
}

impl<'a> PowAhead<'a> {
    /// For `headers`, whose block hashes are `hashes` (same order and length).
    pub fn new(headers: &'a [Header], hashes: &'a [BlockHash]) -> Self {
        PowAhead {
            headers,
            hashes,
            verdicts: Vec::new(),
            run: 2 * rayon::current_num_threads(),
        }
    }

    /// The verdict of [`crate::checks::check_header_pow`] on header `at`. If it is not
    /// known yet and `speculate` is set, those of the headers after it that each build on
    /// the one before and pass `wanted` are computed alongside.
    pub fn verdict(
        &mut self,
        at: usize,
        params: &ChainParams,
        speculate: bool,
        wanted: impl Fn(&BlockHash) -> bool,
    ) -> Result<BlockKind, BlockError> {
        if let Some(verdict) = self.verdicts.get_mut(at).and_then(Option::take) {
            return verdict;
        }
        let mut run = vec![at];
        let mut next = at + 1;
        while speculate && run.len() < self.run && next < self.headers.len() {
            if self.headers[next].pure.prev_blockhash != self.hashes[next - 1] {
                break;
            }
            if wanted(&self.hashes[next]) {
                run.push(next);
            }
            next += 1;
        }
        if speculate {
            self.run = self.run.saturating_mul(2);
        }
        let headers: Vec<&Header> = run.iter().map(|&i| &self.headers[i]).collect();
        let verdicts = check_headers_pow(&headers, params);
        if self.verdicts.len() < self.headers.len() {
            self.verdicts.resize(self.headers.len(), None);
        }
        for (i, verdict) in run.into_iter().zip(verdicts) {
            self.verdicts[i] = Some(verdict);
        }
        match self.verdicts[at].take() {
            Some(verdict) => verdict,
            None => check_header_pow(&self.headers[at], params),
        }
    }
}

impl Chain {
    /// [`check_header_pow`] of a block's header (whose block hash is `hash`), or its
    /// verdict from when the index took in the very same header: a native header is
    /// all in its hash, and a merge-mined one must equal the stored one, AuxPoW and all
    /// (a peer can change an AuxPoW without changing the hash).
    pub(crate) fn check_block_header_pow(
        &self,
        header: &Header,
        hash: &BlockHash,
    ) -> Result<BlockKind, ChainError> {
        if let Some(entry) = self.index.get(hash) {
            let native = header.auxpow.is_none() && !header.has_auxpow_flag();
            if native && entry.kind() == BlockKind::Native {
                return Ok(BlockKind::Native);
            }
            if !native && entry.kind() == BlockKind::MergeMined {
                let stored = self.store.header(hash)?;
                if stored.is_some_and(|record| record.header == *header) {
                    return Ok(BlockKind::MergeMined);
                }
            }
        }
        Ok(check_header_pow(header, &self.params)?)
    }
}

/// [`check_header_pow`] of each header, in order, computed on rayon's
/// pool; scrypt hashes two at a time on each core.
pub fn check_headers_pow(
    headers: &[&Header],
    params: &ChainParams,
) -> Vec<Result<BlockKind, BlockError>> {
    // Small pieces, so a core slowed by other work does not hold up the rest.
    let piece = (headers.len() / (8 * rayon::current_num_threads())).max(2);
    headers
        .par_chunks(piece)
        .flat_map_iter(|piece| check_piece(piece, params))
        .collect()
}

fn check_piece(headers: &[&Header], params: &ChainParams) -> Vec<Result<BlockKind, BlockError>> {
    let inputs: Vec<_> = headers
        .iter()
        .map(|h| header_pow_input(h, params))
        .collect();
    let mut hashes: Vec<Option<PowHash>> = vec![None; headers.len()];
    for algorithm in [PowAlgorithm::Sha256d, PowAlgorithm::Scrypt] {
        let (at, bytes): (Vec<usize>, Vec<[u8; 80]>) = inputs
            .iter()
            .enumerate()
            .filter_map(|(i, input)| match input {
                Ok((a, bytes)) if *a == algorithm => Some((i, *bytes)),
                _ => None,
            })
            .unzip();
        for (i, hash) in at.into_iter().zip(algorithm.hash_many(&bytes)) {
            hashes[i] = Some(hash);
        }
    }
    inputs
        .into_iter()
        .zip(headers)
        .zip(hashes)
        .map(|((input, header), hash)| {
            let (algorithm, bytes) = input?;
            let hash = hash.unwrap_or_else(|| algorithm.hash(&bytes));
            check_header_pow_hash(header, params, &hash)
        })
        .collect()
}
