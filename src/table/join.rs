//! Joining a user's table of document metadata (`--meta FILE --meta-key COLUMN`) onto
//! documents, with Polars.
//!
//! The table is read once ([`MetaTable::load`]: CSV, TSV or Parquet, every cell as text; rows
//! whose key repeats an earlier row are dropped and counted). For each batch of documents,
//! [`MetaTable::lookup`] left-joins it on the document id and, for documents whose id has no
//! row, on the file stem (the id of a multi-record file is `stem#N`, and a table about files
//! should still apply to their records).

use std::path::Path;

use polars::prelude::*;
use polars_io::SerReader;
use polars_io::csv::read::{CsvParseOptions, CsvReadOptions};
use polars_io::parquet::read::ParquetReader;

use super::TableError;

/// Name of the join key inside frames (a name no user column is likely to have).
const KEY: &str = "__refrain_key";
/// Marks rows of the metadata table, so a left join shows which documents found one.
const HIT: &str = "__refrain_hit";
/// The documents' side of the join.
const DOC: &str = "__refrain_doc";

/// A metadata table keyed by document id.
#[derive(Debug, Clone)]
pub struct MetaTable {
    df: DataFrame,
    /// Names of the value columns (all but the key), in file order.
    pub columns: Vec<String>,
    /// Rows in the file.
    pub rows: usize,
    /// Rows left out because their key repeats an earlier row's (or is empty).
    pub duplicates: usize,
}

/// The metadata found for one document: one value per [`MetaTable::columns`] entry.
pub type MetaValues = Vec<Option<String>>;

impl MetaTable {
    /// Read `path` (`.csv`, `.tsv`/`.tab`, `.parquet`; anything else is read as CSV) and key it
    /// by `key` (default: a column named `id`, else the first column).
    pub fn load(path: &Path, key: Option<&str>) -> Result<MetaTable, TableError> {
        let df = read_any(path)?;
        let names: Vec<String> = df.get_column_names().iter().map(|s| s.to_string()).collect();
        let key = match key {
            Some(k) => names
                .iter()
                .find(|n| n.as_str() == k)
                .ok_or_else(|| TableError::NoColumn(format!("{k}` in `{}", path.display())))?
                .clone(),
            None => names
                .iter()
                .find(|n| n.as_str() == "id")
                .or(names.first())
                .ok_or_else(|| TableError::Polars(format!("`{}` has no columns", path.display())))?
                .clone(),
        };
        let rows = df.height();
        let columns: Vec<String> = names.iter().filter(|n| **n != key).cloned().collect();
        let mut exprs =
            vec![col(key.as_str()).cast(DataType::String).str().strip_chars(lit(NULL)).alias(KEY)];
        exprs.extend(columns.iter().map(|c| col(c.as_str()).cast(DataType::String)));
        exprs.push(lit(true).alias(HIT));
        let df = df
            .lazy()
            .select(exprs)
            .filter(col(KEY).is_not_null().and(col(KEY).neq(lit(""))))
            .unique_stable_generic(Some(vec![col(KEY)]), UniqueKeepStrategy::First)
            .collect()?;
        let duplicates = rows - df.height();
        Ok(MetaTable { df, columns, rows, duplicates })
    }

    /// The row of each document, found by `ids[i]`, else by `stems[i]`; `None` when neither
    /// has a row.
    pub fn lookup(
        &self,
        ids: &[&str],
        stems: &[&str],
    ) -> Result<Vec<Option<MetaValues>>, TableError> {
        let by_id = self.join(ids)?;
        let by_stem = self.join(stems)?;
        Ok(by_id.into_iter().zip(by_stem).map(|(a, b)| a.or(b)).collect())
    }

    /// Left-join the keys `keys` (one per document) and read the values back.
    fn join(&self, keys: &[&str]) -> Result<Vec<Option<MetaValues>>, TableError> {
        let docs = DataFrame::new(keys.len(), vec![Column::new(DOC.into(), keys)])?;
        let mut args = JoinArgs::new(JoinType::Left);
        args.maintain_order = MaintainOrderJoin::Left;
        let joined =
            docs.lazy().join(self.df.clone().lazy(), [col(DOC)], [col(KEY)], args).collect()?;
        let hit = joined.column(HIT)?.bool()?.clone();
        let mut values: Vec<Vec<Option<String>>> = Vec::with_capacity(self.columns.len());
        for c in &self.columns {
            let s = joined.column(c)?.str()?.clone();
            values.push(s.iter().map(|v| v.map(str::to_owned)).collect());
        }
        Ok((0..joined.height())
            .map(|i| {
                hit.get(i).is_some().then(|| values.iter_mut().map(|col| col[i].take()).collect())
            })
            .collect())
    }
}

/// Read a CSV, TSV or Parquet file (by extension; anything else as CSV), CSV cells as text.
pub(super) fn read_any(path: &Path) -> Result<DataFrame, TableError> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if ext == "parquet" || ext == "pq" {
        let file = std::fs::File::open(path)?;
        return Ok(ParquetReader::new(file).finish()?);
    }
    let sep = if ext == "tsv" || ext == "tab" { b'\t' } else { b',' };
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0)) // every cell as text: ids such as 007 stay 007
        .with_parse_options(CsvParseOptions::default().with_separator(sep))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))?
        .finish()?;
    Ok(df)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_on_id_then_stem_first_row_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.csv");
        std::fs::write(
            &path,
            "file,party,year\n1789-Washington,none,1789\n kcna ,state,\nkcna#2,press,2017\n\
             1789-Washington,dup,0\n,empty,1\n",
        )
        .unwrap();
        let t = MetaTable::load(&path, Some("file")).unwrap();
        assert_eq!(t.columns, ["party", "year"]);
        assert_eq!((t.rows, t.duplicates), (5, 2));
        let ids = ["1789-Washington", "kcna#1", "kcna#2", "other"];
        let stems = ["1789-Washington", "kcna", "kcna", "other"];
        let got = t.lookup(&ids, &stems).unwrap();
        let v = |a: &str, b: Option<&str>| Some(vec![Some(a.to_string()), b.map(String::from)]);
        assert_eq!(
            got,
            [v("none", Some("1789")), v("state", None), v("press", Some("2017")), None]
        );
    }

    #[test]
    fn default_key_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.tsv");
        std::fs::write(&path, "name\tid\n007\tx\n").unwrap();
        let t = MetaTable::load(&path, None).unwrap();
        assert_eq!(t.columns, ["name"]);
        assert_eq!(t.lookup(&["x"], &["x"]).unwrap(), [Some(vec![Some("007".to_string())])]);
        let e = MetaTable::load(&path, Some("nope")).unwrap_err();
        assert!(e.to_string().contains("nope"), "{e}");
        assert!(MetaTable::load(&dir.path().join("missing.csv"), None).is_err());
    }
}
