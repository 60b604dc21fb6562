//! Folding Vietnamese text for search and matching (so "a luoi" finds "A Lưới", "thuy" finds "Thủy" and
//! "Thuỷ", "dan van" finds "Dân vận"), and NFC for stored text.
//!
//! Folding drops every combining mark (so tone-mark placement does not matter), takes precomposed
//! letters to their base letter, maps đ/Đ to d, lower-cases, turns dashes and punctuation into spaces and
//! collapses runs of white space. It is table-driven, without a Unicode normalisation library:
//! - ASCII is handled inline.
//! - U+0080..U+2070 (Latin with every Vietnamese letter, combining marks, Greek, Cyrillic, the other
//!   scripts below U+2000, and General Punctuation with the dashes, quotes and ellipsis of real text) goes
//!   through the generated table in `fold_table.rs`: each char is dropped (a combining mark), a word break
//!   (not alphanumeric) or one folded char (its canonical decomposition without marks, đ→d, lower case).
//!   This is exactly what decomposing to NFD first gives, checked against the `unicode-normalization`
//!   crate on every char of the range and on the demo texts (tests below).
//! - Beyond the table, combining marks (the table's `MARKS` ranges) are dropped, other non-alphanumerics
//!   are word breaks and alphanumerics are lower-cased (and the lower case folded by the table if it falls
//!   in it), but nothing is decomposed: "한" (U+D55C) stays one char where NFD would give three jamo, and
//!   "が" keeps its voicing mark. Harmless: the haystack and the query are folded the same way, and folded
//!   text is only compared, never stored.
//!
//! NFC (`nfc`): text that is only chars below U+0300, precomposed Vietnamese (U+1E00..U+1EFF) or common
//! punctuation (U+2010..U+2027) is already NFC and is only trimmed. Anything else is composed by
//! `unicode-normalization` natively and, in the browser, by the browser's own
//! `String.prototype.normalize("NFC")` (the one `cfg`'d function `compose` below; the crate is not in the
//! WebAssembly build, which saves about 44 KB of brotli'd wasm and its start-up work). Apart from that
//! function the domain core has no browser types.

use super::fold_table::{BREAK, DROP, END, FOLD, MARKS, START};

/// The folded form of `s`: lower case ASCII-like words separated by single spaces.
pub fn fold(s: &str) -> String {
    let bytes = s.as_bytes();
    // Built as bytes and decoded by hand: ASCII, most of any text and what Vietnamese letters fold to, is
    // then one byte in, one byte out (2.5× faster than `chars()` and `String::push` at opt-level "z").
    let mut out: Vec<u8> = Vec::with_capacity(s.len());
    let mut pending_space = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // the char at `i` (`s` is valid UTF-8)
        let c = if b < 0x80 {
            i += 1;
            if b.is_ascii_alphanumeric() {
                start_char(&mut out, &mut pending_space);
                out.push(b.to_ascii_lowercase());
            } else {
                pending_space = true;
            }
            continue;
        } else if b < 0xE0 {
            i += 2;
            (b as u32 & 0x1F) << 6 | (bytes[i - 1] as u32 & 0x3F)
        } else if b < 0xF0 {
            i += 3;
            (b as u32 & 0x0F) << 12 | (bytes[i - 2] as u32 & 0x3F) << 6 | (bytes[i - 1] as u32 & 0x3F)
        } else {
            i += 4;
            (b as u32 & 0x07) << 18
                | (bytes[i - 3] as u32 & 0x3F) << 12
                | (bytes[i - 2] as u32 & 0x3F) << 6
                | (bytes[i - 1] as u32 & 0x3F)
        };
        if c < END {
            match FOLD[(c - START) as usize] {
                DROP => {}
                BREAK => pending_space = true,
                delta => {
                    start_char(&mut out, &mut pending_space);
                    push_char(&mut out, unshift(c, delta));
                }
            }
        } else if !is_mark_beyond_table(c) {
            match char::from_u32(c) {
                Some(c) if c.is_alphanumeric() => {
                    for l in c.to_lowercase() {
                        start_char(&mut out, &mut pending_space);
                        push_char(&mut out, fold_lowered(l) as u32);
                    }
                }
                _ => pending_space = true,
            }
        }
    }
    String::from_utf8(out).expect("fold writes whole chars")
}

/// The char `c` folds to, from its table entry (the folded char minus `c`, wrapping at 2^16).
#[inline(always)]
fn unshift(c: u32, delta: u16) -> u32 {
    (c + delta as u32) & 0xFFFF
}

/// Before a folded (alphanumeric) char: a space if a word break came before it (and it is not the first).
#[inline(always)]
fn start_char(out: &mut Vec<u8>, pending_space: &mut bool) {
    if *pending_space && !out.is_empty() {
        out.push(b' ');
    }
    *pending_space = false;
}

/// Appends the char `c` (a scalar value from the table or `char`) as UTF-8.
#[inline(always)]
fn push_char(out: &mut Vec<u8>, c: u32) {
    if c < 0x80 {
        out.push(c as u8);
    } else {
        let c = char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER);
        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    }
}

/// Is `u` (at or above the table's end) a combining mark?
fn is_mark_beyond_table(u: u32) -> bool {
    MARKS
        .binary_search_by(|&(lo, hi)| {
            if hi < u {
                std::cmp::Ordering::Less
            } else if lo > u {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// The lower case `l` of an alphanumeric char beyond the table, folded by the table if it falls in it
/// (U+212B ANGSTROM SIGN lower-cases to å, which folds to a, as NFD would give).
fn fold_lowered(l: char) -> char {
    let u = l as u32;
    if (START..END).contains(&u) {
        match FOLD[(u - START) as usize] {
            DROP | BREAK => {}
            delta => return char::from_u32(unshift(u, delta)).unwrap_or(l),
        }
    }
    l
}

/// Text normalised for storage: NFC (a file written in NFD reads the same as one in NFC), trimmed.
pub fn nfc(s: &str) -> String {
    let s = s.trim();
    if is_plain_nfc(s) {
        s.to_string()
    } else {
        compose(s)
    }
}

/// Chars that are NFC by themselves (NFC_QC=Yes) and starters (canonical combining class 0), so no char
/// before them can compose with them or reorder around them: a string of only these is NFC. Checked
/// against `unicode-normalization` in the tests.
const PLAIN_NFC: [(char, char); 3] = [('\0', '\u{2FF}'), ('\u{1E00}', '\u{1EFF}'), ('\u{2010}', '\u{2027}')];

/// Is `s` NFC by a quick look (only chars of `PLAIN_NFC`)? `false` means "maybe not".
pub fn is_plain_nfc(s: &str) -> bool {
    s.is_ascii() || s.chars().all(|c| PLAIN_NFC.iter().any(|&(lo, hi)| lo <= c && c <= hi))
}

/// NFC by the `unicode-normalization` crate (natively).
#[cfg(not(target_arch = "wasm32"))]
fn compose(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc().collect()
}

/// NFC by the browser's `String.prototype.normalize` (in the WebAssembly build).
#[cfg(target_arch = "wasm32")]
fn compose(s: &str) -> String {
    js_sys::JsString::from(s).normalize("NFC").into()
}

/// Does the folded `haystack` contain every word of the folded `query`, each at the start of one of its
/// words? ("nuoi ong" finds "nuôi ong mật" but not "Đông"; "nuoi o" finds it too, the last word being typed.)
pub fn matches_words(haystack_folded: &str, query_folded: &str) -> bool {
    query_folded.split(' ').filter(|w| !w.is_empty()).all(|w| has_word_starting_with(haystack_folded, w))
}

/// Does some word of the folded `haystack` start with the folded word `prefix`?
pub fn has_word_starting_with(haystack_folded: &str, prefix: &str) -> bool {
    haystack_folded.match_indices(prefix).any(|(at, _)| at == 0 || haystack_folded.as_bytes()[at - 1] == b' ')
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::char::{canonical_combining_class, is_combining_mark};
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

    /// Folding the plain way with `unicode-normalization`: NFD, drop combining marks, đ→d, lower case, words.
    /// The reference the table-driven `fold` is checked against (and the table generated from).
    fn reference_fold(s: &str) -> String {
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
        assert!(matches_words(&h, &fold("thi ngh")), "a word being typed matches as a prefix");
        assert!(!matches_words(&h, &fold("hit")), "a word is matched from its start only");
    }

    #[test]
    fn nfc_normalises_and_trims() {
        let nfd: String = "Lưới".nfd().collect();
        assert_ne!(nfd, "Lưới");
        assert_eq!(nfc(&format!(" {nfd} ")), "Lưới");
        assert_eq!(nfc("  Lưới – “A Roàng”  "), "Lưới – “A Roàng”");
        // a precomposed char outside the quick ranges followed by a combining mark
        assert_eq!(nfc("\u{3B1}\u{301}"), "\u{3AC}");
        assert_eq!(nfc("\u{2126}"), "\u{3A9}", "a singleton decomposition is not NFC");
    }

    /// Every char in a string, each alone, between letters, between spaces and after a letter before a
    /// combining mark.
    fn contexts(c: char) -> [String; 5] {
        [format!("{c}"), format!("a{c}b"), format!("x {c} y"), format!("Ư{c}\u{301}n"), format!("{c}{c}đ")]
    }

    #[test]
    fn fold_equals_the_reference_on_every_char_of_the_table_and_below() {
        for u in 0..END {
            let Some(c) = char::from_u32(u) else { continue };
            for s in contexts(c) {
                assert_eq!(fold(&s), reference_fold(&s), "U+{u:04X} in {s:?}");
            }
        }
    }

    /// Beyond the table `fold` does not decompose; every char that has no canonical decomposition still
    /// folds exactly like the reference (and the ones that have one are a known, harmless difference).
    #[test]
    fn fold_equals_the_reference_beyond_the_table_except_decompositions() {
        let mut decomposed = 0;
        for u in END..=char::MAX as u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let s = c.to_string();
            if s.nfd().eq(s.chars()) {
                for s in [s.clone(), format!("a{c}b")] {
                    assert_eq!(fold(&s), reference_fold(&s), "U+{u:04X} in {s:?}");
                }
            } else if fold(&s) != reference_fold(&s) {
                decomposed += 1;
            }
        }
        // 11,172 Hangul syllables, about 1,000 CJK compatibility ideographs, kana with voicing marks, Hebrew
        // presentation forms, a few letters of other scripts (12,278 with Unicode 17)
        assert!(decomposed < 12_500, "{decomposed} chars beyond the table fold differently");
    }

    /// The searchable text of the 20,000-model demo registry.
    fn demo_texts() -> Vec<String> {
        let now = crate::domain::time::Timestamp::from_unix_millis(1_767_225_600_000);
        crate::domain::demo::scaled_demo(20_000, 2024, now, "bench001").iter().map(crate::domain::search::searchable_text).collect()
    }

    #[test]
    fn fold_equals_the_reference_on_the_demo_texts() {
        let texts = demo_texts();
        assert_eq!(texts.len(), 20_000);
        for t in &texts {
            assert_eq!(fold(t), reference_fold(t), "{t:?}");
            let nfd: String = t.nfd().collect();
            assert_eq!(fold(&nfd), reference_fold(t), "NFD of {t:?}");
            assert_eq!(nfc(t), t.trim().nfc().collect::<String>());
            assert_eq!(nfc(&nfd), t.trim().nfc().collect::<String>());
        }
    }

    #[test]
    fn quick_nfc_ranges_are_nfc_starters() {
        for &(lo, hi) in &PLAIN_NFC {
            for c in lo..=hi {
                assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "U+{:04X}", c as u32);
                assert_eq!(canonical_combining_class(c), 0, "U+{:04X}", c as u32);
                // no char before it composes with it
                for p in ['a', 'A', 'e', 'o', 'u', 'ư', 'Ơ', 'â', 'ă', 'y', 'i', 'ᄀ', '\u{3B1}'] {
                    let s = format!("{p}{c}");
                    assert!(s.nfc().eq(s.chars()), "U+{:04X} after {p}", c as u32);
                }
            }
        }
        assert!(is_plain_nfc("Nuôi bò thịt – “Hồ Văn Nghiêm”…"));
        assert!(!is_plain_nfc(&"Lưới".nfd().collect::<String>()));
    }

    /// The contents of `fold_table.rs`, from the reference fold and the crate's combining marks.
    fn generate_table() -> String {
        // A table entry must be all a char does: canonical reordering (which happens in NFD across char
        // boundaries) only moves chars of non-zero combining class, and those must all be marks (dropped).
        for u in 0..=char::MAX as u32 {
            if let Some(c) = char::from_u32(u) {
                assert!(canonical_combining_class(c) == 0 || is_combining_mark(c), "U+{u:04X} reorders but is kept");
            }
        }
        let mut entries = Vec::new();
        for u in START..END {
            let c = char::from_u32(u).expect("no surrogates below U+D800");
            let alone = reference_fold(&c.to_string());
            let between = reference_fold(&format!("a{c}a"));
            let entry = if is_combining_mark(c) {
                assert_eq!(between, "aa", "U+{u:04X}");
                DROP
            } else if alone.is_empty() {
                assert_eq!(between, "a a", "U+{u:04X}");
                BREAK
            } else {
                // more than one char would need an entry of its own kind: none in this range
                let mut chars = alone.chars();
                let (Some(f), None) = (chars.next(), chars.next()) else { panic!("U+{u:04X} folds to {alone:?}") };
                assert_eq!(between, format!("a{f}a"), "U+{u:04X}");
                let f = f as u32;
                assert!(f <= 0xFFFF, "U+{u:04X} folds to U+{f:04X}, beyond 16 bits");
                let delta = (f.wrapping_sub(u) & 0xFFFF) as u16;
                assert!(delta != DROP && delta != BREAK, "U+{u:04X} folds to U+{f:04X}: a sentinel");
                assert_eq!(unshift(u, delta), f);
                delta
            };
            entries.push(entry);
        }
        let mut marks: Vec<(u32, u32)> = Vec::new();
        for u in END..=char::MAX as u32 {
            if char::from_u32(u).is_some_and(is_combining_mark) {
                match marks.last_mut() {
                    Some(last) if last.1 + 1 == u => last.1 = u,
                    _ => marks.push((u, u)),
                }
            }
        }
        let (a, b, c) = unicode_normalization::UNICODE_VERSION;
        let (x, y, z) = char::UNICODE_VERSION;
        let mut out = String::new();
        out.push_str(&format!(
            "//! GENERATED by `DVK_REGENERATE=1 cargo test --lib fold::tests::fold_table_is_generated` (see
//! `src/domain/fold.rs`): do not edit. From the `unicode-normalization` crate (Unicode {a}.{b}.{c}) and the
//! standard library (Unicode {x}.{y}.{z}).
//!
//! `FOLD[c - START]` for `START <= c < END`: `DROP` (a combining mark), `BREAK` (not alphanumeric: a word
//! break) or, for the char `f` that `c` folds to (its canonical decomposition without combining marks,
//! đ→d, lower-cased), `f - c` wrapping at 2^16: 0 for the many chars that fold to themselves, so that the
//! table compresses to about 2 KB rather than 9 KB. (No char folds to `c + DROP` or `c + BREAK`.)
//! `MARKS`: the combining marks at or above `END`, as sorted inclusive ranges.

pub const START: u32 = 0x{START:X};
pub const END: u32 = 0x{END:X};
pub const DROP: u16 = 0x{DROP:X};
pub const BREAK: u16 = 0x{BREAK:X};

#[rustfmt::skip]
pub static FOLD: [u16; {}] = [
",
            entries.len()
        ));
        for (i, line) in entries.chunks(16).enumerate() {
            out.push_str(&format!("    /* {:04X} */", START as usize + 16 * i));
            for e in line {
                out.push_str(&format!(" 0x{e:04X},"));
            }
            out.push('\n');
        }
        out.push_str(&format!("];\n\n#[rustfmt::skip]\npub static MARKS: [(u32, u32); {}] = [\n", marks.len()));
        for line in marks.chunks(6) {
            out.push_str("   ");
            for (lo, hi) in line {
                out.push_str(&format!(" (0x{lo:05X}, 0x{hi:05X}),"));
            }
            out.push('\n');
        }
        out.push_str("];\n");
        out
    }

    /// The committed table is what the generator gives; `DVK_REGENERATE=1` rewrites it instead (after a
    /// Rust or `unicode-normalization` upgrade changes the Unicode tables).
    #[test]
    fn fold_table_is_generated() {
        let table = generate_table();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/domain/fold_table.rs");
        if std::env::var_os("DVK_REGENERATE").is_some_and(|v| v == "1") {
            std::fs::write(path, &table).expect("write fold_table.rs");
        } else {
            let committed = std::fs::read_to_string(path).expect("read fold_table.rs");
            assert!(committed == table, "src/domain/fold_table.rs is stale: run DVK_REGENERATE=1 cargo test --lib fold_table_is_generated");
        }
    }
}
