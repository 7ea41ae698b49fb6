//! Seed inputs for the fuzzer: a payload in one of the formats refrain reads, and the container
//! it travels in (a plain file, gzip, or a Parquet table whose text column holds the payload).
//!
//! The fast mode writes its own seeds ([`built_in`]); the long mode samples real files from
//! `../shared/corpora` ([`from_corpora`]) and wraps the text of each in every format, so that
//! every reader meets real text.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use polars::prelude::*;

/// How a payload is stored in the file the reader is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// The payload is the file.
    Plain,
    /// The payload, gzip-compressed (`.EXT.gz`).
    Gzip,
    /// A Parquet file with `title`, `text` and `date` columns; the payload is the text.
    Parquet,
}

/// One seed: a payload, the extension it is read as, and its container.
#[derive(Debug, Clone)]
pub struct Seed {
    /// Where it came from (for failure reports).
    pub origin: String,
    /// The payload's extension (`txt`, `md`, `html`, `json`, `jsonl`, `csv`, `tsv`).
    pub ext: &'static str,
    /// The payload bytes.
    pub payload: Vec<u8>,
    /// How the payload is stored.
    pub container: Container,
}

impl Seed {
    fn new(origin: &str, ext: &'static str, payload: impl Into<Vec<u8>>) -> Seed {
        Seed { origin: origin.into(), ext, payload: payload.into(), container: Container::Plain }
    }

    fn with(mut self, container: Container) -> Seed {
        self.container = container;
        self
    }

    /// The file name the reader sees (dated, so that name dates are parsed too).
    pub fn file_name(&self) -> String {
        match self.container {
            Container::Plain => format!("1997-03-02_case.{}", self.ext),
            Container::Gzip => format!("1997-03-02_case.{}.gz", self.ext),
            Container::Parquet => "1997-03-02_case.parquet".into(),
        }
    }
}

/// Store `payload` in `container`.
pub fn encode(container: Container, payload: &[u8]) -> Vec<u8> {
    match container {
        Container::Plain => payload.to_vec(),
        Container::Gzip => {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(payload).expect("gzip in memory");
            gz.finish().expect("gzip in memory")
        }
        Container::Parquet => parquet_of(&String::from_utf8_lossy(payload)),
    }
}

/// A one-row Parquet file holding `text` (Parquet strings are UTF-8, so payload bytes are
/// decoded lossily first).
fn parquet_of(text: &str) -> Vec<u8> {
    let mut df = df!(
        "title" => ["A headline"],
        "text" => [text],
        "date" => ["2017-12-24"],
    )
    .expect("frame");
    let mut out = Vec::new();
    polars_io::parquet::write::ParquetWriter::new(&mut out).finish(&mut df).expect("parquet");
    out
}

const SPEECH: &str = "Address of the President\n\nFellow citizens of the Senate and of the House \
of Representatives: I have a dream today. I have a dream today.\n\nMr. Smith met the U.S. \
delegation at 3 p.m. on Dec. 5, e.g. in the hall; the rate was 2.5 per cent.There were \
families.There were 1980's problems and the 1980s.\n\nKimilsungist-Kimjongilist ideas; \
SEOUL-\nBASED reporters wrote a long line that was hard\nwrapped at sixty columns.\n\n\
인민의 리익을 위하여. 새해를 맞이하며! Is it so? Ｆｕｌｌ　ｗｉｄｔｈ.\n";

const KCNA: &str = "Kim Jong Un Inspects Factory\n\nKim Jong Un Inspects Factory\n\n\
Pyongyang, December 24 (KCNA) -- ComradeKim Jong Un inspected the factory.\n\
He said that implementing the party policies is important. -0-\n\n\
Copyright (C) 2003-2017 by KCNA";

/// Seeds written by the test itself: every format, with the quirks each reader handles.
pub fn built_in() -> Vec<Seed> {
    let csv = "id,date,title,text\n\"a1\",2017-12-24,\"Title, one\",\"Multi\nline \"\"quoted\"\" \
               text. Second sentence.\"\nb2,2018-01-01,Short row\nc3,1904,T,Plain text here.\n";
    let tsv = "title\ttext\tdate\nT\tBody, with comma. And more.\t1999/12/31\nU\tSecond body.\t\n";
    let html = "<!DOCTYPE html><html><head><title>T</title><script>var x = '<p>';</script>\
                <style>p{}</style></head><body><h1>Head &amp; more</h1><!-- a comment -->\
                <p>Para &lt;one&gt; &#8212; &eacute;t&eacute;.</p><p>Two<br>lines.</p></body></html>";
    let md = "# Title\n\nSome *emphasis* and a [link](http://example.com).\n\n- item one\n- item \
              two\n\n```\ncode block\n```\n";
    let json_day = format!(
        "{{\"date\": \"2017-12-24\", \"url\": \"http://x\", \"articles\": [{{\"title\": \"A\", \
         \"content\": {k}}}, {{\"title\": \"B\"}}, null, {{\"title\": \"C\", \"content\": \"Body.\"}}]}}",
        k = serde_json::to_string(KCNA).unwrap()
    );
    let json_array = r#"[{"headline": "H", "story_text": "Text one. Two.", "date": "2024-05-02"}, "a bare string", 5, {"id": "x", "body": "Third."}]"#;
    let jsonl = "{\"text\": \"One.\", \"date\": \"2020-05-01\"}\nnot json\n{\"text\": \"Two.\", \
                 \"title\": \"T\"}\n\n[1, 2]\n";
    let mut seeds = vec![
        Seed::new("built-in speech", "txt", SPEECH),
        Seed::new("built-in KCNA article", "txt", KCNA),
        Seed::new("built-in markdown", "md", md),
        Seed::new("built-in HTML page", "html", html),
        Seed::new("built-in JSON day", "json", json_day.as_str()),
        Seed::new("built-in JSON array", "json", json_array),
        Seed::new("built-in JSON Lines", "jsonl", jsonl),
        Seed::new("built-in CSV", "csv", csv),
        Seed::new("built-in TSV", "tsv", tsv),
    ];
    seeds.push(Seed::new("built-in speech", "txt", SPEECH).with(Container::Gzip));
    seeds.push(Seed::new("built-in JSON day", "json", json_day.as_str()).with(Container::Gzip));
    seeds.push(Seed::new("built-in KCNA article", "txt", KCNA).with(Container::Parquet));
    seeds
}

/// The text of a real file wrapped in every format (and container) refrain reads.
pub fn wrapped(origin: &str, text: &str) -> Vec<Seed> {
    let paragraphs: Vec<&str> = text.split("\n\n").filter(|p| !p.trim().is_empty()).collect();
    let quoted = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let csv = format!("id,date,text\nr1,2001-09-11,{}\n", quoted(text));
    let tsv = format!("id\ttext\nr1\t{}\n", text.replace(['\t', '\n', '"'], " "));
    let json_text = serde_json::to_string(text).expect("JSON string");
    let jsonl = paragraphs
        .iter()
        .map(|p| format!("{{\"text\": {}}}\n", serde_json::to_string(p).expect("JSON string")))
        .collect::<String>();
    let html = format!(
        "<html><head><title>{origin}</title></head><body>{}</body></html>",
        paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect::<String>()
    );
    vec![
        Seed::new(origin, "txt", text),
        Seed::new(origin, "md", format!("# {origin}\n\n{text}")),
        Seed::new(origin, "html", html),
        Seed::new(origin, "json", format!("[{{\"title\": \"T\", \"text\": {json_text}}}]")),
        Seed::new(origin, "jsonl", jsonl),
        Seed::new(origin, "csv", csv),
        Seed::new(origin, "tsv", tsv),
        Seed::new(origin, "txt", text).with(Container::Gzip),
        Seed::new(origin, "txt", text).with(Container::Parquet),
    ]
}

/// Files of at most this size are taken as seeds (larger ones make slow cases in debug).
const MAX_SEED_BYTES: u64 = 24 * 1024;

/// Seeds sampled from the real corpora under `root`: up to `per_corpus` files of each corpus
/// (spread evenly over its sorted file list), each as itself and, when it is text, wrapped in
/// every format. Empty when `root` does not exist.
pub fn from_corpora(root: &Path, per_corpus: usize) -> Vec<Seed> {
    let Ok(entries) = std::fs::read_dir(root) else { return Vec::new() };
    let mut corpora: Vec<PathBuf> =
        entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()).collect();
    corpora.sort();
    let mut seeds = Vec::new();
    for corpus in corpora {
        let mut files = Vec::new();
        walk(&corpus, &mut files);
        files.sort();
        files.retain(|f| std::fs::metadata(f).is_ok_and(|m| m.len() <= MAX_SEED_BYTES));
        let step = files.len().div_ceil(per_corpus.max(1)).max(1);
        for file in files.iter().step_by(step) {
            let Ok(bytes) = std::fs::read(file) else { continue };
            let origin = file.display().to_string();
            let ext = match file.extension().and_then(|e| e.to_str()) {
                Some("json") => "json",
                Some("md") => "md",
                _ => "txt",
            };
            if ext == "txt" {
                let mut wrapped = wrapped(&origin, &String::from_utf8_lossy(&bytes));
                // The first is the text itself: keep the file's own bytes (invalid UTF-8 too).
                wrapped[0].payload = bytes;
                seeds.extend(wrapped);
            } else {
                seeds.push(Seed::new(&origin, ext, bytes));
            }
        }
    }
    seeds
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}
