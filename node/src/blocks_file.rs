//! The block file format of `export-blocks` / `import-blocks`: Bitcoin Core's `blk*.dat`
//! framing — 4 magic bytes (this chain's), a little-endian u32 length, the block.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, Write};

/// Largest block frame accepted (a block at 8× Bitcoin's weight limit, with room).
pub const MAX_FRAME: u32 = 64 * 1024 * 1024;

/// Writes one framed block.
pub fn write_frame(out: &mut impl Write, magic: [u8; 4], block: &[u8]) -> Result<()> {
    out.write_all(&magic)?;
    out.write_all(&(block.len() as u32).to_le_bytes())?;
    out.write_all(block)?;
    Ok(())
}

/// Reads the next framed block; `None` at a clean end of file.
pub fn read_frame(input: &mut impl BufRead, magic: [u8; 4]) -> Result<Option<Vec<u8>>> {
    if input.fill_buf()?.is_empty() {
        return Ok(None);
    }
    let mut head = [0u8; 8];
    input
        .read_exact(&mut head)
        .context("truncated block header in file")?;
    if head[..4] != magic {
        bail!(
            "bad magic {} (this chain's is {}): the file is not a block file of this chain",
            hex::encode(&head[..4]),
            hex::encode(magic)
        );
    }
    let len = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
    if len > MAX_FRAME {
        bail!("block of {len} bytes exceeds the {MAX_FRAME}-byte limit");
    }
    let mut block = vec![0u8; len as usize];
    input
        .read_exact(&mut block)
        .context("truncated block in file")?;
    Ok(Some(block))
}
