//! Fuzzes the exchange-file reader (`exchange::read`, SPEC §4) with arbitrary bytes.
//!
//! Any input may be refused, but none may panic, hang or exhaust memory. When a file is read, these must hold:
//! - every good model (and plan) has a non-empty id and title;
//! - writing the good records back (`exchange::write`) and reading that again gives the same records, with
//!   nothing invalid;
//! - `merge::preview` into an empty registry announces what `merge::apply` then does;
//! - applying the records to an empty registry twice is idempotent: the second import changes nothing.
#![no_main]

use dvk_registry::domain::exchange;
use dvk_registry::domain::merge;
use dvk_registry::domain::registry::Registry;
use dvk_registry::domain::time::Timestamp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(out) = exchange::read(data) else { return };

    for m in &out.models {
        assert!(!m.id.is_empty(), "a good model has an empty id: {m:?}");
        assert!(!m.title.is_empty(), "a good model has an empty title: {m:?}");
    }
    for p in &out.plans {
        assert!(!p.id.is_empty(), "a good plan has an empty id: {p:?}");
        assert!(!p.title.is_empty(), "a good plan has an empty title: {p:?}");
    }

    // Write the good records back and read them again.
    let at = out.file_meta.exported_at.unwrap_or(Timestamp::from_unix_millis(0));
    let text = exchange::write(&out.models, &out.plans, at, out.file_meta.exported_by.clone());
    let again = match exchange::read(text.as_bytes()) {
        Ok(again) => again,
        Err(e) => panic!("a written file is refused: {e:?}\n{text}"),
    };
    assert!(again.invalid.is_empty(), "a written file has invalid records: {:?}\n{text}", again.invalid);
    assert_eq!(again.models.len(), out.models.len(), "models lost or gained through write → read\n{text}");
    assert_eq!(again.plans.len(), out.plans.len(), "plans lost or gained through write → read\n{text}");
    assert_eq!(again.models, out.models, "models changed through write → read\n{text}");
    assert_eq!(again.plans, out.plans, "plans changed through write → read\n{text}");

    // Merge into an empty registry, twice.
    let mut registry = Registry::new();
    let announced = merge::preview(&registry, &out);
    let first = merge::apply(&mut registry, out.models.clone(), out.plans.clone());
    assert_eq!(announced.models, first.models, "preview and apply disagree on models");
    assert_eq!(announced.plans, first.plans, "preview and apply disagree on plans");
    assert_eq!(registry.all_models().len(), out.models.len(), "a model was dropped or duplicated by the merge");
    assert_eq!(registry.all_plans().len(), out.plans.len(), "a plan was dropped or duplicated by the merge");
    let once = (registry.all_models().to_vec(), registry.all_plans().to_vec());
    let second = merge::apply(&mut registry, out.models, out.plans);
    assert_eq!(registry.all_models(), &once.0[..], "importing the same models twice changed the registry");
    assert_eq!(registry.all_plans(), &once.1[..], "importing the same plans twice changed the registry");
    assert_eq!(second.models.new + second.models.updated + second.models.deleted, 0, "second import: {second:?}");
    assert_eq!(second.plans.new + second.plans.updated + second.plans.deleted, 0, "second import: {second:?}");
});
