//! A minimal PNG encoder for 8-bit RGB images.
//!
//! Plotters' own encoder goes through the `image` crate and only writes to a path; this one
//! returns bytes (so files can be written atomically) and writes only the required chunks (no
//! time stamp, gamma or software name), so its output depends on the pixels alone.

use std::io::Write;

use flate2::Crc;
use flate2::write::ZlibEncoder;

const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
const BYTES_PER_PIXEL: usize = 3;

/// Encode `rgb` (rows top to bottom, 3 bytes per pixel) as a PNG file.
pub(crate) fn encode_rgb(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
    debug_assert_eq!(rgb.len(), width as usize * height as usize * BYTES_PER_PIXEL);
    let mut out = SIGNATURE.to_vec();
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    // bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &compress(width as usize * BYTES_PER_PIXEL, rgb));
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_be_bytes());
}

/// Filter every row with the filter that gives the smallest sum of absolute values (the usual
/// heuristic), then deflate the lot.
fn compress(stride: usize, rgb: &[u8]) -> Vec<u8> {
    let zero = vec![0u8; stride];
    let mut z = ZlibEncoder::new(Vec::new(), flate2::Compression::new(7));
    let mut best = Vec::with_capacity(stride + 1);
    let mut trial = Vec::with_capacity(stride + 1);
    let mut prev: &[u8] = &zero;
    for row in rgb.chunks_exact(stride) {
        best.clear();
        let mut best_cost = u64::MAX;
        for filter in 0..5u8 {
            filter_row(filter, row, prev, &mut trial);
            let cost = trial[1..].iter().map(|&b| (b as i8).unsigned_abs() as u64).sum();
            if cost < best_cost {
                best_cost = cost;
                std::mem::swap(&mut best, &mut trial);
            }
        }
        // Writing into a Vec cannot fail.
        z.write_all(&best).expect("write to memory");
        prev = row;
    }
    z.finish().expect("write to memory")
}

fn filter_row(filter: u8, row: &[u8], prev: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.push(filter);
    for i in 0..row.len() {
        let a = if i >= BYTES_PER_PIXEL { row[i - BYTES_PER_PIXEL] } else { 0 };
        let b = prev[i];
        let c = if i >= BYTES_PER_PIXEL { prev[i - BYTES_PER_PIXEL] } else { 0 };
        let predicted = match filter {
            0 => 0,
            1 => a,
            2 => b,
            3 => ((a as u16 + b as u16) / 2) as u8,
            _ => paeth(a, b, c),
        };
        out.push(row[i].wrapping_sub(predicted));
    }
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = a as i16 + b as i16 - c as i16;
    let (pa, pb, pc) = ((p - a as i16).abs(), (p - b as i16).abs(), (p - c as i16).abs());
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_png_crate() {
        let (w, h) = (7u32, 5u32);
        let rgb: Vec<u8> = (0..w * h * 3).map(|i| (i * 37 % 251) as u8).collect();
        let bytes = encode_rgb(w, h, &rgb);
        let mut reader = png::Decoder::new(bytes.as_slice()).read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (w, h));
        assert_eq!(info.color_type, png::ColorType::Rgb);
        assert_eq!(&buf[..info.buffer_size()], rgb.as_slice());
    }
}
