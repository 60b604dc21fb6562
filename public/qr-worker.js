// Reads QR codes for the receive screen where the browser has no BarcodeDetector (see src/ui/camera.js).
// jsQR (npm `jsqr`, copied into dist/ at build time) is loaded here, in a worker started only when
// receiving begins, so it costs nothing at first load and decoding does not hold up the page.
importScripts('jsQR.js');
postMessage('ready');
onmessage = (e) => {
  const { w, h, data } = e.data;
  const code = self.jsQR(new Uint8ClampedArray(data), w, h, { inversionAttempts: 'dontInvert' });
  postMessage(code ? code.data : null);
};
