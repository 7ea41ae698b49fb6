//! Input formats, recognised by file extension (case-insensitive), with an optional `.gz`.

use std::path::Path;

/// The format of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.txt`, `.md`: one document per file.
    Text,
    /// `.html`, `.htm`: one document per file, markup removed.
    Html,
    /// `.json`: an array of records, an object holding one, or a single record.
    Json,
    /// `.jsonl`, `.ndjson`: one record per line.
    JsonLines,
    /// `.csv`: a header row, then one record per row.
    Csv,
    /// `.tsv`: like CSV, tab-separated.
    Tsv,
    /// `.parquet`: one record per row.
    Parquet,
}

/// A file's format and whether it is gzip-compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKind {
    /// The format of the (decompressed) content.
    pub format: Format,
    /// Whether the file ends in `.gz`.
    pub gzip: bool,
}

/// The format of a file from its name, or `None` for an unknown extension (`README`,
/// `LICENSE.upstream`).
pub fn detect(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let (name, gzip) = match name.strip_suffix(".gz") {
        Some(inner) => (inner, true),
        None => (name.as_str(), false),
    };
    let (_, ext) = name.rsplit_once('.')?;
    let format = match ext {
        "txt" | "text" | "md" | "markdown" => Format::Text,
        "html" | "htm" | "xhtml" => Format::Html,
        "json" => Format::Json,
        "jsonl" | "ndjson" => Format::JsonLines,
        "csv" => Format::Csv,
        "tsv" | "tab" => Format::Tsv,
        "parquet" => Format::Parquet,
        _ => return None,
    };
    Some(FileKind { format, gzip })
}

/// The file name without its format extension and without `.gz`: the document id of a
/// single-document file and the id prefix of a multi-record one
/// (`2017-12-24_juche.json.gz` → `2017-12-24_juche`).
pub fn stem(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    let mut end = name.len();
    if lower.ends_with(".gz") {
        end -= 3;
    }
    // Strip one more extension, but never the whole name (`.hidden` stays `.hidden`).
    match name[..end].rfind('.') {
        Some(dot) if dot > 0 => name[..dot].to_string(),
        _ => name[..end].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(name: &str) -> Option<(Format, bool)> {
        detect(Path::new(name)).map(|k| (k.format, k.gzip))
    }

    #[test]
    fn extensions() {
        assert_eq!(kind("a/b.TXT"), Some((Format::Text, false)));
        assert_eq!(kind("notes.md"), Some((Format::Text, false)));
        assert_eq!(kind("page.HTM"), Some((Format::Html, false)));
        assert_eq!(kind("x.json.gz"), Some((Format::Json, true)));
        assert_eq!(kind("x.ndjson"), Some((Format::JsonLines, false)));
        assert_eq!(kind("x.tsv.GZ"), Some((Format::Tsv, true)));
        assert_eq!(kind("x.parquet"), Some((Format::Parquet, false)));
        assert_eq!(kind("README"), None);
        assert_eq!(kind("LICENSE.upstream"), None);
        assert_eq!(kind("archive.gz"), None);
    }

    #[test]
    fn stems() {
        assert_eq!(stem(Path::new("d/2017-12-24_juche.json.gz")), "2017-12-24_juche");
        assert_eq!(stem(Path::new("1790-Washington.txt")), "1790-Washington");
        assert_eq!(stem(Path::new("연설문 1.txt")), "연설문 1");
        assert_eq!(stem(Path::new("README")), "README");
        assert_eq!(stem(Path::new(".hidden")), ".hidden");
    }
}
