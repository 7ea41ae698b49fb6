//! The token index on disk: the corpus as segments of word ids in temporary files, for runs
//! whose index would not fit in the memory budget.
//!
//! The pipeline appends whole documents to a [`SpillWriter`]; every [`SEGMENT_WORDS`] or so it
//! writes a segment file into the run's [`TempSpace`]. A segment holds its documents' word
//! counts and one u32 per word: the surface id, with the top bit set where the word starts a
//! sentence (key ids are the vocabulary's `surface_keys` of the surface ids). The counter
//! reads the segments back in corpus order, one at a time, as many times as it needs
//! ([`SpilledIndex::segments`]); reading back through the system's page cache costs far less
//! than analysing the text again.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

use crate::budget::TempSpace;

use super::TokenIndex;

/// Words per segment file (4 bytes each on disk).
pub const SEGMENT_WORDS: usize = 1 << 20;

/// Marks a word that starts a sentence in a segment file.
const START: u32 = 1 << 31;

/// The corpus's token index, written to segment files.
#[derive(Clone)]
pub struct SpilledIndex {
    space: Arc<TempSpace>,
    segments: Vec<Segment>,
    /// Words of every document, in corpus order.
    pub doc_len: Vec<u32>,
    /// Words in all.
    pub words: u64,
}

#[derive(Clone)]
struct Segment {
    path: PathBuf,
    first_doc: usize,
    docs: usize,
    words: usize,
}

/// One segment read back: its documents as a [`TokenIndex`] and where they sit in the corpus.
pub struct SegmentIndex {
    /// Corpus number of the segment's first document.
    pub first_doc: usize,
    /// Corpus position of the segment's first word.
    pub first_word: u64,
    /// The segment's words (document numbers local to the segment).
    pub index: TokenIndex,
}

impl SpilledIndex {
    /// Number of documents.
    pub fn doc_count(&self) -> usize {
        self.doc_len.len()
    }

    /// The temporary folder the segments are in (runs go there too).
    pub fn space(&self) -> &Arc<TempSpace> {
        &self.space
    }

    /// Bytes on disk.
    pub fn disk_bytes(&self) -> u64 {
        self.segments.iter().map(|s| 4 * (2 + s.words + s.docs) as u64).sum()
    }

    /// Number of segment files.
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// Segment `k` as it is on disk.
    pub fn raw_segment(&self, k: usize) -> io::Result<RawSegment> {
        let s = &self.segments[k];
        let mut r = BufReader::with_capacity(1 << 20, File::open(&s.path)?);
        let head = read_u32s(&mut r, 2)?;
        let (docs, words) = (head[0] as usize, head[1] as usize);
        if docs != s.docs || words != s.words {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "segment file changed on disk"));
        }
        let lens = read_u32s(&mut r, docs)?;
        let ids = read_u32s(&mut r, words)?;
        Ok(RawSegment { first_doc: s.first_doc, lens, ids })
    }

    /// Read the segments back in corpus order; `surface_keys` maps surface ids to key ids.
    pub fn segments<'a>(
        &'a self,
        surface_keys: &'a [u32],
    ) -> impl Iterator<Item = io::Result<SegmentIndex>> + 'a {
        let mut first_word = 0u64;
        (0..self.segments.len()).map(move |k| {
            let mut segment = to_index(self.raw_segment(k)?, surface_keys);
            segment.first_word = first_word;
            first_word += self.segments[k].words as u64;
            Ok(segment)
        })
    }
}

/// A segment as it is on disk: its documents' lengths and one u32 per word, the surface id
/// with [`RawSegment::START`] set where the word starts a sentence.
pub struct RawSegment {
    /// Corpus number of the segment's first document.
    pub first_doc: usize,
    /// Words of each document.
    pub lens: Vec<u32>,
    /// The words.
    pub ids: Vec<u32>,
}

impl RawSegment {
    /// The bit that marks a sentence's first word.
    pub const START: u32 = START;
}

/// Appends documents to segment files.
pub struct SpillWriter {
    space: Arc<TempSpace>,
    segments: Vec<Segment>,
    doc_len: Vec<u32>,
    words: u64,
    /// The open segment: its documents' lengths and its words.
    lens: Vec<u32>,
    ids: Vec<u32>,
}

impl SpillWriter {
    /// Write segments into `space`.
    pub fn new(space: TempSpace) -> Self {
        SpillWriter {
            space: Arc::new(space),
            segments: Vec::new(),
            doc_len: Vec::new(),
            words: 0,
            lens: Vec::new(),
            ids: Vec::new(),
        }
    }

    /// Append one document: (surface id, starts a sentence) per word.
    pub fn push_doc(&mut self, words: impl IntoIterator<Item = (u32, bool)>) -> io::Result<()> {
        let before = self.ids.len();
        self.ids.extend(words.into_iter().map(|(s, start)| {
            debug_assert!(s < START, "surface id too large for a segment file");
            s | if start { START } else { 0 }
        }));
        if let Some(first) = self.ids.get_mut(before) {
            *first |= START;
        }
        let len = (self.ids.len() - before) as u32;
        self.lens.push(len);
        self.doc_len.push(len);
        self.words += len as u64;
        if self.ids.len() >= SEGMENT_WORDS {
            self.flush()?;
        }
        Ok(())
    }

    /// Write the open segment, if it holds any document.
    fn flush(&mut self) -> io::Result<()> {
        if self.lens.is_empty() {
            return Ok(());
        }
        let (file, path) = self.space.create("segment")?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        write_u32s(&mut w, &[self.lens.len() as u32, self.ids.len() as u32])?;
        write_u32s(&mut w, &self.lens)?;
        write_u32s(&mut w, &self.ids)?;
        w.flush()?;
        let docs = self.lens.len();
        let first_doc = self.doc_len.len() - docs;
        self.segments.push(Segment { path, first_doc, docs, words: self.ids.len() });
        self.lens.clear();
        self.ids.clear();
        Ok(())
    }

    /// The finished index.
    pub fn finish(mut self) -> io::Result<SpilledIndex> {
        self.flush()?;
        self.ids = Vec::new();
        Ok(SpilledIndex {
            space: self.space,
            segments: self.segments,
            doc_len: self.doc_len,
            words: self.words,
        })
    }
}

fn write_u32s(w: &mut impl Write, values: &[u32]) -> io::Result<()> {
    for chunk in values.chunks(1 << 14) {
        let bytes: Vec<u8> = chunk.iter().flat_map(|v| v.to_le_bytes()).collect();
        w.write_all(&bytes)?;
    }
    Ok(())
}

fn read_u32s(r: &mut impl Read, n: usize) -> io::Result<Vec<u32>> {
    let mut bytes = vec![0u8; n * 4];
    r.read_exact(&mut bytes)?;
    Ok(bytes.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
}

fn to_index(raw: RawSegment, surface_keys: &[u32]) -> SegmentIndex {
    let RawSegment { first_doc, lens, ids } = raw;
    let words = ids.len();
    let mut index = TokenIndex::new();
    index.keys.reserve(words);
    index.surfaces.reserve(words);
    index.sentence_start.reserve(words);
    let mut at = 0;
    for len in lens {
        let doc = &ids[at..at + len as usize];
        at += len as usize;
        index.push_doc(doc.iter().map(|&v| {
            let s = v & !START;
            (surface_keys[s as usize], s, v & START != 0)
        }));
    }
    SegmentIndex { first_doc, first_word: 0, index }
}

/// The token index `index` written to segment files in a temporary folder of its own (tests).
#[cfg(test)]
pub(crate) fn spill_index(index: &TokenIndex) -> SpilledIndex {
    let mut w = SpillWriter::new(TempSpace::new(None).unwrap());
    for d in 0..index.doc_count() {
        let r = index.doc_range(d);
        w.push_doc(r.map(|i| (index.surfaces[i], index.sentence_start[i]))).unwrap();
    }
    w.finish().unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_read_back_as_the_documents_written() {
        let space = TempSpace::new(None).unwrap();
        let mut w = SpillWriter::new(space);
        let docs: Vec<Vec<(u32, bool)>> =
            (0..5).map(|d| (0..(d * 3) as u32).map(|i| (i % 7, i % 4 == 0)).collect()).collect();
        for doc in &docs {
            w.push_doc(doc.iter().copied()).unwrap();
        }
        let spilled = w.finish().unwrap();
        assert_eq!(spilled.doc_len, [0, 3, 6, 9, 12]);
        let keys: Vec<u32> = (0..7).map(|s| s / 2).collect();
        let segs: Vec<SegmentIndex> = spilled.segments(&keys).map(Result::unwrap).collect();
        assert_eq!(segs.len(), 1);
        let idx = &segs[0].index;
        assert_eq!(idx.doc_count(), 5);
        assert_eq!(idx.doc_range(2), 3..9);
        assert_eq!(idx.surfaces[3..9], [0, 1, 2, 3, 4, 5]);
        assert_eq!(idx.keys[3..9], [0, 0, 1, 1, 2, 2]);
        // Each document's first word starts a sentence, and so does every 4th word.
        assert_eq!(idx.sentence_start[3..9], [true, false, false, false, true, false]);
    }
}
