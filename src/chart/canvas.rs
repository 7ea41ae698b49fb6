//! The image every chart draws into.
//!
//! Geometry (bars, lines, areas, grid lines) goes through Plotters' bitmap backend onto a buffer
//! `k` times larger than the image in each direction, which is then averaged down: Plotters'
//! bitmap backend does not anti-alias wide lines, circles or polygon edges, and supersampling
//! gives them smooth edges while Plotters still does all the drawing. Text is laid out at once
//! (so its width is known) but painted by [`super::text`] on the final image, after the
//! geometry, so it is always on top and rasterised at its real size.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::text::{self, TextOp};
use super::theme::{Rgb, Theme};
use super::{ChartError, Size, encode};

/// A point in image pixels: (0, 0) is the top-left corner of the top-left pixel, so pixel (i, j)
/// covers [i, i + 1] × [j, j + 1]. Fractions are kept.
pub(crate) type Pt = (f32, f32);

/// An axis-aligned rectangle in image pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Rect {
    pub(crate) fn width(&self) -> f32 {
        self.x1 - self.x0
    }
    pub(crate) fn height(&self) -> f32 {
        self.y1 - self.y0
    }
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;
type AreaResult =
    Result<(), DrawingAreaErrorKind<<BitMapBackend<'static> as DrawingBackend>::ErrorType>>;

/// The supersampling factor for an image size: 3 up to about 3 megapixels, less for bigger
/// images so that the buffer stays under about 100 MB. It depends on the size only, so output
/// stays deterministic.
fn factor(size: Size) -> u32 {
    match size.width as u64 * size.height as u64 {
        0..=3_000_000 => 3,
        3_000_001..=12_000_000 => 2,
        _ => 1,
    }
}

/// A chart being drawn: the supersampled geometry and the text still to paint.
pub(crate) struct Canvas {
    size: Size,
    k: u32,
    geometry: Vec<u8>,
    texts: Vec<TextOp>,
    pub theme: Theme,
}

fn color(c: Rgb) -> RGBColor {
    RGBColor(c[0], c[1], c[2])
}

impl Canvas {
    pub(crate) fn new(size: Size) -> Self {
        let k = factor(size);
        let pixels = (size.width * k) as usize * (size.height * k) as usize;
        // The background is white: every byte 255.
        let geometry = vec![0xFF; pixels * 3];
        Canvas { size, k, geometry, texts: Vec::new(), theme: Theme::new(size) }
    }

    /// A point in supersampled pixels.
    fn sp(&self, (x, y): Pt) -> (i32, i32) {
        let k = self.k as f32;
        ((x * k).round() as i32, (y * k).round() as i32)
    }

    /// Run Plotters drawing commands on the supersampled buffer.
    fn plot(&mut self, f: impl FnOnce(&Area<'_>) -> AreaResult) -> Result<(), ChartError> {
        let (w, h) = (self.size.width * self.k, self.size.height * self.k);
        let area = BitMapBackend::with_buffer(&mut self.geometry, (w, h)).into_drawing_area();
        f(&area).map_err(|e| ChartError::Draw(e.to_string()))?;
        area.present().map_err(|e| ChartError::Draw(e.to_string()))
    }

    /// Fill a rectangle, its edges snapped to whole image pixels (crisp bars and cells).
    pub(crate) fn fill_rect(&mut self, r: Rect, c: Rgb, alpha: f64) -> Result<(), ChartError> {
        let snap = |v: f32| v.round();
        let a = self.sp((snap(r.x0), snap(r.y0)));
        let b = self.sp((snap(r.x1), snap(r.y1)));
        if a.0 == b.0 || a.1 == b.1 {
            return Ok(());
        }
        let style = color(c).mix(alpha).filled();
        self.plot(|area| area.draw(&Rectangle::new([a, b], style)))
    }

    /// A hairline or rule `width` whole pixels wide through the pixels at `from` and `to`
    /// (rounded): axes, ticks and grid lines, crisp when horizontal or vertical.
    pub(crate) fn line(&mut self, from: Pt, to: Pt, c: Rgb, width: u32) -> Result<(), ChartError> {
        let (x0, y0, x1, y1) = (from.0.round(), from.1.round(), to.0.round(), to.1.round());
        let w = width as f32;
        if y0 == y1 {
            let r = Rect { x0: x0.min(x1), y0, x1: x0.max(x1) + 1.0, y1: y0 + w };
            return self.fill_rect(r, c, 1.0);
        }
        if x0 == x1 {
            let r = Rect { x0, y0: y0.min(y1), x1: x0 + w, y1: y0.max(y1) + 1.0 };
            return self.fill_rect(r, c, 1.0);
        }
        self.polyline(&[(x0 + 0.5, y0 + 0.5), (x1 + 0.5, y1 + 0.5)], c, w)
    }

    /// A data line through `points`, `width` pixels wide.
    pub(crate) fn polyline(&mut self, points: &[Pt], c: Rgb, width: f32) -> Result<(), ChartError> {
        if points.len() < 2 {
            return Ok(());
        }
        let pts: Vec<(i32, i32)> = points.iter().map(|&p| self.sp(p)).collect();
        let style = color(c).stroke_width((width * self.k as f32).round().max(1.0) as u32);
        self.plot(|area| area.draw(&PathElement::new(pts, style)))
    }

    /// A dashed data line through `points` (dashes 4 line widths long, gaps 2.5).
    pub(crate) fn dashed_polyline(
        &mut self,
        points: &[Pt],
        c: Rgb,
        width: f32,
    ) -> Result<(), ChartError> {
        for dash in dashes(points, 4.0 * width, 2.5 * width) {
            self.polyline(&dash, c, width)?;
        }
        Ok(())
    }

    /// A filled polygon, `alpha` < 1 for translucent areas such as confidence bands.
    pub(crate) fn polygon(&mut self, points: &[Pt], c: Rgb, alpha: f64) -> Result<(), ChartError> {
        let pts: Vec<(i32, i32)> = points.iter().map(|&p| self.sp(p)).collect();
        let style = color(c).mix(alpha).filled();
        self.plot(|area| area.draw(&Polygon::new(pts, style)))
    }

    /// A filled circle (markers).
    pub(crate) fn dot(&mut self, at: Pt, radius: f32, c: Rgb) -> Result<(), ChartError> {
        let style = color(c).filled();
        let r = (radius * self.k as f32).round().max(1.0) as i32;
        let at = self.sp(at);
        self.plot(|area| area.draw(&Circle::new(at, r, style)))
    }

    /// Queue text to paint over the geometry.
    pub(crate) fn text(&mut self, op: TextOp) {
        self.texts.push(op);
    }

    /// Average the geometry down to the image size and paint the text on it.
    pub(crate) fn finish(self) -> Image {
        let mut image = downsample(&self.geometry, self.size, self.k);
        for op in &self.texts {
            text::paint(&mut image, op);
        }
        image
    }

    /// The finished image as PNG bytes.
    pub(crate) fn into_png(self) -> Vec<u8> {
        let image = self.finish();
        encode::encode_rgb(image.width, image.height, &image.rgb)
    }
}

/// Average each k × k block of `src` into one pixel (a box filter; rounding to nearest).
fn downsample(src: &[u8], size: Size, k: u32) -> Image {
    let (w, k) = (size.width as usize, k as usize);
    if k == 1 {
        return Image { width: size.width, height: size.height, rgb: src.to_vec() };
    }
    let n = (k * k) as u32;
    let mut rgb = Vec::with_capacity(src.len() / (k * k));
    let mut sums = vec![0u32; w * 3];
    // Add up k source rows, each folded k pixels at a time, then divide.
    for block in src.chunks_exact(w * k * 3 * k) {
        sums.fill(0);
        for row in block.chunks_exact(w * k * 3) {
            for (sum, px) in sums.chunks_exact_mut(3).zip(row.chunks_exact(k * 3)) {
                for sub in px.chunks_exact(3) {
                    sum[0] += sub[0] as u32;
                    sum[1] += sub[1] as u32;
                    sum[2] += sub[2] as u32;
                }
            }
        }
        rgb.extend(sums.iter().map(|&s| ((s + n / 2) / n) as u8));
    }
    Image { width: size.width, height: size.height, rgb }
}

/// The final RGB image.
pub(crate) struct Image {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

impl Image {
    /// Blend `c` over the pixel at (x, y) with opacity `alpha` (text coverage).
    pub(crate) fn blend(&mut self, x: i32, y: i32, c: Rgb, alpha: f32) {
        if x < 0 || y < 0 || x as u32 >= self.width || y as u32 >= self.height {
            return;
        }
        let i = (y as usize * self.width as usize + x as usize) * 3;
        for (k, &ch) in c.iter().enumerate() {
            let bg = self.rgb[i + k] as f32;
            self.rgb[i + k] = (bg + (ch as f32 - bg) * alpha).round() as u8;
        }
    }

    #[cfg(test)]
    pub(crate) fn pixel(&self, x: u32, y: u32) -> Rgb {
        let i = (y as usize * self.width as usize + x as usize) * 3;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }
}

/// Cut a polyline into dashes `on` long separated by gaps `off` long, measured along the line
/// (so the pattern continues smoothly through the corners).
fn dashes(points: &[Pt], on: f32, off: f32) -> Vec<Vec<Pt>> {
    let mut out = Vec::new();
    let mut current: Vec<Pt> = Vec::new();
    let (mut drawing, mut left) = (true, on);
    for seg in points.windows(2) {
        let (a, b) = (seg[0], seg[1]);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        let at = |d: f32| (a.0 + (b.0 - a.0) * d / len, a.1 + (b.1 - a.1) * d / len);
        let mut pos = 0.0;
        if drawing && current.is_empty() {
            current.push(a);
        }
        while len - pos >= left {
            pos += left;
            if drawing {
                current.push(at(pos));
                out.push(std::mem::take(&mut current));
            } else {
                current.push(at(pos));
            }
            drawing = !drawing;
            left = if drawing { on } else { off };
        }
        left -= len - pos;
        if drawing {
            current.push(b);
        }
    }
    if current.len() > 1 {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::theme::WHITE;

    #[test]
    fn geometry_is_smoothed_and_rules_stay_crisp() {
        let mut c = Canvas::new(Size::new(300, 300));
        c.line((10.0, 20.0), (200.0, 20.0), [0, 0, 0], 1).unwrap();
        c.polyline(&[(10.0, 50.0), (200.0, 120.0)], [0, 0, 0], 2.0).unwrap();
        let img = c.finish();
        assert_eq!(img.pixel(0, 0), WHITE, "the background is white");
        // The rule covers exactly one pixel row.
        assert_eq!(img.pixel(100, 20), [0, 0, 0]);
        assert_eq!(img.pixel(100, 19), WHITE);
        assert_eq!(img.pixel(100, 21), WHITE);
        // The slanted line has partly covered (grey) pixels along its edges.
        let column: Vec<Rgb> = (60..110).map(|y| img.pixel(100, y)).collect();
        assert!(column.iter().any(|p| p[0] > 20 && p[0] < 235), "{column:?}");
    }

    #[test]
    fn dashes_alternate_along_the_line() {
        let d = dashes(&[(0.0, 0.0), (3.0, 0.0), (3.0, 10.0)], 4.0, 2.0);
        // The first dash turns the corner; the last one is cut short by the end of the line.
        assert_eq!(d[0], vec![(0.0, 0.0), (3.0, 0.0), (3.0, 1.0)]);
        assert_eq!(d[1], vec![(3.0, 3.0), (3.0, 7.0)]);
        assert_eq!(d[2], vec![(3.0, 9.0), (3.0, 10.0)]);
        assert_eq!(d.len(), 3);
    }
}
