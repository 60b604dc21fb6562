//! `make bench`'s native half (a `[[bench]]` target with `harness = false`, built with the release
//! profile settings). It never runs under `cargo test`. Subcommands:
//!
//! - `prepare DIR`    writes the fixtures the browser benchmark needs: everything the app's repository
//!                    stores for a 20,000-model registry (`store-20000.json`, key → value), the same
//!                    registry as plain JSON and the raw search text of its models (for the plain-JS
//!                    baselines), and a 2,226-model exchange file with the registry it is imported into.
//! - `capacity DIR UNITS`  finds the largest registry of models with 3 evaluations each that the repository
//!                    can store in UNITS UTF-16 units (and the largest that can still take full imports),
//!                    and writes the first (and one 2% larger) for the browser to try.
//! - `import-loop N`   only the app's import of the 2,226-model file, N times (for `perf record`).
//! - `load`           only the load rows of `measure` (decode, parse, index, the whole load at 20,000 and
//!                    2,226), for quick turns on the stored form; `load-loop N` loads the 20,000 N times
//!                    (for `perf record`).
//! - `search`         only the search rows of `measure` (keystrokes, index builds): quick, for work on search.
//! - `measure`        times import + merge, charts, search, save and load natively (plus what-ifs: deflate
//!                    levels; the NFD-based fold the table-driven one replaced); prints medians as JSON.
//!
//! Figures are medians of `BENCH_RUNS` runs (default 5), always with a baseline from the same run.

use std::collections::BTreeMap;
use std::fs;
use std::hint::black_box;
use std::path::Path;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use dvk_registry::app::{App, FutureChoice};
use dvk_registry::charts::{self, dashboard};
use dvk_registry::domain::demo::{province_demo, scaled_demo};
use dvk_registry::domain::exchange;
use dvk_registry::domain::filter::{field_counts, sorted_order, Filter, Sort};
use dvk_registry::domain::fold::fold;
use dvk_registry::domain::search::{query_words, searchable_text, SearchIndex};
use dvk_registry::domain::locality::Localities;
use dvk_registry::domain::history::History;
use dvk_registry::domain::merge;
use dvk_registry::domain::model::{Consensus, Evaluation, Extra, Field, Model, Plan, Rating};
use dvk_registry::domain::registry::Registry;
use dvk_registry::domain::stats;
use dvk_registry::domain::letterhead::Letterhead;
use dvk_registry::domain::time::{Date, Timestamp};
use dvk_registry::export::{docx, report};
use dvk_registry::i18n::Lang;
use dvk_registry::storage::codec;
use dvk_registry::storage::repository::{Repository, StoredRecords};
use dvk_registry::storage::{MemoryStore, Store};
use serde_json::Value;

const DEVICE: &str = "bench001";
const SEED: u64 = 2024;

fn now() -> Timestamp {
    let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    Timestamp::from_unix_millis(ms)
}

fn runs() -> usize {
    std::env::var("BENCH_RUNS").ok().and_then(|v| v.parse().ok()).filter(|n| *n > 0).unwrap_or(5)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn registry_of(models: Vec<Model>) -> Registry {
    Registry::from_records(models, Vec::new())
}

// ------------------------------------------------------------------------------------------- fixtures

const NOTES: [&str; 6] = [
    "Mô hình duy trì tốt, người dân tích cực tham gia; đề nghị tiếp tục nhân rộng.",
    "Hiệu quả bước đầu, cần thêm nguồn lực hỗ trợ từ địa phương.",
    "Người dân đồng thuận cao; mô hình sát với nhu cầu thực tế.",
    "Còn khó khăn về vốn và đầu ra sản phẩm; cần củng cố tổ chức thực hiện.",
    "Cán bộ bám cơ sở, vận động được nhiều hộ cùng tham gia.",
    "Đề nghị biểu dương, khen thưởng các cá nhân tiêu biểu.",
];
const BY: [&str; 4] = [
    "Đoàn công tác Ban Dân vận Thành ủy",
    "Tổ công tác Ủy ban MTTQ xã",
    "Đoàn khảo sát Hội Nông dân",
    "Ban Dân vận Đảng ủy xã",
];

/// `n` demo models, each with exactly 3 evaluations (the demo's own first, then visits added a quarter
/// apart, never after today), as SPEC §6's capacity figure assumes.
fn three_evaluations(n: usize, now: Timestamp) -> Vec<Model> {
    let today = now.date();
    let mut models = scaled_demo(n, SEED, now, DEVICE);
    for (i, m) in models.iter_mut().enumerate() {
        m.evaluations.truncate(3);
        let mut k = 0u64;
        while m.evaluations.len() < 3 {
            k += 1;
            let start = m.evaluations.last().map(|e| e.date).or(m.started_on).unwrap_or(today.add_days(-400));
            let mut date = start.add_days(90 + (i as i64 * 7 + k as i64 * 13) % 60);
            if date > today {
                date = today;
            }
            let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ k.wrapping_mul(0xBF58_476D_1CE4_E5B9);
            m.evaluations.push(Evaluation { recorded_at: None,
                id: format!("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", h >> 32, (h >> 16) & 0xffff, h & 0xfff, k, i),
                date,
                by: BY[(h % 4) as usize].to_string(),
                rating: Rating::ALL[(h >> 8) as usize % Rating::ALL.len()],
                close_to_needs: Some(h & 1 == 0),
                consensus: Some(Consensus::ALL[(h >> 12) as usize % Consensus::ALL.len()]),
                notes: NOTES[(h >> 20) as usize % NOTES.len()].to_string(),
                extra: Extra::new(),
            });
        }
    }
    models
}

/// The raw text the app searches (title, locality, village, lead, tags, description), per live model.
fn search_texts(models: &[Model]) -> Vec<String> {
    models.iter().filter(|m| !m.is_deleted()).map(searchable_text).collect()
}

/// A registry of 2,226 and a 2,226-model file that shares half its ids with it: of the shared half, a
/// third edited elsewhere later (retitled, one more evaluation), the rest identical; the other half new.
fn import_case(now: Timestamp) -> (Registry, Vec<u8>) {
    import_case_of(province_demo(SEED, now, DEVICE), province_demo(SEED + 1, now, "other002"), now)
}

/// The import file for `local`: half its models (a third of them edited later on another device, each
/// with a new evaluation), and as many of `other`'s new ones.
fn import_case_of(local: Vec<Model>, other: Vec<Model>, now: Timestamp) -> (Registry, Vec<u8>) {
    let half = local.len() / 2;
    let later = Timestamp::from_unix_millis(now.unix_millis() + 60_000);
    let mut file: Vec<Model> = local[..half]
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut m = m.clone();
            if i % 3 == 0 {
                m.title = format!("{} (cập nhật)", m.title);
                m.evaluations.push(Evaluation { recorded_at: None,
                    id: format!("00000000-0000-4000-8000-{i:012}"),
                    date: now.date(),
                    by: BY[i % 4].to_string(),
                    rating: Rating::Effective,
                    close_to_needs: Some(true),
                    consensus: Some(Consensus::High),
                    notes: NOTES[i % NOTES.len()].to_string(),
                    extra: Extra::new(),
                });
                m.updated_at = later;
                m.updated_by = "other002".into();
            }
            m
        })
        .collect();
    file.extend(other.into_iter().take(local.len() - half));
    let bytes = exchange::write(&file, &[] as &[Plan], now, None).into_bytes();
    (registry_of(local), bytes)
}

/// Everything the app keeps in localStorage for this registry, as the app's own repository writes it
/// (whatever the layout: one value or chunks plus a manifest): key → value.
/// `registry` as the app stores it: the chunks and, under the same manifest, the summary of today (so a
/// cold start of the browser bench opens on it, the gradual open, as the officer's does).
fn stored(registry: &Registry) -> BTreeMap<String, String> {
    let mut repo = Repository::new(MemoryStore::new());
    let summary = dvk_registry::app::summary::make(registry, None, now().date());
    repo.save_with(registry, &History::new(), Some(&summary)).expect("save to memory");
    let store = repo.store();
    store.keys().expect("keys").into_iter().map(|k| {
        let v = store.get(&k).expect("get").expect("present");
        (k, v)
    }).collect()
}

fn units(s: &str) -> usize {
    s.encode_utf16().count()
}

/// UTF-16 units of keys and values (what browsers count against the quota).
fn stored_units(kv: &BTreeMap<String, String>) -> usize {
    kv.iter().map(|(k, v)| units(k) + units(v)).sum()
}

fn write_json(path: &Path, value: &impl serde::Serialize) {
    fs::write(path, serde_json::to_vec(value).expect("json")).expect("write fixture");
}

fn prepare(dir: &Path) {
    fs::create_dir_all(dir).expect("bench dir");
    let now = now();
    let models = scaled_demo(20_000, SEED, now, DEVICE);
    let texts = search_texts(&models);
    let (_, big_file) = import_case_of(models.clone(), scaled_demo(20_000, SEED + 1, now, "other002"), now);
    fs::write(dir.join("import-20000.json"), big_file).expect("write import file");
    let registry = registry_of(models);
    let kv = stored(&registry);
    write_json(&dir.join("store-20000.json"), &kv);
    fs::write(dir.join("plain-20000.json"), serde_json::to_vec(&StoredRecordsView(&registry)).expect("json")).expect("write");
    write_json(&dir.join("search-20000.json"), &texts);
    let (local, file) = import_case(now);
    fs::write(dir.join("import-2226.json"), file).expect("write import file");
    write_json(&dir.join("store-2226.json"), &stored(&local));
    println!("{}", serde_json::json!({ "live": registry.live_count(), "units": stored_units(&kv), "keys": kv.len() }));
}

/// Every model edited on another device `minutes` after `now` (an import that changes every chunk).
fn edited_everywhere(registry: &Registry, now: Timestamp, minutes: i64) -> Registry {
    let later = Timestamp::from_unix_millis(now.unix_millis() + minutes * 60_000);
    let mut edited = registry.clone();
    for m in registry.all_models() {
        edited.save(m.clone(), later, "other002");
    }
    edited
}

/// Does a registry of `n` models (3 evaluations each) fit in a store of `quota` units, and could it then
/// still take imports that change every model? Each import is what the app does: a backup (the manifest of
/// the stored chunks, which then stay), then every chunk rewritten while the backed-up ones still stand.
/// Two in a row, so the second finds the first's backup holding a whole older generation (the steady state:
/// the app keeps `BACKUPS_KEPT` backups, and a save that finds storage full drops the older ones).
fn fits(n: usize, quota: usize, now: Timestamp) -> (bool, bool, usize) {
    let registry = registry_of(three_evaluations(n, now));
    let mut repo = Repository::new(MemoryStore::with_quota(quota));
    if repo.save(&registry, &History::new()).is_err() {
        return (false, false, 0);
    }
    let used = repo.store().used_units();
    let mut current = registry;
    for round in 1..=2 {
        let at = Timestamp::from_unix_millis(now.unix_millis() + round * 1000);
        if repo.save_backup(&current, &History::new(), at).is_err() {
            return (true, false, used);
        }
        let edited = edited_everywhere(&current, now, round);
        if repo.save(&edited, &History::new()).is_err() {
            return (true, false, used);
        }
        current = edited;
    }
    (true, true, used)
}

/// The largest n (to the nearest 250) for which `test(n)` holds, starting from an estimate.
fn largest(mut n: usize, test: impl Fn(usize) -> bool) -> usize {
    const STEP: usize = 250;
    n = (n / STEP).max(1) * STEP;
    if test(n) {
        while test(n + STEP) {
            n += STEP;
        }
        n
    } else {
        while n > STEP && !test(n - STEP) {
            n -= STEP;
        }
        n - STEP
    }
}

/// Capacity in a localStorage of `quota` units (keys and values), measured in the browser: the largest
/// registry the app can store, and the largest that can still take full imports (backup + rewrite: about
/// twice the registry at the peak).
/// Writes the stored values of the first (`cap-fit.json`) and of one 2% larger (`cap-over.json`) for the
/// browser to try.
fn capacity(dir: &Path, quota: usize) {
    let now = now();
    let probe = 20_000;
    let u20 = stored_units(&stored(&registry_of(three_evaluations(probe, now))));
    let per_model = u20 as f64 / probe as f64;
    let n = largest((quota as f64 / per_model) as usize, |n| fits(n, quota, now).0);
    let n_import = largest((quota as f64 / per_model / 2.0) as usize, |n| fits(n, quota, now).1);
    let over_n = n + n / 50;
    let fit = stored(&registry_of(three_evaluations(n, now)));
    let over = stored(&registry_of(three_evaluations(over_n, now)));
    write_json(&dir.join("cap-fit.json"), &fit);
    write_json(&dir.join("cap-over.json"), &over);
    println!(
        "{}",
        serde_json::json!({
            "n": n, "units": stored_units(&fit), "over_n": over_n, "over_units": stored_units(&over),
            "n_import": n_import, "units_per_model": per_model, "units_20000": u20,
        })
    );
}

// ------------------------------------------------------------------------------------------- baseline: fold

/// Folding the plain way, without the table (`src/domain/fold_table.rs`): NFD by `unicode-normalization`,
/// combining marks dropped, đ→d, lower case, words separated by single spaces. The baseline the table-driven
/// `fold` is timed against (and checked equal to on the demo texts).
fn nfd_fold(s: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = if c == 'đ' || c == 'Đ' { 'd' } else { c };
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

// ------------------------------------------------------------------------------------------- measure

fn charts_of(registry: &Registry, sel: &[usize], today: Date) -> usize {
    let lang = Lang::Vi;
    let summary = stats::summary(registry, sel, today);
    let mut bytes = 0;
    bytes += charts::bar_chart(&dashboard::fields(lang, &summary)).len();
    let rows = stats::by_locality(registry, sel);
    bytes += charts::bar_chart(&dashboard::localities(lang, &rows, dashboard::TOP_LOCALITIES, Localities::builtin())).len();
    bytes += charts::bar_chart(&dashboard::years(lang, &stats::by_year(registry, sel))).len();
    bytes += charts::bar_chart(&dashboard::ratings(lang, &stats::by_rating(registry, sel, today))).len();
    bytes += charts::progress_chart(&dashboard::ethnic(lang, &stats::ethnic_share(registry, sel))).len();
    bytes
}

/// The SVG text alone: specs built once, then drawn.
fn draw_only(specs: &(Vec<charts::BarChart>, charts::ProgressChart)) -> usize {
    specs.0.iter().map(|s| charts::bar_chart(s).len()).sum::<usize>() + charts::progress_chart(&specs.1).len()
}

/// Timed items, run round-robin (one run of each, then the next round) so that a burst of load on a noisy
/// machine hits every item alike; each item reports the median of its runs.
struct Rounds<'a> {
    items: Vec<(String, Box<dyn FnMut() -> f64 + 'a>)>,
}

impl<'a> Rounds<'a> {
    /// `f` is timed; nothing else.
    fn time<T>(&mut self, name: &str, mut f: impl FnMut() -> T + 'a) {
        self.items.push((
            name.to_string(),
            Box::new(move || {
                let t = Instant::now();
                black_box(f());
                t.elapsed().as_secs_f64() * 1000.0
            }),
        ));
    }

    /// `setup` runs untimed before each timed run of `f`.
    fn time_with<S, T>(&mut self, name: &str, mut setup: impl FnMut() -> S + 'a, mut f: impl FnMut(S) -> T + 'a) {
        self.items.push((
            name.to_string(),
            Box::new(move || {
                let s = setup();
                let t = Instant::now();
                black_box(f(s));
                t.elapsed().as_secs_f64() * 1000.0
            }),
        ));
    }

    fn run(mut self, out: &mut serde_json::Map<String, Value>) {
        let mut samples: Vec<Vec<f64>> = vec![Vec::new(); self.items.len()];
        for round in 0..=runs() {
            for (i, (_, f)) in self.items.iter_mut().enumerate() {
                let ms = f();
                if round > 0 {
                    samples[i].push(ms); // round 0 warms up
                }
            }
        }
        for ((name, _), xs) in self.items.iter().zip(samples) {
            out.insert(name.clone(), Value::from((median(xs) * 1000.0).round() / 1000.0));
        }
    }
}

fn measure() {
    let now = now();
    let today = now.date();
    let mut out = serde_json::Map::new();
    let mut put = |k: &str, v: f64| {
        out.insert(k.to_string(), Value::from(v));
    };

    // 4. import + merge of a 2,226-model file into 2,226 (half shared); baseline: the file as a JSON value
    let (local, file) = import_case(now);
    let outcome = exchange::read(&file).expect("read");
    put("import_file_bytes", file.len() as f64);

    // 6. charts over 20,000 models
    let models = scaled_demo(20_000, SEED, now, DEVICE);
    let registry = registry_of(models.clone());
    let sel = Filter::default().select(&registry);
    let lang = Lang::Vi;
    let summary = stats::summary(&registry, &sel, today);
    let specs = (
        vec![
            dashboard::fields(lang, &summary),
            dashboard::localities(lang, &stats::by_locality(&registry, &sel), dashboard::TOP_LOCALITIES, Localities::builtin()),
            dashboard::years(lang, &stats::by_year(&registry, &sel)),
            dashboard::ratings(lang, &stats::by_rating(&registry, &sel, today)),
        ],
        dashboard::ethnic(lang, &stats::ethnic_share(&registry, &sel)),
    );
    put("charts_svg_bytes", draw_only(&specs) as f64);

    // save and load of 20,000, through the app's repository (whatever its layout)
    let json = serde_json::to_vec(&StoredRecordsView(&registry)).expect("json");
    put("save_json_bytes", json.len() as f64);
    let kv = stored(&registry);
    put("stored_units_20000", stored_units(&kv) as f64);
    put("stored_keys_20000", kv.len() as f64);
    // one edit: a new evaluation on one model
    let mut edited = registry.clone();
    let first = edited.all_models()[0].clone();
    let mut m = first.clone();
    m.evaluations.push(Evaluation { recorded_at: None,
        id: "00000000-0000-4000-8000-00000000e0e0".into(),
        date: today,
        by: BY[0].into(),
        rating: Rating::Effective,
        close_to_needs: Some(true),
        consensus: Some(Consensus::High),
        notes: NOTES[0].into(),
        extra: Extra::new(),
    });
    edited.save(m.clone(), now, DEVICE);
    let one_edit = m;
    let memory_store = |kv: &BTreeMap<String, String>| {
        let s = MemoryStore::new();
        for (k, v) in kv {
            s.set(k, v).expect("set");
        }
        s
    };
    for level in [1u8, 3, 6, 8] {
        put(&format!("what_if_deflate{level}_bytes"), deflate(&json, level).len() as f64);
    }
    let small = registry_of(province_demo(SEED, now, DEVICE));
    let small_kv = stored(&small);
    put("stored_units_2226", stored_units(&small_kv) as f64);
    let small_sel = Filter::default().select(&small);

    // the index's folding (table-driven), and its baseline: the NFD-based fold it replaced
    let texts = search_texts(&models);
    for t in &texts {
        assert_eq!(fold(t), nfd_fold(t), "the app's fold must give the NFD-based fold");
    }

    // one keystroke of the browser benchmark's typing (mean over its keystrokes): what the list does
    let filters = keystrokes();
    let per_key = filters.len() as f64;
    // what the list does per keystroke: one pass over the order kept for the sort (selection + chip counts)
    let order = sorted_order(&registry, Sort::Updated);
    let index = SearchIndex::build(&registry, None);
    let local_kv = stored(&local);
    // the Word report's letterhead (none set) and criteria (none), outliving the timed items
    let letterhead = Letterhead::default();
    let criteria = Filter::default();
    let mut r = Rounds { items: Vec::new() };
    r.time("import_json_value_ms", || serde_json::from_slice::<Value>(&file).expect("json"));
    r.time("import_read_ms", || exchange::read(&file).expect("read"));
    r.time_with("import_merge_ms", || (local.clone(), outcome.clone()), |(mut reg, o)| merge::apply(&mut reg, o.models, o.plans));
    r.time("import_preview_ms", || merge::preview(&local, &outcome));
    // the whole import as the app does it (App over a store holding the 2,226): plan (untimed), then
    // backup, merge, history and save; and the save of the merged registry alone, on the same store
    r.time_with(
        "import_apply_ms",
        || {
            let app = App::open(memory_store(&local_kv), 0, now, || DEVICE.to_string());
            let plan = app.plan_import(outcome.clone(), "bench".into(), now);
            (app, plan)
        },
        |(mut app, plan)| app.import(plan, FutureChoice::KeepAsIs, now).expect("import"),
    );
    // its parts: the versions set aside into the history, and the save (with that history)
    let merged = |repo: &mut Repository<MemoryStore>| {
        let mut reg = repo.load(now).registry;
        let o = outcome.clone();
        let report = merge::apply(&mut reg, o.models, o.plans);
        (reg, report)
    };
    r.time_with(
        "import_history_ms",
        || merged(&mut Repository::new(memory_store(&local_kv))).1,
        |report| {
            let mut history = History::new();
            history.record(&report, now, "bench", false);
            history
        },
    );
    r.time_with(
        "import_save_ms",
        || {
            let mut repo = Repository::new(memory_store(&local_kv));
            let (reg, report) = merged(&mut repo);
            let mut history = History::new();
            history.record(&report, now, "bench", false);
            (repo, reg, history)
        },
        |(mut repo, reg, history)| repo.save(&reg, &history).expect("save"),
    );

    r.time("charts_all_ms", || charts_of(&registry, &sel, today));
    r.time("charts_stats_ms", || {
        (
            stats::summary(&registry, &sel, today),
            stats::by_locality(&registry, &sel),
            stats::by_year(&registry, &sel),
            stats::by_rating(&registry, &sel, today),
            stats::ethnic_share(&registry, &sel),
        )
    });
    r.time("charts_draw_ms", || draw_only(&specs));
    // baseline: one plain pass over the models reading what the charts group by
    r.time("charts_baseline_pass_ms", || {
        let mut c = [0u32; 16];
        for &i in &sel {
            let m = &registry.all_models()[i];
            c[m.field as usize] += 1;
            c[4 + m.evaluations.len().min(3)] += 1;
            c[8 + usize::from(m.ethnic_minority_area)] += 1;
            c[10 + (m.started_on.map(|d| d.year()).unwrap_or(0) as usize % 6)] += 1;
        }
        c
    });
    r.time("charts_all_2226_ms", || charts_of(&small, &small_sel, today));
    // the Word report (#29): its content (statistics and text) and the .docx written from it, for the whole
    // province (the charts as their tables: the PNGs are drawn by the browser); baseline the content alone
    let scope = report::ReportScope {
        locality: None,
        criteria: &criteria,
        from: Date::from_ymd(today.year(), 1, 1).expect("1 January"),
        to: today,
        letterhead: &letterhead,
        number: "",
        today,
    };
    let docx_of = |reg: &Registry, sel: &[usize]| docx::write(&report::content(lang, reg, sel, &scope), &docx::Pictures::default()).expect("docx");
    let docx_bytes = [("docx_bytes_2226", docx_of(&small, &small_sel).len()), ("docx_bytes_20000", docx_of(&registry, &sel).len())];
    {
        let (small, small_sel, registry, sel) = (&small, &small_sel, &registry, &sel);
        let (s1, s2, s3) = (scope.clone(), scope.clone(), scope);
        r.time("docx_content_2226_ms", move || report::content(lang, small, small_sel, &s1).body.len());
        r.time("docx_2226_ms", move || docx::write(&report::content(lang, small, small_sel, &s2), &docx::Pictures::default()).expect("docx").len());
        r.time("docx_20000_ms", move || docx::write(&report::content(lang, registry, sel, &s3), &docx::Pictures::default()).expect("docx").len());
    }
    r.time("select_all_20000_ms", || Filter::default().select(&registry));
    r.time("select_text_20000_ms", || Filter { text: "nuoi bo".into(), ..Filter::default() }.select(&registry));

    r.time("key_select_x_ms", || filters.iter().map(|f| f.select(&registry).len()).sum::<usize>());
    r.time("key_field_counts_x_ms", || filters.iter().map(|f| field_counts(f, &registry)[Field::Economic]).sum::<usize>());
    time_search(&mut r, &registry, &edited, &filters, &order, &index);
    r.time("save_plain_json_ms", || serde_json::to_vec(&StoredRecordsView(&registry)).expect("json"));
    r.time_with("save_full_ms", || Repository::new(MemoryStore::new()), |mut repo| repo.save(&registry, &History::new()).expect("save"));
    // as in the app: the registry the repository loaded, with one model edited
    r.time_with(
        "save_edit_ms",
        || {
            let mut repo = Repository::new(memory_store(&kv));
            let mut loaded = repo.load(now).registry;
            loaded.save(one_edit.clone(), now, DEVICE);
            (repo, loaded)
        },
        |(mut repo, loaded)| repo.save(&loaded, &History::new()).expect("save"),
    );
    // the backup before an import, on the page's repository (which loaded this registry): a save that
    // finds nothing to write, then the manifest of the stored chunks as the backup's value
    r.time_with(
        "backup_ms",
        || {
            let mut repo = Repository::new(memory_store(&kv));
            let loaded = repo.load(now).registry;
            (repo, loaded)
        },
        |(mut repo, loaded)| repo.save_backup(&loaded, &History::new(), now).expect("backup"),
    );
    r.time("save_deflate_pack_ms", || codec::encode(&json));
    for level in [1u8, 3, 8] {
        let json = &json;
        r.time(&format!("what_if_deflate{level}_ms"), move || deflate(json, level));
    }
    r.time("load_decode_ms", || {
        kv.iter().filter(|(k, _)| k.starts_with("dvk.records.")).map(|(_, v)| codec::decode(v).map(|b| b.len()).unwrap_or(0)).sum::<usize>()
    });
    r.time("load_parse_records_ms", || serde_json::from_slice::<StoredRecords>(&json).expect("parse"));
    r.time("load_parse_value_ms", || serde_json::from_slice::<Value>(&json).expect("parse"));
    r.time_with("load_index_ms", || models.clone(), registry_of);
    r.time_with("load_total_ms", || Repository::new(memory_store(&kv)), |mut repo| repo.load(now).registry.live_count());
    r.time_with("load_total_2226_ms", || Repository::new(memory_store(&small_kv)), |mut repo| repo.load(now).registry.live_count());
    r.time("index_fold_ms", || texts.iter().map(|t| fold(t).len()).sum::<usize>());
    r.time("baseline_nfd_fold_ms", || texts.iter().map(|t| nfd_fold(t).len()).sum::<usize>());
    r.run(&mut out);
    for (k, n) in docx_bytes {
        out.insert(k.into(), Value::from(n));
    }
    per_keystroke(&mut out, &["key_select_x_ms", "key_field_counts_x_ms", "key_list_x_ms", "key_typing_x_ms", "key_scan_x_ms"], per_key);
    out.insert("keystrokes".into(), Value::from(per_key));
    out.insert("runs".into(), Value::from(runs()));
    println!("{}", Value::Object(out));
}

/// The keystrokes of the browser benchmark's search ("nuoi bo", "a luoi", "dan van", typed a letter at a
/// time), each as the list's filter.
fn keystrokes() -> Vec<Filter> {
    ["nuoi bo", "a luoi", "dan van"]
        .iter()
        .flat_map(|q| (1..=q.len()).map(move |i| q[..i].to_string()))
        .filter(|p| !p.ends_with(' '))
        .map(|text| Filter { text, ..Filter::default() })
        .collect()
}

/// The search rows `measure` and `search` share: all the keystrokes (`_x_`: summed, see `per_keystroke`)
/// through the list's one pass, typed one after another, through the index alone; the index made whole and
/// after one edit.
fn time_search<'a>(r: &mut Rounds<'a>, registry: &'a Registry, edited: &'a Registry, filters: &'a [Filter], order: &'a [usize], index: &'a SearchIndex) {
    r.time("key_list_x_ms", move || filters.iter().map(|f| f.select_in(registry, order, Some(index), None).positions.len()).sum::<usize>());
    // the same keystrokes typed one after another: each narrows within the previous answer
    r.time("key_typing_x_ms", move || {
        let mut before = None;
        let mut n = 0;
        for f in filters {
            let s = f.select_in(registry, order, Some(index), before.as_ref());
            n += s.positions.len();
            before = s.found;
        }
        n
    });
    r.time("key_scan_x_ms", move || filters.iter().map(|f| index.matching(&query_words(&f.text)).count()).sum::<usize>());
    // the first search folds every model; after an edit, only that model is folded again
    r.time("search_index_build_ms", move || SearchIndex::build(registry, None).len());
    r.time("search_index_after_edit_ms", move || SearchIndex::build(edited, Some(index)).len());
}

/// Each summed `…_x_…` row of `names` also as the mean per keystroke (`…_…`).
fn per_keystroke(out: &mut serde_json::Map<String, Value>, names: &[&str], per_key: f64) {
    for k in names {
        let total = out[*k].as_f64().unwrap_or(f64::NAN);
        out.insert(k.replace("_x_", "_"), Value::from((total / per_key * 1000.0).round() / 1000.0));
    }
}

/// Only the search rows of `measure` (the list's keystrokes over 20,000 models and the index builds), quick
/// to run while working on search: `cargo bench --bench native -- search`.
fn search_only() {
    let now = now();
    let registry = registry_of(scaled_demo(20_000, SEED, now, DEVICE));
    let mut edited = registry.clone();
    let mut m = edited.all_models()[0].clone();
    m.title.push_str(" mới");
    edited.save(m, now, DEVICE);
    let filters = keystrokes();
    let per_key = filters.len() as f64;
    let order = sorted_order(&registry, Sort::Updated);
    let index = SearchIndex::build(&registry, None);
    let mut out = serde_json::Map::new();
    let mut r = Rounds { items: Vec::new() };
    time_search(&mut r, &registry, &edited, &filters, &order, &index);
    r.run(&mut out);
    per_keystroke(&mut out, &["key_list_x_ms", "key_typing_x_ms", "key_scan_x_ms"], per_key);
    println!("{}", Value::Object(out));
}

/// Only the app's import (apply) of the 2,226-model file into 2,226, `rounds` times, for a native profiler:
/// `perf record -g target/release/deps/native-* import-loop 20`.
fn import_loop(rounds: usize) {
    let now = now();
    let (local, file) = import_case(now);
    let outcome = exchange::read(&file).expect("read");
    let kv = stored(&local);
    for _ in 0..rounds {
        let store = MemoryStore::new();
        for (k, v) in &kv {
            store.set(k, v).expect("set");
        }
        let mut app = App::open(store, 0, now, || DEVICE.to_string());
        let plan = app.plan_import(outcome.clone(), "bench".into(), now);
        black_box(app.import(plan, FutureChoice::KeepAsIs, now).expect("import"));
    }
}

/// The load rows of `measure` alone (same names), for quick turns.
fn load_only() {
    let now = now();
    let registry = registry_of(scaled_demo(20_000, SEED, now, DEVICE));
    let models = registry.all_models().to_vec();
    let json = serde_json::to_vec(&StoredRecordsView(&registry)).expect("json");
    let kv = stored(&registry);
    let small_kv = stored(&registry_of(province_demo(SEED, now, DEVICE)));
    let memory_store = |kv: &BTreeMap<String, String>| {
        let s = MemoryStore::new();
        for (k, v) in kv {
            s.set(k, v).expect("set");
        }
        s
    };
    let chunks: Vec<Vec<u8>> = kv.iter().filter(|(k, _)| k.starts_with("dvk.records.")).filter_map(|(_, v)| codec::decode(v).ok()).collect();
    let mut out = serde_json::Map::new();
    out.insert("stored_units_20000".into(), Value::from(stored_units(&kv)));
    let mut r = Rounds { items: Vec::new() };
    r.time("load_decode_ms", || {
        kv.iter().filter(|(k, _)| k.starts_with("dvk.records.")).map(|(_, v)| codec::decode(v).map(|b| b.len()).unwrap_or(0)).sum::<usize>()
    });
    r.time("load_parse_records_ms", || serde_json::from_slice::<StoredRecords>(&json).expect("parse"));
    r.time("load_parse_value_ms", || serde_json::from_slice::<Value>(&json).expect("parse"));
    // the parts of the parse: UTF-8 checked once over the chunks' JSON, and the chunks parsed as stored
    r.time("load_utf8_ms", || chunks.iter().map(|c| std::str::from_utf8(c).map(str::len).unwrap_or(0)).sum::<usize>());
    r.time("load_parse_chunks_slice_ms", || chunks.iter().map(|c| serde_json::from_slice::<StoredRecords>(c).expect("parse").models.len()).sum::<usize>());
    r.time("load_parse_chunks_str_ms", || {
        chunks.iter().map(|c| serde_json::from_str::<StoredRecords>(std::str::from_utf8(c).expect("utf8")).expect("parse").models.len()).sum::<usize>()
    });
    r.time("load_hash_sip_ms", || {
        use std::hash::{Hash, Hasher};
        chunks.iter().map(|c| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            c.hash(&mut h);
            h.finish()
        }).fold(0u64, |a, b| a ^ b)
    });
    r.time_with("load_index_ms", || models.clone(), registry_of);
    r.time_with("load_total_ms", || Repository::new(memory_store(&kv)), |mut repo| repo.load(now).registry.live_count());
    r.time_with("load_total_2226_ms", || Repository::new(memory_store(&small_kv)), |mut repo| repo.load(now).registry.live_count());
    r.run(&mut out);
    out.insert("runs".into(), Value::from(runs()));
    println!("{}", Value::Object(out));
}

/// The repository's load of the 20,000, `rounds` times, for a native profiler.
fn load_loop(rounds: usize) {
    let now = now();
    let kv = stored(&registry_of(scaled_demo(20_000, SEED, now, DEVICE)));
    let store = MemoryStore::new();
    for (k, v) in &kv {
        store.set(k, v).expect("set");
    }
    let mut repo = Repository::new(store);
    for _ in 0..rounds {
        black_box(repo.load(now).registry.live_count());
    }
}

/// The JSON deflated at `level` as the codec does (zlib-rs), for the what-ifs.
fn deflate(json: &[u8], level: u8) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(u32::from(level)));
    z.write_all(json).expect("deflate");
    z.finish().expect("deflate")
}

/// The stored JSON of the whole registry (as one value, before compression).
struct StoredRecordsView<'a>(&'a Registry);

impl serde::Serialize for StoredRecordsView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("StoredRecords", 3)?;
        st.serialize_field("models", self.0.all_models())?;
        st.serialize_field("plans", self.0.all_plans())?;
        st.serialize_field("history", &[] as &[Value])?;
        st.end()
    }
}

fn main() {
    // `cargo bench` appends `--bench`; ignore flags.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["prepare", dir] => prepare(Path::new(dir)),
        ["capacity", dir, budget] => capacity(Path::new(dir), budget.parse().expect("units")),
        ["measure"] | [] => measure(),
        ["import-loop", n] => import_loop(n.parse().expect("rounds")),
        ["load"] => load_only(),
        ["load-loop", n] => load_loop(n.parse().expect("rounds")),
        ["search"] => search_only(),
        other => {
            eprintln!("usage: native prepare DIR | capacity DIR UNITS | measure | load | load-loop N | search | import-loop N (got {other:?})");
            std::process::exit(2);
        }
    }
}
