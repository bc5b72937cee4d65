//! Reading a Stratum server's lines with a bound, so that a server (or anything posing
//! as one) cannot make the miner buffer without end.

use std::io::{self, BufRead};

/// Longest line accepted from a Stratum server, in bytes.
///
/// The longest line a server sends is `mining.notify`: two coinbase halves in hex and a
/// merkle branch. A parent coinbase beyond the 10,000 bytes an AuxPoW may carry
/// (`venture_auxpow::MAX_PARENT_COINBASE_BYTES`) could not merge-mine a Venture chain,
/// and a branch has at most 20 levels (`MAX_COINBASE_BRANCH_LEN`): as hex that is
/// under 22 kB, so this bound leaves three times that.
pub const MAX_SERVER_LINE: usize = 64 * 1024;

/// Reads the next line (without its line end) into `line`. `Ok(false)` at the end of the
/// stream; an `InvalidData` error once a line grows beyond `max` bytes, having read at
/// most `max` bytes of it.
pub fn read_line(reader: &mut impl BufRead, max: usize, line: &mut Vec<u8>) -> io::Result<bool> {
    line.clear();
    loop {
        let available = match reader.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(!line.is_empty());
        }
        let (taken, ended) = match available.iter().position(|&b| b == b'\n') {
            Some(end) => (end, true),
            None => (available.len(), false),
        };
        if line.len() + taken > max {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the server sent a line longer than {max} bytes"),
            ));
        }
        line.extend_from_slice(available.get(..taken).unwrap_or_default());
        reader.consume(taken + usize::from(ended));
        if ended {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stratum::protocol;
    use serde_json::json;
    use venture_auxpow::{MAX_COINBASE_BRANCH_LEN, MAX_PARENT_COINBASE_BYTES};

    #[test]
    fn lines_end_at_newlines_and_stop_at_the_bound() {
        let mut reader = io::BufReader::with_capacity(4, &b"ab\r\ncdefgh\n\nlast"[..]);
        let mut line = Vec::new();
        let mut lines = Vec::new();
        while read_line(&mut reader, 6, &mut line).unwrap() {
            lines.push(String::from_utf8(line.clone()).unwrap());
        }
        assert_eq!(lines, ["ab", "cdefgh", "", "last"]);
        let mut endless = io::BufReader::new(&b"abcdefg\n"[..]);
        let error = read_line(&mut endless, 6, &mut line).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn the_largest_notify_fits() {
        let half = "00".repeat(MAX_PARENT_COINBASE_BYTES / 2);
        let branch = vec!["ff".repeat(32); MAX_COINBASE_BRANCH_LEN];
        let notify = protocol::call(
            serde_json::Value::Null,
            "mining.notify",
            json!([
                "ffffffffffffffff",
                "00".repeat(32),
                half,
                half,
                branch,
                "20000000",
                "1d00ffff",
                "6553f100",
                true
            ]),
        );
        assert!(notify.len() < MAX_SERVER_LINE / 2, "{}", notify.len());
    }
}
