#!/bin/sh
# A node under attack, next to the same node unattacked: getblockchaininfo latency
# (p50, p99; it reads the chain under its lock), how far an honest peer falls behind while the victim mines a block every half
# second, the victim's resident memory and the growth of its data directory, for each
# attack the scripted attacker mounts (tests/attacks.rs, `measure_a_node_under_attack`).
# Prints a Markdown table. Dev profile, as the test suite builds it.
# Usage: scripts/bench/attacks.sh
set -eu
cd "$(dirname "$0")/../.."
cargo test --workspace --locked --test attacks measure_a_node_under_attack \
  -- --ignored --nocapture --test-threads 1 2>/dev/null | grep '^|'
