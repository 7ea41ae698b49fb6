//! Turning parsed arguments into validated settings for the library (the second phase of
//! argument processing: every check that needs more than clap happens here, once).

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use super::args::{CleanArg, CorpusArgs, CountArgs, EdgesArg, OutputArgs, PhraseCountArgs};
use crate::analysis::{AnalyzerOptions, Language, StopWords};
use crate::corpus::{CleanMode, ReadOptions};
use crate::count::{CountOptions, EdgePolicy};
use crate::pipeline::PipelineOptions;
use crate::select::{Condition, NamePattern, Selection, Where};
use crate::table::join::MetaTable;
use crate::table::{Format, Output};

/// Pipeline options from the corpus arguments.
pub fn pipeline(args: &CorpusArgs) -> Result<PipelineOptions> {
    let read = ReadOptions {
        text_field: args.text_field.clone(),
        title_field: args.title_field.clone(),
        date_field: args.date_field.clone(),
        id_field: args.id_field.clone(),
        clean: match args.clean {
            CleanArg::Auto => CleanMode::Auto,
            CleanArg::Kcna => CleanMode::Kcna,
            CleanArg::None => CleanMode::None,
        },
    };
    let language = match args.lang.to_ascii_lowercase().as_str() {
        "none" => None,
        other => Some(other.parse::<Language>().map_err(anyhow::Error::msg).context("--lang")?),
    };
    let stopwords = match args.stopwords.as_str() {
        "auto" if language == Some(Language::ENGLISH) => StopWords::english(),
        "auto" | "none" => StopWords::none(),
        "english" => StopWords::english(),
        path => StopWords::from_file(path.as_ref())
            .with_context(|| format!("reading the stop-word list `{path}`"))?,
    };
    let only_lang = args.only_lang.as_ref().map(|l| l.to_ascii_lowercase());
    if let Some(l) = &only_lang
        && (l.len() != 2 || !l.bytes().all(|b| b.is_ascii_lowercase()))
    {
        bail!("--only-lang expects a two-letter ISO 639-1 code such as `en`, not `{l}`");
    }
    let stem = if args.no_stem { None } else { language };
    let exclude = args.exclude.iter().filter(|p| p.as_str() != "none").cloned().collect();
    Ok(PipelineOptions {
        exclude,
        read,
        analyzer: AnalyzerOptions { stem, stopwords },
        only_lang,
        keep_text: false,
        keep_spans: false,
        select: selection(args)?,
    })
}

/// `--name-pattern`, `--meta`, `--meta-key` and `--where`, checked and loaded.
pub fn selection(args: &CorpusArgs) -> Result<Selection> {
    let name_pattern = match &args.name_pattern {
        Some(p) => Some(Arc::new(NamePattern::new(p)?)),
        None => None,
    };
    let meta = match &args.meta {
        Some(path) => {
            let table = MetaTable::load(path, args.meta_key.as_deref())
                .with_context(|| format!("reading --meta `{}`", path.display()))?;
            Some(Arc::new(table))
        }
        None => None,
    };
    let conditions =
        args.where_.iter().map(|w| w.parse::<Condition>()).collect::<Result<_, _>>()?;
    Ok(Selection { name_pattern, meta, conditions: Where { conditions }, filter: true })
}

/// Split positional arguments into corpus paths and phrase words: an argument that names an
/// existing file or folder (or is `-`) is a path; one that looks like a path (it holds a
/// path separator or ends in a corpus file extension) but does not exist is an error; any
/// other is a phrase.
pub fn paths_and_phrases(args: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<String>)> {
    let mut paths = Vec::new();
    let mut phrases = Vec::new();
    for a in args {
        let text = a.to_string_lossy();
        if text == "-" || a.exists() {
            paths.push(a.clone());
        } else if text.contains(std::path::MAIN_SEPARATOR)
            || text.contains('/')
            || crate::corpus::format::detect(a).is_some()
        {
            bail!("`{text}` does not exist (a PATH must be an existing file or folder)");
        } else {
            phrases.push(text.into_owned());
        }
    }
    Ok((paths, phrases))
}

/// Counting options from the count arguments.
pub fn count(args: &CountArgs) -> CountOptions {
    CountOptions {
        min_n: args.ngrams.0,
        max_n: args.ngrams.1,
        min_count: args.min_count.max(1),
        min_docs: args.min_docs.max(1),
        edges: match args.stopword_edges {
            EdgesArg::Drop => EdgePolicy::Drop,
            EdgesArg::Keep => EdgePolicy::Keep,
        },
    }
}

/// Counting options of `phrases` for a corpus of `words` word tokens in `documents` documents
/// that hold words. `--min-docs` defaults to 3, or `documents` when fewer; `--min-per-million`
/// becomes the smallest count whose per-million rate reaches it.
pub fn phrase_count(args: &PhraseCountArgs, words: u64, documents: usize) -> Result<CountOptions> {
    let (min_n, max_n) = args.ngrams;
    if min_n < 2 {
        bail!("phrases have at least two words: use -n 2..{max_n} (or `refrain freq` for words)");
    }
    let mut min_count = args.min_count.max(1);
    if let Some(pm) = args.min_per_million {
        if !(pm.is_finite() && pm >= 0.0) {
            bail!("--min-per-million must be a number ≥ 0, not {pm}");
        }
        min_count = min_count.max(count_for_per_million(pm, words));
    }
    let min_docs = args.min_docs.unwrap_or_else(|| 3.min(documents.max(1) as u32)).max(1);
    let edges = match args.stopword_edges {
        EdgesArg::Drop => EdgePolicy::Drop,
        EdgesArg::Keep => EdgePolicy::Keep,
    };
    Ok(CountOptions { min_n, max_n, min_count, min_docs, edges })
}

/// The smallest count c with c / words × 10⁶ ≥ `pm`, evaluated as the `per_million` column is,
/// so that the threshold and the column never disagree at the boundary.
pub fn count_for_per_million(pm: f64, words: u64) -> u32 {
    let words = words.max(1);
    let rate = |c: u64| c as f64 / words as f64 * 1e6;
    let mut c = (pm * words as f64 / 1e6).ceil().max(1.0) as u64;
    while c > 1 && rate(c - 1) >= pm {
        c -= 1;
    }
    while rate(c) < pm {
        c += 1;
    }
    c.min(u32::MAX as u64) as u32
}

/// Where a table goes and in which format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// Format of the table.
    pub format: Format,
    /// stdout or a file.
    pub output: Output,
    /// Row limit.
    pub top: Option<usize>,
}

/// Resolve `--format`, `-o` and `--top`. The format comes from `--format`, else from the
/// extension of `-o`, else it is the terminal table.
pub fn destination(args: &OutputArgs) -> Result<Destination> {
    let format = match (&args.format, &args.output) {
        (Some(f), _) => *f,
        (None, Some(path)) => Format::from_path(path).with_context(|| {
            format!(
                "cannot tell the format of `{}` from its extension; add --format",
                path.display()
            )
        })?,
        (None, None) => Format::Table,
    };
    if let Some(path) = &args.output {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        if let Some(dir) = dir.filter(|d| !d.is_dir()) {
            bail!("cannot write `{}`: folder `{}` does not exist", path.display(), dir.display());
        }
    }
    let output = args.output.clone().map_or(Output::Stdout, Output::File);
    Ok(Destination { format, output, top: args.top })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn out(format: Option<Format>, path: Option<&str>) -> OutputArgs {
        OutputArgs { format, output: path.map(PathBuf::from), top: None }
    }

    #[test]
    fn format_from_flag_extension_or_default() {
        assert_eq!(destination(&out(None, None)).unwrap().format, Format::Table);
        assert_eq!(destination(&out(None, Some("t.parquet"))).unwrap().format, Format::Parquet);
        assert_eq!(
            destination(&out(Some(Format::Json), Some("t.csv"))).unwrap().format,
            Format::Json
        );
        let e = destination(&out(None, Some("t.xlsx"))).unwrap_err().to_string();
        assert!(e.contains("t.xlsx") && e.contains("--format"), "{e}");
    }

    #[test]
    fn per_million_becomes_the_smallest_count_reaching_it() {
        // 10 per million of 1,234,567 words = 12.35 occurrences: 13 is the smallest count.
        assert_eq!(count_for_per_million(10.0, 1_234_567), 13);
        // 40 per million of 500,000 words is exactly 20 occurrences.
        assert_eq!(count_for_per_million(40.0, 500_000), 20);
        assert_eq!(count_for_per_million(0.0, 1000), 1);
    }

    #[test]
    fn missing_output_folder_is_an_error() {
        let e = destination(&out(None, Some("/nonexistent-dir-xyz/t.csv"))).unwrap_err();
        assert!(e.to_string().contains("/nonexistent-dir-xyz"), "{e}");
    }
}
