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
    let packed = unpack(body.as_bytes(), len)?;
    if packed.len() != len {
        return Err(CodecError::BadLength);
    }
    inflate(&packed)
}

/// The first `len` bytes that the characters of `body` (UTF-8) carry, 15 bits each; fewer if they carry
/// fewer. Every character of U+3400…U+B3FF is three bytes in UTF-8 (`1110xxxx 10yyyyyy 10zzzzzz`, lead
/// byte E3…EB), so the body is read three bytes at a time, eight characters (15 bytes) per step, without
/// decoding characters one by one; a character of another length or outside the range is `BadCharacter`.
fn unpack(body: &[u8], len: usize) -> Result<Vec<u8>, CodecError> {
    #[inline(always)]
    fn value(t: &[u8]) -> Result<u64, CodecError> {
        // `body` is valid UTF-8: a lead byte E3…EB starts a three-byte character, whose code point is
        // then 0x3000…0xBFFF; only that range's ends need checking.
        if !(0xE3..=0xEB).contains(&t[0]) {
            return Err(CodecError::BadCharacter);
        }
        let c = (u32::from(t[0] & 0x0F) << 12) | (u32::from(t[1] & 0x3F) << 6) | u32::from(t[2] & 0x3F);
        c.checked_sub(BASE).filter(|v| *v <= 0x7FFF).map(u64::from).ok_or(CodecError::BadCharacter)
    }
    let mut packed = Vec::with_capacity(len);
    // whole groups of eight characters while all their 15 bytes are wanted
    let whole = (body.len() / 24).min(len / 15);
    for g in body[..whole * 24].chunks_exact(24) {
        let mut acc: u128 = 0;
        for t in g.chunks_exact(3) {
            acc = (acc << 15) | u128::from(value(t)?);
        }
        packed.extend_from_slice(&acc.to_be_bytes()[1..]);
    }
    // the rest one character at a time, up to `len` bytes (every character is still checked)
    let rest = &body[whole * 24..];
    if rest.len() % 3 != 0 {
        // valid UTF-8 whose length is no multiple of three holds a character of another length
        return Err(CodecError::BadCharacter);
    }
    let mut acc: u64 = 0;
    let mut bits = 0;
    for t in rest.chunks_exact(3) {
        acc = (acc << 15) | value(t)?;
        bits += 15;
        while bits >= 8 {
            bits -= 8;
            if packed.len() < len {
                packed.push((acc >> bits) as u8);
            }
        }
        acc &= (1 << bits) - 1;
    }
    Ok(packed)
}

/// The zlib stream inflated; an error unless it is whole (its checksum checked) and within `MAX_INFLATED`.
fn inflate(packed: &[u8]) -> Result<Vec<u8>, CodecError> {
    let mut z = Decompress::new(true);
    // The stored JSON deflates to about an eighth (7.96× over the 20,000-model demo, more for some
    // chunks): room for ten times spares most chunks a copy into a doubled buffer.
    let mut out: Vec<u8> = Vec::with_capacity(packed.len().saturating_mul(10).clamp(64, MAX_INFLATED));
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

    /// The character-wise reading `unpack` replaced, as the reference it must agree with.
    fn unpack_by_chars(body: &str, len: usize) -> Result<Vec<u8>, CodecError> {
        let mut packed = Vec::new();
        let (mut acc, mut bits) = (0u32, 0);
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
        Ok(packed)
    }

    #[test]
    fn unpacks_as_reading_character_by_character() {
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        for n in [0, 1, 2, 14, 15, 16, 29, 30, 31, 44, 45, 46, 100, 999, 1000] {
            let text = pack(&bytes[..n]);
            let body = text.split_once(':').unwrap().1.split_once(':').unwrap().1;
            for len in [n.saturating_sub(16), n.saturating_sub(1), n, n + 1, n + 15] {
                assert_eq!(unpack(body.as_bytes(), len), unpack_by_chars(body, len), "{n} bytes, len {len}");
            }
            assert_eq!(unpack(body.as_bytes(), n).unwrap(), &bytes[..n]);
            // a foreign character anywhere (one, two, three or four bytes long; in or out of the first groups)
            let chars: Vec<char> = body.chars().collect();
            for at in [0, 1, 7, 8, 9, chars.len() / 2, chars.len().saturating_sub(1)] {
                for bad in ['a', 'é', '\u{33FF}', '\u{B400}', '\u{E000}', '\u{1F600}', '\u{3000}'] {
                    let mut c = chars.clone();
                    if at < c.len() {
                        c[at] = bad;
                    } else {
                        c.push(bad);
                    }
                    let damaged: String = c.into_iter().collect();
                    assert_eq!(unpack(damaged.as_bytes(), n), Err(CodecError::BadCharacter), "{n} bytes, {bad:?} at {at}");
                    assert_eq!(unpack_by_chars(&damaged, n), Err(CodecError::BadCharacter));
                }
            }
        }
        // the range's ends are its own
        for c in ['\u{3400}', '\u{B3FF}'] {
            let s = c.to_string().repeat(8);
            assert_eq!(unpack(s.as_bytes(), 15), unpack_by_chars(&s, 15));
        }
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
