//! Turning parsed arguments into validated settings for the library (the second phase of
//! argument processing: every check that needs more than clap happens here, once).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use super::args::{
    CleanArg, Command, CorpusArgs, CountArgs, EdgesArg, OutputArgs, PhraseCountArgs,
};
use crate::analysis::{AnalyzerOptions, Language, StopWords};
use crate::corpus::{CleanMode, ReadOptions};
use crate::count::{CountOptions, EdgePolicy};
use crate::pipeline::PipelineOptions;
use crate::select::{Condition, NamePattern, Selection, Where};
use crate::table::join::MetaTable;
use crate::table::{Format, Output};

/// Pipeline options from the corpus arguments.
pub fn pipeline(args: &CorpusArgs, command: &'static str) -> Result<PipelineOptions> {
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
        max_file_bytes: Some(args.max_file_size),
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
        budget: budget(args)?,
        may_spill: false,
        command,
    })
}

/// `--memory` and `--temp-dir`.
pub fn budget(_args: &CorpusArgs) -> Result<crate::budget::Budget> {
    match std::env::var("REFRAIN_MEMORY") {
        Ok(v) => Ok(crate::budget::Budget::of(parse_size(&v).map_err(anyhow::Error::msg)?)),
        Err(_) => Ok(crate::budget::Budget::default()),
    }
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
        check_parent(path)?;
    }
    let output = args.output.clone().map_or(Output::Stdout, Output::File);
    Ok(Destination { format, output, top: args.top })
}

/// The folder `path` is to be written in must exist (and be a folder, not a file).
pub fn check_parent(path: &Path) -> Result<()> {
    let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else { return Ok(()) };
    if dir.is_dir() {
        return Ok(());
    }
    if dir.exists() {
        bail!("cannot write `{}`: `{}` is a file, not a folder", path.display(), dir.display());
    }
    bail!("cannot write `{}`: folder `{}` does not exist", path.display(), dir.display())
}

/// `--max-file-size`: a number of bytes, or a number with a binary suffix `K`, `M`, `G` or
/// `T` (or `KiB`, `MiB`, `GiB`, `TiB`; any case), powers of 1024: `500M` = `500MiB` =
/// 524,288,000 bytes. `KB`, `MB`, `GB` and `TB` are refused, not guessed: they mean powers of
/// 1000 to some users and of 1024 to others.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = (&t[..split], t[split..].trim_start());
    let shift = match unit.to_ascii_uppercase().as_str() {
        "" => 0,
        "K" | "KIB" => 10,
        "M" | "MIB" => 20,
        "G" | "GIB" => 30,
        "T" | "TIB" => 40,
        u @ ("KB" | "MB" | "GB" | "TB") => {
            let binary = format!("{digits}{}", &u[..1]);
            return Err(format!(
                "`{s}`: {u} may mean powers of 1000 or of 1024; sizes here are powers of 1024, \
                 so write `{binary}` or `{binary}iB`"
            ));
        }
        _ => {
            return Err(format!(
                "`{s}` is not a size: write bytes, or a number with K, M, G or T (KiB, MiB, \
                 GiB, TiB; powers of 1024), such as 500M or 2G"
            ));
        }
    };
    let n: u64 = digits.parse().map_err(|_| format!("`{s}` is not a size such as 500M or 2G"))?;
    let bytes = n.checked_mul(1u64 << shift).ok_or_else(|| format!("`{s}` is too large"))?;
    if bytes == 0 {
        return Err("the size must be more than 0".into());
    }
    Ok(bytes)
}

/// `-j` is capped at this many worker threads per core: more only cost time (`-j 20000`
/// once spent a minute starting threads for two files).
pub const MAX_THREADS_PER_CORE: usize = 4;

/// The worker threads for `-j asked`, and a note when the request was lowered.
pub fn threads(asked: usize) -> (usize, Option<String>) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let max = cores * MAX_THREADS_PER_CORE;
    if asked > max {
        let note = format!(
            "-j {asked} lowered to {max} ({MAX_THREADS_PER_CORE} threads per core on {cores} \
             cores; more would only slow the run)"
        );
        return (max, Some(note));
    }
    (asked.max(1), None)
}

/// The warning for a run that read no document at all (an empty folder, a folder of
/// unsupported files, every file skipped): its tables are empty.
pub fn no_documents(documents: usize, paths: &[PathBuf]) -> Option<String> {
    if documents > 0 {
        return None;
    }
    let named: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
    Some(format!(
        "no documents: nothing in {} could be read as a document, so the output is empty",
        if named.is_empty() { "the input".to_string() } else { named.join(", ") }
    ))
}

/// Refuse, before any work, a command whose output would overwrite what it reads: an output
/// file (`-o`, `--chart`) that is one of the files read or lies inside a folder being read,
/// and a report folder that is or holds one of them. Paths are compared canonicalised (links
/// followed). A report folder may lie inside a corpus folder: walks leave report folders out.
/// When `-` is read and standard input is a regular file (`< k.txt`), its device and inode
/// are compared with the outputs' and with the files of an existing report folder: the name
/// it was opened by is unknown, but a file replaced while it is read is still lost.
pub fn check_outputs(command: &Command) -> Result<()> {
    let (reads, files, folder) = paths_of(command);
    if reads.iter().any(|p| p.as_os_str() == "-")
        && let Some(stdin) = stdin_file()
    {
        check_stdin(stdin, &files, folder.as_deref())?;
    }
    let reads: Vec<(&Path, PathBuf)> = reads
        .into_iter()
        .filter(|p| p.as_os_str() != "-")
        .filter_map(|p| p.canonicalize().ok().map(|c| (p, c)))
        .collect();
    for out in files {
        let Some(target) = resolved_output(out) else { continue };
        for (given, read) in &reads {
            if *read == target {
                bail!(
                    "refusing to write `{}`: it is `{}`, an input of this run; choose another \
                     output file",
                    out.display(),
                    given.display()
                );
            }
            if read.is_dir() && target.starts_with(read) {
                bail!(
                    "refusing to write `{}`: it lies inside `{}`, a folder this run reads; \
                     choose an output outside it",
                    out.display(),
                    given.display()
                );
            }
        }
    }
    if let Some(out) = folder
        && let Some(target) = resolved_output(&out)
        && let Some((given, _)) = reads.iter().find(|(_, read)| read.starts_with(&target))
    {
        bail!(
            "refusing to write the report into `{}`: it is or holds `{}`, an input of this run; \
             choose another folder with -o",
            out.display(),
            given.display()
        );
    }
    Ok(())
}

/// The device and inode of the regular file standard input reads, if it reads one.
#[cfg(unix)]
fn stdin_file() -> Option<(u64, u64)> {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let fd = std::io::stdin().as_fd().try_clone_to_owned().ok()?;
    let meta = std::fs::File::from(fd).metadata().ok()?;
    meta.is_file().then(|| (meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn stdin_file() -> Option<(u64, u64)> {
    None
}

/// Refuse an output file, or a report folder holding a file, that is the file on standard
/// input (`stdin`: its device and inode).
fn check_stdin(stdin: (u64, u64), files: &[&Path], folder: Option<&Path>) -> Result<()> {
    let same = |p: &Path| file_id(p) == Some(stdin);
    if let Some(out) = files.iter().find(|out| same(out)) {
        bail!(
            "refusing to write `{}`: it is the file standard input (`-`) reads, an input of \
             this run; choose another output file",
            out.display()
        );
    }
    let Some(folder) = folder else { return Ok(()) };
    let inside = if folder.is_dir() {
        crate::report::manifest::files_under(folder).unwrap_or_default()
    } else {
        Vec::new()
    };
    if let Some(f) = inside.iter().find(|f| same(&folder.join(f))) {
        bail!(
            "refusing to write the report into `{}`: its file `{f}` is the file standard input \
             (`-`) reads, an input of this run; choose another folder with -o",
            folder.display()
        );
    }
    Ok(())
}

/// The device and inode of the file `path` leads to (links followed).
#[cfg(unix)]
fn file_id(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_path: &Path) -> Option<(u64, u64)> {
    None
}

/// What a command reads, the files it writes, and the report folder it writes.
fn paths_of(command: &Command) -> (Vec<&Path>, Vec<&Path>, Option<PathBuf>) {
    let mut reads: Vec<&Path> = Vec::new();
    let mut writes: Vec<Option<&PathBuf>> = Vec::new();
    let mut folder = None;
    match command {
        Command::Freq(a) => {
            reads.extend(corpus_reads(&a.corpus));
            writes.extend([a.output.output.as_ref(), a.chart.chart.as_ref()]);
        }
        Command::Trend(a) => {
            reads.extend(corpus_reads(&a.corpus));
            writes.extend([a.output.as_ref(), a.chart.chart.as_ref()]);
        }
        Command::Keyness(a) => {
            reads.extend(corpus_reads(&a.corpus).chain(a.reference.iter().map(PathBuf::as_path)));
            writes.extend([a.output.as_ref(), a.chart.chart.as_ref()]);
        }
        Command::Kwic(a) => {
            reads.extend(corpus_reads(&a.corpus));
            writes.push(a.output.as_ref());
        }
        Command::Docs(a) => {
            reads.extend(corpus_reads(&a.corpus));
            writes.push(a.output.output.as_ref());
        }
        Command::Phrases(a) => {
            reads.extend(corpus_reads(&a.corpus));
            writes.extend([a.output.output.as_ref(), a.chart.chart.as_ref()]);
        }
        Command::Chart(a) => {
            reads.push(&a.input);
            writes.push(Some(&a.output));
        }
        Command::Report(a) => {
            reads.extend(corpus_reads(&a.corpus).chain(a.reference.iter().map(PathBuf::as_path)));
            folder = Some(super::report::output_dir(a));
        }
    }
    (reads, writes.into_iter().flatten().map(PathBuf::as_path).collect(), folder)
}

/// The files and folders the corpus options read: PATHs, `--meta`, a `--stopwords` file.
fn corpus_reads(c: &CorpusArgs) -> impl Iterator<Item = &Path> {
    let list = !matches!(c.stopwords.as_str(), "auto" | "none" | "english");
    let list = list.then(|| Path::new(c.stopwords.as_str()));
    c.paths.iter().map(PathBuf::as_path).chain(c.meta.as_deref()).chain(list)
}

/// Where an output path leads, canonicalised: the file itself when it exists (links
/// followed), else its canonical folder and its name. `None` for a special file (`/dev/null`,
/// `/dev/stdout`, a FIFO: written in place, never replaced) or an output whose folder is
/// missing (reported later).
fn resolved_output(out: &Path) -> Option<PathBuf> {
    if let Ok(meta) = std::fs::metadata(out) {
        if crate::corpus::special_kind(&meta).is_some() {
            return None;
        }
        return out.canonicalize().ok();
    }
    let name = out.file_name()?;
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Some(parent.canonicalize().ok()?.join(name))
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
    fn sizes_with_binary_suffixes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("1K"), Ok(1024));
        assert_eq!(parse_size("500m"), Ok(500 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("3tib"), Ok(3 << 40));
        assert_eq!(parse_size(" 7 K "), Ok(7 << 10));
        assert!(parse_size("0").is_err() && parse_size("lots").is_err());
        assert!(parse_size("M").is_err() && parse_size("1.5G").is_err());
        assert!(parse_size("10B").is_err() && parse_size("10Mi").is_err());
        // Decimal-looking units are refused with the binary spelling to use instead.
        let e = parse_size("10MB").unwrap_err();
        assert!(e.contains("`10M` or `10MiB`") && e.contains("powers of 1024"), "{e}");
        assert!(parse_size("3tb").unwrap_err().contains("`3T` or `3TiB`"));
        assert!(parse_size("99999999999T").is_err());
    }

    #[test]
    fn thread_counts_are_capped_per_core() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let max = cores * MAX_THREADS_PER_CORE;
        assert_eq!(threads(1), (1, None));
        assert_eq!(threads(0), (1, None));
        assert_eq!(threads(max), (max, None));
        let (n, note) = threads(20_000);
        assert_eq!(n, max);
        assert!(note.unwrap().contains("-j 20000 lowered to"));
    }

    #[test]
    fn no_documents_is_warned_about() {
        assert_eq!(no_documents(3, &[]), None);
        let w = no_documents(0, &[PathBuf::from("empty")]).unwrap();
        assert!(w.contains("`empty`") && w.contains("no documents"), "{w}");
    }

    #[test]
    fn missing_output_folder_is_an_error() {
        let e = destination(&out(None, Some("/nonexistent-dir-xyz/t.csv"))).unwrap_err();
        assert!(e.to_string().contains("/nonexistent-dir-xyz"), "{e}");
    }
}
