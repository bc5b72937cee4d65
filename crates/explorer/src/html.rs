//! HTML building blocks: escaping, the page frame, tables and formatting.
//!
//! Every string that did not come from this crate goes through [`esc`] before it is
//! written into a page: coinbase text, `OP_RETURN` data, peers' user agents, search
//! queries, addresses and error messages are all chosen by someone else. Pages carry no
//! script at all, and the Content-Security-Policy header forbids any.

use std::fmt::Write as _;

/// `text` safe to place in element content and in quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Bytes shown as text: printable ASCII kept, anything else as `·`, then escaped.
/// Coinbase scripts and `OP_RETURN` payloads are shown this way next to their hex.
pub fn printable(bytes: &[u8]) -> String {
    let text: String = bytes
        .iter()
        .map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '·'
            }
        })
        .collect();
    esc(&text)
}

/// Already-safe HTML in a monospace span (hashes, scripts, addresses).
pub fn mono(html: &str) -> String {
    format!("<span class=\"mono\">{html}</span>")
}

/// A JSON value from an RPC answer as escaped text: a string as it is, anything else
/// as JSON (numbers, booleans, null).
pub fn field(value: &serde_json::Value) -> String {
    esc(&value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_string))
}

/// A link to a path of this site; `path` is built here from checked parts and `text`
/// is escaped.
pub fn link(path: &str, text: &str) -> String {
    format!("<a href=\"{}\">{}</a>", esc(path), esc(text))
}

/// The first and last characters of a long hash, for tables.
pub fn short(hash: &str) -> String {
    if hash.len() <= 20 {
        return hash.to_string();
    }
    format!("{}…{}", &hash[..10], &hash[hash.len() - 8..])
}

/// A coin amount with its ticker, as RPC reports it (8 decimals at most).
pub fn coins(amount: f64, ticker: &str) -> String {
    format!("{} {}", trim_decimals(amount), esc(ticker))
}

/// `amount` with 8 decimals, trailing zeros removed.
pub fn trim_decimals(amount: f64) -> String {
    let text = format!("{amount:.8}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_string()
}

/// A Unix time as `YYYY-MM-DD HH:MM:SS` UTC.
pub fn utc(time: i64) -> String {
    let days = time.div_euclid(86_400);
    let secs = time.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil conversion.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        secs / 3_600,
        secs / 60 % 60,
        secs % 60
    )
}

/// A hash rate with an SI prefix, e.g. `12.3 MH/s`.
pub fn hashrate(per_second: f64) -> String {
    let units = ["H/s", "kH/s", "MH/s", "GH/s", "TH/s", "PH/s", "EH/s"];
    let mut value = per_second.max(0.0);
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < units.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.3} {}", units[unit])
}

/// A table: escaped headings, cells written by the caller (already safe HTML).
pub struct Table {
    html: String,
}

impl Table {
    pub fn new(id: &str, headings: &[&str]) -> Table {
        let mut html = format!("<table id=\"{}\"><thead><tr>", esc(id));
        for heading in headings {
            let _ = write!(html, "<th>{}</th>", esc(heading));
        }
        html.push_str("</tr></thead><tbody>");
        Table { html }
    }

    /// One row of cells, each already HTML.
    pub fn row(&mut self, cells: &[String]) {
        self.html.push_str("<tr>");
        for cell in cells {
            let _ = write!(self.html, "<td>{cell}</td>");
        }
        self.html.push_str("</tr>");
    }

    pub fn finish(mut self) -> String {
        self.html.push_str("</tbody></table>");
        self.html
    }
}

/// A definition list of (label, value HTML) pairs; a value's `id` lets tests and
/// scrapers find it.
pub fn facts(items: &[(&str, &str, String)]) -> String {
    let mut html = String::from("<dl class=\"facts\">");
    for (id, label, value) in items {
        let _ = write!(
            html,
            "<dt>{}</dt><dd id=\"{}\">{value}</dd>",
            esc(label),
            esc(id)
        );
    }
    html.push_str("</dl>");
    html
}

/// The whole document around a page's body: title, navigation, search form, style.
pub fn frame(chain_name: &str, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · {chain}</title><style>{STYLE}</style></head><body>\
         <header><a class=\"brand\" href=\"/\">{chain}</a><nav>\
         <a href=\"/\">Home</a><a href=\"/charts\">Charts</a><a href=\"/venture\">Venture</a>\
         <a href=\"/network\">Network</a></nav>\
         <form action=\"/search\" method=\"get\"><input name=\"q\" \
         placeholder=\"height, block hash, txid or address\" aria-label=\"search\">\
         <button>Search</button></form></header><main><h1>{title}</h1>{body}</main>\
         <footer>Served by this node from its own chain state; read-only.</footer>\
         </body></html>",
        title = esc(title),
        chain = esc(chain_name),
    )
}

/// The site's only style sheet, inline: no external assets, so pages work offline.
const STYLE: &str = "\
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d2330;background:#f6f7f9}\
header{display:flex;flex-wrap:wrap;gap:16px;align-items:center;padding:10px 24px;background:#1d2330;color:#fff}\
header a{color:#dfe6f3;text-decoration:none;margin-right:14px}.brand{font-weight:700;color:#fff}\
header form{margin-left:auto}header input{width:320px;padding:4px 6px}\
main{padding:8px 24px 24px;max-width:1280px}h1{font-size:20px}h2{font-size:16px;margin-top:26px}\
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0}\
th,td{padding:4px 8px;border-bottom:1px solid #e3e6eb;text-align:left;vertical-align:top}\
th{background:#eef1f5;font-weight:600}td{font-variant-numeric:tabular-nums}\
.facts{display:grid;grid-template-columns:max-content auto;gap:3px 18px;background:#fff;padding:10px 14px}\
.facts dt{color:#5a6375}.facts dd{margin:0;word-break:break-all}\
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{background:#fff;padding:10px 14px;min-width:150px}\
.card b{display:block;font-size:18px}.mono{font-family:ui-monospace,monospace;word-break:break-all}\
.mm{color:#0b6bcb}.native{color:#7a4b00}.note{color:#5a6375}.error{color:#a31515}\
svg{background:#fff;margin:6px 0}footer{padding:16px 24px;color:#8a93a3}";
