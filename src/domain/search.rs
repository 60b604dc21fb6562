//! Tìm theo chữ: the free-text part of a search. The folded text (see `fold`) of every model — title,
//! locality, village, lead, tags and description — is kept in one string, one line per model, with a
//! summary of each line's word starts (`Starts`: which letters its words begin with, and a hashed set of
//! their first two and three letters). A query word is looked for only in the lines whose summary allows
//! it, with `memchr::memmem`; a one-letter word is answered by the summary alone. So a keystroke over
//! 20,000 models reads 20,000 small summaries and a few lines, not the whole text.
//!
//! A query word matches a word of the text from its start: "nuoi ong" finds "nuôi ong" but not "Đông" or
//! "cộng đồng", and "nuoi o" (a word still being typed) finds "nuôi ong" too. Every line begins with a
//! space, so a word start is always a space followed by the word, and one search for " word" finds it.
//!
//! While the officer types on, each keystroke looks only within the previous answer, and a word already
//! in the previous query is not looked for again. The index also keeps each model's field, so the list
//! can count its field chips over the matches without reading the models (`Filter::select_in`).
//!
//! The index is made when the officer first searches or focuses the search box, not at start-up (the
//! dashboard never needs it). After an edit, only the models whose change count moved are folded and
//! summarised again; the others' lines, summaries and fields are copied.

use memchr::memmem::Finder;

use super::fold::fold;
use super::model::{Field, Model};
use super::registry::Registry;

/// The searchable text of a model, folded.
pub fn search_text(m: &Model) -> String {
    fold(&searchable_text(m))
}

/// What search looks in, as written: title, locality, village, lead, tags and description.
pub fn searchable_text(m: &Model) -> String {
    let mut text = String::with_capacity(m.title.len() + m.description.len() + 64);
    for part in [&m.title, &m.locality.name, m.locality.village.as_deref().unwrap_or(""), &m.lead] {
        text.push_str(part);
        text.push(' ');
    }
    for tag in &m.tags {
        text.push_str(tag);
        text.push(' ');
    }
    text.push_str(&m.description);
    text
}

/// The query's words, folded, longest first (a longer word is usually rarer, so later words have fewer
/// candidates to check). Empty when the query has no letters or digits.
pub fn query_words(query: &str) -> Vec<String> {
    let mut words: Vec<String> = fold(query).split(' ').filter(|w| !w.is_empty()).map(str::to_string).collect();
    words.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    words.dedup();
    words
}

/// The folded text of every model of a registry (tombstones as empty lines), by position.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// Unique to this build (so a result can tell which index it came from).
    id: u64,
    /// Each model's line: a space, its folded text and `'\n'` (folded text never contains one).
    text: String,
    /// End (exclusive, at its `'\n'`) of each position's line.
    ends: Vec<u32>,
    /// The registry's change count of each position when its line was made.
    changes: Vec<u64>,
    /// The word starts of each position's line.
    starts: Vec<Starts>,
    /// The field of each position's model when its line was made.
    fields: Vec<Field>,
}

/// Which words a line has, in brief: `first` has one bit for each letter a–z and digit 0–9 that a word
/// begins with (exact; a first byte outside ASCII sets one of the other 28 bits, shared), `pairs` and
/// `triples` a bit for the first two and three bytes of each word that long (hashed, so shared). A line
/// whose summary lacks a query word's bits has no word starting with it; a one-byte word (a letter or a
/// digit: folded text has no other ASCII) is found exactly by `first`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Starts {
    first: u64,
    pairs: u64,
    triples: u64,
}

#[inline(always)]
fn first_bit(b: u8) -> u64 {
    match b {
        b'a'..=b'z' => 1 << (b - b'a'),
        b'0'..=b'9' => 1 << (26 + b - b'0'),
        _ => 1 << (36 + b % 28),
    }
}

/// A bit for a word's first two or three bytes (`key`: the bytes in its low bits), by a multiplicative hash.
#[inline(always)]
fn hash_bit(key: u32) -> u64 {
    1 << (key.wrapping_mul(0x9E37_79B1) >> 26)
}

/// The `hash_bit` keys of a word's first two and three bytes (0 when it is shorter).
#[inline(always)]
fn prefix_keys(word: &[u8]) -> (u32, u32) {
    match *word {
        [a, b, c, ..] => ((a as u32) << 8 | b as u32, (a as u32) << 16 | (b as u32) << 8 | c as u32),
        [a, b] => ((a as u32) << 8 | b as u32, 0),
        _ => (0, 0),
    }
}

impl Starts {
    /// The summary of a folded line (words separated by spaces).
    fn of(line: &[u8]) -> Starts {
        let mut s = Starts::default();
        let mut rest = line;
        while !rest.is_empty() {
            let len = memchr::memchr(b' ', rest).unwrap_or(rest.len());
            let word = &rest[..len];
            s.add(word);
            rest = &rest[(len + 1).min(rest.len())..];
        }
        s
    }

    /// Adds one word (empty: nothing).
    #[inline(always)]
    fn add(&mut self, word: &[u8]) {
        let Some(&b) = word.first() else { return };
        self.first |= first_bit(b);
        let (two, three) = prefix_keys(word);
        if two != 0 {
            self.pairs |= hash_bit(two);
        }
        if three != 0 {
            self.triples |= hash_bit(three);
        }
    }
}

/// One query word, ready to be looked for: its bits in a line's `Starts`, and " word" for memmem.
struct Word {
    starts: Starts,
    /// The bits alone decide (a one-byte word).
    exact: bool,
    finder: Finder<'static>,
}

impl Word {
    fn new(w: &str) -> Word {
        let b = w.as_bytes();
        let mut starts = Starts::default();
        starts.add(b);
        Word { starts, exact: b.len() == 1, finder: Finder::new(format!(" {w}").as_bytes()).into_owned() }
    }
}

impl SearchIndex {
    /// The index of `registry`, reusing the lines of `previous` for models that have not changed since.
    pub fn build(registry: &Registry, previous: Option<&SearchIndex>) -> SearchIndex {
        let models = registry.all_models();
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let mut out = SearchIndex {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            text: String::with_capacity(previous.map(|p| p.text.len()).unwrap_or(models.len() * 160)),
            ends: Vec::with_capacity(models.len()),
            changes: Vec::with_capacity(models.len()),
            starts: Vec::with_capacity(models.len()),
            fields: Vec::with_capacity(models.len()),
        };
        for (i, m) in models.iter().enumerate() {
            let change = registry.change_count(i);
            out.text.push(' ');
            // a model whose change count did not move is copied, field included (its model is not read)
            let (starts, field) = match previous.filter(|p| p.changes.get(i) == Some(&change)) {
                Some(p) => {
                    out.text.push_str(p.line(i));
                    (p.starts[i], p.fields[i])
                }
                None if m.is_deleted() => (Starts::default(), m.field),
                None => {
                    let line = search_text(m);
                    out.text.push_str(&line);
                    (Starts::of(line.as_bytes()), m.field)
                }
            };
            out.ends.push(out.text.len() as u32);
            out.text.push('\n');
            out.changes.push(change);
            out.starts.push(starts);
            out.fields.push(field);
        }
        out
    }

    /// The field of position `i`'s model (as it was when its line was made: current while `is_current`).
    #[inline(always)]
    pub fn field(&self, i: usize) -> Field {
        self.fields[i]
    }

    /// How many positions the index covers.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Is the index current for `registry` (same models, none changed since)?
    pub fn is_current(&self, registry: &Registry) -> bool {
        self.len() == registry.all_models().len() && (0..self.len()).all(|i| self.changes[i] == registry.change_count(i))
    }

    /// Where position `i`'s line starts (its leading space).
    fn start(&self, i: usize) -> usize {
        if i == 0 {
            0
        } else {
            self.ends[i - 1] as usize + 1
        }
    }

    /// The folded text of position `i`.
    pub fn line(&self, i: usize) -> &str {
        &self.text[self.start(i) + 1..self.ends[i] as usize]
    }

    /// Position `i`'s line with its leading space: where " word" is looked for.
    fn spaced_line(&self, i: usize) -> &str {
        &self.text[self.start(i)..self.ends[i] as usize]
    }

    /// The positions whose text has a word starting with each of `words` (from `query_words`). With no
    /// words, every position.
    pub fn matching(&self, words: &[String]) -> Matches {
        self.find(words, None).matches
    }

    /// Like `matching`, knowing the result of the previous keystroke: when the officer typed on (every
    /// earlier word begins one of the new words), the answer is within the earlier one, so only those
    /// models are checked, and only for the words that are new.
    pub fn find(&self, words: &[String], before: Option<&Found>) -> Found {
        let n = self.len();
        let narrows = |b: &&Found| {
            b.index_id == self.id && !b.words.is_empty() && b.words.iter().all(|old| words.iter().any(|w| w.starts_with(old.as_str())))
        };
        let before = before.filter(narrows);
        let mut set: Option<Matches> = before.map(|b| b.matches.clone());
        for w in words {
            // every model of the earlier answer has this word already
            if before.is_some_and(|b| b.words.contains(w)) {
                continue;
            }
            let word = Word::new(w);
            set = Some(match set {
                Some(mut m) => {
                    m.retain(|i| self.has(&word, i));
                    m
                }
                None => {
                    let mut m = Matches::none(n);
                    for i in 0..n {
                        if self.has(&word, i) {
                            m.insert(i);
                        }
                    }
                    m
                }
            });
        }
        Found { index_id: self.id, words: words.to_vec(), matches: set.unwrap_or_else(|| Matches::all(n)) }
    }

    /// Has position `i`'s line a word starting with `word`? Its summary first, then (unless the summary
    /// decides) the line itself.
    #[inline(always)]
    fn has(&self, word: &Word, i: usize) -> bool {
        let s = &self.starts[i];
        let w = &word.starts;
        s.first & w.first != 0
            && s.pairs & w.pairs == w.pairs
            && s.triples & w.triples == w.triples
            && (word.exact || word.finder.find(self.spaced_line(i).as_bytes()).is_some())
    }
}

/// The answer to one query: which words, over which index, and the positions found.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    index_id: u64,
    words: Vec<String>,
    pub matches: Matches,
}

/// A set of positions (a bitmap).
#[derive(Debug, Clone, PartialEq)]
pub struct Matches {
    bits: Vec<u64>,
    count: usize,
}

impl Matches {
    fn none(n: usize) -> Matches {
        Matches { bits: vec![0; n.div_ceil(64)], count: 0 }
    }

    fn all(n: usize) -> Matches {
        let mut m = Matches::none(n);
        for i in 0..n {
            m.insert(i);
        }
        m
    }

    fn insert(&mut self, i: usize) {
        let (w, b) = (i / 64, 1u64 << (i % 64));
        if self.bits[w] & b == 0 {
            self.bits[w] |= b;
            self.count += 1;
        }
    }

    /// Keeps the positions for which `keep` says yes.
    fn retain(&mut self, mut keep: impl FnMut(usize) -> bool) {
        for (w, word) in self.bits.iter_mut().enumerate() {
            let mut b = *word;
            while b != 0 {
                let bit = b & b.wrapping_neg();
                if !keep(w * 64 + bit.trailing_zeros() as usize) {
                    *word &= !bit;
                    self.count -= 1;
                }
                b &= b - 1;
            }
        }
    }

    /// The positions in the set, in order.
    pub fn positions(&self) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.count);
        for (w, &bits) in self.bits.iter().enumerate() {
            let mut b = bits;
            while b != 0 {
                out.push(w * 64 + b.trailing_zeros() as usize);
                b &= b - 1;
            }
        }
        out
    }

    #[inline(always)]
    pub fn contains(&self, i: usize) -> bool {
        self.bits.get(i / 64).is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }

    /// How many positions are in the set.
    pub fn count(&self) -> usize {
        self.count
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::{self, place, ts};

    fn model(id: &str, title: &str, loc: &str, description: &str) -> Model {
        let mut m = test_support::model(id, title);
        m.description = description.into();
        m.locality = place(None, loc);
        m
    }

    fn registry() -> Registry {
        let mut d = model("d", "Nuôi bò đã xóa", "Xã A Lưới 4", "");
        d.deleted_at = Some(ts("2024-06-01T00:00:00Z"));
        let mut tagged = model("t", "Tổ tự quản", "Phường Thuận Hóa", "");
        tagged.tags = vec!["an ninh".into()];
        tagged.lead = "Đoàn Thanh niên".into();
        Registry::from_records(
            vec![
                model("a", "Nuôi bò sinh sản", "Xã A Lưới 4", "Hộ ông Hồ Văn Nghiêm"),
                model("b", "Nhà Đại đoàn kết", "Phường Hương Thủy", "Dân vận khéo"),
                d,
                tagged,
                model("c", "Trồng quế", "Xã A Lưới 1", "bò"),
            ],
            vec![],
        )
    }

    /// The plain way: every word at a word start of the model's own folded text.
    fn plain(r: &Registry, q: &str) -> Vec<usize> {
        let words = query_words(q);
        r.all_models()
            .iter()
            .enumerate()
            .filter(|(_, m)| !m.is_deleted())
            .filter(|(_, m)| {
                let t = search_text(m);
                words.iter().all(|w| t.split(' ').any(|tw| tw.starts_with(w.as_str())))
            })
            .map(|(i, _)| i)
            .collect()
    }

    fn found(ix: &SearchIndex, q: &str) -> Vec<usize> {
        let m = ix.matching(&query_words(q));
        (0..ix.len()).filter(|i| m.contains(*i)).collect()
    }

    #[test]
    fn finds_the_same_models_as_a_plain_scan() {
        let r = registry();
        let ix = SearchIndex::build(&r, None);
        for q in ["bo", "a luoi", "A LƯỚI bò", "dan van", "nghiem", "xyz", "an ninh", "thanh nien", "o", "uoi b", "luoi 4 nuoi"] {
            assert_eq!(found(&ix, q), plain(&r, q), "query {q:?}");
        }
        assert_eq!(found(&ix, "bo"), vec![0, 4], "the tombstone is not found");
        assert_eq!(ix.matching(&[]).count(), 5, "no words: every position");
    }

    #[test]
    fn words_match_from_their_start_only() {
        let r = Registry::from_records(
            vec![
                model("a", "Nuôi ong lấy mật", "Xã Phong Điền", ""),
                model("b", "Nuôi bò", "Phường Đông Ba", "cộng đồng"),
                model("c", "Nuôi heo", "Xã Long Quảng", ""),
            ],
            vec![],
        );
        let ix = SearchIndex::build(&r, None);
        assert_eq!(found(&ix, "nuoi ong"), vec![0], "\"ong\" is not found inside Đông, đồng, Long");
        assert_eq!(found(&ix, "nuoi o"), vec![0], "the word being typed matches as a prefix");
        assert_eq!(found(&ix, "dong"), vec![1]);
        assert_eq!(found(&ix, "ong"), vec![0]);
        assert_eq!(found(&ix, "nuoi"), vec![0, 1, 2], "the first word of a line is a word start");
        assert!(found(&ix, "uoi").is_empty());
        for q in ["nuoi ong", "ong", "on", "o", "dong ba", "cong d", "ng"] {
            assert_eq!(found(&ix, q), plain(&r, q), "query {q:?}");
        }
    }

    #[test]
    fn a_word_never_matches_across_two_models() {
        // "kheo" ends model b's line and "to" starts model t's: "kheoto" must not be found.
        let r = registry();
        let ix = SearchIndex::build(&r, None);
        assert!(ix.line(1).ends_with("kheo"));
        assert!(ix.line(3).starts_with("to "));
        assert!(found(&ix, "kheoto").is_empty());
        assert!(found(&ix, "kheo to").is_empty(), "every word must be in the same model");
        assert_eq!(found(&ix, "kheo"), vec![1]);
    }

    #[test]
    fn many_candidates_and_few_candidates_agree() {
        // Enough models that both strategies (whole-text scan, per-line check) are used.
        let models: Vec<Model> = (0..500)
            .map(|i| model(&format!("m{i}"), &format!("Mô hình {i} nuôi {}", if i % 3 == 0 { "bò" } else { "gà" }), "Xã A Lưới 4", if i % 50 == 0 { "đặc biệt" } else { "" }))
            .collect();
        let r = Registry::from_records(models, vec![]);
        let ix = SearchIndex::build(&r, None);
        for q in ["nuoi bo", "dac biet bo", "dac biet ga", "mo hinh 1", "hinh 49 ga", "bo ga"] {
            assert_eq!(found(&ix, q), plain(&r, q), "query {q:?}");
        }
        assert_eq!(ix.matching(&query_words("nuoi bo")).count(), 167);
    }

    #[test]
    fn an_edit_refolds_only_the_changed_model() {
        let mut r = registry();
        let before = SearchIndex::build(&r, None);
        assert!(before.is_current(&r));
        let mut m = r.get("b").unwrap().clone();
        m.title = "Nuôi heo hữu cơ".into();
        r.save(m, ts("2024-03-01T00:00:00Z"), "dev");
        assert!(!before.is_current(&r));
        let after = SearchIndex::build(&r, Some(&before));
        assert!(after.is_current(&r));
        assert_eq!(after.line(0), before.line(0));
        assert!(after.line(1).contains("nuoi heo huu co") && !after.line(1).contains("doan ket"));
        assert_eq!(found(&after, "heo"), vec![1]);
        // a deleted model leaves the index
        r.delete("a", ts("2024-04-01T00:00:00Z"), "dev");
        let again = SearchIndex::build(&r, Some(&after));
        assert_eq!(again.line(0), "");
        assert_eq!(found(&again, "bo"), vec![4]);
        // a new model is added at the end
        r.put(model("n", "Bò lai", "Xã Phú Vinh", ""));
        let grown = SearchIndex::build(&r, Some(&again));
        assert_eq!(found(&grown, "bo lai"), vec![5]);
        assert_eq!(SearchIndex::build(&r, None).text, grown.text, "reusing lines gives the same index as a fresh build");
    }

    #[test]
    fn typing_on_narrows_within_the_previous_answer_and_gives_the_same_result() {
        let models: Vec<Model> = (0..300)
            .map(|i| model(&format!("m{i}"), &format!("Nuôi {} hộ {i}", ["bò", "gà", "heo", "bò lai"][i % 4]), ["Xã A Lưới 4", "Phường Thuận Hóa"][i % 2], ""))
            .collect();
        let r = Registry::from_records(models, vec![]);
        let ix = SearchIndex::build(&r, None);
        // "nuoi bo" typed a key at a time, then a word changed: each step equals a fresh search
        let mut before: Option<Found> = None;
        for q in ["n", "nu", "nuo", "nuoi", "nuoi b", "nuoi bo", "nuoi bo l", "nuoi bo la", "nuoi bo lai", "nuoi bo la", "nuoi ga", "a luoi ga", "thuan ho 1"] {
            let words = query_words(q);
            let step = ix.find(&words, before.as_ref());
            assert_eq!(step.matches, ix.matching(&words), "query {q:?}");
            assert_eq!(step.matches.positions(), plain(&r, q), "query {q:?}");
            before = Some(step);
        }
        // an answer from another index (the registry changed) is never used to narrow
        let mut r2 = r.clone();
        let mut m = r2.get("m1").unwrap().clone();
        m.title = "Nuôi bò lai mới".into();
        r2.save(m, ts("2024-05-01T00:00:00Z"), "dev");
        let ix2 = SearchIndex::build(&r2, Some(&ix));
        let old = ix.find(&query_words("nuoi bo"), None);
        let words = query_words("nuoi bo lai");
        assert_eq!(ix2.find(&words, Some(&old)).matches.positions(), plain(&r2, "nuoi bo lai"));
        assert!(ix2.find(&words, Some(&old)).matches.contains(1));
    }

    /// Words the property tests build models and queries from: short words, shared prefixes, a digit,
    /// letters outside ASCII (folded to themselves, several bytes) and punctuation.
    const WORDS: [&str; 16] = ["Nuôi", "nuôi", "bò", "bồ", "ong", "Đông", "đồng", "A", "Lưới", "4", "tổ", "tự", "한국", "Ωmega", "ß", "a-b"];

    fn words_model(id: usize, picks: &[usize], field: usize) -> Model {
        let text: Vec<&str> = picks.iter().map(|&k| WORDS[k % WORDS.len()]).collect();
        let (title, rest) = text.split_at(text.len().min(3));
        let mut m = model(&format!("m{id}"), &title.join(" "), WORDS[(id * 7) % WORDS.len()], &rest.join(" "));
        m.field = crate::domain::model::Field::ALL[field % 4];
        m
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(64))]
        /// The summaries (`Starts`) only ever skip lines that cannot match: for any models and any query
        /// (whole words, prefixes of them, one letter), the index finds what the plain scan finds, from
        /// scratch and typed on a key at a time.
        #[test]
        fn summaries_never_lose_a_match(
            models in proptest::collection::vec((proptest::collection::vec(0usize..64, 0..8), 0usize..4), 1..40),
            query in proptest::collection::vec((0usize..16, 1usize..6), 1..4),
        ) {
            let mut list: Vec<Model> = models.iter().enumerate().map(|(i, (p, f))| words_model(i, p, *f)).collect();
            list[0].deleted_at = Some(ts("2024-06-01T00:00:00Z"));
            let r = Registry::from_records(list, vec![]);
            let ix = SearchIndex::build(&r, None);
            let q: Vec<String> = query.iter().map(|&(k, len)| fold(WORDS[k]).chars().take(len).collect()).collect();
            let q = q.join(" ");
            proptest::prop_assert_eq!(found(&ix, &q), plain(&r, &q), "query {:?}", q);
            let mut before: Option<Found> = None;
            for end in (1..=q.len()).filter(|&e| q.is_char_boundary(e)) {
                let typed = &q[..end];
                let words = query_words(typed);
                let step = ix.find(&words, before.as_ref());
                proptest::prop_assert_eq!(step.matches.positions(), plain(&r, typed), "typed {:?}", typed);
                before = Some(step);
            }
        }
    }

    #[test]
    fn one_letter_words_are_decided_by_the_summary_and_longer_ones_checked_in_the_line() {
        let r = Registry::from_records(vec![model("a", "Nuôi bò", "Xã Hồng Kim", "ba"), model("b", "Trồng quế", "Xã A Lưới 1", "")], vec![]);
        let ix = SearchIndex::build(&r, None);
        // "n" starts "nuoi": the summary's first-letter bit says so, exactly
        assert_eq!(found(&ix, "n"), vec![0]);
        assert_eq!(found(&ix, "1"), vec![1]);
        assert!(found(&ix, "u").is_empty(), "u is inside words only");
        // "bx" shares its first letter with "bo" and "ba": the line is read and says no
        assert!(found(&ix, "bx").is_empty());
        assert_eq!(found(&ix, "bo"), vec![0]);
        assert_eq!(found(&ix, "hong kim"), vec![0]);
        assert_eq!(ix.field(1), r.all_models()[1].field);
        // a summary of a folded line: the same as the words added one at a time
        let mut one_by_one = Starts::default();
        for w in ["nuoi", "bo", "x", "han"] {
            one_by_one.add(w.as_bytes());
        }
        assert_eq!(Starts::of(b"nuoi bo x han"), one_by_one);
        assert_eq!(Starts::of(b""), Starts::default());
    }

    #[test]
    fn a_word_of_the_previous_query_is_not_looked_for_again() {
        let r = registry();
        let ix = SearchIndex::build(&r, None);
        let before = ix.find(&query_words("a luoi"), None);
        // "a luoi b": only "b" is new; the answer is the same as a fresh search
        let words = query_words("a luoi b");
        assert_eq!(ix.find(&words, Some(&before)).matches, ix.matching(&words));
        assert_eq!(ix.find(&words, Some(&before)).matches.positions(), vec![0, 4]);
        // the same query again: the previous answer as it is
        assert_eq!(ix.find(&query_words("a luoi"), Some(&before)).matches, before.matches);
    }

    #[test]
    fn query_words_fold_dedup_and_put_long_words_first() {
        assert_eq!(query_words("Bò  A Lưới bò"), vec!["luoi", "bo", "a"]);
        assert!(query_words(" – ,").is_empty());
    }
}
