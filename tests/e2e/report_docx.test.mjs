// The report as a Word document (issue #29): the report page's "Tải về bản Word (.docx)" beside "In", on a
// phone (360×740) and on a PC (1280×800), in Vietnamese and in English. The download is named after the
// report and the day, is a zip whose word/document.xml says "BÁO CÁO" (or "REPORT") and holds the table of
// section 1 with the same rows and totals the page shows, the charts as PNG images, and (with "Kèm ảnh")
// the photo appendix's heading. (That the writer is a chunk of its own,
// off the first load, is BENCHMARKS.md's row 1: the service worker precaches every chunk anyway.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serve, launch, shot, unzip, PHONE, DESKTOP } from './harness.mjs';
import { App, eventually } from './pages.mjs';

let server;
before(async () => { server = await serve(); });
after(async () => { await server?.close(); });

const unescapeXml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
/** The text of an XML fragment: its <w:t> runs joined, one paragraph a line. */
const textOfXml = (xml) => xml.split(/<\/w:p>/).map((p) => [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => unescapeXml(m[1])).join('')).join('\n');
/** The rows (cells' text) of each table with the report's table style, in order. */
function reportTables(xml) {
  return [...xml.matchAll(/<w:tbl>(.*?)<\/w:tbl>/gs)]
    .filter((m) => m[1].includes('<w:tblStyle w:val="ReportTable"/>'))
    .map((m) => [...m[1].matchAll(/<w:tr>(.*?)<\/w:tr>/gs)].map((r) => [...r[1].matchAll(/<w:tc>(.*?)<\/w:tc>/gs)].map((c) => textOfXml(c[1]).trim())));
}

/** Clicks the Word button and returns the download's name and entries. */
async function downloadDocx(page) {
  const button = page.getByTestId('download-docx');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), button.click()]);
  const name = download.suggestedFilename();
  const files = unzip(await readFile(await download.path()));
  // The button is back to its label once the file is offered.
  await eventually(async () => assert.equal(await button.isDisabled(), false));
  return { name, files };
}

const isoToday = (page) => page.evaluate(() => { const t = new Date(); const p = (n) => String(n).padStart(2, '0'); return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())}`; });

/** The page's table of section 1 (header, fields, total) as text. */
const pageFieldTable = (page) => page.getByTestId('report').locator('table.numbers').first()
  .evaluate((t) => [...t.querySelectorAll('tr')].map((r) => [...r.children].map((c) => c.textContent.trim())));

const SIZES = [['360', PHONE], ['1280', DESKTOP]];
const LANGS = [
  { code: 'vi', stem: 'bao-cao-mo-hinh-dan-van-kheo', kind: 'BÁO CÁO', label: 'Tải về bản Word (.docx)', print: 'In / lưu PDF' },
  { code: 'en', stem: 'report-skillful-mass-mobilization-models', kind: 'REPORT', label: 'Download as Word (.docx)', print: 'Print / save as PDF' },
];

test('the report downloads as a Word document named after it, with the totals the page shows, on a phone and a PC, in both languages', async () => {
  const ctx = await launch();
  try {
    const app = await App.open(ctx, server.base, PHONE);
    const { page, report } = app;
    await app.goto('#/models');
    await app.models.loadExamples();
    await page.waitForSelector('.model-item');
    await app.goto('#/report');
    await report.waitFor();
    await app.dismissToast();
    const day = await isoToday(page);
    for (const lang of LANGS) {
      await app.headerLang(lang.code).click();
      await eventually(async () => assert.equal(await page.getByTestId('download-docx').textContent(), lang.label));
      for (const [sizeName, size] of SIZES) {
        await page.setViewportSize(size);
        // Beside "In" on the same row, inside the controls' card, its label not cut (on a phone it wraps
        // onto two lines inside the button).
        const [print, word, card] = await Promise.all([page.getByTestId('print'), page.getByTestId('download-docx'), report.controls].map((l) => l.boundingBox()));
        assert.equal(await page.getByTestId('print').textContent(), lang.print);
        assert.ok(Math.abs(print.y - word.y) < 2 && word.x > print.x + print.width, `beside "In": ${JSON.stringify({ print, word })}`);
        assert.ok(word.x + word.width <= card.x + card.width + 0.5, `inside the card: ${JSON.stringify({ word, card })}`);
        assert.ok(Math.abs(word.height - print.height) < 1, `as tall as "In": ${JSON.stringify({ print, word })}`);
        assert.ok(await page.getByTestId('download-docx').evaluate((b) => b.scrollWidth <= b.clientWidth && b.scrollHeight <= b.clientHeight + 1), 'the label fits in the button');
        await page.getByTestId('print').evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 300));
        await shot(page, `report-docx-button-${lang.code}-${sizeName}`);

        const { name, files } = await downloadDocx(page);
        assert.equal(name, `${lang.stem}-${day}.docx`);
        for (const part of ['[Content_Types].xml', 'word/document.xml', 'word/styles.xml', 'word/_rels/document.xml.rels']) {
          assert.ok(files[part], `the file has ${part}`);
        }
        const xml = files['word/document.xml'].toString('utf8');
        const text = textOfXml(xml);
        assert.ok(text.split('\n').includes(lang.kind), `"${lang.kind}" is a paragraph of the document`);
        assert.ok(text.includes(await page.getByTestId('doc-subject').textContent()), 'the subject the page shows');
        assert.ok(text.includes(await page.getByTestId('report-summary').textContent()), 'the summary paragraph the page shows');
        // Section 1's table: the same rows and totals as on the page (numbers written the same way).
        const shown = await pageFieldTable(page);
        const tables = reportTables(xml);
        assert.deepEqual(tables[0], shown, 'the table by field, header, rows and total as the page shows them');
        assert.ok(Number(shown.at(-1)[1].replace(/\./g, '')) > 0, 'the examples have models');
        // The three charts as PNG images drawn in the browser.
        const pngs = Object.entries(files).filter(([n, b]) => n.startsWith('word/media/') && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])));
        assert.equal(pngs.length, 3, `the charts as PNG: ${Object.keys(files).join(', ')}`);
      }
    }
    // "Kèm ảnh": the photo appendix goes in too (in English here, the language last chosen).
    await page.getByTestId('photo-appendix').check();
    await page.getByTestId('report-appendix').waitFor();
    const appendixTitle = (await page.getByTestId('report-appendix').locator('h2').textContent()).trim();
    const { files } = await downloadDocx(page);
    assert.ok(textOfXml(files['word/document.xml'].toString('utf8')).split('\n').includes(appendixTitle), 'the appendix\'s heading');
    assert.deepEqual(page.errors, []);
  } finally {
    await ctx.close();
  }
});

test('while the Word document is made the button says so; when its chunk cannot be fetched a translated message says why, and a second try works', async () => {
  // No service worker: the chunk comes from the network, which the test cuts and slows.
  const ctx = await launch({ serviceWorkers: 'block' });
  try {
    const app = await App.open(ctx, server.base, PHONE);
    const { page, report } = app;
    let cut = true;
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route(/split_docx[^/]*\.wasm$/, async (route) => {
      if (cut) return route.abort('internetdisconnected');
      await held;
      return route.continue();
    });
    await app.goto('#/models');
    await app.models.loadExamples();
    await page.waitForSelector('.model-item');
    await app.goto('#/report');
    await report.waitFor();
    const button = page.getByTestId('download-docx');
    await button.click();
    const failed = page.getByTestId('docx-failed');
    await failed.waitFor();
    assert.match(await failed.textContent(), /^Chưa tải được phần này của ứng dụng: cần mạng một lần/);
    await eventually(async () => assert.equal(await button.isDisabled(), false));
    assert.equal(await button.textContent(), 'Tải về bản Word (.docx)');
    await page.getByTestId('print').evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 300));
    await shot(page, 'report-docx-failed-vi-360');

    // Second try, the network slow: the button says it is working and cannot be pressed twice.
    cut = false;
    const download = page.waitForEvent('download', { timeout: 60_000 });
    await button.click();
    await eventually(async () => assert.equal(await button.textContent(), 'Đang tạo bản Word…'));
    assert.equal(await button.isDisabled(), true);
    assert.equal(await failed.count(), 0, 'the old message goes');
    await shot(page, 'report-docx-busy-vi-360');
    release();
    assert.match((await download).suggestedFilename(), /^bao-cao-mo-hinh-dan-van-kheo-\d{4}-\d{2}-\d{2}\.docx$/);
    await eventually(async () => assert.equal(await button.textContent(), 'Tải về bản Word (.docx)'));
    // The aborted fetch is the one console error expected.
    assert.deepEqual(page.errors.filter((e) => !/net::ERR|Failed to fetch|Failed to load resource/.test(e)), []);
  } finally {
    await ctx.close();
  }
});
