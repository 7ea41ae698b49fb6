//! Tests of whole charts: decoded PNGs have the requested size and real content, output is
//! deterministic, and bad input gives clear errors. `samples` builds realistic charts; the ignored
//! test `write_samples` writes them to a folder for looking at.

use super::*;

const KCNA: [&str; 15] = [
    "implementing the party policies",
    "the Kimilsungist-Kimjongilist party",
    "the great leader comrade Kim Jong Un",
    "the Workers' Party of Korea",
    "socialist construction",
    "the Korean People's Army",
    "the revolutionary cause of Juche",
    "the US imperialists and their puppets",
    "self-reliance and self-development",
    "the line of simultaneously developing the economy and nuclear forces",
    "the single-minded unity",
    "the five-year strategy for national economic development",
    "the eternal President of the Republic",
    "anti-imperialist independence",
    "the monolithic leadership system",
];

/// A small deterministic pseudo-random sequence (no dependency, same on every machine).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub(super) fn bar_sample() -> Chart {
    let bars = KCNA
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let count = (4200.0 / (i as f64 + 1.0).powf(0.8)).round();
            Bar::new(*p, count).with_note(format!("{} docs", (count / 3.1).round()))
        })
        .collect();
    Chart::Bar(BarChart {
        title: "Most frequent phrases, KCNA 2012–2023".into(),
        value_label: "occurrences".into(),
        bars,
    })
}

pub(super) fn hangul_bar_sample() -> Chart {
    let phrases = [
        "김일성-김정일주의",
        "조선로동당",
        "경애하는 최고령도자 김정은동지",
        "사회주의강국건설",
        "자력갱생",
        "인민대중제일주의 정치",
        "조선인민군",
        "당정책관철",
    ];
    let bars = phrases
        .iter()
        .enumerate()
        .map(|(i, p)| {
            Bar::new(*p, 812.4 / (i as f64 + 1.0)).with_note(format!("{}개 문서", 90 - 9 * i))
        })
        .collect();
    Chart::Bar(BarChart {
        title: "로동신문: 자주 나오는 표현 (Rodong Sinmun)".into(),
        value_label: "per million words".into(),
        bars,
    })
}

pub(super) fn trend_sample() -> Chart {
    let periods: Vec<String> = (2012..2024).map(|y| y.to_string()).collect();
    let mut rng = Lcg(7);
    let series = KCNA[..6]
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let values: Vec<f64> = (0..12)
                .map(|t| {
                    let trend = 40.0 + 25.0 * i as f64 + 30.0 * ((t as f64 + i as f64) / 3.0).sin();
                    (trend + 15.0 * rng.next()).max(0.0)
                })
                .collect();
            let band = values.iter().map(|&v| ((v - 8.0 - v * 0.08).max(0.0), v + 8.0 + v * 0.08));
            Series { label: p.to_string(), values: values.clone(), band: Some(band.collect()) }
        })
        .collect();
    Chart::Trend(TrendChart {
        title: "Phrases over time, KCNA".into(),
        y_label: "per million words".into(),
        x_label: "year".into(),
        periods,
        series,
    })
}

pub(super) fn zipf_sample() -> Chart {
    let series = (1..=3)
        .map(|n| {
            let top = 90_000.0 / (n as f64).powi(2);
            let s = 1.05 - 0.2 * (n as f64 - 1.0);
            let freqs =
                (1..=10_000).map(|r| (top / (r as f64).powf(s)).floor() as u64 + 1).collect();
            (format!("{n}-grams"), freqs)
        })
        .collect();
    Chart::Zipf(ZipfChart { title: "Rank–frequency, KCNA 2012–2023".into(), series })
}

pub(super) fn heatmap_sample() -> Chart {
    let cols: Vec<String> =
        (0..24).map(|m| format!("{}-{:02}", 2016 + m / 12, m % 12 + 1)).collect();
    let mut rng = Lcg(11);
    let values = (0..15)
        .map(|r| {
            (0..24)
                .map(|c| {
                    let peak = ((c as f64 - r as f64 * 1.5).powi(2) / -30.0).exp();
                    ((600.0 / (r as f64 + 1.0)) * peak + 40.0 * rng.next()).round()
                })
                .collect()
        })
        .collect();
    Chart::Heatmap(HeatmapChart {
        title: "Top phrases by month, KCNA 2016–2017".into(),
        value_label: "per million words".into(),
        x_label: "month".into(),
        rows: KCNA.iter().map(|s| s.to_string()).collect(),
        cols,
        values,
    })
}

pub(super) fn keyness_sample() -> Chart {
    let bars = KCNA[..10]
        .iter()
        .enumerate()
        .map(|(i, p)| Bar::new(*p, 4.2 - 0.35 * i as f64))
        .chain(
            [
                "economic construction",
                "the Songun revolutionary leadership",
                "the army-first politics",
                "the dear respected Kim Jong Il",
                "the 150-day campaign",
                "the great Songun revolution",
                "the General",
                "the Kangsong Taeguk",
                "the Strong and Prosperous Nation",
                "the military-first idea",
            ]
            .iter()
            .enumerate()
            .map(|(i, p)| {
                Bar::new(*p, -0.6 - 0.4 * i as f64).with_note(format!("{} docs", 12 + i))
            }),
        )
        .collect();
    Chart::Keyness(KeynessChart {
        title: "Keyness: KCNA 2018–2023 against 2008–2011".into(),
        value_label: "Log Ratio (log₂ of the ratio of relative frequencies)".into(),
        target: "2018–2023".into(),
        reference: "2008–2011".into(),
        bars,
    })
}

/// Ten years of months, ten series (the last three dashed), no bands, one Hangul label.
pub(super) fn monthly_trend_sample() -> Chart {
    let periods: Vec<String> =
        (0..120).map(|m| format!("{}-{:02}", 2014 + m / 12, m % 12 + 1)).collect();
    let mut rng = Lcg(3);
    let mut labels: Vec<String> = KCNA[..9].iter().map(|s| s.to_string()).collect();
    labels.push("김일성-김정일주의".into());
    let series = labels
        .into_iter()
        .enumerate()
        .map(|(i, label)| {
            let values = (0..120)
                .map(|t| {
                    let wave = ((t as f64) / (6.0 + i as f64)).sin().max(0.0);
                    (10.0 * i as f64 + 60.0 * wave + 10.0 * rng.next()).round()
                })
                .collect();
            Series { label, values, band: None }
        })
        .collect();
    Chart::Trend(TrendChart {
        title: "Monthly frequency of ten formulas, KCNA 2014–2023".into(),
        y_label: "per million words".into(),
        x_label: "month".into(),
        periods,
        series,
    })
}

/// Forty bars: rows too thin for the normal label size.
pub(super) fn many_bars_sample() -> Chart {
    let bars = (0..40)
        .map(|i| {
            let label = format!("{} ({})", KCNA[i % KCNA.len()], i + 1);
            Bar::new(label, 0.5 + 30.0 / (i as f64 + 1.0))
        })
        .collect();
    Chart::Bar(BarChart {
        title: "Top 40 phrases".into(),
        value_label: "per million words".into(),
        bars,
    })
}

fn samples() -> Vec<(&'static str, Chart)> {
    vec![
        ("bar", bar_sample()),
        ("bar_hangul", hangul_bar_sample()),
        ("trend", trend_sample()),
        ("zipf", zipf_sample()),
        ("heatmap", heatmap_sample()),
        ("keyness", keyness_sample()),
        ("trend_monthly", monthly_trend_sample()),
        ("bar_many", many_bars_sample()),
    ]
}

/// A decoded image: width, height, RGB bytes.
fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(bytes).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

fn distinct_colours(rgb: &[u8]) -> usize {
    let mut set: Vec<[u8; 3]> = rgb.chunks_exact(3).map(|c| [c[0], c[1], c[2]]).collect();
    set.sort_unstable();
    set.dedup();
    set.len()
}

/// The share of non-white pixels in the middle half of the image (where the plot is).
fn inked_share((w, h, rgb): &(u32, u32, Vec<u8>)) -> f64 {
    let (w, h) = (*w as usize, *h as usize);
    let mut ink = 0;
    for y in h / 4..h * 3 / 4 {
        for x in w / 4..w * 3 / 4 {
            let i = (y * w + x) * 3;
            ink += usize::from(rgb[i..i + 3] != [255, 255, 255]);
        }
    }
    ink as f64 / ((h / 2) * (w / 2)) as f64
}

#[test]
fn every_chart_has_the_requested_size_and_content() {
    for (name, chart) in samples() {
        // Small sizes keep the test quick in debug builds; one is wide and short, one tall.
        for size in [Size::new(640, 480), Size::new(900, 360), Size::new(400, 700)] {
            let png = render_png(&chart, size).unwrap();
            let img = decode(&png);
            assert_eq!((img.0, img.1), (size.width, size.height), "{name}");
            assert!(distinct_colours(&img.2) > 50, "{name} {size:?}: too few colours");
            let share = inked_share(&img);
            assert!(share > 0.03, "{name} {size:?}: plot area nearly blank ({share})");
        }
    }
}

#[test]
fn the_smallest_size_still_draws() {
    for (name, chart) in samples() {
        let png = render_png(&chart, Size::new(Size::MIN, Size::MIN)).unwrap();
        assert_eq!(decode(&png).0, Size::MIN, "{name}");
    }
}

#[test]
fn rendering_is_deterministic() {
    for (name, chart) in samples() {
        let a = render_png(&chart, Size::new(500, 400)).unwrap();
        let b = render_png(&chart, Size::new(500, 400)).unwrap();
        assert!(a == b, "{name}: two renderings differ");
    }
}

#[test]
fn hangul_only_label_draws_ink() {
    let chart = Chart::Bar(BarChart {
        title: String::new(),
        value_label: String::new(),
        bars: vec![Bar::new("조선로동당", 10.0)],
    });
    let (w, h, rgb) = decode(&render_png(&chart, Size::new(600, 300)).unwrap());
    // The label column is left of the bar, which starts after it; look at the left 15 %.
    let mut ink = 0;
    for y in 0..h as usize {
        for x in 0..(w as usize * 15 / 100) {
            let i = (y * w as usize + x) * 3;
            ink += usize::from(rgb[i..i + 3] != [255, 255, 255]);
        }
    }
    assert!(ink > 100, "the Hangul label drew {ink} pixels");
}

#[test]
fn empty_input_is_an_error() {
    let bar = Chart::Bar(BarChart { title: "t".into(), value_label: "v".into(), bars: vec![] });
    let e = render_png(&bar, Size::default()).unwrap_err();
    assert_eq!(e.to_string(), "nothing to draw: the table has no rows");
    let trend = Chart::Trend(TrendChart {
        title: "t".into(),
        y_label: "v".into(),
        x_label: String::new(),
        periods: vec![],
        series: vec![],
    });
    assert!(matches!(render_png(&trend, Size::default()), Err(ChartError::Empty(_))));
    let zipf =
        Chart::Zipf(ZipfChart { title: "t".into(), series: vec![("1-grams".into(), vec![0])] });
    assert!(matches!(render_png(&zipf, Size::default()), Err(ChartError::Empty(_))));
    let heat = Chart::Heatmap(HeatmapChart {
        title: "t".into(),
        value_label: "v".into(),
        x_label: String::new(),
        rows: vec![],
        cols: vec!["2012".into()],
        values: vec![],
    });
    assert!(matches!(render_png(&heat, Size::default()), Err(ChartError::Empty(_))));
    let key = Chart::Keyness(KeynessChart {
        title: "t".into(),
        value_label: "v".into(),
        target: "a".into(),
        reference: "b".into(),
        bars: vec![],
    });
    assert!(matches!(render_png(&key, Size::default()), Err(ChartError::Empty(_))));
}

#[test]
fn bad_data_and_sizes_are_errors() {
    let nan = Chart::Bar(BarChart {
        title: "t".into(),
        value_label: "v".into(),
        bars: vec![Bar::new("x", f64::NAN)],
    });
    let e = render_png(&nan, Size::default()).unwrap_err().to_string();
    assert!(e.contains("`x`") && e.contains("not a finite number"), "{e}");
    let Chart::Trend(mut trend) = trend_sample() else { unreachable!() };
    trend.series[0].values.pop();
    let e = render_png(&Chart::Trend(trend), Size::default()).unwrap_err().to_string();
    assert!(e.contains("11 values for 12 periods"), "{e}");
    let e = render_png(&bar_sample(), Size::new(10, 800)).unwrap_err();
    assert!(matches!(e, ChartError::BadSize { width: 10, height: 800 }));
    assert!(e.to_string().contains("between 240 and 8192"), "{e}");
}

#[test]
fn one_value_and_all_zero_charts_draw() {
    let one = Chart::Bar(BarChart {
        title: "t".into(),
        value_label: "v".into(),
        bars: vec![Bar::new("only", 0.0)],
    });
    render_png(&one, Size::new(400, 300)).unwrap();
    let flat = Chart::Trend(TrendChart {
        title: "t".into(),
        y_label: "v".into(),
        x_label: String::new(),
        periods: vec!["2012".into()],
        series: vec![Series { label: "a".into(), values: vec![0.0], band: None }],
    });
    render_png(&flat, Size::new(400, 300)).unwrap();
    let heat = Chart::Heatmap(HeatmapChart {
        title: "t".into(),
        value_label: "v".into(),
        x_label: String::new(),
        rows: vec!["a".into()],
        cols: vec!["2012".into()],
        values: vec![vec![0.0]],
    });
    render_png(&heat, Size::new(400, 300)).unwrap();
}

#[test]
fn extreme_values_do_not_panic() {
    for v in [1e300, -1e300, f64::MAX, 1e-300] {
        let bars = vec![Bar::new("a", v), Bar::new("b", -v / 2.0), Bar::new("c", 0.0)];
        let chart = Chart::Bar(BarChart { title: "t".into(), value_label: "v".into(), bars });
        render_png(&chart, Size::new(400, 300)).unwrap();
        let bars = vec![Bar::new("a", v), Bar::new("b", -v)];
        let chart = Chart::Keyness(KeynessChart {
            title: "t".into(),
            value_label: "v".into(),
            target: "x".into(),
            reference: "y".into(),
            bars,
        });
        render_png(&chart, Size::new(400, 300)).unwrap();
    }
    let zipf = Chart::Zipf(ZipfChart {
        title: "t".into(),
        series: vec![("1-grams".into(), vec![u64::MAX, u64::MAX / 2, 1])],
    });
    render_png(&zipf, Size::new(400, 300)).unwrap();
}

#[test]
fn write_png_is_atomic_and_reports_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bar.png");
    write_png(&bar_sample(), Size::new(600, 400), &path).unwrap();
    assert_eq!(decode(&std::fs::read(&path).unwrap()).0, 600);
    let missing = dir.path().join("nope").join("bar.png");
    let e = write_png(&bar_sample(), Size::new(600, 400), &missing).unwrap_err();
    assert!(e.to_string().contains("nope"), "{e}");
}

/// Writes a `factor`-times enlarged crop of a PNG, for inspecting glyphs and line edges:
/// `REFRAIN_ZOOM=in.png,x,y,w,h,factor,out.png cargo test --lib chart::tests::zoom -- --ignored`.
#[test]
#[ignore]
fn zoom() {
    let spec = std::env::var("REFRAIN_ZOOM").unwrap();
    let p: Vec<&str> = spec.split(',').collect();
    let n = |i: usize| p[i].parse::<usize>().unwrap();
    let (iw, _, rgb) = decode(&std::fs::read(p[0]).unwrap());
    let (x, y, w, h, f) = (n(1), n(2), n(3), n(4), n(5));
    let mut out = Vec::with_capacity(w * h * f * f * 3);
    for oy in 0..h * f {
        for ox in 0..w * f {
            let i = ((y + oy / f) * iw as usize + x + ox / f) * 3;
            out.extend_from_slice(&rgb[i..i + 3]);
        }
    }
    let bytes = encode::encode_rgb((w * f) as u32, (h * f) as u32, &out);
    std::fs::write(p[6], bytes).unwrap();
}

/// Writes every sample chart to `$REFRAIN_CHART_DIR` (default /tmp/charts) for looking at:
/// `cargo test --lib chart::tests::write_samples -- --ignored`.
#[test]
#[ignore]
fn write_samples() {
    let dir = std::env::var("REFRAIN_CHART_DIR").unwrap_or_else(|_| "/tmp/charts".into());
    std::fs::create_dir_all(&dir).unwrap();
    for (name, chart) in samples() {
        let path = Path::new(&dir).join(format!("{name}.png"));
        write_png(&chart, Size::default(), &path).unwrap();
        let small = Path::new(&dir).join(format!("{name}_small.png"));
        write_png(&chart, Size::new(640, 480), &small).unwrap();
        let tall = Path::new(&dir).join(format!("{name}_tall.png"));
        write_png(&chart, Size::new(500, 800), &tall).unwrap();
        let min = Path::new(&dir).join(format!("{name}_min.png"));
        write_png(&chart, Size::new(Size::MIN, Size::MIN), &min).unwrap();
        let big = Path::new(&dir).join(format!("{name}_big.png"));
        write_png(&chart, Size::new(2400, 1600), &big).unwrap();
    }
}

#[test]
fn periods_without_data_are_gaps() {
    // A series with a gap in the middle and an isolated point at the end, bands included.
    let values = vec![3.0, 4.0, f64::NAN, f64::NAN, 5.0, 2.0, f64::NAN, 6.0];
    let band = values.iter().map(|&v| (v - 1.0, v + 1.0)).collect();
    let chart = Chart::Trend(TrendChart {
        title: "t".into(),
        y_label: "v".into(),
        x_label: String::new(),
        periods: (2010..2018).map(|y| y.to_string()).collect(),
        series: vec![Series { label: "a".into(), values, band: Some(band) }],
    });
    let img = decode(&render_png(&chart, Size::new(600, 400)).unwrap());
    assert!(inked_share(&img) > 0.01);
    assert_eq!(
        trend::runs(&[f64::NAN, 1.0, 2.0, f64::NAN, 3.0]),
        [1..3, 4..5],
        "runs of periods with values"
    );
    // Infinity is still an error, and so is a missing band where there is a value.
    let bad = Chart::Trend(TrendChart {
        title: "t".into(),
        y_label: "v".into(),
        x_label: String::new(),
        periods: vec!["2010".into(), "2011".into()],
        series: vec![Series {
            label: "a".into(),
            values: vec![1.0, 2.0],
            band: Some(vec![(0.0, 2.0), (f64::NAN, f64::NAN)]),
        }],
    });
    let e = render_png(&bad, Size::new(400, 300)).unwrap_err().to_string();
    assert!(e.contains("the band of `a` in 2011"), "{e}");
    let heat = Chart::Heatmap(HeatmapChart {
        title: "t".into(),
        value_label: "v".into(),
        x_label: String::new(),
        rows: vec!["a".into(), "b".into()],
        cols: vec!["2012".into(), "2013".into()],
        values: vec![vec![1.0, f64::NAN], vec![2.0, f64::NAN]],
    });
    render_png(&heat, Size::new(400, 300)).unwrap();
    let inf = Chart::Heatmap(HeatmapChart {
        title: "t".into(),
        value_label: "v".into(),
        x_label: String::new(),
        rows: vec!["a".into()],
        cols: vec!["2012".into()],
        values: vec![vec![f64::INFINITY]],
    });
    assert!(matches!(render_png(&inf, Size::new(400, 300)), Err(ChartError::Data(_))));
}

#[test]
fn heatmap_scale_leaves_out_outliers() {
    let heat = |extra: f64| HeatmapChart {
        title: "t".into(),
        value_label: "v".into(),
        x_label: String::new(),
        rows: (0..10).map(|r| r.to_string()).collect(),
        cols: (0..10).map(|c| c.to_string()).collect(),
        values: (0..10)
            .map(|r| {
                (0..10)
                    .map(|c| if r == 9 && c == 9 { extra } else { (r * 10 + c) as f64 })
                    .collect()
            })
            .collect(),
    };
    // Values 0..98 and one 10,000: the scale stops at the 98th percentile (97).
    assert_eq!(heatmap::scale_top(&heat(10_000.0), 0.0, 10_000.0), 97.0);
    // Without an outlier the scale runs to the maximum.
    assert_eq!(heatmap::scale_top(&heat(99.0), 0.0, 99.0), 99.0);
    render_png(&Chart::Heatmap(heat(10_000.0)), Size::new(500, 400)).unwrap();
}
