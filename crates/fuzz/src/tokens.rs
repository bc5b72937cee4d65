//! Token-level mutations for TOML and JSON lines: the input is cut into words, numbers,
//! quoted strings, whitespace and punctuation, and whole tokens or lines are replaced,
//! dropped, repeated, swapped or borrowed from other entries. Byte flips rarely produce
//! a parseable spec or Stratum line; this reaches the validation behind the parser.

use crate::rng::Rng;

/// Values at the edges of what the specs and Stratum messages hold.
const DICTIONARY: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "255",
    "256",
    "65535",
    "4294967295",
    "4294967296",
    "2147483647",
    "-2147483648",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "1e308",
    "-1e308",
    "1e-320",
    "5e-324",
    "0.0",
    "nan",
    "inf",
    "-inf",
    "NaN",
    "0x0",
    "0x00000000",
    "0xffffffff",
    "0x207fffff",
    "0x1d00ffff",
    "0x1f0fffff",
    "0x01ffffff",
    "0x04800000",
    "\"\"",
    "\"\\u0000\"",
    "\"\\ud800\"",
    "\"0x207fffff\"",
    "\"ffffffff\"",
    "\"00000000\"",
    "[]",
    "{}",
    "[[]]",
    "null",
    "true",
    "false",
    "1979-05-27T07:32:00Z",
    "\"sha256d\"",
    "\"scrypt\"",
    "\"fixed\"",
    "\"mining.notify\"",
    "\"mining.submit\"",
    "\"mining.subscribe\"",
    "\"mining.authorize\"",
    "\"mining.set_difficulty\"",
    "\"mining.set_extranonce\"",
    "\"mining.configure\"",
    "\"mining.suggest_difficulty\"",
    "=",
    ",",
    ":",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "\"\"\"",
    "#",
    ".",
    "\n",
    "\r\n",
    "\\",
];

/// Cuts text into tokens whose concatenation is the text.
pub fn tokenize(text: &[u8]) -> Vec<&[u8]> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let start = i;
        let b = text[i];
        if b == b'"' || b == b'\'' {
            // A quoted string, escapes skipped, up to its closing quote or the line end.
            i += 1;
            while i < text.len() && text[i] != b && text[i] != b'\n' {
                if text[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(text.len());
        } else if is_word(b) {
            while i < text.len() && is_word(text[i]) {
                i += 1;
            }
        } else if b == b' ' || b == b'\t' {
            while i < text.len() && (text[i] == b' ' || text[i] == b'\t') {
                i += 1;
            }
        } else {
            i += 1;
        }
        tokens.push(&text[start..i]);
    }
    tokens
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'+' | b'.')
}

/// One to four token or line mutations of `data`, borrowing from `others`; the result is
/// truncated to `max_len`.
pub fn mutate(data: &mut Vec<u8>, rng: &mut Rng, others: &[Vec<u8>], max_len: usize) {
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let next = mutate_once(data, rng, others);
        *data = next;
        data.truncate(max_len);
    }
}

fn mutate_once(data: &[u8], rng: &mut Rng, others: &[Vec<u8>]) -> Vec<u8> {
    if rng.one_in(4) {
        return mutate_lines(data, rng, others);
    }
    let mut tokens: Vec<Vec<u8>> = tokenize(data).into_iter().map(<[u8]>::to_vec).collect();
    let borrowed = |rng: &mut Rng| -> Vec<u8> {
        let other = rng.pick(others).map(Vec::as_slice).unwrap_or_default();
        let pool = tokenize(other);
        match rng.pick(&pool) {
            Some(token) if !rng.one_in(3) => token.to_vec(),
            _ => dictionary(rng),
        }
    };
    let at = rng.below(tokens.len());
    match rng.below(6) {
        0 if !tokens.is_empty() => tokens[at] = dictionary(rng),
        1 if !tokens.is_empty() => tokens[at] = borrowed(rng),
        2 if !tokens.is_empty() => {
            tokens.remove(at);
        }
        3 if !tokens.is_empty() => {
            let copy = tokens[at].clone();
            tokens.insert(at, copy);
        }
        4 if tokens.len() > 1 => {
            let other = rng.below(tokens.len());
            tokens.swap(at, other);
        }
        _ => {
            let token = if rng.one_in(2) {
                dictionary(rng)
            } else {
                borrowed(rng)
            };
            tokens.insert(at.min(tokens.len()), token);
        }
    }
    tokens.concat()
}

fn dictionary(rng: &mut Rng) -> Vec<u8> {
    DICTIONARY[rng.below(DICTIONARY.len())].as_bytes().to_vec()
}

/// Line-level changes: a spec's `key = value` lines and a session's messages.
fn mutate_lines(data: &[u8], rng: &mut Rng, others: &[Vec<u8>]) -> Vec<u8> {
    let mut lines: Vec<&[u8]> = data.split_inclusive(|&b| b == b'\n').collect();
    let at = rng.below(lines.len() + 1);
    match rng.below(4) {
        0 if at < lines.len() => {
            lines.remove(at);
        }
        1 if at < lines.len() => {
            let line = lines[at];
            lines.insert(at, line);
        }
        2 if lines.len() > 1 => {
            let other = rng.below(lines.len());
            let here = at.min(lines.len() - 1);
            lines.swap(here, other);
        }
        _ => {
            let other = rng.pick(others).map(Vec::as_slice).unwrap_or_default();
            let pool: Vec<&[u8]> = other.split_inclusive(|&b| b == b'\n').collect();
            if let Some(line) = rng.pick(&pool) {
                lines.insert(at.min(lines.len()), line);
            }
        }
    }
    lines.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_concatenate_back_to_the_text() {
        let text = br#"bits = "0x207fffff" # easy
[[genesis.allocations]]
{"id":1,"params":["a\"b",2.5e3]}"#;
        let tokens = tokenize(text);
        assert_eq!(tokens.concat(), text.to_vec());
        assert!(tokens.contains(&&b"\"0x207fffff\""[..]));
        assert!(tokens.contains(&&b"2.5e3"[..]));
    }

    #[test]
    fn mutations_respect_the_length_bound() {
        let others = vec![b"a = 1\nb = [2, 3]\n".to_vec()];
        let mut rng = Rng::new(11);
        let mut data = b"x = \"y\"\n".to_vec();
        for _ in 0..2_000 {
            mutate(&mut data, &mut rng, &others, 64);
            assert!(data.len() <= 64);
        }
    }
}
