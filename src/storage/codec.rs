//! The stored form of the registry: JSON, deflated (zlib, so damage is caught by its checksum), then
//! packed 15 bits per character into code points U+3400…U+B3FF (never surrogates). Browsers count
//! localStorage in UTF-16 units, so this holds almost two bytes of compressed data per unit, which is
//! what lets 20,000 models fit in a 5-million-unit quota.

use miniz_oxide::deflate::compress_to_vec_zlib;
use miniz_oxide::inflate::decompress_to_vec_zlib_with_limit;

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
    let packed = compress_to_vec_zlib(bytes, 6);
    let mut out = String::with_capacity(PREFIX.len() + 12 + packed.len() * 3 / 2);
    out.push_str(PREFIX);
    out.push_str(&packed.len().to_string());
    out.push(':');
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in packed {
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
    decompress_to_vec_zlib_with_limit(&packed, MAX_INFLATED).map_err(|_| CodecError::Inflate)
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
}
