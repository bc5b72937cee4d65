//! Newline-delimited framing over a tokio `TcpStream`, using only the readiness API
//! (`readable`/`try_read`, `writable`/`try_write`), so the server needs no extra tokio
//! features.

use std::io;
use tokio::net::TcpStream;

/// Longest line accepted from a miner; Stratum requests are a few hundred bytes, so
/// anything longer is garbage or abuse and closes the connection.
pub const MAX_LINE: usize = 16 * 1024;

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
}

impl LineBuffer {
    /// Appends bytes and returns the complete lines (trimmed, blank lines dropped).
    /// Fails when a line grows beyond [`MAX_LINE`].
    pub fn push(&mut self, bytes: &[u8]) -> io::Result<Vec<String>> {
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
            return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
        }
        Ok(lines)
    }

    /// Reads what the socket has (after `readable()` fired) and splits it.
    pub fn read_from(&mut self, stream: &TcpStream) -> io::Result<Received> {
        let mut chunk = [0u8; 4096];
        let mut lines = Vec::new();
        loop {
            match stream.try_read(&mut chunk) {
                Ok(0) => return Ok(Received::Closed),
                Ok(n) => lines.extend(self.push(chunk.get(..n).unwrap_or_default())?),
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
