//! From bytes to text: gzip, binary-file detection, UTF-8 (lossy, with a problem naming the
//! first bad byte), UTF-16 with a byte-order mark, and the UTF-8 byte-order mark.

use std::io::Read;

use super::Problem;

/// Whether the bytes start with the gzip magic number (stdin may be gzipped too).
pub(crate) fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Decompress gzip (several concatenated members are read as one stream, like `zcat`), up to
/// `cap` bytes of content: more is a `FileTooLarge` error (a small `.gz` can hold gigabytes).
pub(crate) fn gunzip(bytes: &[u8], cap: u64) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4).min(cap as usize));
    flate2::read::MultiGzDecoder::new(bytes).take(cap.saturating_add(1)).read_to_end(&mut out)?;
    if out.len() as u64 > cap {
        return Err(gunzip_too_large(cap));
    }
    Ok(out)
}

/// The error for gzip content over `cap` bytes.
pub(crate) fn gunzip_too_large(cap: u64) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!("decompresses to more than {cap} bytes, the limit (--max-file-size)"),
    )
}

/// How much of the start of a file is examined to call it binary.
const SNIFF_LEN: usize = 8192;

/// A file is binary if its first 8 KB hold a NUL byte, or more than 30% of them are control
/// characters or bytes that are not UTF-8. (Legacy 8-bit text such as a stray Windows-1252
/// dash is far below that, and is decoded lossily instead.) UTF-16 text with a byte-order
/// mark is not binary.
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    if utf16_bom(bytes).is_some() {
        return false;
    }
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    if memchr::memchr(0, head).is_some() {
        return true;
    }
    let control = head
        .iter()
        .filter(|&&b| matches!(b, 0x01..=0x08 | 0x0e..=0x1a | 0x1c..=0x1f | 0x7f))
        .count();
    let invalid: usize = head.utf8_chunks().map(|c| c.invalid().len()).sum();
    (control + invalid) * 10 > head.len() * 3
}

/// Decode bytes as text. Invalid UTF-8 is replaced by U+FFFD and reported (with the byte
/// offset of the first bad byte); a UTF-8 byte-order mark is dropped silently; UTF-16 with a
/// byte-order mark is decoded.
pub(crate) fn decode_text(bytes: Vec<u8>, source: &str, problems: &mut Vec<Problem>) -> String {
    if let Some(big_endian) = utf16_bom(&bytes) {
        return decode_utf16(&bytes[2..], big_endian, source, problems);
    }
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let bad = bytes.utf8_chunks().filter(|c| !c.invalid().is_empty()).count();
            problems.push(invalid_utf8(source, bad, offset));
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    text
}

fn invalid_utf8(source: &str, bad: usize, offset: usize) -> Problem {
    let message =
        format!("{bad} invalid byte sequence(s), the first at byte {offset}; replaced by U+FFFD");
    Problem::repaired(source, None, "invalid UTF-8", message)
}

/// `Some(big_endian)` when the bytes start with a UTF-16 byte-order mark.
pub(crate) fn utf16_bom(bytes: &[u8]) -> Option<bool> {
    match bytes {
        [0xfe, 0xff, ..] => Some(true),
        [0xff, 0xfe, ..] => Some(false),
        _ => None,
    }
}

/// UTF-16 after its byte-order mark; unpaired surrogates become U+FFFD and an odd last byte
/// is dropped, each reported.
fn decode_utf16(
    bytes: &[u8],
    big_endian: bool,
    source: &str,
    problems: &mut Vec<Problem>,
) -> String {
    let units = bytes.chunks_exact(2).map(|p| {
        let pair = [p[0], p[1]];
        if big_endian { u16::from_be_bytes(pair) } else { u16::from_le_bytes(pair) }
    });
    let mut bad = 0usize;
    let text = char::decode_utf16(units)
        .map(|c| {
            c.unwrap_or_else(|_| {
                bad += 1;
                char::REPLACEMENT_CHARACTER
            })
        })
        .collect();
    let odd = bytes.len() % 2 == 1;
    if bad > 0 || odd {
        let mut message = format!("{bad} unpaired surrogate(s) replaced by U+FFFD");
        if odd {
            message.push_str("; an odd last byte dropped");
        }
        problems.push(Problem::repaired(source, None, "invalid UTF-16", message));
    }
    text
}

/// The length of the start of `bytes` that decodes the same alone as followed by more bytes:
/// all of it but an incomplete UTF-8 sequence at its end (a character cut by a block's end).
pub(crate) fn complete_prefix(bytes: &[u8]) -> usize {
    match bytes.utf8_chunks().last() {
        Some(c) if std::str::from_utf8(c.invalid()).is_err_and(|e| e.error_len().is_none()) => {
            bytes.len() - c.invalid().len()
        }
        _ => bytes.len(),
    }
}

/// What [`decode_text`] would find in bytes seen a block at a time (a file read in pieces is
/// first scanned whole, without holding it): invalid UTF-8 sequences, counted as
/// `String::from_utf8_lossy` replaces them, the offset of the first, and whether any
/// character other than whitespace (and a leading byte-order mark) is there.
#[derive(Debug, Default)]
pub(crate) struct Utf8Scan {
    /// An incomplete sequence at the end of the last block, decoded with the next one.
    carry: Vec<u8>,
    /// Bytes decoded so far.
    pub seen: u64,
    /// Invalid sequences so far.
    pub bad: usize,
    /// The offset of the first invalid byte.
    pub first_bad: Option<u64>,
    /// A character other than whitespace was seen.
    pub nonblank: bool,
    /// The first character was seen (a byte-order mark there is not text).
    started: bool,
}

impl Utf8Scan {
    /// Scan the next block; `last` for the end of the stream.
    pub fn feed(&mut self, block: &[u8], last: bool) {
        let joined;
        let bytes = if self.carry.is_empty() {
            block
        } else {
            joined = [self.carry.as_slice(), block].concat();
            &joined
        };
        let cut = if last { bytes.len() } else { complete_prefix(bytes) };
        let mut at = self.seen;
        for chunk in bytes[..cut].utf8_chunks() {
            self.look_for_text(chunk.valid());
            at += chunk.valid().len() as u64;
            if !chunk.invalid().is_empty() {
                (self.bad, self.nonblank, self.started) = (self.bad + 1, true, true);
                self.first_bad.get_or_insert(at);
                at += chunk.invalid().len() as u64;
            }
        }
        self.seen = at;
        self.carry = bytes[cut..].to_vec();
    }

    fn look_for_text(&mut self, valid: &str) {
        for c in valid.chars() {
            if self.nonblank {
                return;
            }
            let bom = !self.started && c == '\u{feff}';
            self.started = true;
            self.nonblank = !bom && !c.is_whitespace();
        }
    }

    /// The problem [`decode_text`] reports for these bytes, if any.
    pub fn problem(&self, source: &str) -> Option<Problem> {
        let offset = self.first_bad?;
        Some(invalid_utf8(source, self.bad, offset as usize))
    }
}

/// Bytes decoded as UTF-8 a block at a time, invalid sequences replaced by U+FFFD exactly as
/// [`decode_text`] replaces them in the whole.
pub(crate) struct Lossy<R> {
    inner: R,
    out: Vec<u8>,
    at: usize,
    carry: Vec<u8>,
    eof: bool,
}

impl<R: Read> Lossy<R> {
    pub fn new(inner: R) -> Self {
        Lossy { inner, out: Vec::new(), at: 0, carry: Vec::new(), eof: false }
    }

    fn refill(&mut self) -> std::io::Result<()> {
        const BLOCK: usize = 1 << 16;
        let mut block = std::mem::take(&mut self.carry);
        let start = block.len();
        block.resize(start + BLOCK, 0);
        let n = self.inner.read(&mut block[start..])?;
        block.truncate(start + n);
        self.eof = n == 0;
        let cut = if self.eof { block.len() } else { complete_prefix(&block) };
        self.carry = block.split_off(cut);
        self.out = String::from_utf8_lossy(&block).into_owned().into_bytes();
        self.at = 0;
        Ok(())
    }
}

impl<R: Read> Read for Lossy<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.out.len() {
            if self.eof {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Action;

    #[test]
    fn binary_detection() {
        assert!(looks_binary(b"PK\x03\x04\x00\x00"));
        assert!(looks_binary(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0x90]));
        assert!(!looks_binary("Pyongyang, December 24 (KCNA) --".as_bytes()));
        assert!(!looks_binary("연설문 — «text»".as_bytes()));
        // 2005-Bush.txt: a stray legacy byte in English text is text, not binary.
        assert!(!looks_binary(b"freedom \xa1X the story"));
        assert!(!looks_binary(&[0xff, 0xfe, b'h', 0, b'i', 0]));
    }

    #[test]
    fn invalid_utf8_is_repaired_and_reported() {
        let mut problems = Vec::new();
        let text = decode_text(b"ab\xffcd\xfe".to_vec(), "x.txt", &mut problems);
        assert_eq!(text, "ab\u{fffd}cd\u{fffd}");
        assert_eq!(problems.len(), 1);
        let p = &problems[0];
        assert_eq!(
            (p.path.as_str(), p.kind, p.action),
            ("x.txt", "invalid UTF-8", Action::Repaired)
        );
        assert!(
            p.message.contains("2 invalid byte sequence(s), the first at byte 2"),
            "{}",
            p.message
        );
    }

    #[test]
    fn boms() {
        let mut problems = Vec::new();
        assert_eq!(decode_text(b"\xef\xbb\xbfhi".to_vec(), "x", &mut problems), "hi");
        assert_eq!(decode_text(vec![0xff, 0xfe, b'h', 0, 0xf0, 0xc5], "x", &mut problems), "h연");
        assert_eq!(decode_text(vec![0xfe, 0xff, 0, b'h'], "x", &mut problems), "h");
        assert!(problems.is_empty());
    }

    #[test]
    fn gzip_round_trip() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all("연설문".as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        assert!(is_gzip(&gz));
        assert_eq!(gunzip(&gz, 9).unwrap(), "연설문".as_bytes());
        assert!(gunzip(&gz[..gz.len() / 2], 9).is_err());
        let e = gunzip(&gz, 8).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::FileTooLarge);
    }
}
