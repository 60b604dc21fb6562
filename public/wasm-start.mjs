// When the browser fetches the main wasm (run by post-build.mjs, before the CSP is worked out). Trunk writes
// a `<link rel=preload>` for it in <head>, so its download starts at once and shares a slow line with the
// stylesheet the first paint waits for. Here the link becomes `<meta name="dvk-wasm">` (its address and
// integrity), and Trunk's loader waits for `window.dvkPainted` before `init`. index.html's inline script
// decides: on a first visit, when it paints the welcome dashboard (the first-visit template), the wasm is
// fetched after that paint (nothing the officer sees needs it earlier); otherwise it adds the preload link
// back at once, as Trunk had it (a return visit, a stored registry, another address).

/** `html` with the wasm's preload turned into the meta and the loader waiting; throws if Trunk's shape changed. */
export function deferWasm(html) {
  // (a build run through post-build.mjs again, as a test of a new deployment does: already done)
  if (html.includes('<meta name="dvk-wasm"') && html.includes('await window.dvkPainted;')) return html;
  const preload = /<link rel="preload" href="([^"]+_bg\.wasm)" crossorigin="anonymous" integrity="([^"]+)" as="fetch" type="application\/wasm">/;
  const m = html.match(preload);
  if (!m) throw new Error('wasm-start: Trunk\'s <link rel="preload"> of the wasm was not found in index.html');
  const loader = 'const wasm = await init(';
  if (html.split(loader).length !== 2) throw new Error('wasm-start: Trunk\'s loader (`const wasm = await init(`) was not found once in index.html');
  return html
    .replace(preload, `<meta name="dvk-wasm" content="${m[1]}" data-integrity="${m[2]}">`)
    .replace(loader, `await window.dvkPainted;\n${loader}`);
}
