//! Fixtures shared by the native integration tests (`mod support;` in each): times, dates, a model, an
//! evaluation, a plan, an app on a memory store. One place, so a new required field is mended once.
#![allow(dead_code)]

pub mod couch;

use dvk_registry::app::App;
use dvk_registry::domain::model::{Evaluation, Extra, Field, LocalityRef, Model, Plan, Rating};
use dvk_registry::domain::time::{Date, Timestamp};
use dvk_registry::storage::{MemoryStore, Store};

pub fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

pub fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// A moment `secs` seconds after 2026-01-01.
pub fn at(secs: i64) -> Timestamp {
    Timestamp::from_unix_millis(1_767_225_600_000 + secs * 1000)
}

/// A model in Xã A Lưới 4, made at 2026-01-01 by `by`.
pub fn model(id: &str, title: &str, by: &str) -> Model {
    let mut m = Model::new(id.into(), at(0), by);
    m.title = title.into();
    m.field = Field::Economic;
    m.locality = LocalityRef { code: Some(20101), name: "Xã A Lưới 4".into(), ..Default::default() };
    m
}

pub fn ev(id: &str, date: &str, rating: Rating) -> Evaluation {
    Evaluation {
        id: id.into(),
        date: d(date),
        by: "Tổ công tác".into(),
        rating,
        close_to_needs: None,
        consensus: None,
        notes: String::new(),
        recorded_at: None,
        extra: Extra::new(),
    }
}

/// A plan made at 2026-01-01 by `by`: no period, scope, targets or milestones.
pub fn plan(id: &str, title: &str, by: &str) -> Plan {
    let mut p = Plan::new(id.into(), at(0), by);
    p.title = title.into();
    p
}

/// An app on `store` whose device is `device`.
pub fn app_on<S: Store>(store: S, device: &str, now: Timestamp) -> App<S> {
    let device = device.to_string();
    App::open(store, 0, now, move || device)
}

/// A fresh app with its own memory store.
pub fn fresh_app(device: &str) -> App<MemoryStore> {
    app_on(MemoryStore::new(), device, at(0))
}

/// A store that refuses writes of keys starting with a prefix, as if storage were full at that moment
/// (fault injection: a backup that cannot be taken, a save cut off half-way).
/// It can also crash: `crash_after(k)` lets `k` more writes (sets and removes) through, then fails every
/// later one, as if the tab died in the middle of a save (the simulation then reopens the app).
pub struct Faulty<S: Store> {
    pub inner: S,
    pub refuse: std::cell::RefCell<Option<String>>,
    /// Writes still allowed before the crash (`None`: no crash armed).
    pub writes_left: std::cell::Cell<Option<usize>>,
}

impl<S: Store> Faulty<S> {
    pub fn new(inner: S) -> Faulty<S> {
        Faulty { inner, refuse: Default::default(), writes_left: Default::default() }
    }
    pub fn refuse(&self, prefix: Option<&str>) {
        *self.refuse.borrow_mut() = prefix.map(str::to_string);
    }
    /// Lets `k` more writes through, then fails every write (`None`: no crash).
    pub fn crash_after(&self, k: Option<usize>) {
        self.writes_left.set(k);
    }
    /// Has the armed crash happened (a write was refused)?
    pub fn crashed(&self) -> bool {
        self.writes_left.get() == Some(0)
    }
    fn write_allowed(&self) -> bool {
        match self.writes_left.get() {
            None => true,
            Some(0) => false,
            Some(k) => {
                self.writes_left.set(Some(k - 1));
                true
            }
        }
    }
}

impl<S: Store> Store for Faulty<S> {
    fn get(&self, key: &str) -> Result<Option<String>, dvk_registry::storage::StoreError> {
        self.inner.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), dvk_registry::storage::StoreError> {
        if self.refuse.borrow().as_deref().is_some_and(|p| key.starts_with(p)) {
            return Err(dvk_registry::storage::StoreError::QuotaExceeded);
        }
        if !self.write_allowed() {
            return Err(dvk_registry::storage::StoreError::Other("crashed".into()));
        }
        self.inner.set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), dvk_registry::storage::StoreError> {
        if !self.write_allowed() {
            return Err(dvk_registry::storage::StoreError::Other("crashed".into()));
        }
        self.inner.remove(key)
    }
    fn keys(&self) -> Result<Vec<String>, dvk_registry::storage::StoreError> {
        self.inner.keys()
    }
}

/// A store shared by several owners (two tabs of one device, each an `App` that owns its store).
pub struct Shared<S: Store>(pub std::rc::Rc<S>);

impl<S: Store> Clone for Shared<S> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<S: Store> Store for Shared<S> {
    fn get(&self, key: &str) -> Result<Option<String>, dvk_registry::storage::StoreError> {
        self.0.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), dvk_registry::storage::StoreError> {
        self.0.set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), dvk_registry::storage::StoreError> {
        self.0.remove(key)
    }
    fn keys(&self) -> Result<Vec<String>, dvk_registry::storage::StoreError> {
        self.0.keys()
    }
}

/// A copy of every value of `store` in a new memory store (no quota), but for keys starting with `skip`
/// (a filler that only takes room).
pub fn copy_store<S: Store>(store: &S, skip: &str) -> MemoryStore {
    let copy = MemoryStore::new();
    for k in store.keys().unwrap().into_iter().filter(|k| skip.is_empty() || !k.starts_with(skip)) {
        if let Some(v) = store.get(&k).unwrap() {
            copy.set(&k, &v).unwrap();
        }
    }
    copy
}
