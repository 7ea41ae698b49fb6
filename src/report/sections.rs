//! The tables of the report's page and summary: what each holds and which of its columns are
//! shown, formatted for reading.

use anyhow::Result;

use super::build::{NGRAMS_MAX, TREND_ROWS};
use super::model::{TableFile, Tables, Trends};
use super::view::{Shown, View};
use crate::table::{Frame, Table, Values};

/// The column of [`with_coverage`]: what the report ranks formulas by.
pub(super) const COVERAGE: &str = "words_covered";

/// The first `limit` rows of the report's formulas (`phrases.csv`, ranked by the words they
/// cover) with [`COVERAGE`], independent × n, after the phrase: the word tokens of the corpus
/// that a formula accounts for where it is not part of a longer one. Ranked by count, two-word
/// collocations fill the top ("united states", "fiscal year"); by coverage, an 8-word formula
/// met 12 times (96 words) comes before a bigram met 40 times (80 words).
pub(super) fn with_coverage(phrases: &Frame, limit: usize) -> Result<Frame> {
    let head = phrases.clone().sort_limit(&[], Some(limit))?;
    let names = head.column_names();
    let has = |c: &str| names.iter().any(|n| n == c);
    let ints = |c: &str| -> Result<Vec<i64>> {
        Ok(head.floats(c)?.into_iter().map(|v| v as i64).collect())
    };
    let (independent, n) = (ints("independent")?, ints("n")?);
    let mut table = Table::new()
        .with("phrase", Values::Str(head.strings("phrase")?))
        .with(COVERAGE, Values::Int(independent.iter().zip(&n).map(|(i, n)| i * n).collect()));
    for c in ["n", "count", "independent", "docs"].into_iter().filter(|c| has(c)) {
        table = table.with(c, Values::Int(ints(c)?));
    }
    for c in ["per_million", "dp", "logdice"].into_iter().filter(|c| has(c)) {
        table = table.with(c, Values::Float(head.floats(c)?));
    }
    for c in ["first", "last", "peak_period"].into_iter().filter(|c| has(c)) {
        table = table.with(c, Values::Str(head.strings(c)?));
    }
    Ok(Frame::from_table(table)?)
}

/// The formulas' view: the first `top` rows with [`COVERAGE`]; its total is every formula.
fn formulas_view(phrases: &Frame, top: usize) -> Result<View> {
    use Shown::*;
    let mut view = View::of(
        &with_coverage(phrases, top)?,
        &[
            ("phrase", Text),
            (COVERAGE, Int),
            ("n", Int),
            ("count", Int),
            ("independent", Int),
            ("per_million", Real(1)),
            ("docs", Int),
            ("dp", Real(2)),
            ("logdice", Real(2)),
            ("first", Text),
            ("last", Text),
            ("peak_period", Text),
        ],
        top,
    )?;
    view.total = phrases.height();
    Ok(view)
}

/// The tables of the page, with their first `top` rows.
pub(super) fn table_files(t: &Tables, top: usize) -> Result<Vec<TableFile>> {
    use Shown::*;
    let freq_cols = [
        ("phrase", Text),
        ("n", Int),
        ("count", Int),
        ("per_million", Real(1)),
        ("docs", Int),
        ("dp", Real(2)),
        ("variants", Int),
    ];
    let mut out = vec![
        TableFile {
            file: "phrases.csv",
            title: "Formulas",
            about: "Recurring phrases of 2 to 8 words that are not just fragments of longer ones, \
                    ranked by the words they cover (words_covered = independent × n: the \
                    corpus words a formula accounts for outside longer formulas), with their \
                    independent counts, association and dates (see `refrain phrases --help`; \
                    phrases.csv is in the same order)."
                .into(),
            view: formulas_view(&t.phrases, top)?,
        },
        TableFile {
            file: "terms.csv",
            title: "Words",
            about: "Words (stop words left out), counted on their stems and shown in their most \
                    frequent form."
                .into(),
            view: View::of(
                &t.terms,
                &freq_cols[..1].iter().chain(&freq_cols[2..]).copied().collect::<Vec<_>>(),
                top,
            )?,
        },
        TableFile {
            file: "ngrams.csv",
            title: "N-grams",
            about: format!(
                "Every n-gram of 2 to {NGRAMS_MAX} words that reaches the thresholds, fragments \
                 included (the formulas above are the ones that stand on their own)."
            ),
            view: View::of(&t.ngrams, &freq_cols, top)?,
        },
        TableFile {
            file: "frames.csv",
            title: "Phrase-frames",
            about: "Phrases of 3 to 6 words with one open slot (*), the words that fill it, and \
                    how fixed the slot is."
                .into(),
            view: View::of(
                &t.frames,
                &[
                    ("frame", Text),
                    ("count", Int),
                    ("docs", Int),
                    ("fillers", Int),
                    ("top_fillers", Text),
                    ("entropy", Real(2)),
                    ("fixedness", Real(2)),
                ],
                top,
            )?,
        },
    ];
    if let Some(Trends { summary, period, .. }) = &t.trends {
        let (one, many) = (period.name(), period.plural());
        out.push(TableFile {
            file: "trends.csv",
            title: "Trends",
            about: format!(
                "The top {TREND_ROWS} formulas by {one}: when each first and last occurs, its \
                 peak and how many {many} it spiked in (trends.csv has every {one})."
            ),
            view: View::of(
                summary,
                &[
                    ("phrase", Text),
                    ("count", Int),
                    ("first_period", Text),
                    ("last_period", Text),
                    ("active", Int),
                    ("peak_period", Text),
                    ("peak_per_million", Real(1)),
                    ("spikes", Int),
                ],
                top,
            )?,
        });
    }
    if let Some(k) = &t.keyness {
        out.push(TableFile {
            file: "keyness.csv",
            title: "Keyness",
            about: "Words and formulas relatively more frequent in the target (G² > 0, first) \
                    or in the reference (last), by log-likelihood; Log Ratio is the effect size."
                .into(),
            view: both_ends(
                k,
                &[
                    ("phrase", Text),
                    ("a", Int),
                    ("b", Int),
                    ("pm_target", Real(1)),
                    ("pm_reference", Real(1)),
                    ("g2", Real(1)),
                    ("log_ratio", Real(2)),
                ],
                top,
            )?,
        });
    }
    Ok(out)
}

/// The first and the last `top` rows of a keyness table (the strongest keywords of each
/// side), or all of it when it is short.
fn both_ends(frame: &Frame, columns: &[(&str, Shown)], top: usize) -> Result<View> {
    if frame.height() <= 2 * top {
        return Ok(View::of(frame, columns, 2 * top)?);
    }
    let mut view = View::of(frame, columns, top)?;
    let tail = View::of(&frame.clone().tail(top), columns, top)?;
    view.rows.extend(tail.rows);
    Ok(view)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_is_independent_times_words() {
        let table = Table::new()
            .with(
                "phrase",
                Values::Str(vec!["a b c d e f g h".into(), "x y".into(), "p q r".into()]),
            )
            .with("n", Values::Int(vec![8, 2, 3]))
            .with("count", Values::Int(vec![12, 55, 9]))
            .with("independent", Values::Int(vec![12, 40, 9]))
            .with("dp", Values::Float(vec![0.5, f64::NAN, 0.25]));
        let frame = Frame::from_table(table).unwrap();
        let head = with_coverage(&frame, 2).unwrap();
        assert_eq!(head.height(), 2);
        assert_eq!(head.column_names()[..3], ["phrase", COVERAGE, "n"]);
        // 12 × 8 = 96 and 40 × 2 = 80 (the count, 55, plays no part).
        assert_eq!(head.floats(COVERAGE).unwrap(), [96.0, 80.0]);
        assert_eq!(head.floats("count").unwrap(), [12.0, 55.0]);
        assert!(head.floats("dp").unwrap()[1].is_nan());
        assert!(!head.column_names().contains(&"first".to_string()));
        // The page shows two rows of three: the total is the whole table (manifest.json's
        // `tables`, and "2 of 3" on the page), not the rows shown.
        let view = formulas_view(&frame, 2).unwrap();
        assert_eq!((view.rows.len(), view.total), (2, 3));
    }
}
