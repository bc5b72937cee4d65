//! Newline-delimited framing over a tokio `TcpStream`, using only the readiness API
//! (`readable`/`try_read`, `writable`/`try_write`), so the server needs no extra tokio
//! features.

use std::io;
use tokio::net::TcpStream;

/// Longest line accepted from a miner, in bytes. A miner's requests are short: a submit
/// is about 150 bytes, an authorize with a worker name at its 256-byte bound under 400,
/// and even the longest line the server itself sends, a notify with a 15-level merkle
/// branch (a full 4M-weight parent), is about 1.5 kB. A line that grows past this is
/// garbage or abuse: the connection is closed instead of buffering it.
pub const MAX_LINE: usize = 16 * 1024;

/// Bytes read from one connection before its lines are handled, so that a miner
/// streaming short lines without pause cannot make one read turn collect without end;
/// the rest stays in the socket until the next turn.
const READ_BUDGET: usize = 4 * MAX_LINE;

/// Bytes received but not yet split into lines.
#[derive(Debug, Default)]
pub struct LineBuffer {
    pending: Vec<u8>,
}

/// What reading from the socket produced.
#[derive(Debug, PartialEq, Eq)]
pub enum Received {
    /// Complete lines (possibly none yet).
    Lines(Vec<String>),
    /// The peer closed the connection.
    Closed,
    /// A line grew beyond [`MAX_LINE`].
    TooLong,
}

/// A line grew beyond [`MAX_LINE`] without ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineTooLong;

impl LineBuffer {
    /// Appends bytes and returns the complete lines (trimmed, blank lines dropped).
    /// Fails when a line grows beyond [`MAX_LINE`].
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<String>, LineTooLong> {
        self.pending.extend_from_slice(bytes);
        let mut lines = Vec::new();
        while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            let text = String::from_utf8_lossy(&line);
            let text = text.trim();
            if !text.is_empty() {
                lines.push(text.to_string());
            }
        }
        if self.pending.len() > MAX_LINE {
            return Err(LineTooLong);
        }
        Ok(lines)
    }

    /// Reads what the socket has (after `readable()` fired), up to [`READ_BUDGET`]
    /// bytes, and splits it. Bytes left unread keep the socket readable.
    pub fn read_from(&mut self, stream: &TcpStream) -> io::Result<Received> {
        let mut chunk = [0u8; 4096];
        let mut lines = Vec::new();
        let mut read = 0;
        loop {
            if read >= READ_BUDGET {
                return Ok(Received::Lines(lines));
            }
            match stream.try_read(&mut chunk) {
                Ok(0) => return Ok(Received::Closed),
                Ok(n) => {
                    read += n;
                    match self.push(chunk.get(..n).unwrap_or_default()) {
                        Ok(more) => lines.extend(more),
                        Err(LineTooLong) => return Ok(Received::TooLong),
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    return Ok(Received::Lines(lines))
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

/// Writes all of `bytes`, waiting for the socket to accept them.
pub async fn write_all(stream: &TcpStream, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        stream.writable().await?;
        match stream.try_write(bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lines_across_chunks_and_refuses_endless_ones() {
        let mut buffer = LineBuffer::default();
        assert!(buffer.push(b"{\"id\":1}\r\n{\"id\"").unwrap() == vec!["{\"id\":1}"]);
        assert_eq!(buffer.push(b":2}\n\n").unwrap(), vec!["{\"id\":2}"]);
        let mut endless = LineBuffer::default();
        assert!(endless.push(&vec![b'x'; MAX_LINE + 1]).is_err());
    }
}
