//! Text renderings of a frame: an aligned table for terminals, and JSON records.
//!
//! The terminal table prints corpus text to a terminal, so it shows what a terminal would act
//! on instead of passing it through: control characters (an escape sequence could clear the
//! screen or retitle the window; a line break would break the table) and bidirectional
//! controls (which reorder what is displayed) appear as `<U+001B>`, `<U+202E>`. JSON keeps the
//! text as it is (its escaping is JSON's).

use std::borrow::Cow;
use std::io::{self, Write};

use polars::prelude::*;

use super::export::FLOAT_DECIMALS;

/// One rendered cell.
enum Cell {
    Text(String),
    Number(String),
    Missing,
}

/// Render every column as cells (column-major).
fn cells(df: &DataFrame, decimals: usize) -> PolarsResult<Vec<Vec<Cell>>> {
    df.columns().iter().map(|c| column_cells(c, decimals)).collect()
}

fn column_cells(col: &Column, decimals: usize) -> PolarsResult<Vec<Cell>> {
    let out = match col.dtype() {
        DataType::String => {
            col.str()?.iter().map(|v| v.map_or(Cell::Missing, |s| Cell::Text(s.into()))).collect()
        }
        DataType::Boolean => col
            .bool()?
            .iter()
            .map(|v| v.map_or(Cell::Missing, |b| Cell::Text(b.to_string())))
            .collect(),
        DataType::Date => {
            let s = col.cast(&DataType::String)?;
            s.str()?.iter().map(|v| v.map_or(Cell::Missing, |s| Cell::Text(s.into()))).collect()
        }
        DataType::Float32 | DataType::Float64 => {
            let s = col.cast(&DataType::Float64)?;
            s.f64()?
                .iter()
                .map(|v| v.map_or(Cell::Missing, |x| Cell::Number(format!("{x:.decimals$}"))))
                .collect()
        }
        dt if dt.is_integer() => {
            let s = col.cast(&DataType::Int64)?;
            s.i64()?
                .iter()
                .map(|v| v.map_or(Cell::Missing, |x| Cell::Number(x.to_string())))
                .collect()
        }
        _ => {
            let s = col.cast(&DataType::String)?;
            s.str()?.iter().map(|v| v.map_or(Cell::Missing, |s| Cell::Text(s.into()))).collect()
        }
    };
    Ok(out)
}

/// Characters a cell takes on screen (Hangul and Han are two columns wide).
fn width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFF00..=0xFF60)
}

/// Write an aligned table: text left-aligned, numbers right-aligned, missing values as `-`,
/// control characters visible.
pub fn write_table(df: &DataFrame, w: &mut dyn Write) -> io::Result<()> {
    let mut cols = cells(df, 3).map_err(io::Error::other)?;
    for cell in cols.iter_mut().flatten() {
        if let Cell::Text(s) = cell
            && let Cow::Owned(shown) = visible(s)
        {
            *s = shown;
        }
    }
    let names: Vec<String> = df.get_column_names().iter().map(|n| n.to_string()).collect();
    let widths: Vec<usize> = cols
        .iter()
        .zip(&names)
        .map(|(c, n)| c.iter().map(cell_width).max().unwrap_or(0).max(width(n)))
        .collect();
    let numeric = df.columns().iter().map(|c| c.dtype().is_primitive_numeric());
    let header: Vec<String> =
        names.iter().zip(&widths).zip(numeric).map(|((n, &wd), right)| pad(n, wd, right)).collect();
    writeln!(w, "{}", header.join("  ").trim_end())?;
    let rule: Vec<String> = widths.iter().map(|&wd| "-".repeat(wd)).collect();
    writeln!(w, "{}", rule.join("  "))?;
    for r in 0..df.height() {
        let row: Vec<String> = cols.iter().zip(&widths).map(|(c, &wd)| render(&c[r], wd)).collect();
        writeln!(w, "{}", row.join("  ").trim_end())?;
    }
    Ok(())
}

/// `s` with every character a terminal would act on instead of showing (control characters,
/// bidirectional controls) written as `<U+XXXX>`.
fn visible(s: &str) -> Cow<'_, str> {
    let acts = |c: char| c.is_control() || super::is_bidi_control(c);
    if !s.chars().any(acts) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if acts(c) {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn cell_width(c: &Cell) -> usize {
    match c {
        Cell::Text(s) | Cell::Number(s) => width(s),
        Cell::Missing => 1,
    }
}

fn render(c: &Cell, wd: usize) -> String {
    match c {
        Cell::Text(s) => pad(s, wd, false),
        Cell::Number(s) => pad(s, wd, true),
        Cell::Missing => pad("-", wd, true),
    }
}

fn pad(s: &str, wd: usize, right: bool) -> String {
    let fill = " ".repeat(wd.saturating_sub(width(s)));
    if right { format!("{fill}{s}") } else { format!("{s}{fill}") }
}

/// Write a JSON array of objects, one per row, keys in column order.
pub fn write_json(df: &DataFrame, w: &mut dyn Write) -> io::Result<()> {
    let mut json = JsonArray::default();
    json.rows(df, w)?;
    json.finish(w)
}

/// A JSON array of row objects written a frame of rows at a time: the same bytes as
/// `serde_json::to_writer_pretty` of all the rows at once, then a line end.
#[derive(Default)]
pub struct JsonArray {
    /// Whether a row was written (the array is open).
    open: bool,
}

impl JsonArray {
    /// Write the rows of `df`.
    pub fn rows(&mut self, df: &DataFrame, w: &mut dyn Write) -> io::Result<()> {
        if df.height() == 0 {
            return Ok(());
        }
        let cols = cells(df, FLOAT_DECIMALS).map_err(io::Error::other)?;
        let names = df.get_column_names();
        let mut rows = Vec::with_capacity(df.height());
        for r in 0..df.height() {
            let mut obj = serde_json::Map::new();
            for (c, name) in cols.iter().zip(&names) {
                obj.insert(name.to_string(), json_value(&c[r]));
            }
            rows.push(serde_json::Value::Object(obj));
        }
        // serde_json prints a non-empty array as "[\n", the values indented and joined by
        // ",\n", then "\n]": the values alone are those of one array of all the rows.
        let text = serde_json::to_vec_pretty(&rows).map_err(io::Error::other)?;
        let values = &text[2..text.len() - 2];
        w.write_all(if self.open { b",\n" } else { b"[\n" })?;
        w.write_all(values)?;
        self.open = true;
        Ok(())
    }

    /// Close the array (`[]` when no row came).
    pub fn finish(self, w: &mut dyn Write) -> io::Result<()> {
        w.write_all(if self.open { b"\n]\n" } else { b"[]\n" })
    }
}

fn json_value(c: &Cell) -> serde_json::Value {
    match c {
        Cell::Text(s) => serde_json::Value::String(s.clone()),
        Cell::Number(s) => {
            serde_json::from_str(s).unwrap_or_else(|_| serde_json::Value::String(s.clone()))
        }
        Cell::Missing => serde_json::Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Frame, Table, Values};

    #[test]
    fn aligned_table() {
        let t = Table::new()
            .with("phrase", Values::Str(vec!["party cells".into(), "김일성".into()]))
            .with("count", Values::Int(vec![13, 7]))
            .with("dp", Values::Float(vec![0.5, f64::NAN]));
        let f = Frame::from_table(t).unwrap();
        let mut out = Vec::new();
        write_table(&f.df, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "phrase       count     dp\n-----------  -----  -----\nparty cells     13  0.500\n김일성           7      -\n"
        );
    }

    #[test]
    fn controls_are_shown_not_obeyed() {
        let titles = ["abc\u{202e}fdp.exe", "\u{2066}x\u{2069}", "\x1b[2Jgone", "two\nlines"];
        let t = Table::new().with("title", Values::Str(titles.map(String::from).to_vec()));
        let mut out = Vec::new();
        write_table(&Frame::from_table(t).unwrap().df, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "title\n------------------\nabc<U+202E>fdp.exe\n<U+2066>x<U+2069>\n\
             <U+001B>[2Jgone\ntwo<U+000A>lines\n"
        );
        // JSON keeps the text as it is.
        let mut json = Vec::new();
        let t = Table::new().with("title", Values::Str(vec![titles[0].into()]));
        write_json(&Frame::from_table(t).unwrap().df, &mut json).unwrap();
        let back: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(back[0]["title"], titles[0]);
    }
}
