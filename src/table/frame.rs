//! [`Frame`]: a Polars `DataFrame` behind a small API (sort, limit, read columns back).

use polars::prelude::*;

use super::{Table, TableError, Values};

/// One sort column: its name and direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    /// Column name.
    pub column: String,
    /// Largest first.
    pub descending: bool,
}

impl SortKey {
    /// Ascending on `column`.
    pub fn asc(column: &str) -> Self {
        SortKey { column: column.into(), descending: false }
    }

    /// Descending on `column`.
    pub fn desc(column: &str) -> Self {
        SortKey { column: column.into(), descending: true }
    }
}

/// A table held as a Polars data frame.
#[derive(Debug, Clone)]
pub struct Frame {
    pub(crate) df: DataFrame,
}

impl Frame {
    /// Build a frame from a [`Table`].
    pub fn from_table(table: Table) -> Result<Frame, TableError> {
        let height = table.height();
        let columns: Vec<Column> = table
            .columns
            .into_iter()
            .map(|(name, v)| to_column(&name, v))
            .collect::<Result<_, _>>()?;
        Ok(Frame { df: DataFrame::new(height, columns)? })
    }

    /// Stack frames with the same columns, in order, without copying their data.
    pub fn concat(frames: Vec<Frame>) -> Result<Frame, TableError> {
        let mut frames = frames.into_iter();
        let Some(mut out) = frames.next() else {
            return Ok(Frame { df: DataFrame::empty() });
        };
        for f in frames {
            out.df.vstack_mut_owned(f.df)?;
        }
        Ok(out)
    }

    /// Build a frame from tables made in parallel (e.g. chunks of rows), converting each as
    /// soon as it is made so the rows are never held twice.
    pub fn from_tables_par<T, F>(items: &[T], chunk: usize, make: F) -> Result<Frame, TableError>
    where
        T: Sync,
        F: Fn(&[T]) -> Table + Sync,
    {
        super::Chunked::new(items.len(), chunk, |range| make(&items[range])).frame()
    }

    /// Sort by `keys` (stable, nulls last) and keep the first `limit` rows.
    pub fn sort_limit(self, keys: &[SortKey], limit: Option<usize>) -> Result<Frame, TableError> {
        let mut df = self.df;
        if !keys.is_empty() && df.height() > 1 {
            let names: Vec<PlSmallStr> = keys.iter().map(|k| k.column.as_str().into()).collect();
            for k in keys {
                if df.column(&k.column).is_err() {
                    return Err(TableError::NoColumn(k.column.clone()));
                }
            }
            let options = SortMultipleOptions::default()
                .with_order_descending_multi(keys.iter().map(|k| k.descending))
                .with_nulls_last(true)
                .with_maintain_order(true);
            df = df.sort(names, options)?;
        }
        if let Some(n) = limit {
            df = df.head(Some(n));
        }
        Ok(Frame { df })
    }

    /// The last `n` rows.
    pub fn tail(self, n: usize) -> Frame {
        Frame { df: self.df.tail(Some(n)) }
    }

    /// Number of rows.
    pub fn height(&self) -> usize {
        self.df.height()
    }

    /// Column names in order.
    pub fn column_names(&self) -> Vec<String> {
        self.df.get_column_names().into_iter().map(|n| n.to_string()).collect()
    }

    /// A text column's values (missing values as empty strings).
    pub fn strings(&self, name: &str) -> Result<Vec<String>, TableError> {
        let col = self.column(name)?.cast(&DataType::String)?;
        Ok(col.str()?.iter().map(|v| v.unwrap_or("").to_string()).collect())
    }

    /// A numeric column's values as f64 (missing values as NaN).
    pub fn floats(&self, name: &str) -> Result<Vec<f64>, TableError> {
        let col = self.column(name)?.cast(&DataType::Float64)?;
        Ok(col.f64()?.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
    }

    fn column(&self, name: &str) -> Result<&Column, TableError> {
        self.df.column(name).map_err(|_| TableError::NoColumn(name.to_string()))
    }
}

fn to_column(name: &str, values: Values) -> Result<Column, TableError> {
    let name: PlSmallStr = name.into();
    Ok(match values {
        Values::Str(v) => Column::new(name, v),
        Values::Text(v) => Column::new(name, v.iter().collect::<Vec<&str>>()),
        Values::OptStr(v) => Column::new(name, v),
        Values::Int(v) => Column::new(name, v),
        Values::Float(v) => {
            Column::new(name, v.into_iter().map(|x| (!x.is_nan()).then_some(x)).collect::<Vec<_>>())
        }
        Values::Bool(v) => Column::new(name, v),
        Values::Date(v) => {
            let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
            let days: Vec<Option<i32>> =
                v.into_iter().map(|d| d.map(|d| (d - epoch).num_days() as i32)).collect();
            Column::new(name, days).cast(&DataType::Date)?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        Table::new()
            .with("phrase", Values::Str(vec!["b".into(), "a".into(), "c".into()]))
            .with("count", Values::Int(vec![2, 2, 5]))
            .with("dp", Values::Float(vec![0.5, f64::NAN, 0.25]))
    }

    #[test]
    fn sorts_with_ties_and_limits() {
        let f = Frame::from_table(sample()).unwrap();
        let f = f.sort_limit(&[SortKey::desc("count"), SortKey::asc("phrase")], Some(2)).unwrap();
        assert_eq!(f.strings("phrase").unwrap(), ["c", "a"]);
        assert_eq!(f.floats("count").unwrap(), [5.0, 2.0]);
    }

    #[test]
    fn nan_becomes_missing_and_sorts_last() {
        let f =
            Frame::from_table(sample()).unwrap().sort_limit(&[SortKey::asc("dp")], None).unwrap();
        let dp = f.floats("dp").unwrap();
        assert_eq!(dp[..2], [0.25, 0.5]);
        assert!(dp[2].is_nan());
    }

    #[test]
    fn stacking_frames_keeps_order() {
        let rows: Vec<i64> = (0..10).collect();
        let f =
            Frame::from_tables_par(&rows, 3, |c| Table::new().with("x", Values::Int(c.to_vec())))
                .unwrap();
        assert_eq!(f.floats("x").unwrap(), (0..10).map(|x| x as f64).collect::<Vec<_>>());
    }

    #[test]
    fn no_rows_keep_their_columns() {
        let rows: Vec<i64> = Vec::new();
        let f =
            Frame::from_tables_par(&rows, 3, |c| Table::new().with("x", Values::Int(c.to_vec())))
                .unwrap();
        assert_eq!((f.height(), f.column_names()), (0, vec!["x".to_string()]));
    }

    #[test]
    fn unknown_sort_column_is_an_error() {
        let f = Frame::from_table(sample()).unwrap();
        let e = f.sort_limit(&[SortKey::asc("nope")], None).unwrap_err();
        assert_eq!(e.to_string(), "no column `nope` in the table");
    }
}
