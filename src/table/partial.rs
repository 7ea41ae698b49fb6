//! The Parquet form of a [`Partial`] (docs/partials.md): written atomically with its settings
//! in the file's key-value metadata, and read back with every fault named by file: not
//! Parquet, truncated, empty, not a partial, another format version, a column missing or of
//! another type, sums that do not hold, rows out of key order. A merge reads a partial's
//! documents first and its n-gram rows a row group at a time ([`PartialReader`]).

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use polars::prelude::*;
use polars_io::SerReader;
use polars_io::parquet::metadata::FileMetadata;
use polars_io::parquet::read::ParquetReader;
use polars_io::parquet::write::{KeyValueMetadata, ParquetWriter};

use crate::partial::{FORMAT_VERSION, Partial, PartialDoc, PartialRow, Shard, VERSION_KEY};

/// Why a partial could not be read.
#[derive(Debug, thiserror::Error)]
#[error("`{}`: {reason}", file.display())]
pub struct PartialError {
    /// The file.
    pub file: PathBuf,
    /// What is wrong with it.
    pub reason: String,
}

fn fault(file: &Path, reason: impl Into<String>) -> PartialError {
    PartialError { file: file.to_path_buf(), reason: reason.into() }
}

/// Values of `kind`.
const DOCUMENT: &str = "document";
const NGRAM: &str = "ngram";

/// Rows of n-grams written at once (one Parquet row group each).
const CHUNK: usize = 1 << 16;

/// Write `partial` to `path` atomically (Parquet, zstd), its settings, format version and
/// totals in the key-value metadata.
pub fn write_partial(path: &Path, partial: &Partial) -> Result<(), super::TableError> {
    let (settings, docs, rows) = (&partial.settings, &partial.docs, &partial.rows);
    write_rows(path, settings, docs, rows.len(), |range| rows[range].to_vec())
}

/// Write the partial of `shard` to `path` as [`write_partial`] does, its rows made a chunk at
/// a time.
pub fn write_shard(path: &Path, shard: &Shard) -> Result<(), super::TableError> {
    write_rows(path, &shard.settings, &shard.docs, shard.len(), |range| shard.rows(range))
}

/// Write a partial of `docs` and `len` rows, which `rows` makes a range at a time: the
/// documents' rows group first, then one row group per chunk of rows.
fn write_rows(
    path: &Path,
    settings: &BTreeMap<String, String>,
    docs: &[PartialDoc],
    len: usize,
    rows: impl Fn(std::ops::Range<usize>) -> Vec<PartialRow>,
) -> Result<(), super::TableError> {
    let words: u64 = docs.iter().map(|d| d.words).sum();
    let mut meta: Vec<(String, String)> =
        settings.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    meta.push((VERSION_KEY.into(), FORMAT_VERSION.into()));
    meta.push(("refrain.documents".into(), docs.len().to_string()));
    meta.push(("refrain.words".into(), words.to_string()));
    meta.push(("refrain.ngram_rows".into(), len.to_string()));
    meta.sort();
    let kv = KeyValueMetadata::from_static(meta);
    let mut failure = None;
    let fill = |w: &mut dyn std::io::Write| -> PolarsResult<()> {
        let first = frame(docs, &[])?;
        let mut writer =
            ParquetWriter::new(w).with_key_value_metadata(Some(kv)).batched(first.schema())?;
        writer.write_batch(&first)?;
        for start in (0..len).step_by(CHUNK) {
            let chunk = rows(start..(start + CHUNK).min(len));
            writer.write_batch(&frame(&[], &chunk)?)?;
        }
        writer.finish()?;
        Ok(())
    };
    let written = crate::fsutil::write_atomic(path, |w| {
        fill(w).map_err(|e| {
            let msg = e.to_string();
            failure = Some(e);
            std::io::Error::other(msg)
        })
    });
    match (written, failure) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(e)) => Err(e.into()),
        (Err(e), None) => Err(e.into()),
    }
}

/// The frame of `docs` (numbered from 0) followed by `rows`.
fn frame(docs: &[PartialDoc], rows: &[PartialRow]) -> PolarsResult<DataFrame> {
    let len = docs.len() + rows.len();
    let doc = |f: &dyn Fn(&PartialDoc) -> Option<String>| -> StringChunked {
        docs.iter().map(f).chain(rows.iter().map(|_| None)).collect()
    };
    let row_str = |name: &str, f: &dyn Fn(&PartialRow) -> String| -> Column {
        let ca: StringChunked =
            docs.iter().map(|_| None).chain(rows.iter().map(|r| Some(f(r)))).collect();
        ca.with_name(name.into()).into_column()
    };
    let row_u32 = |name: &str, f: &dyn Fn(&PartialRow) -> u32| -> Column {
        let ca: UInt32Chunked =
            docs.iter().map(|_| None).chain(rows.iter().map(|r| Some(f(r)))).collect();
        ca.with_name(name.into()).into_column()
    };
    let kinds: StringChunked =
        docs.iter().map(|_| DOCUMENT).chain(rows.iter().map(|_| NGRAM)).map(Some).collect();
    let numbers: UInt32Chunked =
        (0..docs.len() as u32).map(Some).chain(rows.iter().map(|_| None)).collect();
    let words: UInt64Chunked =
        docs.iter().map(|d| Some(d.words)).chain(rows.iter().map(|_| None)).collect();
    let n: UInt32Chunked =
        docs.iter().map(|_| None).chain(rows.iter().map(|r| Some(r.n as u32))).collect();
    let mut forms = ListStringChunkedBuilder::new("surfaces".into(), len, len);
    let mut form_counts = u32_lists("surface_counts", len);
    let mut doc_list = u32_lists("doc_list", len);
    let mut doc_counts = u32_lists("doc_counts", len);
    for _ in docs {
        forms.append_null();
        form_counts.append_null();
        doc_list.append_null();
        doc_counts.append_null();
    }
    for r in rows {
        forms.append_values_iter(r.surfaces.iter().map(|(s, _)| s.as_str()));
        form_counts.append_values_iter(r.surfaces.iter().map(|&(_, c)| c));
        doc_list.append_values_iter(r.per_doc.iter().map(|&(d, _)| d));
        doc_counts.append_values_iter(r.per_doc.iter().map(|&(_, c)| c));
    }
    let meta = |d: &PartialDoc| Some(serde_json::to_string(&d.meta).expect("strings serialise"));
    DataFrame::new(
        len,
        vec![
            kinds.with_name("kind".into()).into_column(),
            numbers.with_name("doc".into()).into_column(),
            doc(&|d| Some(d.id.clone())).with_name("doc_id".into()).into_column(),
            doc(&|d| Some(d.source.clone())).with_name("source".into()).into_column(),
            doc(&|d| d.title.clone()).with_name("title".into()).into_column(),
            doc(&|d| d.date.clone()).with_name("date".into()).into_column(),
            doc(&meta).with_name("meta".into()).into_column(),
            words.with_name("words".into()).into_column(),
            row_str("key", &|r| r.key.clone()),
            n.with_name("n".into()).into_column(),
            row_u32("count", &|r| r.count),
            row_u32("docs", &|r| r.per_doc.len() as u32),
            forms.finish().into_column(),
            form_counts.finish().into_column(),
            doc_list.finish().into_column(),
            doc_counts.finish().into_column(),
        ],
    )
}

fn u32_lists(name: &str, len: usize) -> ListPrimitiveChunkedBuilder<UInt32Type> {
    ListPrimitiveChunkedBuilder::new(name.into(), len, len, DataType::UInt32)
}

/// Read and check the partial at `path`, every row held (tests, small partials).
pub fn read_partial(path: &Path) -> Result<Partial, PartialError> {
    let mut file = PartialReader::open(path)?;
    let mut rows = Vec::new();
    let mut stream = file.rows(Columns::Rows);
    while let Some(row) = stream.next_row()? {
        rows.push(row);
    }
    let docs = std::mem::take(&mut file.docs);
    Ok(Partial { settings: file.settings, docs, rows })
}

/// A partial opened and checked up to its n-gram rows: its settings and documents (the first
/// rows of the file) are read, its n-gram rows are read a row group at a time by the streams
/// [`PartialReader::rows`] makes, so that a merge holds one row group of each partial.
pub struct PartialReader {
    path: PathBuf,
    file: File,
    /// The file's metadata without its row groups: each read is given one of them.
    template: FileMetadata,
    /// The file's metadata, row groups included.
    meta: Arc<FileMetadata>,
    /// The first n-gram row: (row group, row in it).
    start: (usize, usize),
    /// The settings (key-value metadata, `refrain.*` keys but the format version).
    pub settings: BTreeMap<String, String>,
    /// The documents (a merge takes them, leaving this empty).
    pub docs: Vec<PartialDoc>,
    /// How many documents the partial holds.
    pub doc_count: usize,
}

/// Columns a merge reads of the n-gram rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    /// Everything a row holds.
    Rows,
    /// Only the keys of words (n = 1); the other rows are skipped and the lists left empty.
    Words,
}

impl Columns {
    fn names(self) -> &'static [&'static str] {
        match self {
            Columns::Rows => &[
                "kind",
                "key",
                "n",
                "count",
                "docs",
                "surfaces",
                "surface_counts",
                "doc_list",
                "doc_counts",
            ],
            Columns::Words => &["kind", "key", "n"],
        }
    }
}

/// The documents' columns.
const DOC_COLUMNS: [&str; 8] =
    ["kind", "doc", "doc_id", "source", "title", "date", "meta", "words"];

impl PartialReader {
    /// Open the partial at `path`: Parquet, a partial of this format version, documents and
    /// totals as its metadata says. No n-gram row is read.
    pub fn open(path: &Path) -> Result<Self, PartialError> {
        let file = File::open(path).map_err(|e| fault(path, format!("cannot open: {e}")))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        if size == 0 {
            return Err(fault(path, "the file is empty (0 bytes), not a partial"));
        }
        let not_parquet = |e: PolarsError| {
            fault(path, format!("not a readable Parquet file (truncated or not Parquet): {e}"))
        };
        let read = file.try_clone().map_err(|e| fault(path, format!("cannot open: {e}")))?;
        let meta = ParquetReader::new(read).get_metadata().map_err(not_parquet)?.clone();
        let mut settings: BTreeMap<String, String> = meta
            .key_value_metadata
            .iter()
            .flatten()
            .filter_map(|kv| Some((kv.key.clone(), kv.value.clone()?)))
            .filter(|(k, _)| k.starts_with("refrain."))
            .collect();
        check_version(settings.remove(VERSION_KEY)).map_err(|e| fault(path, e))?;
        let template = FileMetadata { row_groups: Vec::new(), ..(*meta).clone() };
        let mut reader = PartialReader {
            path: path.to_path_buf(),
            file,
            template,
            meta: meta.clone(),
            start: (0, 0),
            settings,
            docs: Vec::new(),
            doc_count: 0,
        };
        let bad = |e: PolarsError| fault(path, format!("not a partial of this format: {e}"));
        let docs = reader.documents().map_err(bad)?;
        let rows = meta.num_rows - docs.height();
        reader.docs = documents(&docs).map_err(bad)?;
        reader.doc_count = reader.docs.len();
        check_totals(&reader.settings, &reader.docs, rows).map_err(|e| fault(path, e))?;
        Ok(reader)
    }

    /// The documents' rows: the row groups from the first as long as their rows are
    /// documents, up to the first n-gram row (which [`PartialReader::start`] then marks).
    fn documents(&mut self) -> PolarsResult<DataFrame> {
        let mut frames: Option<DataFrame> = None;
        self.start = (self.meta.row_groups.len(), 0);
        for g in 0..self.meta.row_groups.len() {
            let df = self.group(g, &DOC_COLUMNS)?;
            let kind = df.column("kind")?.str()?.clone();
            let docs = kind.iter().take_while(|k| *k == Some(DOCUMENT)).count();
            let part = df.slice(0, docs);
            match &mut frames {
                Some(f) => {
                    f.vstack_mut(&part)?;
                }
                None => frames = Some(part),
            }
            if docs < df.height() {
                self.start = (g, docs);
                break;
            }
        }
        match frames {
            Some(f) => Ok(f),
            // No row group at all: the documents' frame of an empty file.
            None => self.group_empty(&DOC_COLUMNS),
        }
    }

    /// Row group `g`, columns `names`: the reader is given the file's metadata with that
    /// row group alone, so that it neither reads nor walks the others.
    fn group(&self, g: usize, names: &[&str]) -> PolarsResult<DataFrame> {
        let group = self.meta.row_groups[g].clone();
        let rows = group.num_rows();
        let mut meta = self.template.clone();
        (meta.num_rows, meta.max_row_group_height, meta.row_groups) = (rows, rows, vec![group]);
        self.read(meta, names)
    }

    fn group_empty(&self, names: &[&str]) -> PolarsResult<DataFrame> {
        self.read(self.template.clone(), names)
    }

    fn read(&self, meta: FileMetadata, names: &[&str]) -> PolarsResult<DataFrame> {
        let mut reader = ParquetReader::new(self.file.try_clone()?)
            .with_columns(Some(names.iter().map(|n| n.to_string()).collect()));
        reader.set_metadata(Arc::new(meta));
        let mut df = reader.finish()?;
        df.rechunk_mut_par();
        Ok(df)
    }

    /// The most bytes one row group of n-gram rows takes uncompressed: what a stream of this
    /// partial holds at a time, decoded (the budget plans with it).
    pub fn largest_group(&self) -> u64 {
        let groups = self.meta.row_groups.iter().skip(self.start.0);
        groups.map(|g| g.total_byte_size() as u64).max().unwrap_or(0)
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its n-gram rows in file order, each checked (its sums, its documents, its place in
    /// key order), read a row group at a time.
    pub fn rows(&self, columns: Columns) -> RowStream<'_> {
        RowStream {
            file: self,
            columns,
            group: self.start.0,
            skip: self.start.1,
            batch: None,
            at: 0,
            read: 0,
            last: String::new(),
        }
    }
}

/// The n-gram rows of a partial, a row group at a time ([`PartialReader::rows`]).
pub struct RowStream<'a> {
    file: &'a PartialReader,
    columns: Columns,
    /// The next row group to read.
    group: usize,
    /// Rows of it that are documents.
    skip: usize,
    batch: Option<Batch>,
    /// The next row of `batch`.
    at: usize,
    /// N-gram rows given so far.
    read: u64,
    /// The last key given (empty before the first): rows must come in key order.
    last: String,
}

impl RowStream<'_> {
    /// The next row (with [`Columns::Words`], the next word), or `None` after the last.
    pub fn next_row(&mut self) -> Result<Option<PartialRow>, PartialError> {
        loop {
            if let Some(batch) = &self.batch
                && self.at < batch.len
            {
                let i = self.at;
                self.at += 1;
                let row = batch.row(i, self.columns, self.file.doc_count);
                let row = row.map_err(|e| self.fault(e))?;
                self.check_order(&row.key)?;
                self.read += 1;
                if self.columns == Columns::Words && row.n != 1 {
                    continue;
                }
                return Ok(Some(row));
            }
            if self.group >= self.file.meta.row_groups.len() {
                self.batch = None;
                return Ok(None);
            }
            let df = self.file.group(self.group, self.columns.names());
            let df = df.map_err(|e| self.fault(RowError::Polars(e)))?;
            let df = df.slice(self.skip as i64, df.height() - self.skip);
            (self.group, self.skip, self.at) = (self.group + 1, 0, 0);
            self.batch = None;
            self.batch = Some(Batch::new(&df, self.columns).map_err(|e| self.fault(e))?);
        }
    }

    /// Keys must increase word by word (as `freq --partial` writes them): a merge relies on
    /// it to meet every key's rows together.
    fn check_order(&mut self, key: &str) -> Result<(), PartialError> {
        if self.read > 0 && crate::partial::merge::words_cmp(&self.last, key).is_ge() {
            return Err(fault(
                &self.file.path,
                format!(
                    "its n-gram rows are not in key order (`{key}` after `{}`, n-gram row {}): \
                     it was not written by `refrain freq --partial`, or was changed since; \
                     make it again",
                    self.last, self.read
                ),
            ));
        }
        self.last.clear();
        self.last.push_str(key);
        Ok(())
    }

    fn fault(&self, e: RowError) -> PartialError {
        let reason = match e {
            RowError::Polars(e) => format!("not a partial of this format: {e}"),
            RowError::Invalid(m) => m,
        };
        fault(&self.file.path, reason)
    }
}

/// The format version must be this reader's.
fn check_version(version: Option<String>) -> Result<(), String> {
    match version {
        None => Err(format!(
            "not a refrain partial (no `{VERSION_KEY}` in its metadata; make one with \
             `refrain freq --partial`)"
        )),
        Some(v) if v != FORMAT_VERSION => Err(format!(
            "a partial of format version {v}; this refrain reads version {FORMAT_VERSION} \
             only (make the partial again with this refrain)"
        )),
        Some(_) => Ok(()),
    }
}

fn documents(df: &DataFrame) -> PolarsResult<Vec<PartialDoc>> {
    let text = |name: &str| df.column(name).and_then(|c| c.str().cloned());
    let (ids, sources, titles) = (text("doc_id")?, text("source")?, text("title")?);
    let (dates, metas) = (text("date")?, text("meta")?);
    let numbers = df.column("doc")?.u32()?.clone();
    let words = df.column("words")?.u64()?.clone();
    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let missing = |what: &str| polars_err!(ComputeError: "document row {i} has no {what}");
        if numbers.get(i) != Some(i as u32) {
            return Err(
                polars_err!(ComputeError: "document row {i} is numbered {:?}", numbers.get(i)),
            );
        }
        let meta = match metas.get(i) {
            Some(m) => serde_json::from_str(m)
                .map_err(|e| polars_err!(ComputeError: "document row {i}: meta: {e}"))?,
            None => BTreeMap::new(),
        };
        out.push(PartialDoc {
            id: ids.get(i).ok_or_else(|| missing("doc_id"))?.to_string(),
            source: sources.get(i).ok_or_else(|| missing("source"))?.to_string(),
            title: titles.get(i).map(str::to_string),
            date: dates.get(i).map(str::to_string),
            meta,
            words: words.get(i).ok_or_else(|| missing("words"))?,
        });
    }
    Ok(out)
}

enum RowError {
    Polars(PolarsError),
    Invalid(String),
}

impl From<PolarsError> for RowError {
    fn from(e: PolarsError) -> Self {
        RowError::Polars(e)
    }
}

/// A list column's values and each row's range of them.
fn lists(df: &DataFrame, name: &str) -> PolarsResult<(Series, Vec<i64>)> {
    let ca = df.column(name)?.list()?.clone();
    if ca.null_count() > 0 {
        polars_bail!(ComputeError: "`{name}` is null in an ngram row");
    }
    let (values, offsets) =
        ca.explode_and_offsets(ExplodeOptions { empty_as_null: false, keep_nulls: false })?;
    Ok((values, offsets.iter().copied().collect()))
}

/// The lists of one row group's n-gram rows: values and each row's range of them.
struct Lists {
    forms: StringChunked,
    form_at: Vec<i64>,
    form_counts: UInt32Chunked,
    fc_at: Vec<i64>,
    doc_list: UInt32Chunked,
    dl_at: Vec<i64>,
    doc_counts: UInt32Chunked,
    dc_at: Vec<i64>,
    docs: UInt32Chunked,
    counts: UInt32Chunked,
}

/// One row group's n-gram rows as columns, turned into [`PartialRow`]s one at a time.
struct Batch {
    len: usize,
    keys: StringChunked,
    ns: UInt32Chunked,
    /// `None` with [`Columns::Words`].
    lists: Option<Lists>,
}

impl Batch {
    fn new(df: &DataFrame, columns: Columns) -> Result<Batch, RowError> {
        let kind = df.column("kind")?.str()?;
        if kind.iter().any(|k| k != Some(NGRAM)) {
            return Err(RowError::Invalid(
                "`kind` must be `document` rows, then `ngram` rows".into(),
            ));
        }
        let keys = df.column("key")?.str()?.clone();
        let ns = df.column("n")?.u32()?.clone();
        let lists = match columns {
            Columns::Words => None,
            Columns::Rows => {
                let (forms, form_at) = lists(df, "surfaces")?;
                let (form_counts, fc_at) = lists(df, "surface_counts")?;
                let (doc_list, dl_at) = lists(df, "doc_list")?;
                let (doc_counts, dc_at) = lists(df, "doc_counts")?;
                Some(Lists {
                    forms: forms.str()?.clone(),
                    form_at,
                    form_counts: form_counts.u32()?.clone(),
                    fc_at,
                    doc_list: doc_list.u32()?.clone(),
                    dl_at,
                    doc_counts: doc_counts.u32()?.clone(),
                    dc_at,
                    docs: df.column("docs")?.u32()?.clone(),
                    counts: df.column("count")?.u32()?.clone(),
                })
            }
        };
        Ok(Batch { len: df.height(), keys, ns, lists })
    }

    /// Row `i`, checked against a partial of `doc_count` documents (with
    /// [`Columns::Words`], its key and n only).
    fn row(&self, i: usize, columns: Columns, doc_count: usize) -> Result<PartialRow, RowError> {
        let invalid = |what: &str| RowError::Invalid(format!("ngram row {i}: {what}"));
        let key = self.keys.get(i).ok_or_else(|| invalid("no key"))?.to_string();
        let n = self.ns.get(i).filter(|&n| (1..=8).contains(&n));
        let n = n.ok_or_else(|| invalid("no n in 1..8"))? as u8;
        let Some(l) = self.lists.as_ref().filter(|_| columns == Columns::Rows) else {
            return Ok(PartialRow { key, n, count: 0, surfaces: Vec::new(), per_doc: Vec::new() });
        };
        let range = |at: &[i64]| at[i] as usize..at[i + 1] as usize;
        let (f, fc, dl, dc) =
            (range(&l.form_at), range(&l.fc_at), range(&l.dl_at), range(&l.dc_at));
        if f.len() != fc.len() || dl.len() != dc.len() {
            return Err(invalid("lists of different lengths"));
        }
        let count = l.counts.get(i).ok_or_else(|| invalid("no count"))?;
        let surfaces: Option<Vec<(String, u32)>> = f
            .zip(fc)
            .map(|(a, b)| Some((l.forms.get(a)?.to_string(), l.form_counts.get(b)?)))
            .collect();
        let per_doc: Option<Vec<(u32, u32)>> =
            dl.zip(dc).map(|(a, b)| Some((l.doc_list.get(a)?, l.doc_counts.get(b)?))).collect();
        let (surfaces, per_doc) = (
            surfaces.ok_or_else(|| invalid("a null surface form"))?,
            per_doc.ok_or_else(|| invalid("a null document"))?,
        );
        let row = PartialRow { key, n, count, surfaces, per_doc };
        check_row(&row, l.docs.get(i), doc_count).map_err(|m| invalid(&m))?;
        Ok(row)
    }
}

/// The sums a row must satisfy.
fn check_row(row: &PartialRow, docs: Option<u32>, doc_count: usize) -> Result<(), String> {
    let words = row.key.split(' ').count();
    if row.n == 0 || words != row.n as usize || row.key.is_empty() {
        return Err(format!("key `{}` does not have n = {} words", row.key, row.n));
    }
    let forms: u64 = row.surfaces.iter().map(|s| s.1 as u64).sum();
    let in_docs: u64 = row.per_doc.iter().map(|d| d.1 as u64).sum();
    if forms != row.count as u64 || in_docs != row.count as u64 || row.count == 0 {
        return Err(format!(
            "`{}`: count {} but its surface forms sum to {forms} and its documents to {in_docs}",
            row.key, row.count
        ));
    }
    if docs != Some(row.per_doc.len() as u32) {
        return Err(format!("`{}`: docs is not the length of doc_list", row.key));
    }
    let increasing = row.per_doc.windows(2).all(|w| w[0].0 < w[1].0);
    if !increasing || row.per_doc.iter().any(|&(d, c)| d as usize >= doc_count || c == 0) {
        return Err(format!("`{}`: doc_list is not increasing document numbers", row.key));
    }
    Ok(())
}

/// The totals in the metadata must be the file's.
fn check_totals(
    settings: &BTreeMap<String, String>,
    docs: &[PartialDoc],
    rows: usize,
) -> Result<(), String> {
    let totals = [
        ("refrain.documents", docs.len() as u64),
        ("refrain.words", docs.iter().map(|d| d.words).sum()),
        ("refrain.ngram_rows", rows as u64),
    ];
    for (key, actual) in totals {
        let stated = settings.get(key).and_then(|v| v.parse::<u64>().ok());
        if stated != Some(actual) {
            return Err(format!(
                "its metadata says {key} = {}, but it holds {actual}",
                settings.get(key).map_or("nothing", String::as_str)
            ));
        }
    }
    let range = settings.get("refrain.ngrams");
    if range.and_then(|r| crate::cli::args::parse_range(r).ok()).is_none() {
        return Err("its metadata has no valid refrain.ngrams (A..B)".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partial() -> Partial {
        let meta: BTreeMap<String, String> =
            [("date_precision".to_string(), "year".to_string())].into();
        let docs = vec![
            PartialDoc {
                id: "1789-Washington".into(),
                source: "a/1789-Washington.txt".into(),
                title: Some("First \"inaugural\"".into()),
                date: Some("1789-01-01".into()),
                meta,
                words: 7,
            },
            PartialDoc {
                id: "empty".into(),
                source: "a/empty.txt".into(),
                title: None,
                date: None,
                meta: BTreeMap::new(),
                words: 0,
            },
        ];
        let rows = vec![
            PartialRow {
                key: "fellow citizen".into(),
                n: 2,
                count: 3,
                surfaces: vec![("Fellow Citizens".into(), 1), ("fellow citizens".into(), 2)],
                per_doc: vec![(0, 3)],
            },
            PartialRow {
                key: "senat".into(),
                n: 1,
                count: 1,
                surfaces: vec![("Senate".into(), 1)],
                per_doc: vec![(0, 1)],
            },
        ];
        let settings = [("refrain.ngrams".to_string(), "1..2".to_string())].into_iter().collect();
        Partial { settings, docs, rows }
    }

    #[test]
    fn round_trips_with_its_totals_in_the_metadata() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.parquet");
        let p = partial();
        write_partial(&path, &p).unwrap();
        let back = read_partial(&path).unwrap();
        assert_eq!(back.docs, p.docs);
        assert_eq!(back.rows, p.rows);
        assert_eq!(back.settings["refrain.ngrams"], "1..2");
        assert_eq!(back.settings["refrain.words"], "7");
        assert_eq!(back.settings["refrain.documents"], "2");
        assert!(!back.settings.contains_key(VERSION_KEY), "the version is checked, not a setting");
    }

    #[test]
    fn the_columns_are_the_documented_ones() {
        let p = partial();
        let df = frame(&p.docs, &p.rows).unwrap();
        let names: Vec<&str> = df.get_column_names().iter().map(|n| n.as_str()).collect();
        let documented: Vec<&str> = super::super::schema::PARTIAL.iter().map(|c| c.name).collect();
        assert_eq!(names, documented);
    }

    #[test]
    fn an_empty_partial_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.parquet");
        let p = Partial { settings: partial().settings, ..Partial::default() };
        write_partial(&path, &p).unwrap();
        let back = read_partial(&path).unwrap();
        assert!(back.docs.is_empty() && back.rows.is_empty());
    }

    #[test]
    fn sums_that_do_not_hold_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.parquet");
        let mut p = partial();
        p.rows[0].count = 4;
        write_partial(&path, &p).unwrap();
        let e = read_partial(&path).unwrap_err().to_string();
        assert!(e.contains("bad.parquet") && e.contains("count 4 but its surface forms sum to 3"));
        let mut p = partial();
        p.rows[1].per_doc = vec![(2, 1)];
        write_partial(&path, &p).unwrap();
        let e = read_partial(&path).unwrap_err().to_string();
        assert!(e.contains("doc_list is not increasing document numbers"), "{e}");
        let mut p = partial();
        p.rows[1].n = 2;
        write_partial(&path, &p).unwrap();
        let e = read_partial(&path).unwrap_err().to_string();
        assert!(e.contains("does not have n = 2 words"), "{e}");
    }

    #[test]
    fn rows_out_of_key_order_or_repeated_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("unordered.parquet");
        let mut p = partial();
        p.rows.swap(0, 1);
        write_partial(&path, &p).unwrap();
        let e = read_partial(&path).unwrap_err().to_string();
        assert!(e.contains("unordered.parquet"), "{e}");
        assert!(
            e.contains("not in key order (`fellow citizen` after `senat`, n-gram row 1)"),
            "{e}"
        );
        let mut p = partial();
        p.rows[1] = p.rows[0].clone();
        write_partial(&path, &p).unwrap();
        let e = read_partial(&path).unwrap_err().to_string();
        assert!(e.contains("not in key order (`fellow citizen` after `fellow citizen`"), "{e}");
    }

    #[test]
    fn rows_are_read_a_row_group_at_a_time_after_the_documents() {
        // 3 row groups of n-gram rows (65,536 each, the last shorter) after the documents'.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.parquet");
        let mut p = partial();
        let keys: Vec<String> = (0..150_000).map(|i| format!("w{i:06}")).collect();
        p.rows = keys
            .iter()
            .map(|k| PartialRow {
                key: k.clone(),
                n: 1,
                count: 2,
                surfaces: vec![(k.to_uppercase(), 2)],
                per_doc: vec![(0, 2)],
            })
            .collect();
        write_partial(&path, &p).unwrap();
        let reader = PartialReader::open(&path).unwrap();
        assert_eq!(reader.docs, p.docs);
        assert_eq!(reader.start, (1, 0), "the documents are the first row group");
        let mut stream = reader.rows(Columns::Rows);
        let mut n = 0;
        while let Some(row) = stream.next_row().unwrap() {
            assert_eq!(row, p.rows[n]);
            n += 1;
        }
        assert_eq!(n, 150_000);
        let mut words = reader.rows(Columns::Words);
        let first = words.next_row().unwrap().unwrap();
        assert_eq!((first.key.as_str(), first.per_doc.len()), ("w000000", 0));
    }
}
