//! Reading documents again from their sources, for a corpus whose text was not kept (its
//! token index went to disk, [`AnalyzedCorpus::spilled`]): kwic needs the text of the few
//! documents whose lines it prints.
//!
//! Reading is deterministic: a file read, selected (`--where`, `--meta`, `--name-pattern`),
//! filtered by language and analysed again with the run's options gives the same documents
//! with the same words. A document is found in its file by its rank among the corpus's
//! documents from that file (they are consecutive, in file order), then checked by its id and
//! its number of words, so a file changed since the run read it is an error, never a wrong
//! context.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::analysis::{Analyzer, LocalVocab, TokenBuf};
use crate::corpus::{self, Document, Input};
use crate::pipeline::{AnalyzedCorpus, PipelineOptions};
use crate::select::SelectionReport;

/// A document read again: its cleaned text and the byte range of each of its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reread {
    /// The text, as the pipeline analysed it.
    pub text: String,
    /// Byte range of each word in `text`.
    pub spans: Vec<(u32, u32)>,
}

/// Why a document could not be read again.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RereadError {
    /// The source no longer gives the document the run read.
    #[error(
        "`{source_name}` changed while refrain was running (document `{id}` is not what was \
         read); run again"
    )]
    Changed {
        /// The file.
        source_name: String,
        /// The document's id.
        id: String,
    },
    /// The document came from standard input, which cannot be read twice.
    #[error("document `{id}` came from `{source_name}`, which cannot be read again")]
    NotRereadable {
        /// The source as the document names it.
        source_name: String,
        /// The document's id.
        id: String,
    },
}

/// Reads documents of a corpus again from its inputs.
pub struct Rereader<'a> {
    docs: &'a [Document],
    doc_len: &'a [u32],
    inputs: HashMap<String, &'a Input>,
    options: &'a PipelineOptions,
    analyzer: &'a Analyzer,
}

impl<'a> Rereader<'a> {
    /// For `corpus`, read from `inputs` with `options` (both as the pipeline had them), with
    /// `doc_len` the words of each of its documents.
    pub fn new(
        corpus: &'a AnalyzedCorpus,
        doc_len: &'a [u32],
        inputs: &'a [Input],
        options: &'a PipelineOptions,
    ) -> Self {
        let inputs = inputs
            .iter()
            .filter_map(|i| match i {
                Input::File(path) => Some((path.display().to_string(), i)),
                Input::Sample => Some(("<sample>".to_string(), i)),
                Input::Stdin => None,
            })
            .collect();
        Rereader { docs: &corpus.docs, doc_len, inputs, options, analyzer: &corpus.analyzer }
    }

    /// Read documents `wanted` (corpus numbers, ascending, no repeats) again and give each to
    /// `each`; results in the order of `wanted`. Files are read in parallel, each once.
    pub fn map<T: Send>(
        &self,
        wanted: &[usize],
        each: impl Fn(usize, &Reread) -> T + Sync,
    ) -> Result<Vec<(usize, T)>, RereadError> {
        let parts: Vec<Result<Vec<(usize, T)>, RereadError>> = self
            .by_source(wanted)
            .par_iter()
            .map(|(first, docs)| self.read_source(*first, docs, &each))
            .collect();
        let mut out = Vec::with_capacity(wanted.len());
        for part in parts {
            out.extend(part?);
        }
        Ok(out)
    }

    /// The wanted documents grouped by source: (first document of the source, wanted ones).
    fn by_source(&self, wanted: &[usize]) -> Vec<(usize, Vec<usize>)> {
        let mut out: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut wanted = wanted.iter().copied().peekable();
        let mut first = 0;
        for (d, doc) in self.docs.iter().enumerate() {
            let Some(&next) = wanted.peek() else { break };
            if d > 0 && doc.source != self.docs[d - 1].source {
                first = d;
            }
            if next != d {
                continue;
            }
            wanted.next();
            match out.last_mut() {
                Some((f, docs)) if *f == first => docs.push(d),
                _ => out.push((first, vec![d])),
            }
        }
        out
    }

    /// Read the source whose first document in the corpus is `first`, and give each of `docs`
    /// (ascending) to `each`.
    fn read_source<T>(
        &self,
        first: usize,
        docs: &[usize],
        each: &impl Fn(usize, &Reread) -> T,
    ) -> Result<Vec<(usize, T)>, RereadError> {
        let doc = &self.docs[first];
        let Some(input) = self.inputs.get(&doc.source) else {
            return Err(RereadError::NotRereadable {
                source_name: doc.source.clone(),
                id: doc.id.clone(),
            });
        };
        let read = corpus::read_input(input, &self.options.read);
        let selected = self.options.select.prepare(read.docs, &mut SelectionReport::default());
        let mut kept = selected.into_iter().filter(|d| self.language_kept(d));
        let mut out = Vec::with_capacity(docs.len());
        let mut at = first;
        for &d in docs {
            let found = kept.nth(d - at);
            at = d + 1;
            let reread = found.and_then(|found| self.analyse(d, found));
            let Some(reread) = reread else {
                return Err(RereadError::Changed {
                    source_name: self.docs[d].source.clone(),
                    id: self.docs[d].id.clone(),
                });
            };
            out.push((d, each(d, &reread)));
        }
        Ok(out)
    }

    /// Whether `--only-lang` kept the document (as the pipeline decides it).
    fn language_kept(&self, doc: &Document) -> bool {
        match (&self.options.only_lang, corpus::document_language(doc)) {
            (Some(want), Some(lang)) => lang == want.as_str(),
            _ => true,
        }
    }

    /// Analyse `found` again, if it is corpus document `d`: same id, same number of words.
    fn analyse(&self, d: usize, found: Document) -> Option<Reread> {
        if found.id != self.docs[d].id {
            return None;
        }
        let mut buf = TokenBuf::default();
        self.analyzer.analyze(&found.text, &mut LocalVocab::new(), &mut buf);
        if buf.spans.len() != self.doc_len[d] as usize {
            return None;
        }
        let spans = buf.spans.iter().map(|s| (s.start, s.end)).collect();
        Some(Reread { text: found.text, spans })
    }
}
