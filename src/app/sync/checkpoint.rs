//! Máy chủ có bị khôi phục về bản cũ không? Whether the server is still the one this device synced with,
//! as CouchDB's replicator tells it: a checkpoint document on the server, `_local/dvk-<device id>`
//! (never in `_changes`, never replicated), written after each pulled batch and each push that wrote
//! something, holding the pull checkpoint and a `session` id made afresh for each write. The device
//! keeps the last one it sent and the last one the server confirmed.
//!
//! At the start of a sync the document is read. The one sent or the one confirmed: the server holds at
//! least what this device knew when it wrote it; the pull goes back to that checkpoint's `since`, and the
//! records whose state was set after it (their mark, `DocState::mark`, is that checkpoint's number or
//! more) are no longer taken as held: pulled again, or sent again if the server lacks them. Missing (when
//! the device has synced before) or another one: the server went back (restored from an older backup,
//! or the database deleted and made again): the pull starts from 0 and every record's "held" is
//! forgotten; the revisions stay as hints (a push on a revision the server no longer knows gets a 409:
//! read back, merged, sent again; a 404 there forgets the revision). Nothing is lost; the cost is one
//! full pull.
//!
//! A checkpoint write answered 409 means the document changed since it was read (the server went back
//! during this sync, or another tab of this device wrote one): the sync checks the server again and
//! starts over, once.
//!
//! Not used: the database's `instance_start_time` (always "0" since CouchDB 2) and `update_seq` (opaque
//! on a cluster, and a restored server that took new writes since can be past the device's checkpoint):
//! neither tells a restore reliably; the `_local` document does.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{content_hash, ok_body, App, AppError, DocState, Host, Reply, SyncError, Transport};
use crate::domain::time::Timestamp;
use crate::storage::layout::SYNC_KEY;
use crate::storage::Store;

/// One checkpoint as written to the server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The pull checkpoint (`last_seq`) it records.
    pub since: String,
    /// A random id made for this write.
    pub session: String,
    /// Its number on this device.
    pub n: u64,
}

/// What the device knows of its checkpoint document (in `SyncSetup`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Marks {
    /// Checkpoints made so far (the number of the last one).
    #[serde(default)]
    pub made: u64,
    /// The last one sent (the server may hold it though its answer was lost).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent: Option<Checkpoint>,
    /// The last one the server said it stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed: Option<Checkpoint>,
}

/// What the start of a sync found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerCheck {
    /// The server holds this device's checkpoint: pull from `since`.
    Same { since: String },
    /// The server went back (or this device's state is older than checkpoints): everything is pulled
    /// again and every record not found there is sent again.
    WentBack,
    /// A first sync.
    First,
}

/// The checkpoint document's path (relative to the database URL).
pub fn checkpoint_path(device_id: &str) -> String {
    format!("_local/dvk-{}", crate::domain::sync::encode(device_id))
}

fn read_checkpoint(v: &Value) -> Option<Checkpoint> {
    Some(Checkpoint {
        since: v.get("since")?.as_str()?.to_string(),
        session: v.get("session")?.as_str()?.to_string(),
        n: v.get("n").and_then(Value::as_u64).unwrap_or(0),
    })
}

impl<S: Store> App<S> {
    /// The path of this device's checkpoint document on the server.
    pub fn sync_checkpoint_path(&self) -> String {
        checkpoint_path(&self.settings.device_id)
    }

    /// Compares the server's checkpoint document (`found`: its JSON, `None` when missing) with what this
    /// device wrote, and goes back as far as the server did (see the module comment).
    pub fn sync_check_server(&mut self, found: Option<&Value>) -> Result<ServerCheck, AppError> {
        let mut setup = self.sync_setup();
        let found = found.and_then(read_checkpoint);
        let marks = setup.marks.clone();
        let known = found.filter(|f| marks.sent.as_ref() == Some(f) || marks.confirmed.as_ref() == Some(f));
        let mut docs = self.docs().clone();
        // Records the server lost since what it holds: then it may have lost images too.
        let mut lost_some = false;
        let check = match known {
            Some(c) => {
                for st in docs.values_mut() {
                    if st.held.is_some() && st.mark >= c.n {
                        st.held = None;
                        lost_some = true;
                    }
                }
                setup.since = c.since.clone();
                setup.marks.confirmed = Some(c.clone());
                ServerCheck::Same { since: c.since }
            }
            None => {
                let fresh = marks.sent.is_none() && marks.confirmed.is_none() && setup.since.is_empty() && docs.values().all(|d| d.held.is_none());
                if fresh {
                    return Ok(ServerCheck::First);
                }
                for st in docs.values_mut() {
                    *st = DocState { rev: st.rev.take(), refused: st.refused.take(), ..DocState::default() };
                }
                setup.since = String::new();
                setup.marks.sent = None;
                setup.marks.confirmed = None;
                ServerCheck::WentBack
            }
        };
        if &docs != self.docs() || setup != self.sync_setup() {
            self.write_docs(&mut setup, &docs)?;
            self.repo.write_value(SYNC_KEY, &setup)?;
        }
        // The images' "on the server" goes back with the records': the next photo sync asks the server
        // again about each image and sends those it lacks (app/sync_photos.rs).
        if check == ServerCheck::WentBack || lost_some {
            self.forget_photos_on_server()?;
        }
        Ok(check)
    }

    /// Makes the next checkpoint (what the server holds now, as far as this device knows) and notes it
    /// as sent: the caller writes it to the server. Its session is a hash of the device, the number, the
    /// checkpoint and the time: a new one for each write (and the same in a replayed simulation).
    pub fn sync_make_checkpoint(&mut self, now: Timestamp) -> Result<Checkpoint, AppError> {
        let mut setup = self.sync_setup();
        setup.marks.made += 1;
        let n = setup.marks.made;
        let session = format!("{:016x}", content_hash(&(&self.settings.device_id, n, &setup.since, now.unix_millis())));
        let c = Checkpoint { since: setup.since.clone(), session, n };
        setup.marks.sent = Some(c.clone());
        self.repo.write_value(SYNC_KEY, &setup)?;
        Ok(c)
    }

    /// The server stored this checkpoint.
    pub fn sync_checkpoint_stored(&mut self, c: Checkpoint) -> Result<(), AppError> {
        let mut setup = self.sync_setup();
        if setup.marks.confirmed.as_ref().is_none_or(|k| k.n < c.n) {
            setup.marks.confirmed = Some(c);
            self.repo.write_value(SYNC_KEY, &setup)?;
        }
        Ok(())
    }
}

/// This device's checkpoint document on the server, as this sync last saw it.
pub(super) struct ServerCheckpoint {
    pub path: String,
    /// Its revision (`0-N`; `None` while there is none).
    pub rev: Option<String>,
}

/// Reads the checkpoint document and lets the App compare it (`sync_check_server`).
pub(super) async fn check_server<S: Store, T: Transport, H: Host<S>>(t: &T, host: &H, path: String) -> Result<(ServerCheckpoint, ServerCheck), SyncError> {
    let found = match t.get(&path).await {
        Ok(Reply { status: 404, body }) if missing_doc(&body) => None,
        r => Some(serde_json::from_str::<Value>(&ok_body(r)?).map_err(|_| SyncError::Protocol)?),
    };
    let rev = found.as_ref().and_then(|v| v.get("_rev")).and_then(Value::as_str).map(String::from);
    let check = host.step(move |app, _| app.sync_check_server(found.as_ref())).await?;
    Ok((ServerCheckpoint { path, rev }, check))
}

/// A 404 for the document (CouchDB's reason `missing`, or `deleted`), not for the database.
fn missing_doc(body: &str) -> bool {
    let v: Value = serde_json::from_str(body).unwrap_or_default();
    matches!(v.get("reason").and_then(Value::as_str), Some("missing" | "deleted"))
}

/// Makes and writes the next checkpoint. `Ok(false)`: the document changed on the server since it was
/// read (a 409): check the server again.
pub(super) async fn write_checkpoint<S: Store, T: Transport, H: Host<S>>(t: &T, host: &H, cp: &mut ServerCheckpoint) -> Result<bool, SyncError> {
    let c = host.step(|app, now| app.sync_make_checkpoint(now)).await?;
    let mut body = json!({ "since": c.since, "session": c.session, "n": c.n });
    if let Some(rev) = &cp.rev {
        body["_rev"] = json!(rev);
    }
    let reply = t.put(&cp.path, body.to_string()).await;
    if matches!(reply, Ok(Reply { status: 409, .. })) {
        return Ok(false);
    }
    let text = ok_body(reply)?;
    let v: Value = serde_json::from_str(&text).map_err(|_| SyncError::Protocol)?;
    cp.rev = v.get("rev").and_then(Value::as_str).map(String::from);
    host.step(move |app, _| app.sync_checkpoint_stored(c)).await?;
    Ok(true)
}
