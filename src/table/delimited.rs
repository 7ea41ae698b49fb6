//! Delimited text (CSV, TSV), written in parallel, from a frame or from a [`Chunked`] table.
//!
//! The rows are cut into slices (a frame's rows, or a chunked table's chunks) that are
//! serialised side by side, a window of slices at a time, while the bytes of the window before
//! are written, so both cores stay busy and the output never waits for the pool. A chunked
//! table is made chunk by chunk as its window comes up, so it is never held whole. Frames
//! whose columns are all text, whole numbers, reals or flags, and every chunked table, are
//! serialised here; other frames (dates) by Polars' own serialiser. The bytes are the same
//! either way, and the same as Polars' CSV writer writes: a header row; a field quoted only
//! when it holds the separator, a quote or a line break (quotes doubled); `""` for an empty
//! string; nothing for a missing value; reals rounded to [`FLOAT_DECIMALS`] places and then
//! printed in their shortest exact form (`0.5`, `1.0`, `1e-6`); dates as `2017-12-24`.
//! Property tests hold this module to Polars' writer with [`Cells::Raw`].
//!
//! By default ([`Cells::Neutralise`]) a text cell that a spreadsheet would take for a formula
//! (one that starts with `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a
//! `'` in front, as OWASP advises against CSV injection: ids, titles and metadata come from
//! the corpus, and `=HYPERLINK(…)` in a title must not become a live formula. Numbers are not
//! text cells, so a negative count is written as it is. The check is one comparison of the
//! first byte of each text cell.

use std::io::{self, Write};

use polars::prelude::*;
use polars_io::csv::write::{CsvSerializer, SerializeOptions, csv_header};
use rayon::prelude::*;

use super::export::FLOAT_DECIMALS;
use super::{Cells, Chunked, Table, TableError, Values};

/// Rows serialised by one task.
const SLICE_ROWS: usize = 1 << 14;

/// Slices serialised side by side before their bytes are written.
const WINDOW_SLICES: usize = 8;

/// Write `df` with a header row, fields separated by `sep`, text cells as `cells` says.
pub fn write(df: &DataFrame, sep: u8, cells: Cells, w: &mut dyn Write) -> Result<(), TableError> {
    let options = Arc::new(SerializeOptions { separator: sep, ..Default::default() });
    let names: Vec<&str> = df.get_column_names().into_iter().map(|n| n.as_str()).collect();
    w.write_all(&csv_header(&names, &options)?)?;
    let slices = df.height().div_ceil(SLICE_ROWS);
    let slice = |df: &DataFrame, k: usize| {
        let mut slice = df.slice((k * SLICE_ROWS) as i64, SLICE_ROWS);
        slice.rechunk_mut();
        slice
    };
    if df.columns().iter().all(|c| Field::supports(c.dtype())) {
        write_windows(slices, w, |k, out| serialise(&slice(df, k), sep, cells, out))
    } else {
        let mut rounded = round_floats(df)?;
        if cells == Cells::Neutralise {
            rounded = neutralise_text(&rounded)?;
        }
        write_windows(slices, w, |k, out| {
            let slice = slice(&rounded, k);
            CsvSerializer::new(slice.schema().clone(), options.clone())?
                .serialize_to_csv(&slice, out)?;
            Ok(())
        })
    }
}

/// Write a chunked table with a header row, fields separated by `sep`, text cells as `cells`
/// says, making its chunks a window at a time.
pub fn write_chunked(
    table: &Chunked,
    sep: u8,
    cells: Cells,
    w: &mut dyn Write,
) -> Result<(), TableError> {
    let options = SerializeOptions { separator: sep, ..Default::default() };
    let header = table.make(0..0);
    let names: Vec<&str> = header.columns.iter().map(|(name, _)| name.as_str()).collect();
    w.write_all(&csv_header(&names, &options)?)?;
    write_windows(table.chunks(), w, |k, out| {
        serialise_table(&table.make(table.chunk_rows(k)), sep, cells, out);
        Ok(())
    })
}

/// Write tables that arrive one after another (`next` gives `None` at the end) under the
/// header of `header` (a table with the same columns, usually empty): the same bytes as
/// [`write_chunked`] over the same rows.
pub fn write_stream(
    header: &Table,
    sep: u8,
    cells: Cells,
    w: &mut dyn Write,
    next: &mut dyn FnMut() -> Result<Option<Table>, TableError>,
) -> Result<(), TableError> {
    let options = SerializeOptions { separator: sep, ..Default::default() };
    let names: Vec<&str> = header.columns.iter().map(|(name, _)| name.as_str()).collect();
    w.write_all(&csv_header(&names, &options)?)?;
    // A window of tables is serialised in parallel, then written in order.
    let mut buffers: Vec<Vec<u8>> = Vec::new();
    loop {
        let mut tables = Vec::with_capacity(WINDOW_SLICES);
        while tables.len() < WINDOW_SLICES {
            match next()? {
                Some(t) => tables.push(t),
                None => break,
            }
        }
        if tables.is_empty() {
            return Ok(());
        }
        buffers.resize_with(tables.len(), Vec::new);
        tables.par_iter().zip(buffers.par_iter_mut()).for_each(|(table, buffer)| {
            buffer.clear();
            serialise_table(table, sep, cells, buffer);
        });
        write_all(w, &buffers[..tables.len()])?;
    }
}

/// Fill `slices` buffers with `fill(k, buffer)`, a window at a time in parallel, writing each
/// window in order while the next one is filled. The buffers of a written window serve the
/// window after the next: fresh megabyte buffers for every slice would cost a page fault per
/// 4 KB.
fn write_windows<F>(slices: usize, w: &mut dyn Write, fill: F) -> Result<(), TableError>
where
    F: Fn(usize, &mut Vec<u8>) -> Result<(), TableError> + Sync,
{
    let ks: Vec<usize> = (0..slices).collect();
    let fill_window = |window: &[usize], buffers: &mut [Vec<u8>]| -> Result<(), TableError> {
        window.par_iter().zip(buffers.par_iter_mut()).try_for_each(|(&k, buffer)| {
            buffer.clear();
            fill(k, buffer)
        })
    };
    let mut pending: Vec<Vec<u8>> = Vec::new();
    let mut spare: Vec<Vec<u8>> = Vec::new();
    for window in ks.chunks(WINDOW_SLICES) {
        spare.resize_with(window.len(), Vec::new);
        // The writer stays on this thread (a locked stdout cannot move); the pool serialises.
        let mut filled = Ok(());
        rayon::in_place_scope(|scope| {
            scope.spawn(|_| filled = fill_window(window, &mut spare));
            write_all(w, &pending)
        })?;
        filled?;
        std::mem::swap(&mut pending, &mut spare);
    }
    write_all(w, &pending)?;
    Ok(())
}

fn write_all(w: &mut dyn Write, chunks: &[Vec<u8>]) -> io::Result<()> {
    chunks.iter().try_for_each(|c| w.write_all(c))
}

/// The Arrow array behind one chunk of a column of type `T`.
type ArrayOf<T> = <T as PolarsDataType>::Array;

/// One column of a slice whose rows are being written (the slice has one chunk per column).
enum Field<'a> {
    Text(&'a ArrayOf<StringType>),
    Int(&'a ArrayOf<Int64Type>),
    Real(&'a ArrayOf<Float64Type>),
    Flag(&'a ArrayOf<BooleanType>),
}

impl<'a> Field<'a> {
    fn supports(dtype: &DataType) -> bool {
        matches!(dtype, DataType::String | DataType::Int64 | DataType::Float64 | DataType::Boolean)
    }

    fn of(column: &'a Column) -> Result<Field<'a>, TableError> {
        let one = |n: usize| {
            if n == 1 { Ok(()) } else { Err(TableError::Polars(format!("{n} chunks"))) }
        };
        Ok(match column.dtype() {
            DataType::String => {
                let ca = column.str()?;
                one(ca.chunks().len())?;
                Field::Text(ca.downcast_iter().next().expect("one chunk"))
            }
            DataType::Int64 => {
                let ca = column.i64()?;
                one(ca.chunks().len())?;
                Field::Int(ca.downcast_iter().next().expect("one chunk"))
            }
            DataType::Float64 => {
                let ca = column.f64()?;
                one(ca.chunks().len())?;
                Field::Real(ca.downcast_iter().next().expect("one chunk"))
            }
            DataType::Boolean => {
                let ca = column.bool()?;
                one(ca.chunks().len())?;
                Field::Flag(ca.downcast_iter().next().expect("one chunk"))
            }
            other => return Err(TableError::Polars(format!("no fast path for {other}"))),
        })
    }

    /// Append the value of row `i`.
    fn write(&self, i: usize, sep: u8, cells: Cells, out: &mut Vec<u8>) {
        match self {
            Field::Text(a) => {
                if let Some(s) = StaticArray::get(*a, i) {
                    write_text(s.as_bytes(), sep, cells, out);
                }
            }
            Field::Int(a) => {
                if let Some(v) = a.get(i) {
                    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
                }
            }
            Field::Real(a) => {
                if let Some(v) = a.get(i) {
                    write_real(v, out);
                }
            }
            Field::Flag(a) => match a.get(i) {
                Some(true) => out.extend_from_slice(b"true"),
                Some(false) => out.extend_from_slice(b"false"),
                None => {}
            },
        }
    }
}

/// Append the rows of `slice` as delimited text to `out`.
fn serialise(
    slice: &DataFrame,
    sep: u8,
    cells: Cells,
    out: &mut Vec<u8>,
) -> Result<(), TableError> {
    let fields = slice.columns().iter().map(Field::of).collect::<Result<Vec<_>, _>>()?;
    for i in 0..slice.height() {
        for (f, field) in fields.iter().enumerate() {
            if f > 0 {
                out.push(sep);
            }
            field.write(i, sep, cells, out);
        }
        out.push(b'\n');
    }
    Ok(())
}

/// Append the rows of `table` as delimited text to `out`, each value written as its frame
/// column would be (see [`super::frame`]: NaN reals are missing values).
fn serialise_table(table: &Table, sep: u8, cells: Cells, out: &mut Vec<u8>) {
    let mut itoa = itoa::Buffer::new();
    for i in 0..table.height() {
        for (c, (_, values)) in table.columns.iter().enumerate() {
            if c > 0 {
                out.push(sep);
            }
            match values {
                Values::Text(v) => write_text(v.get(i).as_bytes(), sep, cells, out),
                Values::Str(v) => write_text(v[i].as_bytes(), sep, cells, out),
                Values::OptStr(v) => {
                    if let Some(s) = &v[i] {
                        write_text(s.as_bytes(), sep, cells, out);
                    }
                }
                Values::Int(v) => out.extend_from_slice(itoa.format(v[i]).as_bytes()),
                Values::Float(v) => {
                    if !v[i].is_nan() {
                        write_real(v[i], out);
                    }
                }
                Values::Bool(v) => out.extend_from_slice(if v[i] { b"true" } else { b"false" }),
                Values::Date(v) => {
                    if let Some(d) = v[i] {
                        // Polars' default date format is chrono's `Display` (`%Y-%m-%d`).
                        let _ = write!(out, "{d}");
                    }
                }
            }
        }
        out.push(b'\n');
    }
}

/// A text field, quoted when it holds the separator, a quote or a line break; `""` when empty;
/// with a `'` in front when `cells` neutralises it and it starts like a formula.
fn write_text(s: &[u8], sep: u8, cells: Cells, out: &mut Vec<u8>) {
    let Some(&first) = s.first() else {
        out.extend_from_slice(b"\"\"");
        return;
    };
    let guard = cells == Cells::Neutralise && starts_formula(first);
    if !needs_quotes(s, sep) {
        if guard {
            out.push(b'\'');
        }
        out.extend_from_slice(s);
        return;
    }
    out.push(b'"');
    if guard {
        out.push(b'\'');
    }
    for part in s.split_inclusive(|&b| b == b'"') {
        out.extend_from_slice(part);
        if part.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// Whether a text cell starting with `byte` would be read by a spreadsheet as a formula (or,
/// for a tab or a carriage return, hide one after white space): OWASP's list.
pub(crate) fn starts_formula(byte: u8) -> bool {
    matches!(byte, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
}

/// A copy of `df` with every text cell that [`starts_formula`] prefixed with `'` (for
/// Polars' serialiser, used for frames with dates).
fn neutralise_text(df: &DataFrame) -> Result<DataFrame, TableError> {
    let columns = df
        .columns()
        .iter()
        .map(|c| match c.dtype() {
            DataType::String => {
                let guarded: StringChunked =
                    c.str()?.apply_values(|s| match s.as_bytes().first() {
                        Some(&b) if starts_formula(b) => std::borrow::Cow::Owned(format!("'{s}")),
                        _ => std::borrow::Cow::Borrowed(s),
                    });
                Ok(guarded.with_name(c.name().clone()).into_column())
            }
            _ => Ok(c.clone()),
        })
        .collect::<Result<Vec<Column>, TableError>>()?;
    Ok(DataFrame::new(df.height(), columns)?)
}

/// Does `s` hold the separator, a quote, a line feed or a carriage return? Eight bytes at a
/// time: most fields are a few words long, too short for a vectorised search to pay off.
fn needs_quotes(s: &[u8], sep: u8) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // Some byte of `word` equals `b` (the classic "has a zero byte" test on word ^ b…b).
    let has = |word: u64, b: u8| {
        let x = word ^ (ONES * b as u64);
        x.wrapping_sub(ONES) & !x & HIGHS != 0
    };
    let special = |b: &u8| matches!(*b, b'"' | b'\n' | b'\r') || *b == sep;
    let mut chunks = s.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_ne_bytes(chunk.try_into().expect("eight bytes"));
        if has(word, sep) || has(word, b'"') || has(word, b'\n') || has(word, b'\r') {
            return true;
        }
    }
    chunks.remainder().iter().any(special)
}

/// Reals below this magnitude are printed from their count of millionths; larger ones (where a
/// millionth is no longer far above the spacing of doubles) by the shortest-form printer.
const EXACT_MILLIONTHS: f64 = 1e9;

/// A real rounded to [`FLOAT_DECIMALS`] places, in the shortest form that reads back as the
/// rounded value (Polars' `zmij` style: `-0.0`, `3.0`, `0.25`, `0.00001`, and exponent
/// notation below 1e-5: `5e-6`).
///
/// A rounded value is a whole number k of millionths, and below [`EXACT_MILLIONTHS`] the
/// decimal k × 10⁻⁶ is the only shortest decimal that reads back as the double nearest to it,
/// so its digits can be printed straight from k.
fn write_real(x: f64, out: &mut Vec<u8>) {
    const SCALE: f64 = 1e6;
    const _: () = assert!(FLOAT_DECIMALS == 6, "write_real prints millionths");
    let scaled = x * SCALE;
    // Not below the limit: large, infinite or NaN.
    if scaled.abs().partial_cmp(&(EXACT_MILLIONTHS * SCALE)) != Some(std::cmp::Ordering::Less) {
        out.extend_from_slice(zmij::Buffer::new().format(scaled.round() / SCALE).as_bytes());
        return;
    }
    // `scaled.round()`, rounding half away from zero, without the call to libm's `round`
    // that the baseline x86-64 target makes: below 2⁵² the fraction is exact.
    let magnitude = scaled.abs();
    let truncated = magnitude as i64;
    let k = (truncated + i64::from(magnitude - truncated as f64 >= 0.5)) as u64;
    // A negative value that rounds to zero is −0.0, as `round` makes it.
    if scaled.is_sign_negative() {
        out.push(b'-');
    }
    let (whole, frac) = (k / 1_000_000, (k % 1_000_000) as u32);
    let mut itoa = itoa::Buffer::new();
    if frac == 0 {
        out.extend_from_slice(itoa.format(whole).as_bytes());
        out.extend_from_slice(b".0");
    } else if k < 10 {
        // One to nine millionths: a decimal exponent of −6, printed as "5e-6".
        out.push(b'0' + k as u8);
        out.extend_from_slice(b"e-6");
    } else {
        out.extend_from_slice(itoa.format(whole).as_bytes());
        out.push(b'.');
        let mut digits = [0u8; 6];
        for (pair, value) in
            digits.chunks_exact_mut(2).zip([frac / 10_000, frac / 100 % 100, frac % 100])
        {
            pair.copy_from_slice(&PAIRS[2 * value as usize..2 * value as usize + 2]);
        }
        let zeros = decimal_trailing_zeros(frac);
        out.extend_from_slice(&digits[..6 - zeros]);
    }
}

/// "00", "01", … "99", end to end.
const PAIRS: [u8; 200] = {
    let mut pairs = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        pairs[2 * i] = b'0' + (i / 10) as u8;
        pairs[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    pairs
};

/// Trailing zeros in the decimal digits of a non-zero number below a million (0 to 5).
fn decimal_trailing_zeros(n: u32) -> usize {
    [100_000, 10_000, 1_000, 100, 10].iter().position(|&p| n.is_multiple_of(p)).map_or(0, |i| 5 - i)
}

/// A copy of `df` with every float column rounded to [`FLOAT_DECIMALS`] decimal places (for
/// Polars' serialiser, which prints the shortest form of what it is given).
fn round_floats(df: &DataFrame) -> Result<DataFrame, TableError> {
    let scale = 10f64.powi(FLOAT_DECIMALS as i32);
    let columns = df
        .columns()
        .iter()
        .map(|c| match c.dtype() {
            DataType::Float64 => {
                let rounded: Float64Chunked =
                    c.f64()?.apply_values(|x| (x * scale).round() / scale);
                Ok(rounded.with_name(c.name().clone()).into_column())
            }
            _ => Ok(c.clone()),
        })
        .collect::<Result<Vec<Column>, TableError>>()?;
    Ok(DataFrame::new(df.height(), columns)?)
}

#[cfg(test)]
mod tests {
    use polars_io::SerWriter;
    use polars_io::csv::write::CsvWriter;
    use proptest::prelude::*;

    use super::*;

    /// What Polars' own CSV writer makes of `df` (reals rounded first, as refrain asks).
    fn polars_csv(df: &DataFrame, sep: u8) -> String {
        let mut rounded = round_floats(df).unwrap();
        let mut out = Vec::new();
        CsvWriter::new(&mut out)
            .include_header(true)
            .with_separator(sep)
            .finish(&mut rounded)
            .unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Ours with every cell raw, as Polars writes them.
    fn ours(df: &DataFrame, sep: u8) -> String {
        ours_with(df, sep, Cells::Raw)
    }

    fn ours_with(df: &DataFrame, sep: u8, cells: Cells) -> String {
        let mut out = Vec::new();
        write(df, sep, cells, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn real_text(x: f64) -> String {
        let mut out = Vec::new();
        write_real(x, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn reals_print_as_their_rounded_shortest_form() {
        let cases = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (-4e-7, "-0.0"),
            (4e-7, "0.0"),
            (5e-7, "1e-6"),
            (3e-6, "3e-6"),
            (-9e-6, "-9e-6"),
            (1e-5, "0.00001"),
            (1.5e-5, "0.000015"),
            (0.5, "0.5"),
            (1.0 / 3.0, "0.333333"),
            (2.0 / 3.0, "0.666667"),
            (250_000.0, "250000.0"),
            (-17.25, "-17.25"),
            (999_999_999.999_999, "999999999.999999"),
            (0.000_000_5 - 1e-12, "0.0"),
            (1e9, "1000000000.0"),
            (12_345_678_901.5, "12345678901.5"),
            (1e20, "1e+20"),
        ];
        for (x, want) in cases {
            assert_eq!(real_text(x), want, "{x:e}");
        }
    }

    #[test]
    fn reals_agree_with_the_shortest_form_printer() {
        // Every count of millionths up to two million, and a spread of larger ones, against
        // zmij (the printer Polars uses) given the value rounded as Polars' path rounds it.
        let spread = (0..200_000u64).map(|i| i * 7_919 * 1_000_003 % 999_999_999_999_999);
        for k in (0..2_000_000u64).chain(spread) {
            for x in [k as f64 / 1e6, -(k as f64) / 1e6, (k as f64 + 0.4999) / 1e6] {
                let rounded = (x * 1e6).round() / 1e6;
                assert_eq!(real_text(x), zmij::Buffer::new().format(rounded), "{x:e}");
            }
        }
    }

    #[test]
    fn quoting_follows_polars() {
        let texts = [
            "plain",
            "",
            "a,b",
            "say \"hi\"",
            "line\nbreak",
            "cr\rhere",
            "tab\there",
            "=1+1",
            "\tlead",
        ];
        let df = DataFrame::new(texts.len(), vec![Column::new("t".into(), texts)]).unwrap();
        for sep in [b',', b'\t'] {
            assert_eq!(ours(&df, sep), polars_csv(&df, sep));
        }
        assert_eq!(
            ours(&df, b','),
            "t\nplain\n\"\"\n\"a,b\"\n\"say \"\"hi\"\"\"\n\"line\nbreak\"\n\"cr\rhere\"\ntab\there\n=1+1\n\tlead\n"
        );
    }

    /// A frame of `rows` pseudo-random rows of every fast-path type, nulls included.
    fn big_frame(rows: usize) -> DataFrame {
        let words =
            ["party", "cells", "u.s.", "1,000", "\"quoted\"", "", "조선", "a\nb", "-1", "@x"];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut text = Vec::with_capacity(rows);
        let mut ints = Vec::with_capacity(rows);
        let mut reals = Vec::with_capacity(rows);
        let mut flags = Vec::with_capacity(rows);
        for _ in 0..rows {
            let r = next();
            let w = |i: u64| words[(i % words.len() as u64) as usize];
            text.push((r % 11 != 0).then(|| format!("{} {}", w(r >> 8), w(r >> 16))));
            ints.push((r % 13 != 0).then_some((r >> 3) as i64 % 1_000_000 - 500_000));
            let scale = [1e-9, 1e-6, 1e-3, 1.0, 1e3, 1e9, 1e12][(r >> 24) as usize % 7];
            let x = ((r >> 32) as f64 / u32::MAX as f64 - 0.3) * scale;
            reals.push((r % 17 != 0).then_some(x));
            flags.push((r % 19 != 0).then_some(r & 1 == 1));
        }
        let columns = vec![
            Column::new("text".into(), text),
            Column::new("int".into(), ints),
            Column::new("real".into(), reals),
            Column::new("flag".into(), flags),
        ];
        DataFrame::new(rows, columns).unwrap()
    }

    #[test]
    fn many_windows_match_polars() {
        // More rows than one window of slices, and a last slice that is not full.
        let rows = SLICE_ROWS * WINDOW_SLICES * 2 + 123;
        let df = big_frame(rows);
        let got = ours(&df, b',');
        assert_eq!(got.len(), polars_csv(&df, b',').len());
        assert_eq!(got, polars_csv(&df, b','));
    }

    #[test]
    fn frames_stacked_from_chunks_match_polars() {
        let mut df = big_frame(5_000);
        df.vstack_mut_owned(big_frame(SLICE_ROWS + 7)).unwrap();
        assert!(df.first_col_n_chunks() > 1);
        assert_eq!(ours(&df, b'\t'), polars_csv(&df, b'\t'));
    }

    #[test]
    fn other_column_types_go_through_polars() {
        let days: Vec<Option<i32>> = vec![Some(17_524), None];
        let date = Column::new("d".into(), days).cast(&DataType::Date).unwrap();
        let df = DataFrame::new(2, vec![date, Column::new("x".into(), [0.1234567, 2.0])]).unwrap();
        assert_eq!(ours(&df, b','), "d,x\n2017-12-24,0.123457\n,2.0\n");
        assert_eq!(ours(&df, b','), polars_csv(&df, b','));
    }

    #[test]
    fn empty_frames_keep_their_header() {
        let df = DataFrame::new(0, vec![Column::new("a".into(), Vec::<i64>::new())]).unwrap();
        assert_eq!(ours(&df, b','), "a\n");
    }

    fn frame_without_date(texts: Vec<Option<String>>) -> DataFrame {
        DataFrame::new(texts.len(), vec![Column::new("t".into(), texts)]).unwrap()
    }

    /// A table of every value kind, `rows` rows from `seed`, for the chunked path.
    fn table_of(range: std::ops::Range<usize>) -> Table {
        let texts = ["party cells", "", "a,b", "say \"hi\"", "x\ny", "조선", "=A1", "+cmd|x"];
        let mut text = crate::table::TextColumn::default();
        for i in range.clone() {
            text.push(texts[i % texts.len()]);
        }
        let day = |i: usize| {
            chrono::NaiveDate::from_ymd_opt(1990 + (i % 40) as i32, 1 + (i % 12) as u32, 1)
        };
        Table::new()
            .with("text", Values::Text(text))
            .with(
                "str",
                Values::Str(
                    range.clone().map(|i| texts[(i / 3) % texts.len()].to_string()).collect(),
                ),
            )
            .with(
                "opt",
                Values::OptStr(
                    range.clone().map(|i| (i % 4 != 0).then(|| format!("w{i}"))).collect(),
                ),
            )
            .with("int", Values::Int(range.clone().map(|i| i as i64 * 7919 - 40_000).collect()))
            .with(
                "real",
                Values::Float(
                    range
                        .clone()
                        .map(|i| if i % 9 == 0 { f64::NAN } else { (i as f64 - 500.0) / 7.0 })
                        .collect(),
                ),
            )
            .with("flag", Values::Bool(range.clone().map(|i| i % 3 == 0).collect()))
            .with(
                "date",
                Values::Date(range.map(|i| (i % 5 != 0).then(|| day(i)).flatten()).collect()),
            )
    }

    #[test]
    fn chunked_tables_write_what_their_frame_writes() {
        for rows in [0, 1, 5, SLICE_ROWS * WINDOW_SLICES + 3] {
            let chunked = Chunked::new(rows, 1000, table_of);
            let mut streamed = Vec::new();
            write_chunked(&chunked, b',', Cells::Raw, &mut streamed).unwrap();
            let frame = chunked.frame().unwrap();
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                polars_csv(&frame.df, b','),
                "{rows} rows"
            );
        }
    }

    /// `s` as OWASP advises writing it: a `'` in front when it starts like a formula.
    fn guarded(s: &str) -> String {
        if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{s}")
        } else {
            s.to_string()
        }
    }

    #[test]
    fn formula_cells_are_neutralised() {
        let texts = [
            "=HYPERLINK(\"http://evil.example\",\"click\")",
            "+cmd|' /C calc'!A0",
            "@SUM(1)",
            "-2+3",
            "\tx",
            "\r=1",
            "a=b",
            "",
            "plain",
        ];
        let df = DataFrame::new(
            texts.len(),
            vec![
                Column::new("t".into(), texts),
                Column::new("n".into(), [-1i64, -2, 3, 4, 5, 6, 7, 8, 9]),
                Column::new("x".into(), [-0.5f64; 9]),
            ],
        )
        .unwrap();
        let want = "t,n,x\n\
            \"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",-1,-0.5\n\
            '+cmd|' /C calc'!A0,-2,-0.5\n'@SUM(1),3,-0.5\n'-2+3,4,-0.5\n'\tx,5,-0.5\n\
            \"'\r=1\",6,-0.5\na=b,7,-0.5\n\"\",8,-0.5\nplain,9,-0.5\n";
        assert_eq!(ours_with(&df, b',', Cells::Neutralise), want);
        // Raw: exactly Polars' bytes, formulas and all.
        assert_eq!(ours_with(&df, b',', Cells::Raw), polars_csv(&df, b','));
        assert!(ours_with(&df, b'\t', Cells::Raw).contains("\n@SUM(1)\t3"));
        assert!(ours_with(&df, b'\t', Cells::Neutralise).contains("\n\"'\tx\"\t5\t"));
    }

    proptest! {
        /// Neutralised output is Polars' output of the frame whose text cells were guarded
        /// first, on every path: the fast one, Polars' (a date column), and chunked tables.
        #[test]
        fn neutralised_cells_are_polars_output_of_guarded_text(
            texts in prop::collection::vec(prop::option::of("[=+@\t\r -]?[a-z,\"=+@ -]{0,6}"), 0..30),
            with_date in any::<bool>(),
            tab in any::<bool>(),
        ) {
            let sep = if tab { b'\t' } else { b',' };
            let frame = |texts: Vec<Option<String>>| {
                let n = texts.len();
                let mut columns = vec![Column::new("t".into(), texts)];
                if with_date {
                    let days: Vec<Option<i32>> = (0..n as i32).map(Some).collect();
                    columns.push(Column::new("d".into(), days).cast(&DataType::Date).unwrap());
                }
                DataFrame::new(n, columns).unwrap()
            };
            let guarded_texts: Vec<Option<String>> =
                texts.iter().map(|t| t.as_deref().map(guarded)).collect();
            let want = polars_csv(&frame(guarded_texts.clone()), sep);
            prop_assert_eq!(ours_with(&frame(texts.clone()), sep, Cells::Neutralise), want.clone());

            let table = |range: std::ops::Range<usize>| {
                Table::new().with("t", Values::OptStr(texts[range].to_vec()))
            };
            let chunked = Chunked::new(texts.len(), 7, table);
            let mut streamed = Vec::new();
            write_chunked(&chunked, sep, Cells::Neutralise, &mut streamed).unwrap();
            let plain = polars_csv(&frame_without_date(guarded_texts), sep);
            prop_assert_eq!(String::from_utf8(streamed).unwrap(), plain);
        }

        #[test]
        fn any_frame_matches_polars(
            rows in prop::collection::vec(
                (
                    prop::option::of("[a-z,\"\t\r\n 조=+@-]{0,12}"),
                    prop::option::of(any::<i64>()),
                    prop::option::of(prop_oneof![
                        any::<f64>().prop_filter("finite", |x| x.is_finite()),
                        -2.0f64..2.0,
                        -1e-5f64..1e-5,
                    ]),
                    prop::option::of(any::<bool>()),
                ),
                0..40,
            ),
            tab in any::<bool>(),
        ) {
            let n = rows.len();
            let (mut t, mut i, mut r, mut f) = (vec![], vec![], vec![], vec![]);
            for (a, b, c, d) in rows {
                t.push(a);
                i.push(b);
                r.push(c);
                f.push(d);
            }
            let df = DataFrame::new(n, vec![
                Column::new("t".into(), t),
                Column::new("i".into(), i),
                Column::new("r".into(), r),
                Column::new("f".into(), f),
            ]).unwrap();
            let sep = if tab { b'\t' } else { b',' };
            prop_assert_eq!(ours(&df, sep), polars_csv(&df, sep));
        }
    }
}
