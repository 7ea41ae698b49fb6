//! `refrain report`: arguments into [`crate::report::ReportOptions`], then
//! [`crate::report::build`].

use std::path::PathBuf;

use anyhow::{Result, bail};
use serde_json::json;

use super::args::{CleanArg, ReportArgs};
use super::{Context, keyness, settings};
use crate::chart::Size;
use crate::group::{GroupBy, PeriodKind};
use crate::report::{ReportOptions, build, corpus_name};

/// Run `report`.
pub fn run(args: &ReportArgs, ctx: &Context) -> Result<()> {
    let pipeline = settings::pipeline(&args.corpus, "report")?;
    let split = args.split.as_deref().map(keyness::parse_split).transpose()?;
    if !args.reference.is_empty() && args.corpus.paths.is_empty() {
        bail!("report --reference needs a target PATH too");
    }
    let by = match args.by.to_ascii_lowercase().as_str() {
        "auto" => None,
        other => match GroupBy::parse(other) {
            GroupBy::Period(k) => Some(k),
            _ => bail!(
                "report --by takes century, decade, year, quarter, month, week, day or auto, not `{other}`"
            ),
        },
    };
    if args.top == 0 {
        bail!("--top must be at least 1");
    }
    let output = output_dir(args);
    let options = ReportOptions {
        paths: args.corpus.paths.clone(),
        pipeline,
        reference: args.reference.clone(),
        split,
        min_count: args.min_count,
        min_docs: args.min_docs,
        by,
        top: args.top,
        output: output.clone(),
        size: Size::default(),
        verbose: ctx.verbose,
        given: given(args, by),
    };
    build(&options, &|line| ctx.note(line))?;
    ctx.note(&format!(
        "wrote the report to {}/ (open {}/index.html)",
        output.display(),
        output.display()
    ));
    Ok(())
}

/// The report folder: `-o`, else `reports/<name of the input>`.
pub fn output_dir(args: &ReportArgs) -> PathBuf {
    args.output
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(corpus_name(&args.corpus.paths)))
}

/// The options as the user gave them, for the manifest.
fn given(args: &ReportArgs, by: Option<PeriodKind>) -> serde_json::Value {
    let c = &args.corpus;
    let paths = |v: &[PathBuf]| v.iter().map(|p| p.display().to_string()).collect::<Vec<_>>();
    json!({
        "paths": paths(&c.paths),
        "output": args.output.as_ref().map(|p| p.display().to_string()),
        "min_count": args.min_count,
        "min_docs": args.min_docs,
        "by": by.map_or("auto", |k| k.name()),
        "top": args.top,
        "reference": paths(&args.reference),
        "split": args.split,
        "exclude": c.exclude,
        "text_field": c.text_field,
        "title_field": c.title_field,
        "date_field": c.date_field,
        "id_field": c.id_field,
        "clean": match c.clean { CleanArg::Auto => "auto", CleanArg::Kcna => "kcna", CleanArg::None => "none" },
        "max_file_size": c.max_file_size,
        "only_lang": c.only_lang,
        "lang": c.lang,
        "no_stem": c.no_stem,
        "stopwords": c.stopwords,
        "name_pattern": c.name_pattern,
        "meta": c.meta.as_ref().map(|p| p.display().to_string()),
        "meta_key": c.meta_key,
        "where": c.where_,
    })
}
