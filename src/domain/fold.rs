//! Folding Vietnamese text for search and matching (so "a luoi" finds "A Lưới", "thuy" finds "Thủy" and
//! "Thuỷ", "dan van" finds "Dân vận").
//!
//! Folding decomposes to NFD, drops every combining mark (so tone-mark placement no longer matters), maps
//! đ/Đ to d, lower-cases, turns dashes and punctuation into spaces and collapses runs of white space.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The folded form of `s`: lower case ASCII-like words separated by single spaces.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            _ => c,
        };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            for l in c.to_lowercase() {
                out.push(l);
            }
        } else {
            pending_space = true;
        }
    }
    out
}

/// Text normalised for storage: NFC (a file written in NFD reads the same as one in NFC), trimmed.
pub fn nfc(s: &str) -> String {
    s.trim().nfc().collect()
}

/// Does the folded `haystack` contain every word of the folded `query`?
pub fn matches_words(haystack_folded: &str, query_folded: &str) -> bool {
    query_folded.split(' ').filter(|w| !w.is_empty()).all(|w| haystack_folded.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese_examples() {
        assert_eq!(fold("A Lưới"), "a luoi");
        assert_eq!(fold("Dân vận khéo"), "dan van kheo");
        assert_eq!(fold("Thủy"), fold("Thuỷ"), "tone mark on a different vowel");
        assert_eq!(fold("Thủy"), "thuy");
        assert_eq!(fold("Đường Đông Ba"), "duong dong ba");
        assert_eq!(fold("Chân Mây – Lăng Cô"), fold("Chân Mây-Lăng Cô"));
        assert_eq!(fold("  Xã   A Roàng  "), "xa a roang");
        // NFD input folds the same as NFC input
        let nfd: String = "Hương Thủy".nfd().collect();
        assert_eq!(fold(&nfd), "huong thuy");
    }

    #[test]
    fn word_matching_needs_every_word() {
        let h = fold("Nuôi bò thịt của ông Hồ Văn Nghiêm, xã Hồng Thái");
        assert!(matches_words(&h, &fold("bo thit hong thai")));
        assert!(matches_words(&h, &fold("NGHIEM")));
        assert!(!matches_words(&h, &fold("bo thit a luoi")));
        assert!(matches_words(&h, ""), "an empty query matches everything");
    }

    #[test]
    fn nfc_normalises_and_trims() {
        let nfd: String = "Lưới".nfd().collect();
        assert_ne!(nfd, "Lưới");
        assert_eq!(nfc(&format!(" {nfd} ")), "Lưới");
    }
}
