#!/bin/sh
# Runs the whole test suite: unit tests, reference-vector tests and end-to-end tests
# with real `ventured` and `litecoin-cli` processes. Extra arguments go to cargo test.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo test --workspace --locked "$@"
