//! Reading documents again from their sources, for a corpus whose text was not kept (its
//! token index went to disk, [`AnalyzedCorpus::spilled`]): kwic needs the text of the few
//! documents whose lines it prints.
//!
//! Reading is deterministic: a file read, selected (`--where`, `--meta`, `--name-pattern`),
//! filtered by language and analysed again with the run's options gives the same documents
//! with the same words. A document is found in its file by its rank among the corpus's
//! documents from that file (they are consecutive, in file order), then checked by its id and
//! its number of words, so a file changed since the run read it is an error, never a wrong
//! context. A file the pipeline read in pieces is read again a piece at a time, keeping only
//! the wanted documents, so that reading again holds the budget too.

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
        let mut kept = self.documents(input).filter(|d| self.language_kept(d));
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

    /// The documents of `input` after the selection: a file the pipeline read in pieces is
    /// read again a piece at a time (only the wanted documents are kept), any other whole.
    fn documents(&self, input: &Input) -> Box<dyn Iterator<Item = Document> + '_> {
        let select = |docs| self.options.select.prepare(docs, &mut SelectionReport::default());
        let piece = crate::pipeline::batch_bytes(&self.options.budget);
        let size = |path: &std::path::Path| std::fs::metadata(path).map_or(0, |m| m.len());
        match input {
            Input::File(path) if crate::pipeline::in_pieces(input, size(path), piece) => {
                let mut reader = corpus::PieceReader::open(path, &self.options.read, piece);
                let mut piece = Vec::new().into_iter();
                Box::new(std::iter::from_fn(move || {
                    loop {
                        if let Some(doc) = piece.next() {
                            return Some(doc);
                        }
                        if reader.done() {
                            return None;
                        }
                        piece = select(reader.next_piece().docs).into_iter();
                    }
                }))
            }
            _ => Box::new(select(corpus::read_input(input, &self.options.read).docs).into_iter()),
        }
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

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::budget::Budget;

    const ENGLISH: &str = "The party cells are the basic units of the party, and they lead.";
    const SPANISH: &str = "Las células del partido son las unidades básicas y dirigen la lucha.";

    /// A folder of a text file and a JSON Lines file whose records include one without text
    /// (skipped by the reader), one in Spanish and one the `--where` of the tests leaves out.
    fn corpus(dir: &Path) -> PathBuf {
        let root = dir.join("c");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("a.txt"), format!("{ENGLISH}\n\nParty cells, always.")).unwrap();
        let records = [
            format!(r#"{{"kind": "keep", "text": "{ENGLISH} One."}}"#),
            r#"{"kind": "keep", "text": ""}"#.to_string(),
            format!(r#"{{"kind": "keep", "text": "{SPANISH}"}}"#),
            format!(r#"{{"kind": "drop", "text": "{ENGLISH} Two."}}"#),
            format!(r#"{{"kind": "keep", "text": "Party  cells\n\nof  {ENGLISH} Three."}}"#),
            format!(r#"{{"kind": "keep", "text": "{ENGLISH} Four, the last."}}"#),
        ];
        std::fs::write(root.join("b.jsonl"), records.join("\n")).unwrap();
        root
    }

    fn options(spill: bool) -> PipelineOptions {
        let mut options =
            PipelineOptions { only_lang: Some("en".into()), command: "test", ..Default::default() };
        options.select.conditions.conditions.push("kind!=drop".parse().unwrap());
        options.select.filter = true;
        if spill {
            options.budget = Budget::of(crate::budget::MIN_BYTES);
            (options.may_spill, options.force_spill) = (true, true);
        } else {
            (options.budget, options.keep_text, options.keep_spans) =
                (Budget::unlimited(), true, true);
        }
        options
    }

    #[test]
    fn documents_read_again_are_those_analysed_and_a_changed_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let root = corpus(dir.path());
        let paths = [root.clone()];
        let memory = crate::pipeline::run(&paths, &options(false)).unwrap();
        let spilled_options = options(true);
        let spilled = crate::pipeline::run(&paths, &spilled_options).unwrap();
        let on_disk = spilled.spilled.as_ref().expect("spilled");
        // a.txt, then records 1, 5 and 6 (2 has no text, 3 is Spanish, 4 is left out).
        assert_eq!(memory.docs.len(), 4);
        assert_eq!(spilled.docs.len(), 4);
        assert!(spilled.docs.iter().all(|d| d.text.is_empty()));
        let (inputs, _) = corpus::list_inputs(&paths, &[]).unwrap();
        let rereader = Rereader::new(&spilled, &on_disk.doc_len, &inputs, &spilled_options);
        let got = rereader.map(&[0, 2, 3], |d, r| (d, r.clone())).unwrap();
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), [0, 2, 3]);
        for (d, (_, reread)) in got {
            assert_eq!(reread.text, memory.docs[d].text, "document {d}");
            assert_eq!(reread.spans, memory.spans[memory.index.doc_range(d)], "document {d}");
        }
        assert!(memory.docs[2].text.starts_with("Party cells\n\nof"), "{}", memory.docs[2].text);

        // A record changed after the run read it: an error, not another document's words.
        let b = root.join("b.jsonl");
        let text = std::fs::read_to_string(&b).unwrap().replace("Four, the last", "Four");
        std::fs::write(&b, text).unwrap();
        let e = rereader.map(&[1, 3], |_, r| r.text.len()).unwrap_err();
        let source_name = b.display().to_string();
        assert_eq!(e, RereadError::Changed { source_name, id: spilled.docs[3].id.clone() });
        // The unchanged file still reads.
        // 13 words, a paragraph break, 3 words.
        assert_eq!(rereader.map(&[0], |_, r| r.spans.len()).unwrap(), [(0, 16)]);
    }

    #[test]
    fn a_source_that_is_not_an_input_cannot_be_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = corpus(dir.path());
        let options = options(true);
        let corpus = crate::pipeline::run(&[root], &options).unwrap();
        let doc_len = corpus.spilled.as_ref().unwrap().doc_len.clone();
        let rereader = Rereader::new(&corpus, &doc_len, &[], &options);
        let e = rereader.map(&[0], |_, _| ()).unwrap_err();
        assert!(matches!(e, RereadError::NotRereadable { .. }), "{e}");
    }
}
