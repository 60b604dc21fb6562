// The first visit's screen, painted before the wasm arrives: writes into index.html (between the
// `first-visit` markers in its <head>, as `<template id="dvk-first-visit">`) the app's own copy of the dashboard it shows
// on a device that has never stored anything (the welcome card, in Vietnamese), as src/ui/snapshot.rs
// serialises it. index.html's inline script paints it, inert, when nothing is stored and the address is the
// dashboard; the app removes it when it is mounted. On a slow connection the officer sees the app's frame
// at once instead of a blank page while the wasm downloads (Lighthouse's first visit, BENCHMARKS.md row 9).
//
// Run it after a change to what the first visit shows (tests/e2e/field_ready.test.mjs fails until then):
//   make build && node tools/first-visit.mjs && make build
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { serve, launch, DIST } from '../tests/e2e/harness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
export const BEGIN = '<!-- first-visit:begin (tools/first-visit.mjs writes this) -->';
export const END = '<!-- first-visit:end -->';

/** Markup as compared and stored: comments (Leptos' empty markers) dropped, whitespace between tags gone. */
export function tidy(html) {
  return html.replace(/<!--[\s\S]*?-->/g, '').replace(/>\s+</g, '><').trim();
}

/** The app's own copy of its first-visit dashboard, from a fresh profile against the build at `dist`. */
export async function capture(dist = DIST) {
  const server = await serve(dist);
  const ctx = await launch({ serviceWorkers: 'block' });
  try {
    const page = await ctx.newPage();
    await page.goto(server.base);
    await page.waitForSelector('main[data-registry=whole] [data-testid=welcome]', { timeout: 20_000 });
    const html = await page.evaluate(() => {
      window.dispatchEvent(new Event('pagehide'));
      const v = JSON.parse(localStorage.getItem('dvk.snapshot') || 'null');
      return v && v.records === null ? v.html : null;
    });
    if (!html) throw new Error('the app kept no first-visit snapshot (did something get stored on a first visit?)');
    return tidy(html);
  } finally {
    await ctx.close();
    await server.close();
  }
}

/** The template's markup in an index.html text. */
export function stored(indexHtml) {
  const a = indexHtml.indexOf(BEGIN);
  const b = indexHtml.indexOf(END);
  if (a < 0 || b < a) return null;
  const inner = indexHtml.slice(a + BEGIN.length, b);
  const m = inner.match(/<template id="dvk-first-visit">([\s\S]*)<\/template>/);
  return m ? tidy(m[1]) : null;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const html = await capture();
  const path = join(root, 'index.html');
  const index = await readFile(path, 'utf8');
  const a = index.indexOf(BEGIN);
  const b = index.indexOf(END);
  if (a < 0 || b < a) throw new Error(`index.html lacks the markers ${BEGIN} … ${END}`);
  const next = index.slice(0, a + BEGIN.length) + `\n  <template id="dvk-first-visit">${html}</template>\n  ` + index.slice(b);
  await writeFile(path, next);
  console.log(`index.html: first-visit template ${html.length} characters${next === index ? ' (unchanged)' : ''}`);
}
