//! Phone to phone with no network (issue #17), through the application layer on `MemoryStore`: a
//! commune's records chosen on one device, cut into QR frames, a third of them lost and the rest read in
//! another order by the other device, imported by the same path as a file.

mod support;

use dvk_registry::app::{FutureChoice, TransferChoice};
use dvk_registry::domain::demo::scaled_demo;
use dvk_registry::domain::exchange;
use dvk_registry::domain::model::Model;
use dvk_registry::domain::transfer::{Frame, Receiver, Sender};
use support::*;

/// 65 generated models (with their evaluations and milestones), all in Xã A Lưới 4 (20101).
fn commune() -> Vec<Model> {
    scaled_demo(65, 17, at(0), "sender")
        .into_iter()
        .map(|mut m| {
            m.locality.code = Some(20101);
            m.locality.name = "Xã A Lưới 4".into();
            m
        })
        .collect()
}

/// A deterministic order, a third left out.
fn lossy<T>(mut v: Vec<T>, seed: u64) -> Vec<T> {
    let mut s = seed;
    let mut next = move || {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        s >> 33
    };
    for i in (1..v.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        v.swap(i, j);
    }
    let keep = v.len() * 7 / 10;
    v.truncate(keep);
    v
}

#[test]
fn a_commune_passed_through_lossy_shuffled_frames_imports_as_the_same_records() {
    let mut sender = fresh_app("sender");
    sender.add_models(commune(), at(1)).unwrap();
    let content = sender.transfer_content(&TransferChoice::Locality(20101), at(2));
    assert_eq!(content.models, 65);

    let mut tx = Sender::new(content.file.as_bytes(), 0x5EED).unwrap();
    let frames: Vec<String> = (0..4 * tx.fragment_count()).map(|_| tx.next_frame()).collect();
    let mut rx = Receiver::new();
    for f in lossy(frames, 3) {
        assert_ne!(rx.accept(&f), Frame::Foreign);
        if rx.complete() {
            break;
        }
    }
    assert!(rx.complete(), "{:?}", rx.progress());
    let bytes = rx.content().unwrap().unwrap();
    assert_eq!(bytes, content.file.as_bytes());

    let mut receiver = fresh_app("receiver");
    let plan = receiver.plan_import(exchange::read(&bytes).unwrap(), "transfer".into(), at(3));
    assert_eq!(plan.preview.models.new, 65);
    receiver.import(plan, FutureChoice::BringBack, at(3)).unwrap();
    let mut got: Vec<Model> = receiver.registry().all_models().to_vec();
    let mut sent: Vec<Model> = sender.registry().all_models().to_vec();
    got.sort_by(|a, b| a.id.cmp(&b.id));
    sent.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(got, sent, "the same records, evaluations and all");
}

#[test]
fn a_transfer_abandoned_half_way_yields_nothing() {
    let mut sender = fresh_app("sender");
    sender.add_models(commune(), at(1)).unwrap();
    let content = sender.transfer_content(&TransferChoice::Locality(20101), at(2));
    let mut tx = Sender::new(content.file.as_bytes(), 1).unwrap();
    let mut rx = Receiver::new();
    for _ in 0..tx.fragment_count() / 2 {
        rx.accept(&tx.next_frame());
    }
    assert!(!rx.complete());
    assert!(rx.progress().percent() < 100 && rx.progress().percent() > 0);
    assert_eq!(rx.content(), None, "no bytes, so nothing to import");
}
