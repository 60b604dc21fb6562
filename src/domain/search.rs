//! Tìm theo chữ: the free-text part of a search. The folded text (see `fold`) of every model — title,
//! locality, village, lead, tags and description — is kept in one string, one line per model, and each
//! query word is found with `memchr::memmem` over that string, so a keystroke over 20,000 models is one
//! fast scan instead of 20,000 small ones.
//!
//! A query word matches a word of the text from its start: "nuoi ong" finds "nuôi ong" but not "Đông" or
//! "cộng đồng", and "nuoi o" (a word still being typed) finds "nuôi ong" too. Every line begins with a
//! space, so a word start is always a space followed by the word, and one search for " word" finds it.
//!
//! The index is made when the officer first searches, not at start-up (the dashboard never needs it).
//! After an edit, only the models whose change count moved are folded again; the others' lines are copied.

use memchr::memmem::Finder;

use super::fold::fold;
use super::model::Model;
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
        };
        for (i, m) in models.iter().enumerate() {
            let change = registry.change_count(i);
            out.text.push(' ');
            match previous.filter(|p| p.changes.get(i) == Some(&change)) {
                Some(p) => out.text.push_str(p.line(i)),
                None if m.is_deleted() => {}
                None => out.text.push_str(&search_text(m)),
            }
            out.ends.push(out.text.len() as u32);
            out.text.push('\n');
            out.changes.push(change);
        }
        out
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
    /// models are checked.
    pub fn find(&self, words: &[String], before: Option<&Found>) -> Found {
        let n = self.len();
        let narrows = |b: &&Found| {
            b.index_id == self.id && !b.words.is_empty() && b.words.iter().all(|old| words.iter().any(|w| w.starts_with(old.as_str())))
        };
        let mut set: Option<Matches> = before.filter(narrows).map(|b| b.matches.clone());
        for w in words {
            let spaced = format!(" {w}");
            let finder = Finder::new(spaced.as_bytes());
            set = Some(match set {
                // Fewer than half the models left: checking only their lines reads less text than a scan.
                Some(mut m) if m.count * 2 < n => {
                    for i in m.positions() {
                        if finder.find(self.spaced_line(i).as_bytes()).is_none() {
                            m.remove(i);
                        }
                    }
                    m
                }
                Some(m) => m.and(&self.scan(&finder)),
                None => self.scan(&finder),
            });
        }
        Found { index_id: self.id, words: words.to_vec(), matches: set.unwrap_or_else(|| Matches::all(n)) }
    }

    /// One pass over the whole text: the positions whose line contains the finder's " word".
    fn scan(&self, finder: &Finder) -> Matches {
        let mut m = Matches::none(self.len());
        let hay = self.text.as_bytes();
        let mut from = 0;
        while from < hay.len() {
            let Some(found) = finder.find(&hay[from..]) else { break };
            // the word itself, after its space (which may be the line's leading one)
            let at = from + found + 1;
            let i = self.ends.partition_point(|&e| (e as usize) <= at);
            if i >= self.len() {
                break;
            }
            m.insert(i);
            // The rest of this line cannot add anything: go on at the next line.
            from = self.ends[i] as usize + 1;
        }
        m
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

    fn remove(&mut self, i: usize) {
        let (w, b) = (i / 64, 1u64 << (i % 64));
        if self.bits[w] & b != 0 {
            self.bits[w] &= !b;
            self.count -= 1;
        }
    }

    fn and(mut self, other: &Matches) -> Matches {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a &= *b;
        }
        self.count = self.bits.iter().map(|w| w.count_ones() as usize).sum();
        self
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

    #[test]
    fn query_words_fold_dedup_and_put_long_words_first() {
        assert_eq!(query_words("Bò  A Lưới bò"), vec!["luoi", "bo", "a"]);
        assert!(query_words(" – ,").is_empty());
    }
}
