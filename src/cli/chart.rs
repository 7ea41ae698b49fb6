//! `refrain chart` (a PNG from a table file) and `--chart FILE.png` on the commands that
//! write tables: both turn a table into chart data with [`crate::figure`] and draw it with
//! [`crate::chart`].

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use super::Context;
use super::args::{ChartArgs, ChartCommandArgs, ChartKind, Measure};
use crate::chart::{self, Chart, Size};
use crate::figure::{self, BarSpec, HeatmapSpec, KeynessSpec, TrendSpec};
use crate::table::{self, Frame};

/// Where a chart goes and at which size, checked before any work is done.
#[derive(Debug, Clone)]
pub struct ChartOut {
    /// The PNG file.
    pub path: PathBuf,
    /// The image size.
    pub size: Size,
}

impl ChartOut {
    /// The chart asked for by `--chart`, if any: its folder must exist, its name must end in
    /// `.png` and its size must be drawable.
    pub fn from_args(args: &ChartArgs) -> Result<Option<ChartOut>> {
        let Some(path) = &args.chart else { return Ok(None) };
        Ok(Some(ChartOut::new(path, args.width, args.height)?))
    }

    /// A checked chart destination.
    pub fn new(path: &Path, width: u32, height: u32) -> Result<ChartOut> {
        let png = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        if png.as_deref() != Some("png") {
            bail!("charts are PNG images: name the file `….png`, not `{}`", path.display());
        }
        super::settings::check_parent(path)?;
        let ok = |v: u32| (Size::MIN..=Size::MAX).contains(&v);
        if !ok(width) || !ok(height) {
            bail!(
                "--width and --height must be between {} and {} pixels, not {width}×{height}",
                Size::MIN,
                Size::MAX
            );
        }
        Ok(ChartOut { path: path.to_path_buf(), size: Size::new(width, height) })
    }

    /// Draw `chart` into memory (so that a chart that cannot be drawn fails the command before
    /// anything is written).
    pub fn render(&self, chart: &Chart) -> Result<Rendered> {
        let bytes = chart::render_png(chart, self.size)
            .with_context(|| format!("drawing `{}`", self.path.display()))?;
        Ok(Rendered { path: self.path.clone(), bytes })
    }
}

/// A drawn chart waiting to be written.
#[derive(Debug)]
pub struct Rendered {
    path: PathBuf,
    bytes: Vec<u8>,
}

impl Rendered {
    /// Write the PNG atomically.
    pub fn write(self, ctx: &Context) -> Result<()> {
        // The error says "cannot write `PATH`: …" by itself.
        crate::fsutil::write_bytes_atomic(&self.path, &self.bytes)?;
        ctx.note(&format!("drew `{}`", self.path.display()));
        Ok(())
    }
}

/// Draw `make()` to `out` when a chart was asked for.
pub fn maybe(
    out: &Option<ChartOut>,
    make: impl FnOnce() -> Result<Chart, figure::FigureError>,
) -> Result<Option<Rendered>> {
    match out {
        None => Ok(None),
        Some(out) => {
            let chart = make().with_context(|| format!("charting `{}`", out.path.display()))?;
            Ok(Some(out.render(&chart)?))
        }
    }
}

/// Write a rendered chart, if any.
pub fn write(rendered: Option<Rendered>, ctx: &Context) -> Result<()> {
    rendered.map_or(Ok(()), |r| r.write(ctx))
}

/// The column a keyness measure is in.
pub fn measure_column(m: Measure) -> &'static str {
    match m {
        Measure::G2 => "g2",
        Measure::Bic => "bic",
        Measure::LogRatio => "log_ratio",
        Measure::PctDiff => "pct_diff",
    }
}

/// Run `chart`.
pub fn run(args: &ChartCommandArgs, ctx: &Context) -> Result<()> {
    let out = ChartOut::new(&args.output, args.width, args.height)?;
    let frame = table::read_table(&args.input)
        .with_context(|| format!("reading the table `{}`", args.input.display()))?;
    let name = args.input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let chart = from_table(&frame, args, &name)
        .with_context(|| format!("charting `{}`", args.input.display()))?;
    out.render(&chart)?.write(ctx)
}

/// The chart of `frame` as `args` ask; `name` is the table's file name, for the default title.
fn from_table(frame: &Frame, args: &ChartCommandArgs, name: &str) -> Result<Chart> {
    let title = |what: &str| args.title.clone().unwrap_or_else(|| format!("{what} ({name})"));
    Ok(match args.kind {
        ChartKind::Bar => {
            let spec = BarSpec {
                title: title("Top rows"),
                label: None,
                value: args.value.clone(),
                rows: args.top,
            };
            Chart::Bar(figure::bar(frame, &spec)?)
        }
        ChartKind::Trend => {
            let spec = TrendSpec {
                title: title("Frequency by period"),
                period: args.period.clone(),
                value: args.value.clone(),
                series: args.top,
            };
            Chart::Trend(figure::trend(frame, &spec)?)
        }
        ChartKind::Heatmap => {
            let spec = HeatmapSpec {
                title: title("Phrases by period"),
                period: args.period.clone(),
                value: args.value.clone(),
                rows: args.top,
            };
            Chart::Heatmap(figure::heatmap(frame, &spec)?)
        }
        ChartKind::Zipf => Chart::Zipf(figure::zipf(frame, &title("Rank–frequency"))?),
        ChartKind::Keyness => {
            let spec = KeynessSpec {
                title: title("Keywords"),
                measure: Some(measure_column(args.measure).to_string()),
                per_side: args.top,
                target: args.sides.first().cloned(),
                reference: args.sides.get(1).cloned(),
            };
            Chart::Keyness(figure::keyness(frame, &spec)?)
        }
    })
}
