// Page objects for the browser tests: one class per screen, holding every selector the tests use, so a
// changed selector is mended here only. Selectors prefer data-testid (see src/ui), ids tied to labels,
// and roles; visible text is only asserted on, never used to find things (the app is bilingual).
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { newPage, serve, launch, PHONE } from './harness.mjs';
import { startCouch } from './couch.mjs';

/** How long to wait for the app to show something before the test fails. */
export const WAIT = 10_000;

/**
 * Retries `check` (which throws, e.g. with node:assert) until it passes or `timeout` ms have passed,
 * then rethrows its last error. Reactive screens change a moment after the event that changes them.
 */
export async function eventually(check, timeout = WAIT) {
  const end = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** The visible, whitespace-normalised text of a locator (waits for it to be visible). */
export async function textOf(locator) {
  await locator.waitFor({ state: 'visible', timeout: WAIT });
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/** Waits until the locator's visible text contains `expected` (string or RegExp). */
export async function expectText(locator, expected, timeout = WAIT) {
  await eventually(async () => {
    const t = await textOf(locator);
    if (expected instanceof RegExp) assert.match(t, expected);
    else assert.ok(t.includes(expected), `expected text to contain ${JSON.stringify(expected)}, got ${JSON.stringify(t)}`);
  }, timeout);
}

/** Waits until the locator matches `n` elements. */
export async function expectCount(locator, n, timeout = WAIT) {
  await eventually(async () => assert.equal(await locator.count(), n), timeout);
}

/** The app shell: header (language switch), banners, bottom tab bar, toast. */
export class App {
  /** Opens a new page at `size` (phone by default) on the server at `base` (ends with "/"). */
  static async open(context, base, size = PHONE) {
    const page = await newPage(context, size);
    page.setDefaultTimeout(WAIT);
    return new App(page, base);
  }

  constructor(page, base) {
    this.page = page;
    this.base = base;
    this.models = new ModelsPage(page);
    this.form = new ModelFormPage(page);
    this.detail = new ModelDetailPage(page);
    this.settings = new SettingsPage(page);
    this.sync = new SyncPanel(page);
    this.notFound = new NotFoundPage(page);
    this.dashboard = new DashboardPage(page);
    this.report = new ReportPage(page);
  }

  /** Loads `<base><fragment>` (e.g. "#/models") and waits for the app to render. */
  async goto(fragment = '') {
    await this.page.goto(this.base + fragment);
    await this.ready();
  }

  /** Reloads and waits for the app to render again. */
  async reload() {
    await this.page.reload();
    await this.ready();
  }

  /** The app has mounted: the tab bar and a page are on screen. */
  async ready() {
    await this.tab('models').waitFor({ state: 'visible', timeout: WAIT });
    await this.page.locator('main#main > section').first().waitFor({ state: 'visible', timeout: WAIT });
  }

  /**
   * Waits until the offline service worker controls the page, then reloads once, so every test works in
   * a page loaded the way an officer's second visit is (the worker answering), whatever the worker does
   * when it first takes control.
   */
  async settle() {
    await eventually(async () => {
      const controlled = await this.page.evaluate(async () => {
        if (!('serviceWorker' in navigator)) return true;
        await navigator.serviceWorker.ready;
        return !!navigator.serviceWorker.controller;
      });
      assert.ok(controlled, 'the service worker controls the page');
    }, 20_000);
    await this.reload();
  }

  /** Forgets everything stored (registry, settings) and loads `fragment` afresh, settled. */
  async resetStorage(fragment = '') {
    await this.goto(fragment);
    await this.settle();
    await this.page.evaluate(() => localStorage.clear());
    await this.reload();
  }

  /** The URL fragment, e.g. "#/models?q=a+roang". */
  fragment() {
    return new URL(this.page.url()).hash;
  }

  async expectFragment(expected) {
    await eventually(() => {
      const f = this.fragment();
      if (expected instanceof RegExp) assert.match(f, expected);
      else assert.equal(f, expected);
    });
  }

  /** A tab of the bottom navigation: dashboard, models, plans, exchange, settings. */
  tab(name) {
    return this.page.locator(`nav.tabs [data-tab="${name}"]`);
  }
  tabLabel(name) {
    return this.tab(name).locator('.tab-label');
  }
  currentTab() {
    return this.page.locator('nav.tabs [aria-current="page"]');
  }
  async goTab(name) {
    await this.tab(name).click();
    await eventually(async () => assert.equal(await this.currentTab().getAttribute('data-tab'), name));
  }

  /** The page heading. */
  heading() {
    return this.page.locator('main h1').first();
  }

  /** The header's language buttons ("vi", "en"). */
  headerLang(code) {
    return this.page.getByTestId(`header-lang-${code}`);
  }
  async htmlLang() {
    return this.page.evaluate(() => document.documentElement.lang);
  }

  /** Warnings found at load time (role=alert banners). */
  notices() {
    return this.page.getByTestId('notice');
  }

  toast() {
    return this.page.getByTestId('toast');
  }
  toastUndo() {
    return this.page.getByTestId('toast-undo');
  }
  /** Closes the toast if one is showing (it covers the bottom of a phone screen for 10 s). */
  async dismissToast() {
    const close = this.toast().locator('.toast-close');
    if (await close.isVisible()) await close.click();
    await expectCount(this.toast(), 0);
  }
  /** Is the centre of `locator` covered by another element (e.g. the toast)? */
  async isCovered(locator) {
    await locator.scrollIntoViewIfNeeded();
    return locator.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return !(top && (top === el || el.contains(top)));
    });
  }

  /** Every localStorage entry, as an object. */
  async storage() {
    return this.page.evaluate(() => Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])));
  }

  /** Fails if the page had an uncaught error or logged a console error. */
  assertNoErrors() {
    assert.deepEqual(this.page.errors, [], 'page errors');
  }

  async close() {
    await this.page.close();
  }
}

/** The model list: search, field chips, filters, results. */
export class ModelsPage {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId('models-page');
    this.search = page.locator('#search');
    this.filters = page.getByTestId('filters');
    this.localitySelect = page.getByTestId('filter-locality');
    this.resultCount = page.getByTestId('result-count');
    this.items = page.getByTestId('model-item');
    this.titles = page.getByTestId('model-item-title');
    this.addButton = page.getByTestId('add-model');
    this.loadExamplesButton = page.getByTestId('load-examples');
  }

  async waitFor() {
    await this.root.waitFor({ state: 'visible', timeout: WAIT });
  }

  /** The field chip for a field code (economic, cultural_social, defense_security, political_system). */
  chip(field) {
    return this.page.getByTestId(`chip-${field}`);
  }

  /** The result row whose title contains `title`. */
  item(title) {
    return this.items.filter({ has: this.page.getByTestId('model-item-title').filter({ hasText: title }) });
  }

  async visibleTitles() {
    return (await this.titles.allInnerTexts()).map((t) => t.trim());
  }

  /** The "shown / total" numbers of the result count. */
  async counts() {
    const t = await textOf(this.resultCount);
    const nums = t.match(/\d[\d.,]*/g) || [];
    return nums.map((n) => Number(n.replace(/[.,]/g, '')));
  }

  async searchFor(text) {
    await this.search.fill(text);
  }

  async openFilters() {
    await this.filters.waitFor({ state: 'visible' });
    if (!(await this.filters.evaluate((d) => d.open))) await this.filters.locator('summary').click();
    await this.localitySelect.waitFor({ state: 'visible' });
  }

  /** Chooses a unit in the locality filter by its visible name. */
  async filterByLocality(name) {
    await this.openFilters();
    await this.localitySelect.selectOption({ label: name });
  }

  async loadExamples() {
    await this.loadExamplesButton.click();
  }

  async openModel(title) {
    await this.item(title).locator('a').click();
  }
}

/** The create / edit form. */
export class ModelFormPage {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId('model-form-page');
    this.title = page.locator('#f-title');
    this.locality = page.locator('#f-locality');
    this.village = page.locator('#f-village');
    this.saveButton = page.getByTestId('save-model');
  }

  async waitFor() {
    await this.root.waitFor({ state: 'visible', timeout: WAIT });
  }

  /** The radio of a field code. */
  fieldRadio(field) {
    return this.page.getByTestId(`field-${field}`);
  }

  /** The error shown beside a form field (title, locality, village, …). */
  error(field) {
    return this.page.getByTestId(`error-${field}`);
  }

  /** The options the locality picker offers for what was typed. */
  localityOptions() {
    return this.page.locator('#f-locality-list [role="option"]');
  }

  /** Types `typed` into the locality picker and picks the offered unit named exactly `name`. */
  async pickLocality(typed, name) {
    await this.locality.fill(typed);
    const exact = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const option = this.localityOptions().filter({ has: this.page.locator('span', { hasText: exact }) }).first();
    await option.locator('button').click();
    await eventually(async () => assert.equal(await this.locality.inputValue(), name));
  }

  async fill({ title, field, locality, village }) {
    if (title !== undefined) await this.title.fill(title);
    if (field) await this.fieldRadio(field).check();
    if (locality) await this.pickLocality(locality.typed, locality.name);
    if (village !== undefined) await this.village.fill(village);
  }

  async save() {
    await this.saveButton.click();
  }
}

/** One model's page: details, current rating, evaluation form, edit and delete. */
export class ModelDetailPage {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId('model-page');
    this.title = page.getByTestId('model-title');
    this.currentRating = page.getByTestId('current-rating');
    this.details = page.locator('[data-testid="model-page"] dl.details');
    this.editButton = page.getByTestId('edit-model');
    this.deleteButton = page.getByTestId('delete-model');
    this.confirmDialog = page.getByRole('alertdialog');
    this.confirmDeleteButton = page.getByTestId('confirm-delete');
    this.addEvaluationButton = page.getByTestId('add-evaluation');
    this.sheet = page.getByTestId('evaluation-sheet');
    this.saveEvaluationButton = page.getByTestId('save-evaluation');
    this.evaluations = page.locator('[data-testid="evaluations"] > li');
  }

  async waitFor() {
    await this.title.waitFor({ state: 'visible', timeout: WAIT });
  }

  /** The rating button of the evaluation form (very_effective, effective, limited, not_effective). */
  rateButton(rating) {
    return this.page.getByTestId(`rate-${rating}`);
  }

  /** The model's id, from the URL fragment "#/models/<id>". */
  id() {
    return decodeURIComponent(new URL(this.page.url()).hash.replace(/^#\/models\//, '').split('/')[0]);
  }

  /** Opens the evaluation sheet ("Thêm đánh giá" at the top of the page), unless it is open. */
  async openEvaluation() {
    if (!(await this.sheet.isVisible())) await this.addEvaluationButton.click();
    await this.sheet.waitFor({ state: 'visible', timeout: WAIT });
  }

  async rate(rating) {
    await this.openEvaluation();
    await this.rateButton(rating).click();
    await eventually(async () => assert.equal(await this.rateButton(rating).getAttribute('aria-pressed'), 'true'));
    await this.saveEvaluationButton.click();
  }

  async delete() {
    await this.deleteButton.click();
    await this.confirmDialog.waitFor({ state: 'visible' });
    await this.confirmDeleteButton.click();
  }
}

/** Settings: language, officer profile, the printed report's letterhead, storage. */
export class SettingsPage {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId('settings-page');
    this.letterhead = page.getByTestId('letterhead');
  }
  async waitFor() {
    await this.root.waitFor({ state: 'visible', timeout: WAIT });
  }
  lang(code) {
    return this.page.getByTestId(`lang-${code}`);
  }
  /** The input of a letterhead field: superior, issuer, code, place, authority, role, name, recipients. */
  letterheadInput(name) {
    return this.page.locator(`#s-lh-${name}`);
  }
  /** Fills letterhead fields ({ issuer: 'Ban Dân vận Thành ủy', … }); each is saved when it loses focus. */
  async fillLetterhead(values) {
    for (const [name, value] of Object.entries(values)) {
      const input = this.letterheadInput(name);
      await input.fill(value);
      await input.blur();
      await eventually(async () => assert.equal(await input.inputValue(), value));
    }
  }
}

/** Settings › Đồng bộ: the server, the account, sign in/out, "Đồng bộ ngay", what the last sync did. */
export class SyncPanel {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId('sync');
    this.url = page.getByTestId('sync-url');
    this.user = page.getByTestId('sync-user');
    this.password = page.getByTestId('sync-password');
    this.signInButton = page.getByTestId('sync-signin');
    this.signOutButton = page.getByTestId('sync-signout');
    this.nowButton = page.getByTestId('sync-now');
    this.status = page.getByTestId('sync-status');
    this.pending = page.getByTestId('sync-pending');
    this.cameIn = page.getByTestId('sync-came-in');
    this.refused = page.getByTestId('sync-refused');
    this.account = page.getByTestId('sync-account');
  }
  async waitFor() {
    await this.root.waitFor({ state: 'visible', timeout: WAIT });
  }
  /** Types the server and account and signs in (the password field is emptied afterwards). */
  async signIn({ url, user, password }) {
    if (url !== undefined && await this.url.isEnabled()) await this.url.fill(url);
    if (user !== undefined && await this.user.isEnabled()) await this.user.fill(user);
    await this.password.fill(password);
    await this.signInButton.click();
  }
  /** The number of records waiting to be sent. */
  async pendingCount() {
    const t = await textOf(this.pending);
    return Number(t.replace(/\D/g, ''));
  }
}

/** The printable report: its controls (hidden in print) and the document. */
export class ReportPage {
  constructor(page) {
    this.page = page;
    this.doc = page.getByTestId('report');
    this.summary = page.getByTestId('report-summary');
    this.effective = page.getByTestId('report-effective');
    this.superior = page.getByTestId('doc-superior');
    this.issuer = page.getByTestId('doc-issuer');
    this.number = page.getByTestId('doc-number');
    this.party = page.getByTestId('doc-party');
    this.placeDate = page.getByTestId('doc-place-date');
    this.kind = page.getByTestId('doc-kind');
    this.subject = page.getByTestId('doc-subject');
    this.recipients = page.getByTestId('doc-recipients');
    this.sign = page.getByTestId('doc-sign');
    this.signer = page.getByTestId('doc-signer');
    this.controls = page.locator('.report-controls');
    this.numberInput = page.locator('#r-number');
    this.locality = page.locator('#r-loc');
    this.letterheadHint = page.getByTestId('letterhead-hint');
    this.criteria = page.getByTestId('report-criteria');
    this.charts = this.doc.locator('.report-chart .chart-svg svg');
  }
  async waitFor() {
    await this.summary.waitFor({ state: 'visible', timeout: WAIT });
  }
}

/** The page for an unknown address. */
export class NotFoundPage {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId('not-found-page');
    this.backLink = this.root.locator('a[href="#/"]');
  }
  async waitFor() {
    await this.root.waitFor({ state: 'visible', timeout: WAIT });
  }
}

/** The dashboard (start page). */
export class DashboardPage {
  constructor(page) {
    this.page = page;
    this.figures = page.getByTestId('figures');
    this.total = page.getByTestId('total');
    this.locality = page.getByTestId('dashboard-locality');
    this.openReport = page.getByTestId('open-report');
    // the figures once there are models; the welcome card on a first visit
    this.ready = page.locator('[data-testid=figures], [data-testid=welcome]').first();
  }
  async waitFor() {
    await this.ready.waitFor({ state: 'visible', timeout: WAIT });
  }
}

/** The exchange page's import card: a file, or the phone beside (the receive panel), and the preview. */
export class ExchangePage {
  constructor(page) {
    this.page = page;
    this.fileInput = page.getByTestId('import-file');
    this.preview = page.getByTestId('import-preview');
    this.confirmButton = page.getByTestId('confirm-import');
    this.receive = {
      startButton: page.getByTestId('receive-start'),
      progress: page.getByTestId('receive-progress'),
      notice: page.getByTestId('receive-notice'),
      ended: page.getByTestId('receive-ended'),
      myCode: page.getByTestId('my-device-code'),
      video: page.locator('[data-testid=receive] video'),
      start: async () => page.getByTestId('receive-start').click(),
    };
  }

  /** Picks a file holding `text` and returns the preview's counts (the preview stays open). */
  async importText(name, text) {
    await this.fileInput.setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
    await this.preview.waitFor({ state: 'visible', timeout: WAIT });
    const counts = {};
    for (const k of ['new', 'updated', 'unchanged', 'conflicts', 'invalid']) counts[k] = await this.previewCount(k);
    await this.confirm();
    return counts;
  }

  async previewCount(kind) {
    return Number((await this.page.getByTestId(`preview-${kind}`).innerText()).replace(/\D/g, ''));
  }

  async confirm() {
    await this.confirmButton.click();
    await this.preview.waitFor({ state: 'detached', timeout: WAIT });
  }
}

/** Chuyển sang máy bên cạnh: the choice, its summary, and the loop of QR codes. */
export class SendPage {
  constructor(page) {
    this.page = page;
    this.root = page.getByTestId('send-page');
    this.commune = page.getByTestId('send-commune');
    this.summary = page.getByTestId('send-summary');
    this.startButton = page.getByTestId('send-start');
    this.loop = page.getByTestId('send-loop');
    this.qr = page.getByTestId('send-qr');
    this.progress = page.getByTestId('send-progress');
    this.code = page.getByTestId('send-code');
    this.name = page.getByTestId('send-name');
  }

  async waitFor() {
    await this.root.waitFor({ state: 'visible', timeout: WAIT });
  }

  async chooseCommune(code) {
    await this.page.getByTestId('send-locality').check();
    await this.commune.selectOption(String(code));
  }

  async start() {
    await this.startButton.click();
    await this.loop.waitFor({ state: 'visible', timeout: WAIT });
  }

  /** Fragments the transfer is cut into (at least this many codes must be read). */
  async fragments() {
    return Number(await this.loop.getAttribute('data-fragments'));
  }

  /** The next `n` codes shown (their image sources), from the one on screen now, none skipped. */
  async captureFrames(n) {
    return this.page.evaluate((n) => new Promise((resolve) => {
      const img = document.querySelector('[data-testid=send-qr]');
      const seen = [img.src];
      const watch = new MutationObserver(() => {
        if (img.src && img.src !== seen[seen.length - 1]) seen.push(img.src);
        if (seen.length >= n) { watch.disconnect(); resolve(seen.slice(0, n)); }
      });
      watch.observe(img, { attributes: true, attributeFilter: ['src'] });
    }), n);
  }

  async stop() {
    await this.page.getByTestId('send-stop').click();
  }
}

/**
 * The two profiles of a sync test file (call it in its `describe`): `before` serves the app, starts a
 * pouchdb-server set up as a city's (couch.mjs), opens two browser contexts at phone size on empty
 * storage; `after` closes it all. The returned object holds them once `before` ran (`server`, `couch`,
 * `ctxA`, `ctxB`, `a`, `b`) and the steps the sync tests share.
 */
export function twoProfiles() {
  const p = {
    /** The two officers on the server. */
    lan: () => p.couch.users[0],
    minh: () => p.couch.users[1],
    /** The documents the server holds (as its admin), by id, without the design document. */
    async serverDocs() {
      const r = await p.couch.adminJson('GET', `/${p.couch.db}/_all_docs?include_docs=true`);
      return new Map(r.json.rows.filter((x) => !x.id.startsWith('_design/')).map((x) => [x.id, x.doc]));
    },
    /** Opens the settings page afresh (its sync card made anew, as when an officer comes to it). */
    async openSync(app) {
      if (app.fragment() === '#/settings') await app.goto('#/models');
      await app.goto('#/settings');
      await app.sync.waitFor();
    },
    /** No page error: the browser's own lines for a refused or failed request (a 401, a cut) are expected. */
    assertNoErrors(app) {
      app.page.errors.splice(0, app.page.errors.length, ...app.page.errors.filter((e) => !/^Failed to load resource|net::ERR_/.test(e)));
      app.assertNoErrors();
    },
  };
  before(async () => {
    p.server = await serve();
    p.couch = await startCouch({ origin: new URL(p.server.base).origin });
    p.ctxA = await launch();
    p.ctxB = await launch();
    p.a = await App.open(p.ctxA, p.server.base, PHONE);
    p.b = await App.open(p.ctxB, p.server.base, PHONE);
    await p.a.resetStorage('#/models');
    await p.b.resetStorage('#/models');
  });
  after(async () => {
    await p.ctxA?.close();
    await p.ctxB?.close();
    await p.couch?.stop();
    await p.server?.close();
  });
  return p;
}
