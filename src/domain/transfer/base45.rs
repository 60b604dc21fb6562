//! Base45 (RFC 9285): bytes as text in the 45 characters of a QR code's alphanumeric mode, which stores
//! 5.5 bits a character. Two bytes become three characters, so a frame costs 8.25 bits a byte in the
//! code, where base64 in byte mode costs 10.7 and the `ur` crate's bytewords 11.

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// The text of `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(2) * 3);
    let mut push = |mut n: u32, digits: usize| {
        for _ in 0..digits {
            out.push(ALPHABET[(n % 45) as usize] as char);
            n /= 45;
        }
    };
    for pair in bytes.chunks(2) {
        match *pair {
            [a, b] => push(u32::from(a) * 256 + u32::from(b), 3),
            [a] => push(u32::from(a), 2),
            _ => unreachable!("chunks(2)"),
        }
    }
    out
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|i| i as u32)
}

/// The bytes of `text`, or `None` if it is not base45.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let s = text.as_bytes();
    if s.len() % 3 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 3 * 2 + 1);
    for group in s.chunks(3) {
        let mut n = 0u32;
        for &c in group.iter().rev() {
            n = n * 45 + value(c)?;
        }
        if group.len() == 3 {
            if n > 0xFFFF {
                return None;
            }
            out.extend_from_slice(&[(n >> 8) as u8, n as u8]);
        } else {
            out.push(u8::try_from(n).ok()?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_examples() {
        assert_eq!(encode(b"AB"), "BB8");
        assert_eq!(encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(decode("QED8WEX0").as_deref(), Some(&b"ietf!"[..]));
    }

    #[test]
    fn every_byte_pair_round_trips_and_bad_text_is_refused() {
        let bytes: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).chain([7]).collect();
        assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
        assert_eq!(decode(""), Some(vec![]));
        assert_eq!(decode("GGW"), None, "65535 < 'GGW' = 65536");
        assert_eq!(decode("ab"), None, "lower case is not in the alphabet");
        assert_eq!(decode("BB8A"), None, "a lone last character");
        assert_eq!(decode(":Z"), None, "two characters over 255");
    }
}
