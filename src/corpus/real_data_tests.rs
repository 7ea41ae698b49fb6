//! Known answers on the real corpora beside the project (`../shared/corpora`). Each test
//! returns early when its corpus is absent, so `cargo test` stays self-contained.

use std::path::{Path, PathBuf};

use super::*;

fn corpus(rel: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpora").join(rel);
    path.exists().then_some(path)
}

fn read(path: PathBuf) -> ReadResult {
    read_input(&Input::File(path), &ReadOptions::default())
}

fn meta<'a>(doc: &'a Document, key: &str) -> Option<&'a str> {
    doc.meta.get(key).map(String::as_str)
}

const SEED_TITLE: &str =
    "Kim Jong Un Makes Closing Address at 5th Conference of Cell Chairpersons of WPK";

#[test]
fn seed_article() {
    let Some(path) = corpus("seed/000_8222c110baf92679.txt") else { return };
    let r = read(path);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    let doc = &r.docs[0];
    assert_eq!(doc.title.as_deref(), Some(SEED_TITLE));
    let paragraphs: Vec<&str> = doc.text.split("\n\n").collect();
    assert_eq!(paragraphs[0], SEED_TITLE);
    assert_eq!(doc.text.matches(SEED_TITLE).count(), 1);
    assert!(
        paragraphs[1].starts_with("Kim Jong Un, chairman of the Workers' Party of Korea, guided")
    );
    assert!(
        paragraphs
            .last()
            .unwrap()
            .ends_with("he declared the 5th Conference of Cell Chairpersons of the WPK closed.")
    );
    assert_eq!((meta(doc, "place"), meta(doc, "agency")), (Some("Pyongyang"), Some("KCNA")));
    assert_eq!(meta(doc, "dateline_month_day"), Some("12-24"));
    assert!(!doc.text.contains('<') && !doc.text.contains("Copyright"));
    assert!(!doc.text.chars().any(|c| ('\u{ac00}'..='\u{d7a3}').contains(&c)), "Hangul left");
    assert_eq!(doc.date, None, "the footer's years must not date the seed");
}

#[test]
fn seed_matches_its_kcna_cojp_copy() {
    let (Some(seed), Some(day)) =
        (corpus("seed/000_8222c110baf92679.txt"), corpus("kcna_cojp/juche/2017-12-24_juche.json"))
    else {
        return;
    };
    let seed = read(seed).docs.remove(0);
    let day = read(day);
    let copy = day
        .docs
        .iter()
        .find(|d| meta(d, "url").is_some_and(|u| u.ends_with("20171224-03ee.html")))
        .unwrap();
    assert_eq!(copy.title, seed.title);
    assert_eq!(copy.text, seed.text);
}

#[test]
fn kcna_cojp_day_dates_every_article() {
    let Some(path) = corpus("kcna_cojp/juche/2017-12-24_juche.json") else { return };
    let r = read(path);
    assert!(r.docs.len() > 20);
    for doc in &r.docs {
        assert_eq!(doc.date.unwrap().to_string(), "2017-12-24", "{}", doc.id);
        assert_eq!(meta(doc, "date_precision"), Some("day"));
        assert!(
            meta(doc, "url").unwrap().starts_with("http://kcna.co.jp/item/2017/201712/news24/")
        );
    }
    assert_eq!(r.docs[1].id, "2017-12-24_juche#2");
    assert_eq!(r.docs[1].title.as_deref(), Some(SEED_TITLE));
}

#[test]
fn kcna_1997_hyphenation_and_caps() {
    let Some(path) = corpus("kcna_cojp/juche/1997-03-02_juche.json") else { return };
    let r = read(path);
    let doc = r.docs.iter().find(|d| d.id == "1997-03-02_juche#10").unwrap();
    assert_eq!(doc.title.as_deref(), Some("NDFSK on Hanbo Incident"));
    assert!(doc.text.contains("SEOUL-BASED"), "{}", doc.text);
    assert!(!doc.text.contains("SEOUL- BASED") && !doc.text.contains('\r'));
    assert_eq!(meta(doc, "place"), Some("PYONGYANG"));
    let gifts = &r.docs[0];
    assert_eq!(
        gifts.text.split("\n\n").nth(1),
        Some(
            "SECRETARY KIM JONG IL RECEIVED GIFTS FROM THE PERMANENT STANDING COMMITTEE OF THE SOVIET CONGRESS OF PEOPLE'S DEPUTIES AND THE PARTY FOR PEACE AND UNITY ON THE OCCASION OF HIS 55TH BIRTHDAY."
        )
    );
}

#[test]
fn kcna_kp_headlines() {
    let Some(path) = corpus("kcna_kp/headlines_2024-11-11.json") else { return };
    let r = read(path);
    assert_eq!(r.docs.len(), 1862);
    assert_eq!(r.problems.iter().filter(|p| p.kind == "record without text").count(), 249);
    let first = &r.docs[0];
    assert_eq!(
        first.title.as_deref(),
        Some("Japan's Discharge of Nuclear-polluted Water Is Crime: KCNA Commentary")
    );
    assert_eq!(first.date.unwrap().to_string(), "2023-12-24");
    assert_eq!(meta(first, "topic"), Some("News Commentary"));
    let tribute = r.docs.iter().find(|d| d.id == "headlines_2024-11-11#4").unwrap();
    assert_eq!(
        tribute.title.as_deref(),
        Some("Floral Tribute Paid to Statues of President Kim Il Sung and Chairman Kim Jong Il")
    );
    assert_eq!(tribute.date.unwrap().to_string(), "2024-01-02");
    assert!(r.docs.iter().any(|d| d.text.contains("Comrade Kim Jong Un")));
    for doc in &r.docs {
        assert!(
            !doc.text.contains("ComradeKim") && !doc.text.contains("Kim Jong Unvisited"),
            "{}",
            doc.id
        );
        assert!(!doc.text.ends_with("-0-"), "{}", doc.id);
        assert_eq!(meta(doc, "date_precision"), Some("day"));
    }
}

#[test]
fn kcna_kp_dates_follow_date_str() {
    let Some(path) = corpus("kcna_kp/headlines_2024-11-11.json") else { return };
    let raw: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let with_text =
        raw.iter().filter(|r| r["story_text"].as_str().is_some_and(|t| !t.trim().is_empty()));
    let docs = read(path).docs;
    for (raw, doc) in with_text.zip(&docs) {
        assert_eq!(raw["date_str"].as_str(), doc.date.map(|d| d.to_string()).as_deref());
    }
}

#[test]
fn spanish_kcna_article_is_detected() {
    let Some(path) = corpus("kcna_cojp/juche/2016-09-22_juche.json") else { return };
    let r = read(path);
    let es = r.docs.iter().find(|d| d.id == "2016-09-22_juche#26").unwrap();
    assert_eq!(meta(es, "agency"), Some("ACNC"));
    assert_eq!(meta(es, "dateline_month_day"), Some("09-22"));
    assert_eq!(detect_language(&es.text), Some("es"));
    assert_eq!(detect_language(&r.docs[0].text), Some("en"));
}

#[test]
fn ungdc_year_from_file_name() {
    let Some(path) = corpus("ungdc/Session 69 - 2014/PRK_69_2014.txt") else { return };
    let doc = read(path).docs.remove(0);
    assert_eq!(doc.id, "PRK_69_2014");
    assert_eq!(doc.date.unwrap().to_string(), "2014-01-01");
    assert_eq!(meta(&doc, "date_precision"), Some("year"));
    assert!(doc.text.starts_with(
        "On behalf of the delegation of the Democratic People\u{2019}s Republic of Korea, I should first like to congratulate"
    ));
    assert_eq!(doc.title, None);
    assert_eq!(meta(&doc, "place"), None);
}

#[test]
fn inaugural_invalid_utf8_and_years() {
    let Some(dir) = corpus("inaugural") else { return };
    let (inputs, problems) = list_inputs(&[dir], &[]).unwrap();
    assert!(problems.iter().any(|p| p.path.ends_with("README") && p.kind == "unsupported format"));
    let bush = inputs
        .iter()
        .find(|i| matches!(i, Input::File(p) if p.ends_with("2005-Bush.txt")))
        .unwrap();
    let r = read_input(bush, &ReadOptions::default());
    assert_eq!(r.problems.len(), 1);
    assert_eq!((r.problems[0].kind, r.problems[0].action), ("invalid UTF-8", Action::Repaired));
    assert!(r.docs[0].text.contains('\u{fffd}'));
    let washington = read(corpus("inaugural/1789-Washington.txt").unwrap()).docs.remove(0);
    assert_eq!(washington.date.unwrap().to_string(), "1789-01-01");
    assert!(
        washington
            .text
            .starts_with("Fellow-Citizens of the Senate and of the House of Representatives:\n\n")
    );
}

#[test]
fn newyear_preface_is_dropped() {
    let Some(path) = corpus("nk_newyear_ko/data/1947.txt") else { return };
    let doc = read(path).docs.remove(0);
    assert_eq!(
        doc.title.as_deref(),
        Some("이미 얻은 승리를 공고히 하며 새로운 승리를 쟁취하기 위하여")
    );
    assert!(!doc.text.contains("해 제") && !doc.text.contains("원 문"));
    assert!(doc.text.split("\n\n").nth(1).unwrap().starts_with("1947년 새해를 맞이하면서"));
    assert_eq!(meta(&doc, "date_precision"), Some("year"));
    assert_eq!(detect_language(&doc.text), Some("ko"));
    // 2016: BOM and CRLF, no preface.
    let doc = read(corpus("nk_newyear_ko/data/2016.txt").unwrap()).docs.remove(0);
    assert!(doc.text.starts_with("친애하는 동지들!\n\n"));
    assert!(!doc.text.contains('\r') && !doc.text.contains('\u{feff}'));
    assert_eq!(doc.title, None);
}
