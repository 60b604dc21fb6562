//! Trao đổi: export (JSON exchange file, Excel workbook, CSV, full backup; the phone's share menu where
//! offered), import with a preview and a lossless merge, the conflicts it set aside, and the automatic
//! backups with undo. Parsing, merging and file naming are `domain::exchange` / `domain::merge` /
//! `domain::history`; the Excel and CSV contents are `export`.

use leptos::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};

use std::collections::BTreeMap;

use crate::app::{FutureChoice, ImportPlan};
use crate::i18n::errors::photo_problem;
use crate::domain::exchange;
use crate::domain::filter::Filter;
use crate::domain::locality::Localities;
use crate::domain::diff::{differing_parts, ModelPart};
use crate::domain::model::Model;
use crate::export::{self, csv, table};
use crate::i18n::errors::{file_error, record_error};
use crate::i18n::{number, parts, tf, ChunkMsg, Msg, ShareMsg};
use crate::app::BACKUPS_KEPT;
use crate::routes::Route;
use crate::ui::receive::ReceivePanel;
use crate::ui::platform::{download, download_bytes, share_or_download};
use crate::ui::components::ClockWarning;
use crate::ui::state::{fmt_local, fmt_local_date, fmt_local_precise, now, today, use_state, AppState, Here, Toast};

#[derive(Clone, Copy, PartialEq)]
enum Scope {
    All,
    Filtered,
    Locality(u32),
}

/// The file's record was written or shared: the export reminder clears (only for a file of every record).
fn after_export(state: &AppState) {
    state.change(|app, now| app.mark_exported(now), |_| {});
}

/// Reads a picked or dropped file (size checked before reading) and previews the merge. The records are
/// read a few milliseconds a task (`read_steps`), so the page answers and its bar moves while a big file
/// is read (20,000 models take seconds on a phone: BENCHMARKS.md row 4).
fn read_file(state: AppState, file: web_sys::File, files: FileSignals) {
    let lang = state.lang.get_untracked();
    files.pending.set(None);
    files.error.set(vec![]);
    if let Err(e) = exchange::check_size(file.size() as u64) {
        files.error.set(vec![file_error(lang, &e)]);
        return;
    }
    files.busy.set(true);
    files.progress.set(None);
    let turn = files.next_turn();
    spawn_local(async move {
        let bytes = match JsFuture::from(file.array_buffer()).await {
            Ok(buf) => js_sys::Uint8Array::new(&buf).to_vec(),
            Err(_) => {
                if files.is_turn(turn) {
                    files.error.set(vec![ShareMsg::ErrFileRead.text(lang).to_string()]);
                    files.busy.set(false);
                }
                return;
            }
        };
        // (the page may be gone by the time the file is read, or another file picked: then there is
        // nothing to preview)
        if !files.is_turn(turn) {
            return;
        }
        let reading = exchange::Reading::begin(&bytes);
        drop(bytes);
        match reading {
            Err(e) => {
                files.busy.set(false);
                files.error.set(vec![file_error(lang, &e)]);
            }
            Ok(reading) => read_steps(state, reading, file.name(), files, turn),
        }
    });
}

/// The signals of the exchange page a file's reading tells: the plan it previews, its problems, whether a
/// file is being read and how far (records read, of how many).
#[derive(Clone, Copy)]
struct FileSignals {
    pending: RwSignal<Option<ImportPlan>>,
    error: RwSignal<Vec<String>>,
    busy: RwSignal<bool>,
    progress: RwSignal<Option<(usize, usize)>>,
    /// Counts the files picked or received: only the latest one's reading goes on to its preview.
    turn: RwSignal<u32>,
}

impl FileSignals {
    /// A new file is read: an earlier one still being read stops. Its number.
    fn next_turn(&self) -> u32 {
        self.turn.update(|t| *t += 1);
        self.turn.get_untracked()
    }

    /// Whether the page is still there and `turn` is the latest file's.
    fn is_turn(&self, turn: u32) -> bool {
        self.turn.try_get_untracked() == Some(turn)
    }
}

/// Reads some of the file's records, then the rest in a later task; once read, previews the merge.
fn read_steps(state: AppState, mut reading: exchange::Reading, name: String, files: FileSignals, turn: u32) {
    // (the page is gone, or another file was picked since: nothing to preview)
    if !files.is_turn(turn) {
        return;
    }
    match crate::ui::state::for_a_step(|| reading.read_some(50)) {
        None => {
            files.progress.set(Some(reading.progress()));
            set_timeout(move || read_steps(state, reading, name, files, turn), std::time::Duration::ZERO);
        }
        Some(read) => {
            files.busy.set(false);
            files.progress.set(None);
            preview_read(state, read, move |officer| match officer {
                Some(officer) => format!("{name} — {officer}"),
                None => name,
            }, files.pending, files.error);
        }
    }
}

/// The bar of work done in steps (a file's reading, an import's save): done, of how many (`None`: not
/// known yet, the bar moves on its own), and what is being done.
fn step_bar(testid: &'static str, progress: RwSignal<Option<(usize, usize)>>, label: impl IntoView + 'static) -> impl IntoView {
    view! {
        <div class="transfer-progress" role="status" aria-live="polite" data-testid=testid>
            <progress max=move || progress.get().map(|(_, total)| total.to_string()) value=move || progress.get().map(|(done, _)| done.to_string())></progress>
            <span>{label}</span>
        </div>
    }
}

/// Reads an exchange file's bytes (from a file, or from the phone beside) and previews the merge: the one
/// path both take to `App::plan_import`. `source` names it for the history, given the sender's name.
fn preview(state: AppState, bytes: &[u8], source: impl FnOnce(Option<&str>) -> String, pending: RwSignal<Option<ImportPlan>>, error: RwSignal<Vec<String>>) {
    preview_read(state, exchange::read(bytes), source, pending, error);
}

/// Previews the merge of what a file gave, or says why it was refused.
fn preview_read(state: AppState, read: Result<exchange::ReadOutcome, exchange::FileError>, source: impl FnOnce(Option<&str>) -> String, pending: RwSignal<Option<ImportPlan>>, error: RwSignal<Vec<String>>) {
    let lang = state.lang.get_untracked();
    match read {
        Err(e) => error.set(vec![file_error(lang, &e)]),
        Ok(outcome) => {
            let mut problems: Vec<String> = outcome.invalid.iter().map(|e| record_error(lang, e)).collect();
            let officer = outcome.file_meta.exported_by.as_ref().map(|by| by.officer.as_str()).filter(|o| !o.is_empty());
            let source = source(officer);
            let plan = state.read(|app| app.plan_import(outcome, source, now()));
            // a photo whose image was refused is named; its record still comes in
            problems.extend(plan.images.problems.iter().map(|p| photo_problem(lang, p)));
            error.set(problems);
            pending.set(Some(plan));
        }
    }
}

/// An import that puts at least this many records, or into a registry of at least this many models, shows
/// its progress bar and saves in steps (`AppState::import`): on a phone its apply takes more than half a
/// second (BENCHMARKS.md, row 4). A smaller one is saved in one go (`App::import`).
const BIG_IMPORT_RECORDS: usize = 500;
const BIG_REGISTRY_MODELS: usize = 2_000;

/// Waits until the browser has painted what is on screen (the next frame, then a task), so a long change
/// started after it leaves its progress bar drawn.
async fn painted() {
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Some(window) = web_sys::window() else {
            let _ = resolve.call0(&JsValue::NULL);
            return;
        };
        let w = window.clone();
        let after_frame = Closure::once_into_js(move || {
            if w.set_timeout_with_callback_and_timeout_and_arguments_0(resolve.unchecked_ref(), 0).is_err() {
                let _ = resolve.call0(&JsValue::NULL);
            }
        });
        if window.request_animation_frame(after_frame.unchecked_ref()).is_err() {
            let _ = after_frame.unchecked_ref::<js_sys::Function>().call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// How many conflicts the page shows at first, and how many more each "show more" adds.
const CONFLICTS_PAGE: usize = 20;

#[component]
pub fn ExchangePage() -> impl IntoView {
    let state = use_state();
    let t = move |m: Msg| state.t(m);
    let lang = move || state.lang.get();

    // ---- export
    let scope = RwSignal::new(Scope::All);
    let list_filter = Memo::new(move |_| state.settings.with(|s| Filter::from_query(&s.last_filter)));
    let filtered_count = Memo::new(move |_| list_filter.with(|f| state.registry.with(|r| state.select_unsorted(f, r).len())));
    let selection = move || -> Vec<Model> {
        state.registry.with_untracked(|r| match scope.get_untracked() {
            Scope::All => r.all_models().to_vec(),
            Scope::Filtered => list_filter.with_untracked(|f| f.select(r)).into_iter().map(|i| r.all_models()[i].clone()).collect(),
            Scope::Locality(code) => {
                Filter { locality: Some(code), ..Default::default() }.select(r).into_iter().map(|i| r.all_models()[i].clone()).collect()
            }
        })
    };
    let unit_name = move || state.settings.with_untracked(|s| if s.unit.is_empty() { s.officer.clone() } else { s.unit.clone() });
    // What an export covers, for its file name: the commune of a one-commune export, the locality of the
    // list's filter, otherwise the officer's unit.
    let file_label = move || {
        let code = match scope.get_untracked() {
            Scope::All => None,
            Scope::Filtered => list_filter.with_untracked(|f| f.locality),
            Scope::Locality(code) => Some(code),
        };
        code.and_then(|c| Localities::builtin().unit(c)).map(|u| u.name.clone()).unwrap_or_else(unit_name)
    };
    // Photos: the size of each stored image (read once from the image store), and whether the file carries
    // them: by default for one commune, not for everything (SPEC: with photos by default for one commune).
    let image_sizes = RwSignal::new(BTreeMap::<String, u64>::new());
    spawn_local(async move {
        let sizes = state.image_sizes().await;
        let _ = image_sizes.try_set(sizes);
    });
    let with_photos = RwSignal::new(false);
    Effect::new(move |_| with_photos.set(matches!(scope.get(), Scope::Locality(_))));
    let sizes = Memo::new(move |_| {
        scope.track();
        state.registry.track();
        if image_sizes.with(|s| s.is_empty()) {
            return None;
        }
        let models = selection();
        let est = image_sizes.with(|s| state.read(|app| app.export_sizes(&models, s, now())));
        (est.photos > 0).then_some(est)
    });
    let export_error = RwSignal::new(None::<String>);
    let export_json = move |share: bool| {
        export_error.set(None);
        let models = selection();
        let name = exchange::file_name(&file_label(), today(), "json");
        let whole = scope.get_untracked() == Scope::All;
        let n = models.iter().filter(|m| !m.is_deleted()).count();
        let photos = with_photos.get_untracked() && sizes.get_untracked().is_some();
        if photos && sizes.get_untracked().is_some_and(|s| s.with_too_large()) {
            let size = sizes.get_untracked().map(|s| crate::i18n::storage_size(lang(), s.with as usize)).unwrap_or_default();
            export_error.set(Some(tf(lang(), ChunkMsg::ExportTooLarge, &[&size])));
            return;
        }
        // The reminder clears only once the file was saved or the share completed, never on cancel.
        let done = move || {
            if whole {
                after_export(&state);
            }
            state.show_toast(tf(state.lang.get_untracked(), ChunkMsg::Exported, &[&n]), None);
        };
        let write = move |text: String| {
            if share {
                share_or_download(&name, "application/json", &text, done);
            } else if download(&name, "application/json", &text).is_ok() {
                done();
            }
        };
        if !photos {
            write(state.read(|app| app.export_file(&models, now())));
            return;
        }
        spawn_local(async move {
            let (text, missing) = state.export_with_photos(&models).await;
            if missing > 0 {
                let _ = export_error.try_set(Some(tf(lang(), ShareMsg::ExportPhotosMissing, &[&missing])));
            }
            write(text);
        });
    };
    let export_csv = move |_| {
        let models = selection();
        let live: Vec<&Model> = models.iter().filter(|m| !m.is_deleted()).collect();
        let lang = state.lang.get_untracked();
        let _ = download(&exchange::file_name(&file_label(), today(), "csv"), "text/csv;charset=utf-8", &csv::write(&table::models(lang, &live)));
        let _ = download(
            &exchange::file_name(&format!("{} danh gia", file_label()), today(), "csv"),
            "text/csv;charset=utf-8",
            &csv::write(&table::evaluations(lang, &live)),
        );
    };
    let export_xlsx = move |_| {
        let models = selection();
        let live: Vec<&Model> = models.iter().filter(|m| !m.is_deleted()).collect();
        let lang = state.lang.get_untracked();
        // The title rows name the officer's unit, and the commune when the export covers one.
        let (unit, label) = (unit_name(), file_label());
        let heading = if unit.is_empty() || unit == label { label.clone() } else { format!("{unit} ({label})") };
        let tables = state.registry.with_untracked(|r| export::workbook_tables(lang, today(), &live, r));
        spawn_local(async move {
            match xlsx_workbook(tables, heading, today()).await {
                Ok(Ok(bytes)) => {
                    let _ = download_bytes(&exchange::file_name(&label, today(), "xlsx"), export::XLSX_MIME, &bytes);
                }
                Ok(Err(())) => state.show_toast(state.t(ShareMsg::ErrXlsx).to_string(), None),
                Err(_) => state.show_toast(t(Msg::PartNotLoaded).to_string(), None),
            }
        });
    };
    // The full backup carries the photos' images too when the file stays within the limit (else it says so
    // and carries their references only).
    let download_everything = move |_| {
        export_error.set(None);
        let name = exchange::file_name(&format!("{} sao luu day du", unit_name()), today(), "json");
        spawn_local(async move {
            let models = state.registry.with_untracked(|r| r.all_models().to_vec());
            let sizes = image_sizes.get_untracked();
            let est = state.read(|app| app.export_sizes(&models, &sizes, now()));
            let text = if est.photos > 0 && !est.with_too_large() {
                state.export_with_photos(&models).await.0
            } else {
                if est.with_too_large() {
                    let _ = export_error.try_set(Some(tf(lang(), ChunkMsg::ExportTooLarge, &[&crate::i18n::storage_size(lang(), est.with as usize)])));
                }
                state.read(|app| app.export_all(now()))
            };
            if download(&name, "application/json", &text).is_ok() {
                after_export(&state);
            }
        });
    };

    // ---- import
    let pending = RwSignal::new(None::<ImportPlan>);
    let future_choice = RwSignal::new(FutureChoice::BringBack);
    // Each file read selects its plan's default choice first (keep the times as they are when the file
    // says this device's clock is behind); the officer's own pick stands while the same plan waits.
    Effect::new(move |seen: Option<Option<(String, crate::domain::time::Timestamp)>>| {
        let key = pending.with(|p| p.as_ref().map(|p| (p.source.clone(), p.device_now)));
        let seen = seen.flatten();
        if key.is_some() && seen != key {
            if let Some(c) = pending.with_untracked(|p| p.as_ref().map(ImportPlan::default_choice)) {
                future_choice.set(c);
            }
        }
        key.or(seen)
    });
    let errors = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(false);
    let read_progress = RwSignal::new(None::<(usize, usize)>);
    let files = FileSignals { pending, error: errors, busy, progress: read_progress, turn: RwSignal::new(0) };
    let dragging = RwSignal::new(false);
    let last_backup = RwSignal::new(None::<String>);
    let backups_version = RwSignal::new(0u32);
    let on_pick = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            read_file(state, file, files);
        }
        input.set_value("");
    };
    let on_received = move |bytes: Vec<u8>| {
        // (a file still being read stops: what the phone beside sent is previewed)
        files.next_turn();
        busy.set(false);
        read_progress.set(None);
        pending.set(None);
        errors.set(vec![]);
        let label = state.t(ShareMsg::TransferSource);
        preview(state, &bytes, move |officer| match officer {
            Some(officer) => format!("{label} — {officer}"),
            None => label.to_string(),
        }, pending, errors);
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
            read_file(state, file, files);
        }
    };
    // The file's images are written first; if they do not fit, nothing is imported and the plan waits for
    // the officer: free room and try again, or import the records without their images.
    let photos_failed = RwSignal::new(false);
    let importing = RwSignal::new(false);
    // A big import's save, in steps: chunks written, of how many (`None` before the first step).
    let import_progress = RwSignal::new(None::<(usize, usize)>);
    // `here`: the page, taken where the officer confirmed (the apply may come after an `.await`).
    let apply_import = move |plan: ImportPlan, choice: FutureChoice, here: Here| {
        let there = here.is_there();
        let told = move |done: &crate::app::ImportDone| Some(Toast::new(crate::i18n::import_summary(state.lang.get_untracked(), &done.report, done.conflicts)));
        let then = move |result: Result<crate::app::ImportDone, crate::app::AppError>| {
            importing.set(false);
            match result {
                Ok(done) => {
                    last_backup.set(Some(done.backup.clone()));
                    backups_version.update(|v| *v += 1);
                }
                Err(e) => errors.set(vec![state.t(crate::ui::state::error_msg(&e)).to_string()]),
            }
        };
        let big = plan.changes() >= BIG_IMPORT_RECORDS || state.registry.with_untracked(|r| r.all_models().len()) >= BIG_REGISTRY_MODELS;
        if big {
            // the bar drawn first, then the import, its save in steps (the bar moves, the screen answers)
            if there {
                importing.set(true);
                import_progress.set(None);
            }
            spawn_local(async move {
                painted().await;
                state.import(here, plan, choice, import_progress, told, then);
            });
        } else {
            state.change_at(here, move |app, now| app.import(plan, choice, now), told, then);
        }
    };
    let confirm_import = move |without_photos: bool| {
        // Taken out of the signal, not cloned (it holds every record read).
        let Some(plan) = pending.try_update_untracked(|p| p.take()).flatten() else { return };
        pending.notify();
        photos_failed.set(false);
        let here = Here::now();
        let choice = future_choice.get_untracked();
        if without_photos || plan.images.images.is_empty() {
            apply_import(plan, choice, here);
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let stored = state.store_images(&plan.images.images).await;
            // (the import goes on if the page is gone; what it tells the page, only while it is there)
            let _ = busy.try_set(false);
            match stored {
                Ok(_) => apply_import(plan, choice, here.clone()),
                Err(m) => {
                    if here.is_there() {
                        errors.set(vec![t(m).to_string()]);
                        photos_failed.set(true);
                        pending.set(Some(plan));
                    } else {
                        state.show_toast(t(m).to_string(), None);
                    }
                }
            }
        });
    };
    let restore = move |key: String, toast: ShareMsg| {
        state.change(
            move |app, now| app.restore(&key, now),
            move |result| {
                backups_version.update(|v| *v += 1);
                match result {
                    Ok(_) => state.show_toast(state.t(toast).to_string(), None),
                    Err(e) => state.show_error(&e),
                }
            },
        );
    };
    let undo_import = move |_| {
        if let Some(key) = last_backup.get_untracked() {
            restore(key, ShareMsg::ImportUndone);
            last_backup.set(None);
        }
    };
    let backups = Memo::new(move |_| {
        backups_version.track();
        state.registry.track();
        state.read(|app| app.backups())
    });
    let confirm_restore = RwSignal::new(None::<String>);

    // ---- conflicts
    // Only versions saved on another device are conflicts to review; an earlier save of this device's own
    // record stays in the history without asking the officer anything.
    let conflicts_shown = RwSignal::new(CONFLICTS_PAGE);
    let conflicts = Memo::new(move |_| state.history.with(|h| h.conflicts().into_iter().map(|(i, e)| (i, e.clone())).collect::<Vec<_>>()));
    let use_version = move |index: usize| {
        state.change(move |app, now| app.use_version(index, now), move |r| if let Err(e) = r { state.show_error(&e) });
    };
    let keep_current = move |index: usize| {
        state.change(move |app, now| app.keep_current(index, now), move |r| if let Err(e) = r { state.show_error(&e) });
    };

    let stat = move |label: ShareMsg, n: usize, id: &'static str| {
        view! { <div class="kv"><dt>{move || state.t(label)}</dt><dd data-testid=id>{move || number(lang(), n as u64)}</dd></div> }
    };

    view! {
        <section class="page exchange-page">
            <h1>{state.tr(ShareMsg::ExchangeTitle)}</h1>

            <section class="card">
                <h2>{state.tr(ShareMsg::ExportTitle)}</h2>
                <ClockWarning/>
                <p class="muted">{move || state.settings.with(|s| match s.last_export_at {
                    Some(at) => tf(lang(), ShareMsg::LastExport, &[&fmt_local(lang(), at)]),
                    None => state.t(ShareMsg::NeverExported).to_string(),
                })}</p>
                <Show when=move || state.settings.with(|s| s.unexported_changes > 0)>
                    <p class="banner warn">{move || tf(lang(), ShareMsg::ExportReminder, &[&state.settings.with(|s| s.unexported_changes)])}</p>
                </Show>
                <fieldset class="field">
                    <legend>{state.tr(ShareMsg::ExportScope)}</legend>
                    <label class="radio"><input type="radio" name="scope" prop:checked=move || scope.get() == Scope::All on:change=move |_| scope.set(Scope::All)/>
                        {state.tr(ShareMsg::ExportAll)} " (" {move || number(lang(), state.registry.with(|r| r.live_count()) as u64)} ")"</label>
                    <label class="radio"><input type="radio" name="scope" prop:checked=move || scope.get() == Scope::Filtered on:change=move |_| scope.set(Scope::Filtered)/>
                        {move || tf(lang(), ShareMsg::ExportFiltered, &[&number(lang(), filtered_count.get() as u64)])}</label>
                    <label class="radio"><input type="radio" name="scope" prop:checked=move || matches!(scope.get(), Scope::Locality(_))
                        on:change=move |_| scope.set(Scope::Locality(Localities::builtin().current_communes().next().map(|u| u.code).unwrap_or(0)))/>
                        {state.tr(ShareMsg::ExportOneLocality)}</label>
                    <Show when=move || matches!(scope.get(), Scope::Locality(_))>
                        <label for="export-locality" class="visually-hidden">{state.tr(Msg::Locality)}</label>
                        <select id="export-locality" on:change=move |ev| if let Ok(c) = event_target_value(&ev).parse() { scope.set(Scope::Locality(c)) }>
                            {Localities::builtin().current_communes().map(|u| view! { <option value=u.code.to_string()>{u.name.clone()}</option> }).collect_view()}
                        </select>
                    </Show>
                </fieldset>
                {move || sizes.get().map(|est| {
                    let size = move |b: u64| crate::i18n::storage_size(lang(), b as usize);
                    view! {
                        <fieldset class="field" data-testid="export-photos">
                            <legend>{state.t(ShareMsg::ExportPhotos)}</legend>
                            <label class="radio"><input type="radio" name="photos" data-testid="export-with-photos" prop:checked=move || with_photos.get() on:change=move |_| with_photos.set(true)/>
                                {tf(lang(), ShareMsg::ExportWithPhotos, &[&size(est.with)])}</label>
                            <label class="radio"><input type="radio" name="photos" data-testid="export-without-photos" prop:checked=move || !with_photos.get() on:change=move |_| with_photos.set(false)/>
                                {tf(lang(), ShareMsg::ExportWithoutPhotos, &[&size(est.without)])}</label>
                            <p class="muted small">{tf(lang(), ShareMsg::ExportPhotosHint, &[&est.photos])}</p>
                            {(est.with_too_large() && with_photos.get()).then(|| view! { <p class="banner warn small">{tf(lang(), ChunkMsg::ExportTooLarge, &[&size(est.with)])}</p> })}
                        </fieldset>
                    }
                })}
                {move || export_error.get().map(|e| view! { <p class="banner warn" role="alert" data-testid="export-error">{e}</p> })}
                <div class="row">
                    <button type="button" class="button primary" data-testid="export-json" on:click=move |_| export_json(false)>{state.tr(ShareMsg::ExportJson)}</button>
                    <button type="button" class="button" data-testid="share-json" on:click=move |_| export_json(true)>{state.tr(ShareMsg::ShareFile)}</button>
                    <button type="button" class="button" data-testid="export-xlsx" on:click=export_xlsx>{state.tr(ShareMsg::ExportXlsx)}</button>
                    <button type="button" class="button" data-testid="export-csv" on:click=export_csv>{state.tr(ShareMsg::ExportCsv)}</button>
                </div>
                <p class="muted small">{state.tr(ShareMsg::ExportCsvNote)}</p>
                <button type="button" class="button" data-testid="download-everything" on:click=download_everything>{state.tr(ShareMsg::DownloadEverything)}</button>
                <p><a class="button" href=Route::Send { query: String::new() }.href() data-testid="open-send">{state.tr(ShareMsg::SendOpen)}</a></p>
            </section>

            <section class="card">
                <h2>{state.tr(ShareMsg::ImportTitle)}</h2>
                <div class="dropzone" class:dragging=move || dragging.get()
                    on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
                    on:dragleave=move |_| dragging.set(false)
                    on:drop=on_drop>
                    <p>{state.tr(ShareMsg::DropHere)}</p>
                    <label class="button primary file-button">
                        {state.tr(ShareMsg::ChooseFile)}
                        <input type="file" accept=".json,application/json" class="visually-hidden" data-testid="import-file" on:change=on_pick/>
                    </label>
                </div>
                <ReceivePanel on_received=on_received/>
                <Show when=move || busy.get()>{step_bar("read-progress", read_progress, state.tr(ShareMsg::Reading))}</Show>
                <Show when=move || importing.get()>{step_bar("import-progress", import_progress, state.tr(ShareMsg::Importing))}</Show>
                <Show when=move || !errors.with(|e| e.is_empty())>
                    <ul class="banner error import-errors" role="alert" data-testid="import-errors">
                        {move || errors.get().into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
                    </ul>
                </Show>
                // (borrowed, not cloned: the pending file holds every record read)
                {move || pending.with(|p| p.as_ref().map(|p| {
                    let meta = &p.outcome.file_meta;
                    let who = meta.exported_by.as_ref().map(|b| [b.officer.as_str(), b.unit.as_str()].iter().filter(|s| !s.is_empty()).cloned().collect::<Vec<_>>().join(", "))
                        .filter(|s| !s.is_empty()).unwrap_or_else(|| state.t(ShareMsg::UnknownSender).to_string());
                    let when = meta.exported_at.map(|at| fmt_local(lang(), at)).unwrap_or_default();
                    let m = &p.preview.models;
                    // said first: the rest of the preview reads differently when this device's clock is wrong
                    let clock_behind = meta.exported_at.filter(|_| p.clock_behind).map(|at| {
                        tf(lang(), ShareMsg::ClockBehindFile, &[&fmt_local_date(lang(), p.device_now), &fmt_local_date(lang(), at)])
                    });
                    view! {
                        <div class="preview" data-testid="import-preview">
                            <h3>{state.t(ShareMsg::PreviewTitle)}</h3>
                            {clock_behind.map(|text| view! { <p class="banner warn" role="alert" data-testid="clock-behind">{text}</p> })}
                            <p class="muted">{tf(lang(), ShareMsg::PreviewFrom, &[&p.source, &who, &when])}</p>
                            <dl class="details">
                                {stat(ShareMsg::PreviewNew, m.new, "preview-new")}
                                {stat(ShareMsg::PreviewUpdated, m.updated, "preview-updated")}
                                {stat(ShareMsg::PreviewUnchanged, m.unchanged, "preview-unchanged")}
                                {stat(ShareMsg::PreviewDeleted, m.deleted, "preview-deleted")}
                                {stat(ShareMsg::PreviewConflicts, m.conflicts, "preview-conflicts")}
                                {stat(ShareMsg::PreviewInvalid, p.preview.invalid, "preview-invalid")}
                            </dl>
                            <p class="muted small">{tf(lang(), ShareMsg::PreviewPlans, &[&p.preview.plans.new, &p.preview.plans.updated])}</p>
                            {(!p.images.images.is_empty()).then(|| view! {
                                <p class="muted small" data-testid="preview-photos">{tf(lang(), ShareMsg::ImportPhotos, &[&p.images.images.len(), &crate::i18n::storage_size(lang(), p.images.bytes())])}</p>
                            })}
                            {(!p.future.is_empty()).then(|| {
                                let items: Vec<String> = p.future.iter().take(10).map(|f| match &f.evaluation_id {
                                    Some(_) => format!("{} ({}) — {}", f.title, state.t(ShareMsg::FutureEvaluation), fmt_local(lang(), f.at)),
                                    None => format!("{} — {}", f.title, fmt_local(lang(), f.at)),
                                }).collect();
                                view! {
                                    <fieldset class="banner warn future-dated" data-testid="future-dated">
                                        <legend>{tf(lang(), ShareMsg::FutureDatedTitle, &[&p.future.len()])}</legend>
                                        <p class="small">{state.t(ShareMsg::FutureDatedHelp)}</p>
                                        <ul class="small">{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
                                        {[(FutureChoice::BringBack, ShareMsg::FutureBringBack, "future-bring-back"), (FutureChoice::LeaveOut, ShareMsg::FutureLeaveOut, "future-leave-out"), (FutureChoice::KeepAsIs, ShareMsg::FutureKeep, "future-keep")]
                                            .into_iter().map(|(c, label, id)| view! {
                                                <label class="radio"><input type="radio" name="future" data-testid=id prop:checked=move || future_choice.get() == c on:change=move |_| future_choice.set(c)/>{state.t(label)}</label>
                                            }).collect_view()}
                                    </fieldset>
                                }
                            })}
                            <div class="row">
                                <button type="button" class="button primary" data-testid="confirm-import" on:click=move |_| confirm_import(false)>{state.t(ShareMsg::ImportConfirm)}</button>
                                {photos_failed.get().then(|| view! {
                                    <button type="button" class="button" data-testid="import-without-photos" on:click=move |_| confirm_import(true)>{state.t(ShareMsg::ImportWithoutPhotos)}</button>
                                })}
                                <button type="button" class="button" on:click=move |_| { pending.set(None); errors.set(vec![]); }>{t(Msg::Cancel)}</button>
                            </div>
                        </div>
                    }
                }))}
                <Show when=move || last_backup.with(|b| b.is_some())>
                    <button type="button" class="button" data-testid="undo-import" on:click=undo_import>{state.tr(ShareMsg::ImportUndo)}</button>
                </Show>
            </section>

            <section class="card" data-testid="conflicts">
                <h2>{state.tr(ShareMsg::ConflictsTitle)}</h2>
                <Show when=move || conflicts.with(|c| c.is_empty())>
                    <p class="muted">{state.tr(ShareMsg::NoConflicts)}</p>
                </Show>
                // A big import can set aside hundreds: a page at a time (the whole list at once is slow to
                // lay out on a phone, and nobody reads it all).
                <Show when=move || conflicts.with(|c| c.len() > CONFLICTS_PAGE)>
                    <p class="muted small" data-testid="conflicts-count">{move || tf(lang(), ShareMsg::ConflictsCount, &[&number(lang(), conflicts.with(|c| c.len()) as u64)])}</p>
                </Show>
                <ul class="conflicts">
                    {move || conflicts.with(|c| c.iter().take(conflicts_shown.get()).cloned().collect::<Vec<_>>()).into_iter().map(|(index, e)| {
                        let current = state.registry.with(|r| r.get(&e.id).cloned());
                        let lost = e.lost_model().cloned();
                        let lang = lang();
                        let ours = current.as_ref().map(|m| parts::author(lang, &m.updated_by)).unwrap_or_default();
                        let theirs = lost.as_ref().map(|m| parts::author(lang, &m.updated_by)).unwrap_or_default();
                        let diffs = match (&current, &lost) {
                            (Some(c), Some(l)) => differing_parts(c, l),
                            _ => vec![],
                        };
                        let rows = diffs.iter().map(|p| {
                            let p = *p;
                            let deletion = p == ModelPart::Deleted;
                            view! {
                                <li class="diff" class:deletion=deletion>
                                    <span class="diff-label">{parts::label(p).text(lang)}</span>
                                    <span class="diff-ours"><span class="who">{ours.clone()} ": "</span>{current.as_ref().map(|m| parts::value(lang, p, m))}</span>
                                    <span class="diff-theirs"><span class="who">{theirs.clone()} ": "</span>{lost.as_ref().map(|m| parts::value(lang, p, m))}</span>
                                </li>
                            }
                        }).collect_view();
                        let n = diffs.len();
                        let (ours2, theirs2) = (ours.clone(), theirs.clone());
                        view! {
                            <li class="conflict" class:resolved=e.resolved data-testid="conflict">
                                <strong>{e.title.clone()}</strong>
                                <span class="muted small">" · " {fmt_local(lang, e.at)} " · " {e.source.clone()}</span>
                                <p class="small">{if n == 0 { ShareMsg::ConflictSame.text(lang).to_string() } else { tf(lang, ShareMsg::ConflictDiffers, &[&n]) }}</p>
                                <ul class="diffs">{rows}</ul>
                                {if e.resolved {
                                    view! { <p class="muted small">{ShareMsg::ConflictResolved.text(lang)}</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="conflict-actions">
                                            <button type="button" class="button" data-testid="keep-current" on:click=move |_| keep_current(index)>{tf(lang, ShareMsg::KeepCurrent, &[&ours2])}</button>
                                            <button type="button" class="button" data-testid="use-version" on:click=move |_| use_version(index)>{tf(lang, ShareMsg::UseThisVersion, &[&theirs2])}</button>
                                        </div>
                                    }.into_any()
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <Show when=move || { conflicts.with(|c| c.len()) > conflicts_shown.get() }>
                    <button type="button" class="button" data-testid="more-conflicts" on:click=move |_| conflicts_shown.update(|n| *n += CONFLICTS_PAGE)>
                        {move || tf(lang(), ShareMsg::ShowMoreConflicts, &[&number(lang(), conflicts.with(|c| c.len()).saturating_sub(conflicts_shown.get()) as u64)])}
                    </button>
                </Show>
            </section>

            <section class="card">
                <h2>{state.tr(ShareMsg::BackupsTitle)}</h2>
                <p class="muted small">{move || tf(lang(), ShareMsg::BackupsNote, &[&BACKUPS_KEPT])}</p>
                <Show when=move || backups.with(|b| b.is_empty())>
                    <p class="muted">{state.tr(ShareMsg::NoBackups)}</p>
                </Show>
                <ul class="backups">
                    {move || backups.get().into_iter().map(|b| {
                        let (key, at, n) = (b.key, b.at, b.models);
                        let k1 = key.clone();
                        let k2 = key.clone();
                        view! {
                            <li>
                                <span>{tf(lang(), ShareMsg::BackupAt, &[&fmt_local_precise(lang(), at), &number(lang(), n as u64)])}</span>
                                <Show when={let k = k1.clone(); move || confirm_restore.with(|c| c.as_deref() != Some(k.as_str()))}>
                                    <button type="button" class="small" on:click={let k = k1.clone(); move |_| confirm_restore.set(Some(k.clone()))}>{state.tr(ShareMsg::Restore)}</button>
                                </Show>
                                <Show when={let k = k2.clone(); move || confirm_restore.with(|c| c.as_deref() == Some(k.as_str()))}>
                                    <span class="confirm-inline">
                                        {state.tr(ShareMsg::ConfirmRestore)} " "
                                        <button type="button" class="small" on:click={let k = k2.clone(); move |_| { confirm_restore.set(None); restore(k.clone(), ShareMsg::Restored); }}>{state.tr(ShareMsg::Confirm)}</button>
                                        <button type="button" class="small" on:click=move |_| confirm_restore.set(None)>{state.tr(Msg::Cancel)}</button>
                                    </span>
                                </Show>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </section>
    }
}

/// The Excel workbook of `tables` (`export::xlsx`, the largest single part of the app: a chunk of its own,
/// fetched when the officer first asks for a workbook; see `ui/split.rs`). `Ok(Err(()))`: the writer failed.
#[leptos::wasm_split::wasm_split(xlsx, wasm_split_path = ::leptos::wasm_split, fallible)]
fn xlsx_workbook(
    tables: Vec<crate::export::table::Table>,
    unit: String,
    today: crate::domain::time::Date,
) -> Result<Result<Vec<u8>, ()>, crate::ui::chunk::NotLoaded> {
    Ok(export::write_workbook(&tables, &unit, today).map_err(|_| ()))
}
