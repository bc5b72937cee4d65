//! Stratum v1 lines on both sides of `ventured mm`.
//!
//! Server: a miner's bytes go through the server's line framing (in the 4 KiB reads the
//! server makes) and each line through a fresh connection's [`Session`], backed by a real
//! coordinator holding a parent template and two aux blocks at easy targets, so that
//! subscribe, authorize and submit reach share checking and block assembly. Every line
//! the server answers must itself parse as one Stratum message.
//!
//! Client: a pool's bytes go through the CPU miner's framing and message handling up to
//! the header its hashing threads would build.

use super::{fingerprint, Bounds, InputKind, Mismatch, Target};
use bitcoin::hashes::Hash;
use bitcoin::{BlockHash, ScriptBuf};
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::{Duration, Instant};
use venture_merged_mining::coordinator::{
    AuxBlock, AuxConfig, FoundBlock, Mweb, NodeAuth, NodeEndpoint, ParentConfig, ParentTemplate,
};
use venture_merged_mining::stratum::{
    protocol, LineBuffer, Session, StratumLimits, VardiffConfig, MAX_LINE,
};
use venture_merged_mining::stratum_client::{replay_pool_bytes, MAX_SERVER_LINE};
use venture_merged_mining::{Coordinator, CoordinatorConfig};
use venture_pow::{PowAlgorithm, Target as PowTarget, U256};

/// The server reads the socket in chunks of this size.
const READ_CHUNK: usize = 4096;

/// What one line of at most `line` bytes may take: parsed into JSON values up to 32
/// times its size (a 2-byte array element becomes a 32-byte value in a vector grown by
/// doubling), cloned once by the session. The coordinator, templates and jobs a fresh
/// connection sets up stay well under a MiB. Nothing may grow with the number of lines.
const fn line_bounds(line: usize) -> Bounds {
    Bounds {
        single_base: 32 * line,
        single_per_byte: 0,
        live_base: 1024 * 1024 + 128 * line,
        live_per_byte: 0,
    }
}

pub const SERVER: Target = Target {
    name: "stratum-server",
    about: "a miner's bytes to the Stratum server: line framing, then each line through a connection's session",
    kind: InputKind::Text,
    // Twice a line: room for the refusal of an endless line, while inputs of many lines,
    // each answered by a session, stay quick.
    max_len: 2 * MAX_LINE,
    bounds: line_bounds(MAX_LINE),
    run: server,
};

pub const CLIENT: Target = Target {
    name: "stratum-client",
    about: "a pool's bytes to the CPU Stratum miner: line framing, replies, notify, difficulty and extranonce changes",
    kind: InputKind::Text,
    // Four times the longest line the miner reads.
    max_len: 4 * MAX_SERVER_LINE,
    bounds: line_bounds(MAX_SERVER_LINE),
    run: client,
};

fn endpoint() -> NodeEndpoint {
    NodeEndpoint::new("127.0.0.1:1", NodeAuth::Cookie("unused".into()))
}

/// A coordinator mining `template` and `aux` (at most two chains), with the receiver of
/// the solutions its shares find.
pub fn coordinator_with(
    template: ParentTemplate,
    aux: &[AuxBlock],
    now: Instant,
) -> (Arc<Coordinator>, Receiver<FoundBlock>) {
    let parent = ParentConfig {
        endpoint: endpoint(),
        pow: POW,
        rules: vec!["segwit".into()],
        payout_script: ScriptBuf::from_bytes(vec![0x51]),
        longpoll: false,
        poll_interval: Duration::from_secs(1),
    };
    let slots = (0..2)
        .map(|_| AuxConfig {
            endpoint: endpoint(),
            address: "unused".into(),
        })
        .collect();
    let (coordinator, solutions) = Coordinator::detached(CoordinatorConfig::new(parent, slots));
    coordinator.update_parent(template, now);
    for (index, block) in aux.iter().take(2).enumerate() {
        coordinator.update_aux(index, Some(block.clone()), now);
    }
    (coordinator, solutions)
}

/// The parent's proof of work in every Stratum target.
pub const POW: PowAlgorithm = PowAlgorithm::Sha256d;

/// A coordinator with work for one parent and two aux chains, every target easy.
fn coordinator(now: Instant) -> Arc<Coordinator> {
    let easy = PowTarget(U256::MAX >> 1usize);
    let template = ParentTemplate {
        version: 0x2000_0000,
        prev_hash: BlockHash::from_byte_array([1; 32]),
        bits: 0x207f_ffff,
        target: easy,
        height: 10,
        curtime: TEMPLATE_TIME,
        mintime: TEMPLATE_TIME - 10_000,
        coinbase_value: 5_000_000_000,
        required_outputs: Vec::new(),
        transactions: Vec::new(),
        coinbase_branch: Vec::new(),
        witness_commitment: None,
        longpollid: None,
        mweb: Mweb::Absent,
    };
    let aux: Vec<AuxBlock> = [(0x5645, 0xaa), (0x0001, 0xbb)]
        .into_iter()
        .map(|(chain_id, byte)| AuxBlock {
            hash: BlockHash::from_byte_array([byte; 32]),
            chain_id,
            previous_block_hash: BlockHash::from_byte_array([byte ^ 0xff; 32]),
            height: 3,
            target: easy,
        })
        .collect();
    coordinator_with(template, &aux, now).0
}

/// The template's `curtime`: a submit's `ntime` must be near it.
pub const TEMPLATE_TIME: u32 = 1_700_000_000;

/// The job a fresh coordinator publishes last (parent, then each aux chain).
pub const CURRENT_JOB: &str = "3";

pub(crate) fn session(now: Instant) -> Session {
    let vardiff = VardiffConfig {
        // Every share meets the connection's target, so submits reach block assembly.
        start: 1e-12,
        min: 1e-12,
        max: 1e15,
        share_interval: Duration::from_secs(5),
    };
    let peer = std::net::SocketAddr::from(([127, 0, 0, 1], 3333));
    let max_workers = StratumLimits::default().max_workers;
    Session::new(
        coordinator(now),
        peer,
        [0, 0, 0, 1],
        vardiff,
        max_workers,
        now,
    )
}

fn server(data: &[u8]) -> Result<u64, Mismatch> {
    let now = Instant::now();
    let mut session = session(now);
    let mut buffer = LineBuffer::default();
    let mut answers = 0usize;
    let mut closed = false;
    for chunk in data.chunks(READ_CHUNK) {
        let Ok(lines) = buffer.push(chunk) else {
            // A line past the limit closes the connection.
            closed = true;
            break;
        };
        for line in lines {
            for answer in session.handle_line(&line, now) {
                check_answer(&answer)?;
                answers += 1;
            }
        }
    }
    for answer in session.on_tick(now + Duration::from_secs(60)) {
        check_answer(&answer)?;
    }
    Ok(fingerprint((
        "server",
        answers.min(8),
        closed,
        session.difficulty().to_bits(),
    )))
}

/// A line the server sends must be one line, and one Stratum message.
fn check_answer(answer: &str) -> Result<(), Mismatch> {
    if answer.contains('\n') || answer.contains('\r') {
        return Err(Mismatch(format!(
            "the server's answer spans lines: {answer:?}"
        )));
    }
    if protocol::parse(answer).is_none() {
        return Err(Mismatch(format!(
            "the server's answer is not a Stratum message: {answer:?}"
        )));
    }
    Ok(())
}

fn client(data: &[u8]) -> Result<u64, Mismatch> {
    let outcome = match replay_pool_bytes(POW, data) {
        Ok(Some(header)) => fingerprint(("work", header[0..4].to_vec(), header[72..76].to_vec())),
        Ok(None) => fingerprint("no work"),
        Err(e) => fingerprint(("closed", e.kind())),
    };
    Ok(outcome)
}
