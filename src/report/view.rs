//! The first rows of a table as text, for the report's page and summary: chosen columns,
//! numbers formatted for reading (whole numbers with thousands separators, rates with a few
//! decimals), missing values empty.

use crate::cli::summary::thousands;
use crate::table::{Frame, TableError};

/// How a column is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// As text.
    Text,
    /// A whole number.
    Int,
    /// A real number with this many decimals.
    Real(usize),
}

/// The first rows of a table, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// Column headers.
    pub columns: Vec<String>,
    /// Whether each column holds numbers (right-aligned).
    pub numeric: Vec<bool>,
    /// The rows shown.
    pub rows: Vec<Vec<String>>,
    /// Rows in the whole table.
    pub total: usize,
}

impl View {
    /// The first `limit` rows of `frame`, with `columns` (name and how to show it); columns the
    /// table lacks are left out.
    pub fn of(frame: &Frame, columns: &[(&str, Shown)], limit: usize) -> Result<View, TableError> {
        let names = frame.column_names();
        let columns: Vec<(&str, Shown)> =
            columns.iter().copied().filter(|(c, _)| names.iter().any(|n| n == c)).collect();
        let head = frame.clone().sort_limit(&[], Some(limit))?;
        let mut cells: Vec<Vec<String>> = Vec::with_capacity(columns.len());
        for &(name, shown) in &columns {
            cells.push(match shown {
                Shown::Text => head.strings(name)?,
                Shown::Int => head.floats(name)?.into_iter().map(int).collect(),
                Shown::Real(d) => head.floats(name)?.into_iter().map(|v| real(v, d)).collect(),
            });
        }
        let rows =
            (0..head.height()).map(|r| cells.iter().map(|c| c[r].clone()).collect()).collect();
        Ok(View {
            columns: columns.iter().map(|c| c.0.to_string()).collect(),
            numeric: columns.iter().map(|c| c.1 != Shown::Text).collect(),
            rows,
            total: frame.height(),
        })
    }

    /// The values of `column` in the rows shown.
    pub fn column(&self, column: &str) -> Option<Vec<&str>> {
        let i = self.columns.iter().position(|c| c == column)?;
        Some(self.rows.iter().map(|r| r[i].as_str()).collect())
    }
}

fn int(v: f64) -> String {
    if v.is_finite() && v >= 0.0 {
        thousands(v.round() as u64)
    } else if v.is_finite() {
        format!("−{}", thousands((-v).round() as u64))
    } else {
        String::new()
    }
}

fn real(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let s = format!("{v:.decimals$}");
    match s.strip_prefix('-') {
        Some(rest) => format!("−{rest}"),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{Table, Values};

    #[test]
    fn first_rows_formatted() {
        let t = Table::new()
            .with("phrase", Values::Str(vec!["a".into(), "b".into(), "c".into()]))
            .with("count", Values::Int(vec![12345, 7, 1]))
            .with("dp", Values::Float(vec![0.12345, f64::NAN, -2.5]));
        let f = Frame::from_table(t).unwrap();
        let cols = [
            ("phrase", Shown::Text),
            ("count", Shown::Int),
            ("dp", Shown::Real(2)),
            ("x", Shown::Int),
        ];
        let v = View::of(&f, &cols, 2).unwrap();
        assert_eq!(v.columns, ["phrase", "count", "dp"]);
        assert_eq!(v.numeric, [false, true, true]);
        assert_eq!(v.rows, [["a", "12,345", "0.12"], ["b", "7", ""]]);
        assert_eq!(v.total, 3);
        assert_eq!(real(-2.5, 1), "−2.5");
        assert_eq!(v.column("count").unwrap(), ["12,345", "7"]);
    }
}
