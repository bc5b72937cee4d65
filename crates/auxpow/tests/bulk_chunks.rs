//! Both bulk chunks: 2 x 2016 consecutive Namecoin mainnet headers. Each must decode and
//! re-encode exactly, hash to the recorded hash, link to the previous line, and pass the
//! full check (AuxPoW structure and the parent's proof of work against the child's bits).

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;

use bitcoin::consensus::encode::{deserialize, serialize};
use common::*;
use flate2::read::GzDecoder;
use venture_auxpow::{check_header_pow, AuxHeader};

fn replay(path: &Path) -> (usize, usize) {
    let name = path.display();
    let reader = BufReader::new(GzDecoder::new(std::fs::File::open(path).unwrap()));
    let params = namecoin_mainnet();
    let (mut count, mut merge_mined) = (0, 0);
    let mut previous: Option<(u64, String)> = None;
    for line in reader.lines() {
        let line = line.unwrap();
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 4, "{name}: {line}");
        let height: u64 = fields[0].parse().unwrap();
        let raw = bytes(fields[3]);
        let header: AuxHeader = deserialize(&raw)
            .unwrap_or_else(|err| panic!("{name} height {height}: does not decode: {err}"));
        assert_eq!(
            serialize(&header),
            raw,
            "{name} height {height}: re-encoding"
        );
        assert_eq!(
            header.block_hash().to_string(),
            fields[1],
            "{name} height {height}: hash"
        );
        if let Some((prev_height, prev_hash)) = &previous {
            assert_eq!(height, prev_height + 1, "{name}: heights not consecutive");
            assert_eq!(
                &header.pure.prev_blockhash.to_string(),
                prev_hash,
                "{name} height {height}: link"
            );
        }
        check_header_pow(&header, &params)
            .unwrap_or_else(|err| panic!("{name} height {height}: {err}"));
        merge_mined += usize::from(header.auxpow.is_some());
        count += 1;
        previous = Some((height, fields[1].to_string()));
    }
    (count, merge_mined)
}

#[test]
fn chunk9_spans_the_start_of_merged_mining() {
    let Some(path) = vector_path("auxpow/bulk/nmc_mainnet_chunk9_h18144-20159.tsv.gz") else {
        return;
    };
    let (count, merge_mined) = replay(&path);
    assert_eq!(count, 2016);
    // Heights 19200..=20159 may be merge-mined, 18144..19199 cannot be.
    assert!(
        merge_mined > 0 && merge_mined <= 960,
        "{merge_mined} merge-mined"
    );
}

#[test]
fn chunk15_passes() {
    let Some(path) = vector_path("auxpow/bulk/nmc_mainnet_chunk15_h30240-32255.tsv.gz") else {
        return;
    };
    let (count, merge_mined) = replay(&path);
    assert_eq!(count, 2016);
    assert!(merge_mined > 1000, "{merge_mined} merge-mined");
}
