//! The pipeline: read the corpus, skip documents in other languages, analyse, and index, in one
//! pass over the input.
//!
//! # Brief overview
//!
//! Inputs are read in batches; the files of a batch are read and cleaned in parallel
//! ([`crate::corpus`]); a record file with more text than a batch is read a piece at a time
//! ([`corpus::PieceReader`]), each piece a batch of its own. Then the documents are cut into
//! chunks of about [`CHUNK_BYTES`] of text that are analysed in parallel
//! ([`crate::analysis`]), each into its own local vocabulary. Chunks are absorbed into the global [`Vocabulary`] and the [`TokenIndex`] in
//! corpus order, so ids, and everything computed from them, do not depend on the number of
//! threads. Document texts are dropped after analysis unless a command needs them (kwic,
//! report), so memory holds integer arrays, not the corpus.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::analysis::{Analyzer, AnalyzerOptions, LocalVocab, TokenBuf, Vocabulary};
use crate::corpus::{self, Document, Input, Problem, ReadOptions};
use crate::count::spilled::{SpillWriter, SpilledIndex};
use crate::count::{DocLengths, TokenIndex};
use crate::progress::Progress;
use crate::select::{Selection, SelectionReport};

/// Documents are analysed in chunks of about this much text (bytes): big enough that a
/// chunk's local vocabulary saves most global lookups, small enough to balance threads.
pub const CHUNK_BYTES: usize = 1 << 19;

/// Files are read in batches of at most this many, to bound the text held at once.
const BATCH_FILES: usize = 256;

/// Memory a run holding the corpus in memory needs per byte of input, rounded up from peak RSS
/// measured on the 100 MiB synthetic corpus: `freq -n 1..5` 12.9 times the corpus's bytes
/// (10.6 at 1 GiB: part of it is fixed), `report` 13.2, `phrases` 16.3 (its chains and
/// formulas); `trend`, `kwic`, `docs` and `keyness` 3 to 5 on kcna_cojp.
pub const MEMORY_PER_BYTE: u64 = 14;
const REPORT_PER_BYTE: u64 = 15;
const PHRASES_PER_BYTE: u64 = 18;
/// `freq --partial` keeps every n-gram (count ≥ 1) with its documents: 44 times the text
/// measured on ungdc at `-n 1..5` (1.21 GB for 27.5 MB).
const PARTIAL_PER_BYTE: u64 = 48;
/// A `.gz` file's text is larger than the file.
const GZ_EXPANSION: u64 = 4;
/// Memory one input file takes while it is read and analysed whole, per byte of its text,
/// from peak RSS measured with the corpus on disk: 4.4 times a 296 MiB plain-text file (one
/// document), 5.0 times a 298 MiB JSON Lines file of 28,581 records (whose peak was then
/// 44 MiB over a budget of 5 times it); 6 leaves room for readers that hold more.
const FILE_PER_BYTE: u64 = 6;

/// Memory per byte of input that `command` needs holding a corpus in memory.
pub fn memory_per_byte(command: &str) -> u64 {
    match command {
        "phrases" => PHRASES_PER_BYTE,
        "report" => REPORT_PER_BYTE,
        "freq --partial" => PARTIAL_PER_BYTE,
        _ => MEMORY_PER_BYTE,
    }
}

/// The size of every input on disk (0 for standard input, until it is read, and the sample).
fn file_sizes(inputs: &[Input]) -> Vec<u64> {
    let size = |i: &Input| match i {
        Input::File(path) => std::fs::metadata(path).map_or(0, |m| m.len()),
        Input::Stdin | Input::Sample => 0,
    };
    inputs.iter().map(size).collect()
}

/// The text the inputs hold, `.gz` files counted at their estimated text size.
fn text_bytes(inputs: &[Input], sizes: &[u64]) -> u64 {
    let gz = |i: &Input| match i {
        Input::File(path) => path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz")),
        Input::Stdin | Input::Sample => false,
    };
    inputs.iter().zip(sizes).map(|(i, &len)| if gz(i) { len * GZ_EXPANSION } else { len }).sum()
}

/// Set to `1`, the token index of a command that can count it on disk goes there whatever
/// the corpus's size (tests and benchmarks of the bounded counter on small corpora).
pub const FORCE_SPILL: &str = "REFRAIN_FORCE_SPILL";

/// Whether [`FORCE_SPILL`] is set to `1`.
fn spill_forced() -> bool {
    std::env::var_os(FORCE_SPILL).is_some_and(|v| v == "1")
}

/// Whether the token index goes to disk: the corpus is estimated to need more than the
/// budget. A command that cannot count a spilled index is refused here, before any reading.
fn spill_needed(
    inputs: &[Input],
    sizes: &[u64],
    pieced: &[bool],
    options: &PipelineOptions,
) -> Result<bool, corpus::CorpusError> {
    let bytes = text_bytes(inputs, sizes);
    let need = bytes.saturating_mul(memory_per_byte(options.command));
    let forced = options.may_spill && (options.force_spill || spill_forced());
    if need <= options.budget.bytes && !forced {
        return Ok(false);
    }
    if options.may_spill {
        check_largest_file(inputs, sizes, pieced, options)?;
        return Ok(true);
    }
    Err(corpus::CorpusError::OverBudget {
        command: options.command.to_string(),
        corpus: crate::budget::show(bytes),
        need: crate::budget::show(need),
        budget: crate::budget::show(options.budget.bytes),
    })
}

/// Read standard input now, when it is an input, so that its size counts in the estimates
/// (it is read whole in any case): the options that hand it to its reader, with its size in
/// `sizes`. No more is read than a file may hold within the budget (it is then an error).
fn read_stdin_ahead(
    inputs: &[Input],
    sizes: &mut [u64],
    options: &PipelineOptions,
) -> Result<Option<PipelineOptions>, corpus::CorpusError> {
    let Some(at) = inputs.iter().position(|i| *i == Input::Stdin) else { return Ok(None) };
    let limit = options.budget.bytes / FILE_PER_BYTE;
    let Some((ahead, len)) = corpus::StdinAhead::read(limit, options.read.max_bytes()) else {
        return Err(corpus::CorpusError::StdinOverBudget {
            limit: crate::budget::show(limit),
            budget: crate::budget::show(options.budget.bytes),
        });
    };
    sizes[at] = len;
    let mut with = options.clone();
    with.read.stdin = ahead;
    Ok(Some(with))
}

/// A corpus on disk is read a batch of files at a time, each file whole but those read in
/// pieces (`pieced`): the largest file read whole (`FILE_PER_BYTE` times its text), with the
/// next batch read beside it, must fit the budget, or the run stops before reading and names
/// the budget it needs.
fn check_largest_file(
    inputs: &[Input],
    sizes: &[u64],
    pieced: &[bool],
    options: &PipelineOptions,
) -> Result<(), corpus::CorpusError> {
    let text = |i: usize| if pieced[i] { 0 } else { text_bytes(&inputs[i..=i], &sizes[i..=i]) };
    let Some(largest) = (0..inputs.len()).max_by_key(|&i| (text(i), std::cmp::Reverse(i))) else {
        return Ok(());
    };
    let file = text(largest).saturating_mul(FILE_PER_BYTE);
    if file + batch_bytes(&options.budget) <= options.budget.bytes {
        return Ok(());
    }
    // The smallest budget that holds the file and the batch read beside it (which grows
    // with the budget).
    let mut need = file + batch_bytes_of(file);
    while file + batch_bytes_of(need) > need {
        need = file + batch_bytes_of(need);
    }
    let file = match &inputs[largest] {
        Input::File(path) => format!("`{}`", path.display()),
        Input::Stdin => "standard input".to_string(),
        Input::Sample => return Ok(()),
    };
    Err(corpus::CorpusError::FileOverBudget {
        file,
        size: crate::budget::show(sizes[largest]),
        need: crate::budget::show(need),
        budget: crate::budget::show(options.budget.bytes),
    })
}

/// Text bytes read per batch: a share of the budget (a batch's text, its analysis and the
/// next batch being read are alive at once), at most 256 MB (larger batches only cost memory).
/// A record file with more text than that is read in pieces of that size.
pub fn batch_bytes(budget: &crate::budget::Budget) -> u64 {
    batch_bytes_of(budget.bytes)
}

/// Whether `input` (`size` bytes on disk) is read in pieces of `piece` bytes: a record file
/// that can be ([`corpus::streams`]) with more text than a piece.
pub fn in_pieces(input: &Input, size: u64, piece: u64) -> bool {
    match input {
        Input::File(path) => {
            text_bytes(std::slice::from_ref(input), &[size]) > piece && corpus::streams(path)
        }
        Input::Stdin | Input::Sample => false,
    }
}

/// The reading bar's steps for a file read in pieces: its bytes on disk spread over the
/// pieces its text should make (a gzipped file's text is estimated), never more than the
/// file's bytes, the rest given when its last piece is read.
struct PieceShare {
    size: u64,
    step: u64,
    shown: u64,
}

impl PieceShare {
    fn new(input: &Input, size: u64, piece: u64) -> Self {
        let text = text_bytes(std::slice::from_ref(input), &[size]);
        let pieces = text.div_ceil(piece.max(1)).max(1);
        PieceShare { size, step: size / pieces, shown: 0 }
    }

    /// The steps of one more piece.
    fn next(&mut self) -> u64 {
        let add = self.step.min(self.size - self.shown);
        self.shown += add;
        add
    }

    /// The steps not shown yet.
    fn rest(&mut self) -> u64 {
        let add = self.size - self.shown;
        self.shown = self.size;
        add
    }
}

/// What is read at once: a batch of files read whole, or one record file read in pieces
/// (each piece a batch of its own).
#[derive(Debug, PartialEq)]
enum Unit<'a> {
    Files(&'a [Input]),
    Pieces(&'a Input),
}

fn batch_bytes_of(budget: u64) -> u64 {
    (budget / 16).clamp(1 << 20, 256 << 20)
}

/// Cut the inputs (of these `sizes`) into batches of at most [`BATCH_FILES`] files and about
/// `bytes` of files; a file read in pieces (`pieced`) is a unit of its own.
fn batches<'a>(inputs: &'a [Input], sizes: &[u64], pieced: &[bool], bytes: u64) -> Vec<Unit<'a>> {
    let mut out = Vec::new();
    let (mut start, mut size) = (0, 0u64);
    for (i, &len) in sizes.iter().enumerate() {
        if pieced[i] {
            if i > start {
                out.push(Unit::Files(&inputs[start..i]));
            }
            out.push(Unit::Pieces(&inputs[i]));
            (start, size) = (i + 1, 0);
            continue;
        }
        if i > start && (i - start >= BATCH_FILES || size + len > bytes) {
            out.push(Unit::Files(&inputs[start..i]));
            (start, size) = (i, 0);
        }
        size += len;
    }
    if start < inputs.len() {
        out.push(Unit::Files(&inputs[start..]));
    }
    out
}

fn spill_error(options: &PipelineOptions, e: std::io::Error) -> corpus::CorpusError {
    corpus::CorpusError::Spill { message: format!("{:#}", options.budget.spill_error(e)) }
}

/// What the pipeline does.
#[derive(Debug, Clone, Default)]
pub struct PipelineOptions {
    /// How to read and clean inputs.
    pub read: ReadOptions,
    /// How to analyse text.
    pub analyzer: AnalyzerOptions,
    /// File-name patterns left out of folder walks.
    pub exclude: Vec<String>,
    /// Keep only documents detected to be in this language (ISO 639-1 code, e.g. `en`).
    pub only_lang: Option<String>,
    /// Keep document texts after analysis (for contexts), when the corpus is held in memory.
    pub keep_text: bool,
    /// Keep the byte range of every word (for contexts), when the corpus is held in memory.
    pub keep_spans: bool,
    /// Metadata from file names and a user's table, and `--where` (applied to each batch
    /// right after reading, before analysis).
    pub select: Selection,
    /// The memory budget and the temporary folder (`--memory`, `--temp-dir`).
    pub budget: crate::budget::Budget,
    /// The command can work from a token index on disk ([`AnalyzedCorpus::spilled`]), without
    /// the texts and word offsets (`keep_text` and `keep_spans` then do not apply); without it
    /// a corpus estimated to be over the budget is refused before reading.
    pub may_spill: bool,
    /// The command's name, for the over-budget message.
    pub command: &'static str,
    /// With `may_spill`, send the token index to disk whatever the corpus's size, as
    /// [`FORCE_SPILL`] does for a whole process (tests of the on-disk paths on small corpora).
    pub force_spill: bool,
}

/// What happened during the run, for the summary on stderr and the report manifest.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Inputs read (files, stdin, the sample).
    pub inputs: usize,
    /// Documents the readers produced.
    pub documents_read: usize,
    /// Documents analysed (read minus those skipped for their language).
    pub documents: usize,
    /// Documents skipped by `--only-lang`, by detected language.
    pub skipped_language: BTreeMap<String, usize>,
    /// Analysed documents that hold no word.
    pub documents_without_words: usize,
    /// Analysed documents without a date.
    pub undated: usize,
    /// Problems found while reading, in input order.
    pub problems: Vec<Problem>,
    /// Word tokens.
    pub words: u64,
    /// Sentences holding at least one word.
    pub sentences: u64,
    /// Words left out for being longer than the segmenter's limit.
    pub overlong_words: u64,
    /// What cleaning removed from the analysed documents, by kind.
    pub removed: corpus::clean::Removed,
    /// Time spent reading and analysing.
    pub elapsed: Duration,
    /// What `--name-pattern`, `--meta` and `--where` did.
    pub selection: SelectionReport,
}

/// The analysed corpus: document metadata, the token index and the vocabulary.
pub struct AnalyzedCorpus {
    /// Documents in corpus order; `text` is empty unless `keep_text`.
    pub docs: Vec<Document>,
    /// All words as ids, with boundaries.
    pub index: TokenIndex,
    /// The surface forms and keys behind the ids.
    pub vocab: Vocabulary,
    /// Byte range of every word in its document's text (empty unless `keep_spans`).
    pub spans: Vec<(u32, u32)>,
    /// The analyser that made the keys (to turn user queries into keys).
    pub analyzer: Analyzer,
    /// Run summary.
    pub summary: Summary,
    /// The token index on disk, when the corpus was estimated to be over the memory budget
    /// and the command can count it there (`index` is then empty).
    pub spilled: Option<SpilledIndex>,
}

impl AnalyzedCorpus {
    /// Words in each document, from the token index in memory or on disk.
    pub fn doc_lengths(&self) -> &dyn DocLengths {
        match &self.spilled {
            Some(s) => &s.doc_len,
            None => &self.index,
        }
    }

    /// Word tokens in the corpus, from the token index in memory or on disk.
    pub fn word_count(&self) -> u64 {
        match &self.spilled {
            Some(s) => s.words,
            None => self.index.len() as u64,
        }
    }

    /// The number of documents holding at least one word.
    pub fn filled_docs(&self) -> usize {
        let lengths = self.doc_lengths();
        (0..self.docs.len()).filter(|&d| lengths.words_in(d) > 0).count()
    }

    /// The same corpus with only the documents for which `keep` holds (e.g. a target after a
    /// comparison with its reference): the index, spans and document counts of the summary
    /// are rebuilt; the vocabulary (ids) and the reading part of the summary stay. A token
    /// index on disk is copied a segment at a time into new segment files under `budget`'s
    /// temporary folder.
    pub fn retain_docs(
        self,
        keep: impl Fn(&Document) -> bool,
        budget: &crate::budget::Budget,
    ) -> Result<AnalyzedCorpus, corpus::CorpusError> {
        if self.spilled.is_some() {
            let failed =
                |e| corpus::CorpusError::Spill { message: format!("{:#}", budget.spill_error(e)) };
            return self.retain_spilled(keep, budget).map_err(failed);
        }
        let AnalyzedCorpus { docs, index, vocab, spans, analyzer, mut summary, spilled } = self;
        let mut kept_index = TokenIndex::new();
        let mut kept_spans = Vec::new();
        let mut kept_docs = Vec::new();
        forget_documents(&mut summary);
        for (d, doc) in docs.into_iter().enumerate() {
            if !keep(&doc) {
                continue;
            }
            let range = index.doc_range(d);
            kept_index.push_doc(
                range.clone().map(|i| (index.keys[i], index.surfaces[i], index.sentence_start[i])),
            );
            if !spans.is_empty() {
                kept_spans.extend_from_slice(&spans[range.clone()]);
            }
            summary.sentences +=
                index.sentence_start[range.clone()].iter().filter(|&&s| s).count() as u64;
            count_document(&mut summary, &doc, range.len());
            kept_docs.push(doc);
        }
        Ok(AnalyzedCorpus {
            docs: kept_docs,
            index: kept_index,
            vocab,
            spans: kept_spans,
            analyzer,
            summary,
            spilled,
        })
    }

    /// [`AnalyzedCorpus::retain_docs`] of a corpus whose token index is on disk.
    fn retain_spilled(
        self,
        keep: impl Fn(&Document) -> bool,
        budget: &crate::budget::Budget,
    ) -> std::io::Result<AnalyzedCorpus> {
        let AnalyzedCorpus { docs, index, vocab, spans, analyzer, mut summary, spilled } = self;
        let spilled = spilled.expect("a spilled corpus");
        let mut writer = SpillWriter::new(budget.temp_space()?);
        let mut kept = vec![false; docs.len()];
        forget_documents(&mut summary);
        for segment in spilled.segments(vocab.surface_keys()) {
            let segment = segment?;
            let seg = &segment.index;
            for d in 0..seg.doc_count() {
                let doc = &docs[segment.first_doc + d];
                if !keep(doc) {
                    continue;
                }
                let range = seg.doc_range(d);
                writer.push_doc(range.clone().map(|i| (seg.surfaces[i], seg.sentence_start[i])))?;
                summary.sentences +=
                    seg.sentence_start[range.clone()].iter().filter(|&&s| s).count() as u64;
                count_document(&mut summary, doc, range.len());
                kept[segment.first_doc + d] = true;
            }
        }
        let docs = docs.into_iter().zip(kept).filter_map(|(d, k)| k.then_some(d)).collect();
        let spilled = Some(writer.finish()?);
        Ok(AnalyzedCorpus { docs, index, vocab, spans, analyzer, summary, spilled })
    }
}

/// Read, filter, analyse and index the corpus at `paths` (no paths: the bundled sample).
///
/// Absorbing a batch into the vocabulary and the index is sequential (ids must follow corpus
/// order), so it runs beside the reading and analysis of the next batch.
pub fn run(
    paths: &[PathBuf],
    options: &PipelineOptions,
) -> Result<AnalyzedCorpus, corpus::CorpusError> {
    let started = Instant::now();
    if options.read.clean != corpus::CleanMode::None {
        rayon::spawn(corpus::clean::kcna::prepare);
    }
    let (inputs, problems) = corpus::list_inputs(paths, &options.exclude)?;
    let mut sizes = file_sizes(&inputs);
    let ahead = read_stdin_ahead(&inputs, &mut sizes, options)?;
    let options = ahead.as_ref().unwrap_or(options);
    let batch_bytes = batch_bytes(&options.budget);
    let pieced: Vec<bool> =
        inputs.iter().zip(&sizes).map(|(i, &len)| in_pieces(i, len, batch_bytes)).collect();
    let spill = match spill_needed(&inputs, &sizes, &pieced, options)? {
        true => Some(SpillWriter::new(
            options.budget.temp_space().map_err(|e| spill_error(options, e))?,
        )),
        false => None,
    };
    let analyzer = Analyzer::new(&options.analyzer);
    let mut builder = Builder::new(options, &analyzer);
    builder.spill = spill;
    builder.summary.problems = problems;
    builder.summary.inputs = inputs.len();
    let mut selection = SelectionReport::default();
    // The bar counts bytes on disk, so that one large file read in pieces moves it too.
    let progress = Progress::with_eta("reading", sizes.iter().sum::<u64>().max(1));
    let mut pending: Option<Batch> = None;
    let mut at = 0;
    for unit in batches(&inputs, &sizes, &pieced, batch_bytes) {
        match unit {
            Unit::Files(files) => {
                let bytes: u64 = sizes[at..at + files.len()].iter().sum();
                at += files.len();
                let batch = beside(&mut pending, &mut builder, || {
                    let read = files.par_iter().map(|i| corpus::read_input(i, &options.read));
                    let batch = analyse_batch(read.collect(), options, &analyzer, &mut selection);
                    progress.inc(bytes);
                    batch
                });
                pending = Some(batch);
            }
            Unit::Pieces(input @ Input::File(path)) => {
                let mut shown = PieceShare::new(input, sizes[at], batch_bytes);
                at += 1;
                let mut reader = corpus::PieceReader::open(path, &options.read, batch_bytes);
                while !reader.done() {
                    let batch = beside(&mut pending, &mut builder, || {
                        let piece = vec![reader.next_piece()];
                        analyse_batch(piece, options, &analyzer, &mut selection)
                    });
                    pending = Some(batch);
                    progress.inc(shown.next());
                }
                progress.inc(shown.rest());
            }
            Unit::Pieces(_) => unreachable!("only files are read in pieces"),
        }
    }
    if let Some(done) = pending {
        builder.add_batch(done);
    }
    progress.finish();
    options.select.finish(&mut selection);
    builder.summary.selection = selection;
    crate::progress::trace(started, || "read and analysed the corpus".into());
    if let Some(e) = builder.spill_failed.take() {
        return Err(spill_error(options, e));
    }
    let spilled = match builder.spill.take() {
        Some(w) => Some(w.finish().map_err(|e| spill_error(options, e))?),
        None => None,
    };
    let parts = builder.into_parts();
    let mut out = assemble(parts, analyzer);
    out.spilled = spilled;
    out.summary.elapsed = started.elapsed();
    Ok(out)
}

/// Analyse documents that are already in memory (for tests, benches and library users).
pub fn analyze_documents(docs: Vec<Document>, options: &PipelineOptions) -> AnalyzedCorpus {
    let started = Instant::now();
    let analyzer = Analyzer::new(&options.analyzer);
    let mut builder = Builder::new(options, &analyzer);
    let read = docs.len();
    let docs = options.select.prepare(docs, &mut builder.summary.selection);
    options.select.finish(&mut builder.summary.selection);
    let chunks = analyze(docs, &analyzer, options.only_lang.as_deref());
    builder.add_batch(Batch { chunks, problems: Vec::new(), documents_read: read });
    let parts = builder.into_parts();
    let mut out = assemble(parts, analyzer);
    out.summary.elapsed = started.elapsed();
    out
}

/// A corpus of documents `d0`, `d1`, … with these texts, texts and word offsets kept (for the
/// tests of modules that need contexts).
#[cfg(test)]
pub(crate) fn test_corpus(texts: &[&str]) -> AnalyzedCorpus {
    let docs = texts
        .iter()
        .enumerate()
        .map(|(i, t)| Document { id: format!("d{i}"), text: t.to_string(), ..Default::default() })
        .collect();
    let options = PipelineOptions { keep_text: true, keep_spans: true, ..Default::default() };
    analyze_documents(docs, &options)
}

/// A batch of files, read and analysed, waiting to be absorbed.
struct Batch {
    chunks: Vec<Chunk>,
    problems: Vec<Problem>,
    documents_read: usize,
}

/// Run `read` (the reading and analysis of the next batch) beside the absorption of the
/// `pending` one: absorbing is sequential (ids follow corpus order), reading is not.
fn beside(
    pending: &mut Option<Batch>,
    builder: &mut Builder,
    read: impl FnOnce() -> Batch + Send,
) -> Batch {
    let absorb = || {
        if let Some(done) = pending.take() {
            builder.add_batch(done);
        }
    };
    rayon::join(read, absorb).0
}

/// Select the documents of a batch of inputs read (whole files, or a piece of one), and
/// analyse them in parallel chunks.
fn analyse_batch(
    results: Vec<corpus::ReadResult>,
    options: &PipelineOptions,
    analyzer: &Analyzer,
    selection: &mut SelectionReport,
) -> Batch {
    let mut docs = Vec::new();
    let mut problems = Vec::new();
    let mut documents_read = 0;
    for r in results {
        documents_read += r.docs.len();
        problems.extend(r.problems);
        docs.extend(r.docs);
    }
    let docs = options.select.prepare(docs, selection);
    let chunks = analyze(docs, analyzer, options.only_lang.as_deref());
    Batch { chunks, problems, documents_read }
}

/// Analyse documents in parallel chunks, keeping their order.
fn analyze(docs: Vec<Document>, analyzer: &Analyzer, only_lang: Option<&str>) -> Vec<Chunk> {
    cut_into_chunks(docs)
        .into_par_iter()
        .map(|docs| analyze_chunk(docs, analyzer, only_lang))
        .collect()
}

/// One chunk of documents after analysis.
struct Chunk {
    docs: Vec<Document>,
    /// Detected language of documents skipped by `--only-lang` (index into `docs`).
    skipped: Vec<(usize, String)>,
    vocab: LocalVocab,
    buf: TokenBuf,
    /// Words of each analysed document, in order.
    doc_words: Vec<u32>,
}

/// The corpus being assembled, batch after batch, in corpus order.
struct Builder<'a> {
    options: &'a PipelineOptions,
    analyzer: &'a Analyzer,
    vocab: Vocabulary,
    index: TokenIndex,
    docs: Vec<Document>,
    spans: Vec<(u32, u32)>,
    summary: Summary,
    /// Where the words go instead of `index` when the corpus is over the budget.
    spill: Option<SpillWriter>,
    /// The first error writing `spill` (the rest of the corpus is then still read, not kept).
    spill_failed: Option<std::io::Error>,
}

impl<'a> Builder<'a> {
    fn new(options: &'a PipelineOptions, analyzer: &'a Analyzer) -> Self {
        Builder {
            options,
            analyzer,
            vocab: Vocabulary::new(analyzer),
            index: TokenIndex::new(),
            docs: Vec::new(),
            spans: Vec::new(),
            summary: Summary::default(),
            spill: None,
            spill_failed: None,
        }
    }

    /// Absorb an analysed batch, chunk after chunk.
    fn add_batch(&mut self, batch: Batch) {
        self.summary.documents_read += batch.documents_read;
        self.summary.problems.extend(batch.problems);
        for chunk in batch.chunks {
            self.absorb(chunk);
        }
    }

    fn absorb(&mut self, chunk: Chunk) {
        let ids = self.vocab.absorb(&chunk.vocab, self.analyzer);
        let keys = self.vocab.surface_keys();
        let mut skipped = chunk.skipped.into_iter().peekable();
        let mut words = chunk.doc_words.iter();
        let mut at = 0usize;
        for (d, mut doc) in chunk.docs.into_iter().enumerate() {
            if skipped.peek().is_some_and(|(s, _)| *s == d) {
                let (_, lang) = skipped.next().unwrap();
                *self.summary.skipped_language.entry(lang).or_default() += 1;
                continue;
            }
            let n = *words.next().expect("one word count per analysed document") as usize;
            let range = at..at + n;
            at += n;
            let local = &chunk.buf.surface[range.clone()];
            let spans = &chunk.buf.spans[range];
            if let Some(spill) = &mut self.spill {
                let words = local
                    .iter()
                    .zip(spans)
                    .map(|(&l, span)| (ids[l as usize], span.sentence_start));
                if let Err(e) = spill.push_doc(words) {
                    self.spill_failed.get_or_insert(e);
                }
            } else {
                self.index.push_doc(local.iter().zip(spans).map(|(&l, span)| {
                    let s = ids[l as usize];
                    (keys[s as usize], s, span.sentence_start)
                }));
            }
            // A corpus on disk keeps neither texts nor offsets (see `may_spill`).
            let in_memory = self.spill.is_none();
            if self.options.keep_spans && in_memory {
                self.spans.extend(spans.iter().map(|s| (s.start, s.end)));
            }
            count_document(&mut self.summary, &doc, n);
            if !(self.options.keep_text && in_memory) {
                doc.text = String::new();
            }
            self.docs.push(doc);
        }
        self.summary.sentences += chunk.buf.stats.sentences;
        self.summary.overlong_words += chunk.buf.stats.overlong;
    }

    /// The corpus, once the builder's borrow of the analyser has ended.
    fn into_parts(self) -> (Vec<Document>, TokenIndex, Vocabulary, Vec<(u32, u32)>, Summary) {
        (self.docs, self.index, self.vocab, self.spans, self.summary)
    }
}

fn assemble(
    (docs, index, vocab, spans, summary): (
        Vec<Document>,
        TokenIndex,
        Vocabulary,
        Vec<(u32, u32)>,
        Summary,
    ),
    analyzer: Analyzer,
) -> AnalyzedCorpus {
    AnalyzedCorpus { docs, index, vocab, spans, analyzer, summary, spilled: None }
}

/// Clear what the summary counts per document, to count a subset of them again.
fn forget_documents(summary: &mut Summary) {
    (summary.documents, summary.words, summary.sentences) = (0, 0, 0);
    (summary.documents_without_words, summary.undated) = (0, 0);
    summary.removed = corpus::clean::Removed::default();
}

fn count_document(summary: &mut Summary, doc: &Document, words: usize) {
    summary.documents += 1;
    summary.words += words as u64;
    summary.documents_without_words += usize::from(words == 0);
    summary.undated += usize::from(doc.date.is_none());
    summary.removed.merge(&doc.removed);
}

/// Cut documents into runs of about [`CHUNK_BYTES`] of text, keeping their order.
fn cut_into_chunks(docs: Vec<Document>) -> Vec<Vec<Document>> {
    let mut chunks = Vec::new();
    let mut current = Vec::new();
    let mut bytes = 0;
    for doc in docs {
        bytes += doc.text.len();
        current.push(doc);
        if bytes >= CHUNK_BYTES {
            chunks.push(std::mem::take(&mut current));
            bytes = 0;
        }
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

fn analyze_chunk(docs: Vec<Document>, analyzer: &Analyzer, only_lang: Option<&str>) -> Chunk {
    let mut chunk = Chunk {
        docs: Vec::new(),
        skipped: Vec::new(),
        vocab: LocalVocab::new(),
        buf: TokenBuf::default(),
        doc_words: Vec::new(),
    };
    for (d, doc) in docs.iter().enumerate() {
        if let Some(want) = only_lang {
            match corpus::document_language(doc) {
                Some(lang) if lang != want => {
                    chunk.skipped.push((d, lang.to_string()));
                    continue;
                }
                _ => {}
            }
        }
        let before = chunk.buf.surface.len();
        analyzer.analyze(&doc.text, &mut chunk.vocab, &mut chunk.buf);
        chunk.doc_words.push((chunk.buf.surface.len() - before) as u32);
    }
    chunk.docs = docs;
    chunk
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_read_in_pieces_moves_the_bar_by_its_share_and_never_past_its_size() {
        let file = Input::File("big.jsonl".into());
        // 1,000 bytes of text in pieces of 300: four pieces expected, 250 bytes each.
        let mut share = PieceShare::new(&file, 1000, 300);
        let steps: Vec<u64> = (0..3).map(|_| share.next()).collect();
        assert_eq!(steps, [250, 250, 250]);
        assert_eq!(share.rest(), 250);
        // More pieces than expected: the bar stops at the file's size; fewer: the rest jumps.
        let mut share = PieceShare::new(&file, 1000, 300);
        let steps: u64 = (0..6).map(|_| share.next()).sum();
        assert_eq!((steps, share.rest()), (1000, 0));
        let mut share = PieceShare::new(&file, 1000, 300);
        assert_eq!((share.next(), share.rest()), (250, 750));
        // A gzipped file's text is estimated larger than the file: more, smaller steps.
        let gz = Input::File("big.jsonl.gz".into());
        let mut share = PieceShare::new(&gz, 1000, 300);
        assert!(share.next() < 250);
    }

    #[test]
    fn a_file_read_in_pieces_is_a_unit_of_its_own_between_batches_of_files() {
        let inputs: Vec<Input> = (0..7).map(|i| Input::File(format!("f{i}").into())).collect();
        let sizes = [1, 1, 50, 1, 1, 1, 60];
        let pieced = [false, false, true, false, false, false, true];
        let got = batches(&inputs, &sizes, &pieced, 2);
        let want = vec![
            Unit::Files(&inputs[0..2]),
            Unit::Pieces(&inputs[2]),
            Unit::Files(&inputs[3..5]),
            Unit::Files(&inputs[5..6]),
            Unit::Pieces(&inputs[6]),
        ];
        assert_eq!(got, want);
        // Without pieces, the same files are cut by size only.
        let whole = batches(&inputs, &sizes, &[false; 7], 2);
        let cut: Vec<usize> = whole
            .iter()
            .map(|u| match u {
                Unit::Files(f) => f.len(),
                Unit::Pieces(_) => 0,
            })
            .collect();
        assert_eq!(cut, [2, 1, 2, 1, 1]);
    }

    #[test]
    fn only_record_files_with_more_text_than_a_piece_are_read_in_pieces() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, "{\"text\": \"a\"}\n").unwrap();
            Input::File(path)
        };
        let (jsonl, txt, json) = (write("a.jsonl"), write("a.txt"), write("a.json"));
        assert!(in_pieces(&jsonl, 100, 99));
        assert!(!in_pieces(&jsonl, 100, 100));
        assert!(!in_pieces(&txt, 100, 10) && !in_pieces(&json, 100, 10));
        assert!(!in_pieces(&Input::Stdin, 100, 10));
        // A .gz file's text is counted at four times its size.
        let gz = write("a.csv.gz");
        assert!(in_pieces(&gz, 30, 100));
    }
}
