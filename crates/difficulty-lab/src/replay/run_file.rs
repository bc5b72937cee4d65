//! Bitcoin Cash Node's ASERT run files, read as its generator writes them.
//!
//! A run is `## key: value` header lines, then one `iteration height time 0xNBITS` line
//! per block. Header keys may come in any order and in any case; the anchor's parent
//! time is `anchor parent time` in the generator's current output and `anchor ancestor
//! time` in older files. Lines starting with a single `#` are comments; blank lines,
//! surrounding spaces and CRLF line ends are ignored. A `##` line after block lines starts
//! the next run, so the generator's whole output can be read as one file.
//!
//! The generator prints heights and times as unsigned 64-bit numbers (run10 crosses
//! 2^63 - 1 in height); numbers are kept as i128 so that any two of them subtract exactly.

use super::json::{parse_bits, Field};

/// The header of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunHeader {
    pub anchor_height: i128,
    pub anchor_parent_time: i128,
    pub anchor_bits: u32,
    pub start_height: Option<i128>,
    pub start_time: Option<i128>,
    pub iterations: i128,
}

/// One block line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunLine {
    /// 1-based line number in the file.
    pub number: usize,
    pub iteration: i128,
    pub height: i128,
    pub time: i128,
    pub bits: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub header: RunHeader,
    pub lines: Vec<RunLine>,
}

/// Header values as they are read, before the required ones are checked.
#[derive(Default)]
struct Pending {
    /// Line of the run's first header.
    first_line: usize,
    values: Vec<(&'static str, usize, String)>,
    lines: Vec<RunLine>,
}

/// The keys a run header may have, by their canonical name. The parent time has two.
const KEYS: [&str; 8] = [
    "description",
    "anchor height",
    "anchor parent time",
    "anchor ancestor time",
    "anchor nbits",
    "start height",
    "start time",
    "iterations",
];

/// Every run in `text`; an error names the line and the field it could not read.
pub fn parse_runs(text: &str) -> Field<Vec<Run>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut runs = Vec::new();
    let mut pending = Pending::default();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        if let Some(header) = line.strip_prefix("##") {
            if !pending.lines.is_empty() {
                runs.push(finish(std::mem::take(&mut pending))?);
            }
            if pending.values.is_empty() {
                pending.first_line = number;
            }
            read_header(&mut pending, number, header)?;
        } else if !line.is_empty() && !line.starts_with('#') {
            if pending.values.is_empty() {
                return Err(format!(
                    "line {number}: a block line before any `##` header"
                ));
            }
            pending.lines.push(read_line(number, line)?);
        }
    }
    if !pending.values.is_empty() {
        runs.push(finish(pending)?);
    }
    if runs.is_empty() {
        return Err("no run: no `## key: value` header lines".into());
    }
    Ok(runs)
}

fn read_header(pending: &mut Pending, number: usize, header: &str) -> Field<()> {
    let Some((key, value)) = header.split_once(':') else {
        return Err(format!(
            "line {number}: header `##{header}` is not `## key: value`"
        ));
    };
    let key = key.trim().to_ascii_lowercase();
    let Some(known) = KEYS.iter().copied().find(|k| *k == key) else {
        return Err(format!(
            "line {number}: unknown header key `{}` (known: description, anchor height, \
             anchor parent time or anchor ancestor time, anchor nBits, start height, \
             start time, iterations)",
            key
        ));
    };
    if let Some((_, first, _)) = pending.values.iter().find(|(k, _, _)| *k == known) {
        return Err(format!(
            "line {number}: `{known}` given again (first on line {first})"
        ));
    }
    pending
        .values
        .push((known, number, value.trim().to_string()));
    Ok(())
}

fn read_line(number: usize, line: &str) -> Field<RunLine> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [iteration, height, time, bits] = fields.as_slice() else {
        return Err(format!(
            "line {number}: expected `iteration height time 0xNBITS`, got {} fields in `{line}`",
            fields.len()
        ));
    };
    let at = |field: &str| format!("line {number}: {field}");
    Ok(RunLine {
        number,
        iteration: integer(iteration).map_err(|e| format!("{}: {e}", at("iteration")))?,
        height: integer(height).map_err(|e| format!("{}: {e}", at("height")))?,
        time: integer(time).map_err(|e| format!("{}: {e}", at("time")))?,
        bits: parse_bits(bits).map_err(|e| format!("{}: {e}", at("nBits")))?,
    })
}

/// A decimal integer in the range a 64-bit generator can print: from -2^63 (signed) to
/// 2^64 - 1 (unsigned).
fn integer(text: &str) -> Field<i128> {
    let value: i128 = text
        .parse()
        .map_err(|_| format!("`{text}` is not an integer"))?;
    if value < i128::from(i64::MIN) || value > i128::from(u64::MAX) {
        return Err(format!("`{text}` is outside the 64-bit range"));
    }
    Ok(value)
}

fn finish(pending: Pending) -> Field<Run> {
    let start = pending.first_line;
    let find = |key: &str| pending.values.iter().find(|(k, _, _)| *k == key);
    let number = |key: &'static str| -> Field<Option<i128>> {
        find(key)
            .map(|(_, line, value)| {
                integer(value).map_err(|e| format!("line {line}: `{key}`: {e}"))
            })
            .transpose()
    };
    let required = |key: &'static str| -> Field<i128> {
        number(key)?.ok_or_else(|| format!("run from line {start}: missing `## {key}:` header"))
    };
    let parent_time = match (
        number("anchor parent time")?,
        number("anchor ancestor time")?,
    ) {
        (Some(time), None) | (None, Some(time)) => time,
        (Some(_), Some(_)) => {
            return Err(format!(
                "run from line {start}: both `anchor parent time` and `anchor ancestor time` \
                 (they are the same value; give one)"
            ))
        }
        (None, None) => {
            return Err(format!(
                "run from line {start}: missing `## anchor parent time:` header \
                 (or its older name, `anchor ancestor time`)"
            ))
        }
    };
    let (_, bits_line, bits_text) = find("anchor nbits")
        .ok_or_else(|| format!("run from line {start}: missing `## anchor nBits:` header"))?;
    let anchor_bits =
        parse_bits(bits_text).map_err(|e| format!("line {bits_line}: `anchor nBits`: {e}"))?;
    Ok(Run {
        header: RunHeader {
            anchor_height: required("anchor height")?,
            anchor_parent_time: parent_time,
            anchor_bits,
            start_height: number("start height")?,
            start_time: number("start time")?,
            iterations: required("iterations")?,
        },
        lines: pending.lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: &str = "## description: two blocks\n##   anchor height: 1\n\
                       ##   anchor parent time: 0\n##   anchor nBits: 0x1d00ffff\n\
                       ##   iterations: 2\n# iteration,height,time,target\n\
                       1 2 1200 0x1d00ffff\n2 3 1800 0x1d00ffff\n";

    fn error(text: &str) -> String {
        parse_runs(text).unwrap_err()
    }

    #[test]
    fn reads_either_name_of_the_parent_time_in_any_order_and_line_ending() {
        let run = &parse_runs(RUN).unwrap()[0];
        assert_eq!(run.header.anchor_parent_time, 0);
        assert_eq!(run.lines.len(), 2);
        assert_eq!(run.lines[1].number, 8);
        let older = RUN.replace("anchor parent time", "anchor ancestor time");
        assert_eq!(parse_runs(&older).unwrap(), parse_runs(RUN).unwrap());
        let mut reordered: Vec<&str> = RUN.lines().take(5).collect();
        reordered.reverse();
        let reordered = format!(
            "\u{feff}# a comment first\r\n\r\n{}\r\n1 2 1200 0x1d00ffff\r\n2 3 1800 0x1d00ffff\r\n",
            reordered.join("\r\n")
        );
        let runs = parse_runs(&reordered).unwrap();
        assert_eq!(runs[0].header, parse_runs(RUN).unwrap()[0].header);
        assert_eq!(runs[0].lines.len(), 2);
    }

    #[test]
    fn keeps_64_bit_heights_and_times_and_reads_several_runs() {
        let text = format!(
            "{RUN}\n##   anchor height: 9223372036854775802\n##   anchor parent time: 2147483047\n\
             ##   anchor nBits: 0x1802aee8\n##   iterations: 1\n\
             1 18446744073709551615 -9223372036854775808 0x1802aee8\n"
        );
        let runs = parse_runs(&text).unwrap();
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[1].header.anchor_height, 9_223_372_036_854_775_802);
        assert_eq!(runs[1].lines[0].height, i128::from(u64::MAX));
        assert_eq!(runs[1].lines[0].time, i128::from(i64::MIN));
    }

    #[test]
    fn names_the_line_and_field_it_cannot_read() {
        let unknown = RUN.replace("## description", "##   anchor hieght: 1\n## description");
        assert!(
            error(&unknown).contains("line 1: unknown header key `anchor hieght`"),
            "{}",
            error(&unknown)
        );
        let missing = RUN.replace("##   anchor nBits: 0x1d00ffff\n", "");
        assert!(
            error(&missing).contains("missing `## anchor nBits:`"),
            "{}",
            error(&missing)
        );
        let both = RUN.replace("## description: two blocks", "##   anchor ancestor time: 0");
        assert!(error(&both).contains("both `anchor parent time` and `anchor ancestor time`"));
        let again = RUN.replace("## description: two blocks", "##   iterations: 3");
        assert!(
            error(&again).contains("line 5: `iterations` given again (first on line 1)"),
            "{}",
            error(&again)
        );
        let bad_time = RUN.replace("2 3 1800", "2 3 18o0");
        assert_eq!(error(&bad_time), "line 8: time: `18o0` is not an integer");
        let wide = RUN.replace("2 3 1800", "2 18446744073709551616 1800");
        assert!(
            error(&wide).starts_with("line 8: height: "),
            "{}",
            error(&wide)
        );
        assert!(error(&wide).contains("outside the 64-bit range"));
        let bits = RUN.replace("2 3 1800 0x1d00ffff", "2 3 1800 0x1d00ffffff");
        assert!(
            error(&bits).starts_with("line 8: nBits: "),
            "{}",
            error(&bits)
        );
        let short = RUN.replace("2 3 1800 0x1d00ffff", "2 3 1800");
        assert!(error(&short)
            .contains("line 8: expected `iteration height time 0xNBITS`, got 3 fields"));
        let header_value = RUN.replace("anchor height: 1", "anchor height: one");
        assert!(
            error(&header_value).contains("line 2: `anchor height`: `one` is not an integer"),
            "{}",
            error(&header_value)
        );
        assert!(
            error("1 2 1200 0x1d00ffff\n").contains("line 1: a block line before any `##` header")
        );
        assert!(error("## just a title\n")
            .contains("line 1: header `## just a title` is not `## key: value`"));
    }
}
