//! Turning parsed arguments into validated settings for the library (the second phase of
//! argument processing: every check that needs more than clap happens here, once).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};

use super::args::{
    CleanArg, Command, CorpusArgs, CountArgs, EdgesArg, OutputArgs, PhraseCountArgs,
};
use crate::analysis::{AnalyzerOptions, Language, StopWords};
use crate::budget::Budget;
use crate::corpus::{CleanMode, ReadOptions};
use crate::count::{CountOptions, EdgePolicy};
use crate::pipeline::PipelineOptions;
use crate::select::{Condition, NamePattern, Selection, Where};
use crate::table::join::MetaTable;
use crate::table::{Format, Output};

/// Pipeline options from the corpus arguments.
pub fn pipeline(args: &CorpusArgs, command: &'static str) -> Result<PipelineOptions> {
    let budget = budget(args)?;
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
        stdin: Default::default(),
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
        budget,
        may_spill: false,
        command,
        force_spill: false,
    })
}

/// The environment variable read for the budget when `--memory` is not given (a test suite or
/// a CI job can bound every run with it).
pub const MEMORY_ENV: &str = "REFRAIN_MEMORY";

/// `--memory` (else `REFRAIN_MEMORY`, else the default share of physical memory) and
/// `--temp-dir`, checked before any work: a folder that is missing, not a folder or cannot be
/// written is an error now rather than when the counts first outgrow the budget, an hour in.
pub fn budget(args: &CorpusArgs) -> Result<Budget> {
    budget_with(args, std::env::var_os(MEMORY_ENV).as_deref())
}

/// The budget's bytes: `--memory`, else `REFRAIN_MEMORY`, else the default.
pub fn budget_bytes(memory: Option<u64>) -> Result<u64> {
    budget_bytes_with(memory, std::env::var_os(MEMORY_ENV).as_deref())
}

fn budget_bytes_with(memory: Option<u64>, env: Option<&std::ffi::OsStr>) -> Result<u64> {
    Ok(match (memory, env.filter(|v| !v.is_empty())) {
        (Some(bytes), _) => bytes,
        (None, Some(value)) => {
            let text = value.to_string_lossy();
            parse_memory(&text).map_err(|e| anyhow!("{MEMORY_ENV}={text}: {e}"))?
        }
        (None, None) => crate::budget::default_bytes().max(crate::budget::MIN_BYTES),
    })
}

/// [`budget`] of a command without corpus options (`merge`): `--memory` and `--temp-dir`
/// given.
pub fn budget_of(memory: Option<u64>, temp_dir: Option<&PathBuf>) -> Result<Budget> {
    budget_parts(memory, temp_dir, std::env::var_os(MEMORY_ENV).as_deref())
}

/// [`budget`] with the value of `REFRAIN_MEMORY` given (an empty value counts as unset).
fn budget_with(args: &CorpusArgs, env: Option<&std::ffi::OsStr>) -> Result<Budget> {
    budget_parts(args.memory, args.temp_dir.as_ref(), env)
}

fn budget_parts(
    memory: Option<u64>,
    temp_dir: Option<&PathBuf>,
    env: Option<&std::ffi::OsStr>,
) -> Result<Budget> {
    let bytes = budget_bytes_with(memory, env)?;
    match temp_dir {
        Some(dir) => check_temp_dir(dir, "--temp-dir")?,
        None => {
            // The system's folder was not chosen: a run that never outgrows the budget does
            // not need it, so it is only a warning.
            let system = std::env::temp_dir();
            if let Err(e) = check_temp_dir(&system, "the system's temporary folder") {
                crate::progress::warn(format_args!(
                    "{e} (only a run that outgrows --memory writes there; --temp-dir DIR \
                     chooses another folder)"
                ));
            }
        }
    }
    Ok(Budget { bytes, temp_dir: temp_dir.cloned() })
}

/// `dir` exists, is a folder, and a folder holding a file of one block can be made and
/// removed in it (the run makes its own folder there; a permission check would pass for root
/// on a read-only file system, and a full disk is better found now than an hour in). `named`
/// says which folder it is in messages.
fn check_temp_dir(dir: &Path, named: &str) -> Result<()> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => bail!("{named} `{}` is a file, not a folder", dir.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            bail!("{named} `{}` does not exist", dir.display())
        }
        Err(e) => return Err(crate::budget::spill_error(dir, e)),
    }
    probe_writing(dir).map_err(|e| crate::budget::spill_error(dir, e))
}

/// Make `.refrain-probe-PID-N` in `dir` with a file of 4 KiB in it, then remove both.
fn probe_writing(dir: &Path) -> std::io::Result<()> {
    use std::io::Write;
    let pid = std::process::id();
    let mut n = 0;
    let probe = loop {
        let probe = dir.join(format!(".refrain-probe-{pid}-{n}"));
        match std::fs::create_dir(&probe) {
            Ok(()) => break probe,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e),
        }
    };
    let file = probe.join("block");
    // No fsync: a full disk refuses the write itself, and a sync may wait on a busy disk.
    let written = std::fs::File::create(&file).and_then(|mut f| f.write_all(&[0; 4096]));
    let removed = std::fs::remove_file(&file).or_else(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Ok(()),
        _ => Err(e),
    });
    let removed = removed.and(std::fs::remove_dir(&probe));
    written.and(removed)
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
/// 524,288,000 bytes; with a suffix the number may have a fraction (`1.5G`). `KB`, `MB`, `GB`
/// and `TB` are refused, not guessed: they mean powers of 1000 to some users and of 1024 to
/// others.
pub fn parse_size(s: &str) -> Result<u64, String> {
    match parse_bytes(s)? {
        0 => Err(format!("`{}`: the size must be more than 0", s.trim())),
        bytes => Ok(bytes),
    }
}

/// `--memory` (and `REFRAIN_MEMORY`): a size as [`parse_size`] reads it, at least
/// [`crate::budget::MIN_BYTES`].
pub fn parse_memory(s: &str) -> Result<u64, String> {
    let bytes = parse_bytes(s)?;
    if bytes < crate::budget::MIN_BYTES {
        return Err(format!(
            "{} is too small: the smallest budget that works is {}",
            s.trim(),
            crate::budget::show(crate::budget::MIN_BYTES)
        ));
    }
    Ok(bytes)
}

/// The forms a size may take, for messages.
const SIZE_FORMS: &str = "write bytes, or a number with K, M, G or T (KiB, MiB, GiB, TiB; \
                          powers of 1024), such as 500M, 1.5G or 2G";

/// A size in bytes (0 allowed): the syntax of [`parse_size`].
fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("an empty value is not a size: {SIZE_FORMS}"));
    }
    let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
    let (number, unit) = (&t[..split], t[split..].trim_start());
    let shift = match unit.to_ascii_uppercase().as_str() {
        "" => 0,
        "K" | "KIB" => 10,
        "M" | "MIB" => 20,
        "G" | "GIB" => 30,
        "T" | "TIB" => 40,
        u @ ("KB" | "MB" | "GB" | "TB") => {
            let binary = format!("{number}{}", &u[..1]);
            return Err(format!(
                "`{s}`: {u} may mean powers of 1000 or of 1024; sizes here are powers of 1024, \
                 so write `{binary}` or `{binary}iB`"
            ));
        }
        _ => return Err(format!("`{s}` is not a size: {SIZE_FORMS}")),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, "0"));
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) || fraction.len() > 9 {
        return Err(format!("`{s}` is not a size: {SIZE_FORMS}"));
    }
    if number.contains('.') && shift == 0 {
        return Err(format!("`{s}`: a number of bytes is whole; a fraction needs K, M, G or T"));
    }
    let too_large = || format!("`{s}` is too large");
    let whole: u64 = whole.parse().map_err(|_| too_large())?;
    let bytes = whole.checked_mul(1u64 << shift).ok_or_else(too_large)?;
    // The fraction in whole bytes, rounded down: at most 9 digits, so it fits in a u128.
    let f: u128 = fraction.parse().map_err(|_| too_large())?;
    let part = ((f << shift) / 10u128.pow(fraction.len() as u32)) as u64;
    bytes.checked_add(part).ok_or_else(too_large)
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

/// `--files-from FILE`: the paths it lists, put before the command's own PATHs.
pub fn read_files_from(command: &mut Command) -> Result<()> {
    let corpus = match command {
        Command::Freq(a) => &mut a.corpus,
        Command::Trend(a) => &mut a.corpus,
        Command::Keyness(a) => &mut a.corpus,
        Command::Kwic(a) => &mut a.corpus,
        Command::Docs(a) => &mut a.corpus,
        Command::Phrases(a) => &mut a.corpus,
        Command::Report(a) => &mut a.corpus,
        Command::Chart(_) | Command::Merge(_) => return Ok(()),
    };
    let Some(list) = corpus.files_from.clone() else { return Ok(()) };
    let from_stdin = list.as_os_str() == "-";
    if from_stdin && corpus.paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("`--files-from -` reads the list from standard input, so `-` cannot also be a PATH");
    }
    let text = if from_stdin {
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut text)
            .context("cannot read the list of files from standard input")?;
        text
    } else {
        std::fs::read(&list)
            .with_context(|| format!("cannot read the list of files `{}`", list.display()))?
    };
    let name =
        if from_stdin { "standard input".to_string() } else { format!("`{}`", list.display()) };
    let mut paths = listed_paths(&text, &name)?;
    if paths.is_empty() {
        bail!("the list of files {name} names no file (--files-from)");
    }
    paths.append(&mut corpus.paths);
    corpus.paths = paths;
    Ok(())
}

/// The paths of a `--files-from` list (`name` says where it came from): one per line, line
/// ends (`\n`, `\r\n`) removed, blank lines skipped; each must exist. A line is taken as the
/// bytes of a path, so a name that is not UTF-8 can be listed (on Unix).
fn listed_paths(text: &[u8], name: &str) -> Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for (i, line) in text.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if line == b"-" {
            bail!(
                "{name}, line {}: `-` (standard input) cannot be listed; give it as a PATH",
                i + 1
            );
        }
        let path = path_of_bytes(line);
        if std::fs::metadata(&path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
            let shown = String::from_utf8_lossy(line);
            bail!("{name}, line {}: `{shown}` does not exist (--files-from)", i + 1);
        }
        paths.push(path);
    }
    Ok(paths)
}

#[cfg(unix)]
fn path_of_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_of_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
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
        Command::Merge(a) => {
            reads.extend(a.partials.iter().map(PathBuf::as_path));
            writes.push(a.output.output.as_ref());
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
        assert_eq!(parse_size("1.5G"), Ok(3 << 29));
        assert_eq!(parse_size("0.5k"), Ok(512));
        assert_eq!(parse_size("2.25 MiB"), Ok(9 << 18));
        assert_eq!(parse_size("0.001K"), Ok(1)); // rounded down to a whole byte
        for bad in ["M", "1.5", "1.G", ".5G", "1.2.3G", "1,5G", "-1", "1.0000000001G", ""] {
            assert!(parse_size(bad).is_err(), "{bad:?} was taken for a size");
        }
        assert!(parse_size("").unwrap_err().starts_with("an empty value is not a size: write"));
        assert!(parse_size("0").unwrap_err().contains("`0`"));
        assert!(parse_size("0.0001K").unwrap_err().contains("more than 0"));
        assert!(parse_size("10B").is_err() && parse_size("10Mi").is_err());
        // Decimal-looking units are refused with the binary spelling to use instead.
        let e = parse_size("10MB").unwrap_err();
        assert!(e.contains("`10M` or `10MiB`") && e.contains("powers of 1024"), "{e}");
        assert!(parse_size("3tb").unwrap_err().contains("`3T` or `3TiB`"));
        assert!(parse_size("99999999999T").is_err());
    }

    /// The corpus arguments of `refrain freq ARGS…`.
    fn corpus_args(args: &[&str]) -> CorpusArgs {
        use clap::Parser;
        let cli = super::super::Cli::try_parse_from(["refrain", "freq"].iter().chain(args))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        match cli.command {
            Command::Freq(a) => a.corpus,
            _ => unreachable!("freq parsed as another command"),
        }
    }

    #[test]
    fn memory_below_the_smallest_budget_is_refused_with_it() {
        assert_eq!(parse_memory("64M"), Ok(64 << 20));
        assert_eq!(parse_memory("67108864"), Ok(64 << 20));
        assert_eq!(parse_memory("1.5G"), Ok(3 << 29));
        let e = parse_memory("65535K").unwrap_err();
        assert_eq!(e, "65535K is too small: the smallest budget that works is 64M");
        assert!(parse_memory("0").unwrap_err().contains("smallest budget that works is 64M"));
        assert!(parse_memory("3X").unwrap_err().contains("such as 500M"));
    }

    #[test]
    fn memory_comes_from_the_flag_then_the_environment_then_physical_memory() {
        let flag = corpus_args(&["--memory", "4G"]);
        let env = |v: &str| Some(std::ffi::OsString::from(v));
        // The flag wins, even over a malformed variable.
        assert_eq!(budget_with(&flag, env("3X").as_deref()).unwrap().bytes, 4 << 30);
        let none = corpus_args(&[]);
        assert_eq!(budget_with(&none, env("100M").as_deref()).unwrap().bytes, 100 << 20);
        let default = crate::budget::default_bytes().max(crate::budget::MIN_BYTES);
        assert_eq!(budget_with(&none, None).unwrap().bytes, default);
        assert_eq!(budget_with(&none, env("").as_deref()).unwrap().bytes, default);
        let e = budget_with(&none, env("3X").as_deref()).unwrap_err().to_string();
        assert!(e.starts_with("REFRAIN_MEMORY=3X: `3X` is not a size: write bytes"), "{e}");
        let e = budget_with(&none, env("10M").as_deref()).unwrap_err().to_string();
        assert_eq!(
            e,
            "REFRAIN_MEMORY=10M: 10M is too small: the smallest budget that works is 64M"
        );
    }

    #[test]
    fn the_temporary_folder_is_checked_and_carried() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_str().unwrap();
        let args = corpus_args(&["--memory", "1G", "--temp-dir", path]);
        let budget = budget_with(&args, None).unwrap();
        assert_eq!(budget, Budget { bytes: 1 << 30, temp_dir: Some(dir.path().into()) });
        // The probe left nothing behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let missing = dir.path().join("missing");
        let args = corpus_args(&["--temp-dir", missing.to_str().unwrap()]);
        let e = budget_with(&args, None).unwrap_err().to_string();
        assert_eq!(e, format!("--temp-dir `{}` does not exist", missing.display()));
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let args = corpus_args(&["--temp-dir", file.to_str().unwrap()]);
        let e = budget_with(&args, None).unwrap_err().to_string();
        assert_eq!(e, format!("--temp-dir `{}` is a file, not a folder", file.display()));
        // Under /proc nothing can be made, whoever runs the test (root included).
        let args = corpus_args(&["--temp-dir", "/proc/sys"]);
        let e = budget_with(&args, None).unwrap_err().to_string();
        assert!(e.starts_with("cannot write temporary files under `/proc/sys`: "), "{e}");
        assert!(e.ends_with("; choose another folder with --temp-dir"), "{e}");
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

    #[test]
    fn a_list_of_files_keeps_its_lines_as_paths_and_names_a_missing_one() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a b.txt"), dir.path().join("c.txt"));
        std::fs::write(&a, "x").unwrap();
        std::fs::write(&b, "y").unwrap();
        let text = format!("{}\r\n\n   \n{}\n", a.display(), b.display());
        assert_eq!(listed_paths(text.as_bytes(), "`l`").unwrap(), [a.clone(), b]);
        let missing = dir.path().join("gone.txt");
        let text = format!("{}\n{}\n", a.display(), missing.display());
        let e = listed_paths(text.as_bytes(), "`l`").unwrap_err().to_string();
        assert!(e.starts_with("`l`, line 2: `") && e.contains("gone.txt` does not exist"), "{e}");
        let e = listed_paths(b"-\n", "`l`").unwrap_err().to_string();
        assert!(e.contains("line 1: `-` (standard input) cannot be listed"), "{e}");
        // A name that is not UTF-8 is listed as its bytes.
        #[cfg(unix)]
        {
            let latin1 = dir.path().join(path_of_bytes(b"caf\xe9.txt"));
            std::fs::write(&latin1, "z").unwrap();
            let mut text = dir.path().as_os_str().as_encoded_bytes().to_vec();
            text.extend_from_slice(b"/caf\xe9.txt\n");
            assert_eq!(listed_paths(&text, "`l`").unwrap(), [latin1]);
        }
    }
}
