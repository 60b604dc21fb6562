// The printed report as a Party document that can be filed (SPEC capability 13, Hướng dẫn 36-HD/VPTW):
// the letterhead typed in Settings, the dashboard's scope carried to the report and stated in its subject,
// dates as Vietnamese write them, a serif type at 13–14 pt, charts no bigger than the text, and an A4 PDF
// whose text (read back with pdf.js) holds the header, the place and date and the signature.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { serve, launch, shot, SHOTS, PHONE, DESKTOP } from './harness.mjs';
import { App, eventually, expectCount, textOf } from './pages.mjs';

const LETTERHEAD = {
  superior: 'Đảng bộ thành phố Huế',
  issuer: 'Ban Dân vận Thành ủy',
  code: 'BDVTU',
  authority: 'T/M Ban Dân vận',
  role: 'Trưởng ban',
  name: 'Nguyễn Văn An',
  recipients: 'Ban Thường vụ Thành ủy (b/c)\nCác đảng ủy trực thuộc\nLưu VP',
};
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n) => String(n).padStart(2, '0');
/** "ngày 01 tháng 12 năm 2026": a day below 10 and the months 1 and 2 with a leading zero. */
const viDate = ({ y, m, d }) => `ngày ${pad(d)} tháng ${m <= 2 ? pad(m) : m} năm ${y}`;
const enDate = ({ y, m, d }) => `${d} ${MONTHS[m - 1]} ${y}`;
/** 13–14 pt in CSS pixels (1 pt = 4/3 px), with a little rounding room. */
const PT13 = 13 * 4 / 3 - 0.1;
const PT14 = 14 * 4 / 3 + 0.1;
const MM = 72 / 25.4; // PDF points per millimetre

let server;
before(async () => { server = await serve(); });
after(async () => { await server?.close(); });

async function today(page) {
  return page.evaluate(() => { const t = new Date(); return { y: t.getFullYear(), m: t.getMonth() + 1, d: t.getDate() }; });
}

/** Scrolls so `locator` starts just under the sticky header and tab bar. */
async function scrollToTop(locator) {
  await locator.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 120));
}

async function fullShot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Each page's text items (string, font size and position in points) and size, read with pdf.js. */
async function readPdf(buffer) {
  const doc = await getDocument({ data: new Uint8Array(buffer), isEvalSupported: false, useSystemFonts: false }).promise;
  const pages = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const { items } = await page.getTextContent();
    const runs = items.filter((it) => it.str.trim() !== '').map((it) => ({
      str: it.str.normalize('NFC'), size: Math.hypot(it.transform[2], it.transform[3]), x: it.transform[4], y: it.transform[5], width: it.width,
    }));
    const text = items.map((it) => it.str + (it.hasEOL ? '\n' : '')).join('').normalize('NFC').replace(/[ \t]+/g, ' ');
    pages.push({ view: page.view, runs, text, flat: text.replace(/\s+/g, ' ') });
  }
  await doc.destroy();
  return pages;
}

/** The chart text's largest and middle sizes on screen, in px (font size in the SVG times its scale). */
async function chartTextSizes(report) {
  return report.charts.evaluateAll((svgs) => svgs.map((svg) => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')].map((t) => parseFloat(t.getAttribute('font-size') || getComputedStyle(t).fontSize) * scale).sort((a, b) => a - b);
    return { max: sizes[sizes.length - 1] || 0, median: sizes[Math.floor(sizes.length / 2)] || 0 };
  }));
}

test('the printed report can be filed: letterhead from Settings, the dashboard\'s scope, Vietnamese dates, serif 13–14 pt on A4', async (t) => {
  const ctx = await launch();
  try {
    const app = await App.open(ctx, server.base, PHONE);
    const { page, report } = app;
    await app.goto('#/models');
    await app.models.loadExamples();
    await page.waitForSelector('.model-item');

    // The letterhead, typed once in Settings.
    await app.goto('#/settings');
    await app.dismissToast();
    await app.settings.fillLetterhead(LETTERHEAD);
    await scrollToTop(app.settings.letterhead);
    await shot(page, 'settings-letterhead-360');
    await page.setViewportSize(DESKTOP);
    await scrollToTop(app.settings.letterhead);
    await shot(page, 'settings-letterhead-1280');
    await page.setViewportSize(PHONE);

    // The dashboard's scope (the former A Lưới district) goes with "In báo cáo".
    await app.goto('#/');
    await app.dashboard.locality.selectOption('481');
    const unit = (await app.dashboard.locality.locator('option[value="481"]').textContent()).trim();
    await eventually(async () => assert.match(await app.dashboard.openReport.getAttribute('href'), /^#\/report\?loc=481$/));
    await app.dashboard.openReport.click();
    await report.waitFor();
    await app.expectFragment(/^#\/report\?(.*&)?loc=481$/);
    assert.equal(await report.locality.inputValue(), '481');
    await report.numberInput.fill('12');

    const day = await today(page);
    const placeDate = `Huế, ${viDate(day)}`;
    assert.equal(await textOf(report.superior), 'ĐẢNG BỘ THÀNH PHỐ HUẾ');
    assert.equal(await textOf(report.issuer), 'BAN DÂN VẬN THÀNH ỦY');
    await eventually(async () => assert.equal(await textOf(report.number), 'Số 12-BC/BDVTU'));
    assert.equal(await textOf(report.party), 'ĐẢNG CỘNG SẢN VIỆT NAM');
    assert.equal(await textOf(report.placeDate), placeDate);
    assert.equal(await textOf(report.kind), 'BÁO CÁO');
    const subject = await textOf(report.subject);
    assert.ok(subject.startsWith(`Kết quả thực hiện phong trào thi đua “Dân vận khéo” trên địa bàn ${unit}`), subject);
    assert.ok(subject.endsWith(`từ ngày 01 tháng 01 năm ${day.y} đến ${viDate(day)}`), subject);
    assert.match(await textOf(report.summary), new RegExp(`^Tính đến ${viDate(day)}, ${unit} có \\d+ mô hình`));
    const sign = await textOf(report.sign);
    assert.ok(sign.startsWith('T/M BAN DÂN VẬN TRƯỞNG BAN') && sign.endsWith('Nguyễn Văn An'), sign);
    assert.equal(await textOf(report.recipients), 'Nơi nhận: - Ban Thường vụ Thành ủy (b/c), - Các đảng ủy trực thuộc, - Lưu VP.');
    await expectCount(report.letterheadHint, 0);
    assert.doesNotMatch(await report.doc.innerText(), /\b\d{4}-\d{2}-\d{2}\b/, 'no ISO dates in the report');
    // "Hiệu quả" is a share of the evaluated models, and says so.
    const eff = (await textOf(report.effective)).match(/^Hiệu quả trở lên \/ đã đánh giá: (\d+)% \((\d+)\/(\d+) mô hình\)\.$/);
    assert.ok(eff, await textOf(report.effective));
    assert.ok(Number(eff[3]) > 0, 'some example models in A Lưới are evaluated');
    assert.equal(Number(eff[1]), Math.round((100 * Number(eff[2])) / Number(eff[3])));
    // On screen the charts' text is not bigger than the text around it.
    const bodyPx = parseFloat(await report.summary.evaluate((p) => getComputedStyle(p).fontSize));
    for (const s of await chartTextSizes(report)) {
      assert.ok(s.median <= bodyPx * 1.05 && s.max <= bodyPx * 1.3, `chart text ${JSON.stringify(s)} against body ${bodyPx}px`);
    }
    await scrollToTop(report.doc);
    await shot(page, 'report-doc-360');
    await page.setViewportSize(DESKTOP);
    await scrollToTop(report.doc);
    await shot(page, 'report-doc-1280');
    await fullShot(page, 'report-doc-1280-full');
    for (const s of await chartTextSizes(report)) {
      assert.ok(s.median <= bodyPx * 1.05 && s.max <= bodyPx * 1.3, `desktop chart text ${JSON.stringify(s)} against body ${bodyPx}px`);
    }

    // In print: no controls, the document's type and layout.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await report.controls.isVisible(), false, 'the controls are not printed');
    assert.equal(await page.locator('nav.tabs').isVisible(), false);
    const style = (loc) => loc.evaluate((el) => {
      const s = getComputedStyle(el);
      return { family: s.fontFamily, size: parseFloat(s.fontSize), weight: Number(s.fontWeight), italic: s.fontStyle, decoration: s.textDecorationLine };
    });
    const body = await style(report.summary);
    assert.match(body.family, /Times New Roman|Liberation Serif|serif/);
    assert.ok(body.size >= PT13 && body.size <= PT14, `body text at ${body.size}px (13–14 pt is ${PT13}–${PT14}px)`);
    const party = await style(report.party);
    assert.ok(party.weight >= 700 && party.decoration.includes('underline'), JSON.stringify(party));
    assert.equal((await style(report.placeDate)).italic, 'italic');
    assert.ok((await style(report.issuer)).weight >= 700);
    assert.ok((await style(report.kind)).weight >= 700);
    for (const s of await chartTextSizes(report)) {
      assert.ok(s.median <= body.size * 1.05 && s.max <= body.size * 1.3, `printed chart text ${JSON.stringify(s)} against body ${body.size}px`);
    }
    // Issuing body left of "ĐẢNG CỘNG SẢN VIỆT NAM", both above "BÁO CÁO"; signature right of the recipients.
    const [issuer, partyBox, kind, recipients, signer] = await Promise.all([report.issuer, report.party, report.kind, report.recipients, report.signer].map((l) => l.boundingBox()));
    assert.ok(issuer.x + issuer.width <= partyBox.x + 1 && Math.abs(issuer.y - partyBox.y) < 40, 'issuer top left, party top right');
    assert.ok(kind.y > partyBox.y + partyBox.height, '"BÁO CÁO" under the header');
    assert.ok(signer.x > recipients.x + recipients.width / 2, 'the signature block on the right');
    await fullShot(page, 'report-print-1280');
    await page.setViewportSize(PHONE);
    await fullShot(page, 'report-print-360');

    // The PDF: A4, a plausible number of pages, margins of a Party document, and the text on it.
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
    await writeFile(join(SHOTS, 'report-a4.pdf'), pdf);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    assert.ok(pdf.length > 20_000, `a PDF of ${pdf.length} bytes`);
    const pageObjects = (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) || []).length;
    const pages = await readPdf(pdf);
    assert.ok(pages.length >= 2 && pages.length <= 8, `${pages.length} pages`);
    if (pageObjects > 0) assert.equal(pageObjects, pages.length, 'page objects in the file');
    const [w, h] = [pages[0].view[2] - pages[0].view[0], pages[0].view[3] - pages[0].view[1]];
    assert.ok(Math.abs(w - 210 * MM) < 2 && Math.abs(h - 297 * MM) < 2, `page of ${w}×${h} pt`);
    const first = pages[0];
    for (const s of ['ĐẢNG BỘ THÀNH PHỐ HUẾ', 'BAN DÂN VẬN THÀNH ỦY', 'Số 12-BC/BDVTU', 'ĐẢNG CỘNG SẢN VIỆT NAM', placeDate, 'BÁO CÁO', `từ ngày 01 tháng 01 năm ${day.y}`]) {
      assert.ok(first.flat.includes(s), `page 1 has "${s}": ${first.flat.slice(0, 400)}`);
    }
    const last = pages[pages.length - 1];
    for (const s of ['Nơi nhận:', '- Lưu VP.', 'T/M BAN DÂN VẬN', 'TRƯỞNG BAN', 'Nguyễn Văn An']) {
      assert.ok(last.flat.includes(s), `the last page has "${s}": ${last.flat.slice(-400)}`);
    }
    assert.ok(!pages.some((p) => /\b\d{4}-\d{2}-\d{2}\b/.test(p.flat)), 'no ISO dates on paper');
    // margins: left 30 mm, right 15 mm, top 20 mm (a little room for glyph sides)
    const left = Math.min(...first.runs.map((r) => r.x));
    const right = Math.max(...pages.flatMap((p) => p.runs.map((r) => r.x + r.width)));
    const top = Math.max(...first.runs.map((r) => r.y + r.size));
    assert.ok(Math.abs(left - 30 * MM) < 3 * MM, `text starts ${(left / MM).toFixed(1)} mm from the left edge`);
    assert.ok(right <= w - 15 * MM + 1, `text ends ${((w - right) / MM).toFixed(1)} mm from the right edge`);
    assert.ok(top <= h - 20 * MM + 2 && top > h - 30 * MM, `text starts ${((h - top) / MM).toFixed(1)} mm from the top`);
    // the body is set at 13 pt: the commonest size of the report's runs of text
    const sizes = {};
    for (const r of pages.flatMap((p) => p.runs)) sizes[Math.round(r.size)] = (sizes[Math.round(r.size)] || 0) + r.str.length;
    const common = Number(Object.entries(sizes).sort((a, b) => b[1] - a[1])[0][0]);
    assert.ok(common >= 12 && common <= 14, `most text at ${common} pt: ${JSON.stringify(sizes)}`);
    t.diagnostic(`PDF: ${pdf.length} bytes, ${pages.length} A4 pages; margins left ${(left / MM).toFixed(1)} mm, right ${((w - right) / MM).toFixed(1)} mm, top ${((h - top) / MM).toFixed(1)} mm; text sizes (pt: characters) ${JSON.stringify(sizes)}`);
    // page numbers from the second page on, at the top
    if (pages.length > 1) assert.ok(pages[1].runs.some((r) => r.str.trim() === '2' && r.y > h - 20 * MM), 'page 2 is numbered at the top');
    assert.ok(!first.runs.some((r) => r.str.trim() === '1' && r.y > h - 20 * MM), 'the first page is not numbered');

    // In English the dates read the English way.
    await page.emulateMedia({ media: 'screen' });
    await app.headerLang('en').click();
    await eventually(async () => assert.equal(await textOf(report.placeDate), `Huế, ${enDate(day)}`));
    assert.equal(await textOf(report.party), 'COMMUNIST PARTY OF VIETNAM');
    assert.equal(await textOf(report.number), 'No. 12-BC/BDVTU');
    app.assertNoErrors();
  } finally {
    await ctx.close();
  }
});

test('with no letterhead the report leaves dotted blanks to fill by hand, and a hint to Settings that is not printed', async () => {
  const ctx = await launch();
  try {
    const app = await App.open(ctx, server.base, PHONE);
    const { page, report } = app;
    await app.goto('#/report');
    await report.waitFor();
    const day = await today(page);
    assert.equal(await textOf(report.issuer), '……………………');
    assert.equal(await textOf(report.number), 'Số ……-BC/……');
    assert.equal(await textOf(report.signer), '……………………');
    assert.equal(await textOf(report.placeDate), `Huế, ${viDate(day)}`, 'Huế is the place until another is set');
    assert.ok((await textOf(report.subject)).includes('trên địa bàn toàn thành phố'));
    await shot(page, 'report-no-letterhead-360');
    const hint = await textOf(report.letterheadHint);
    assert.ok(hint.includes('Cơ quan ban hành') && hint.includes('Họ tên người ký'), hint);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await report.letterheadHint.isVisible(), false, 'the hint is not printed');
    await page.emulateMedia({ media: 'screen' });
    await report.letterheadHint.locator('a').click();
    await app.settings.waitFor();
    await app.expectFragment('#/settings');
    app.assertNoErrors();
  } finally {
    await ctx.close();
  }
});
