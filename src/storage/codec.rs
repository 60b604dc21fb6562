//! The stored form of the registry: JSON, deflated (zlib, so damage is caught by its checksum), then
//! packed 15 bits per character into code points U+3400…U+B3FF (never surrogates). Browsers count
//! localStorage in UTF-16 units, so this holds almost two bytes of compressed data per unit, which is
//! what lets 20,000 models fit in a 5-million-unit quota.
//!
//! Deflate and inflate are zlib-rs's (through flate2, already in the wasm for the Excel export): at level 6
//! it packs the stored JSON about 0.6% smaller than miniz_oxide did, in about half the time, which is most
//! of what an import's save costs (BENCHMARKS.md). Any zlib stream reads back, so values written by
//! earlier versions (miniz_oxide) still load.

use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::{Compression, Decompress, FlushDecompress, Status};

const PREFIX: &str = "DVKZ1:";
const BASE: u32 = 0x3400;
/// Refuse to inflate past this (a damaged or hostile value must not exhaust memory).
const MAX_INFLATED: usize = 512 * 1024 * 1024;

/// Why a stored value could not be read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodecError {
    NotEncoded,
    BadCharacter,
    BadLength,
    Inflate,
}

/// Encodes bytes (JSON) into the stored text.
pub fn encode(bytes: &[u8]) -> String {
    let mut z = ZlibEncoder::new(Vec::with_capacity(bytes.len() / 6 + 64), Compression::new(6));
    let packed = z.write_all(bytes).and_then(|_| z.finish()).expect("deflate into memory");
    pack(&packed)
}

/// The stored text of a zlib stream: prefix, length, 15 bits per character.
fn pack(packed: &[u8]) -> String {
    let mut out = String::with_capacity(PREFIX.len() + 12 + packed.len() * 3 / 2);
    out.push_str(PREFIX);
    out.push_str(&packed.len().to_string());
    out.push(':');
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in packed {
        acc = (acc << 8) | b as u32;
        bits += 8;
        while bits >= 15 {
            bits -= 15;
            out.push(char::from_u32(BASE + ((acc >> bits) & 0x7FFF)).expect("in range"));
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from_u32(BASE + ((acc << (15 - bits)) & 0x7FFF)).expect("in range"));
    }
    out
}

/// Decodes the stored text back into bytes.
pub fn decode(text: &str) -> Result<Vec<u8>, CodecError> {
    let rest = text.strip_prefix(PREFIX).ok_or(CodecError::NotEncoded)?;
    let (len, body) = rest.split_once(':').ok_or(CodecError::NotEncoded)?;
    let len: usize = len.parse().map_err(|_| CodecError::BadLength)?;
    // Each character carries 15 bits: a length the body cannot hold is damage, refused before allocating.
    if len > body.len().saturating_mul(15) / 8 + 1 {
        return Err(CodecError::BadLength);
    }
    let mut packed = Vec::with_capacity(len);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in body.chars() {
        let v = (c as u32).checked_sub(BASE).filter(|v| *v <= 0x7FFF).ok_or(CodecError::BadCharacter)?;
        acc = (acc << 15) | v;
        bits += 15;
        while bits >= 8 {
            bits -= 8;
            if packed.len() < len {
                packed.push((acc >> bits) as u8);
            }
        }
        acc &= (1 << bits) - 1;
    }
    if packed.len() != len {
        return Err(CodecError::BadLength);
    }
    inflate(&packed)
}

/// The zlib stream inflated; an error unless it is whole (its checksum checked) and within `MAX_INFLATED`.
fn inflate(packed: &[u8]) -> Result<Vec<u8>, CodecError> {
    let mut z = Decompress::new(true);
    let mut out: Vec<u8> = Vec::with_capacity(packed.len().saturating_mul(8).clamp(64, MAX_INFLATED));
    loop {
        if out.len() == out.capacity() {
            if out.len() >= MAX_INFLATED {
                return Err(CodecError::Inflate);
            }
            out.reserve_exact(out.len().min(MAX_INFLATED - out.len()));
        }
        let (read, written) = (z.total_in(), out.len());
        let rest = packed.get(read as usize..).ok_or(CodecError::Inflate)?;
        match z.decompress_vec(rest, &mut out, FlushDecompress::Finish) {
            Ok(Status::StreamEnd) => return Ok(out),
            // No progress with room left: the stream ends before its end (damage).
            Ok(_) if z.total_in() == read && out.len() == written && out.len() < out.capacity() => return Err(CodecError::Inflate),
            Ok(_) => {}
            Err(_) => return Err(CodecError::Inflate),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_any_bytes() {
        for data in [&b""[..], b"x", b"{\"a\":1}", "Dân vận khéo — A Lưới".as_bytes(), &[0u8, 255, 7, 128, 1][..]] {
            let e = encode(data);
            assert!(e.chars().all(|c| !(0xD800..=0xDFFF).contains(&(c as u32))));
            assert_eq!(decode(&e).unwrap(), data);
        }
        let big: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        assert_eq!(decode(&encode(&big)).unwrap(), big);
    }

    #[test]
    fn packs_repetitive_json_small() {
        let json = "{\"title\":\"Mô hình nuôi bò\",\"field\":\"economic\"},".repeat(1000);
        let e = encode(json.as_bytes());
        assert!(e.encode_utf16().count() * 10 < json.len(), "{} units for {} bytes", e.encode_utf16().count(), json.len());
    }

    #[test]
    fn damage_is_detected() {
        let e = encode(b"{\"models\":[1,2,3,4,5,6,7,8,9]}");
        assert_eq!(decode("{\"models\":[]}"), Err(CodecError::NotEncoded));
        let mut chars: Vec<char> = e.chars().collect();
        let n = chars.len();
        chars[n - 2] = char::from_u32(chars[n - 2] as u32 ^ 0x155).unwrap();
        let damaged: String = chars.into_iter().collect();
        assert!(decode(&damaged).is_err(), "the zlib checksum catches a flipped character");
        assert_eq!(decode(&e[..e.len() - 3]), Err(CodecError::BadLength));
        // a damaged length prefix is refused before anything is allocated for it
        for len in ["99999999999999999", "18446744073709551615", "4000000000"] {
            let damaged = format!("{PREFIX}{len}:{}", e.split_once(':').unwrap().1.split_once(':').unwrap().1);
            assert_eq!(decode(&damaged), Err(CodecError::BadLength), "{len}");
        }
        assert_eq!(decode("DVKZ1:4:abc"), Err(CodecError::BadCharacter));
    }

    #[test]
    fn a_stream_cut_short_is_refused() {
        let json = "{\"title\":\"Mô hình nuôi bò\"},".repeat(500);
        let mut z = ZlibEncoder::new(Vec::new(), Compression::new(6));
        z.write_all(json.as_bytes()).unwrap();
        let whole = z.finish().unwrap();
        assert_eq!(decode(&pack(&whole)).unwrap(), json.as_bytes());
        for cut in [1, 4, 5, whole.len() / 2, whole.len() - 2] {
            assert_eq!(decode(&pack(&whole[..whole.len() - cut])), Err(CodecError::Inflate), "cut {cut}");
        }
    }

    #[test]
    fn reads_a_stream_of_another_deflater() {
        // zlib.compress(b'{"models":[]}', 9) (CPython's zlib): the format, not the deflater, is what is stored
        let other = [0x78, 0xda, 0xab, 0x56, 0xca, 0xcd, 0x4f, 0x49, 0xcd, 0x29, 0x56, 0xb2, 0x8a, 0x8e, 0xad, 0x05, 0x00, 0x21, 0x15, 0x04, 0xb3];
        assert_eq!(decode(&pack(&other)).unwrap(), br#"{"models":[]}"#);
    }
}
