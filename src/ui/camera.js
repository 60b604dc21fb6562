// The camera and the QR reader of the receive screen (bound in ui/camera.rs). The rear camera through
// getUserMedia; codes read by the browser's BarcodeDetector where it has one (Chrome on Android), else by
// jsQR in a worker (qr-worker.js, which loads jsQR.js): both served from the app's own files, fetched only
// here, when receiving starts, and precached by the service worker for offline use.

export async function openCamera(video) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw 'missing';
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
      audio: false,
    });
  } catch (e) {
    const name = e && e.name;
    if (name === 'NotAllowedError' || name === 'SecurityError') throw 'denied';
    if (name === 'NotFoundError' || name === 'OverconstrainedError') throw 'missing';
    throw 'failed';
  }
  video.muted = true;
  video.setAttribute('playsinline', '');
  video.srcObject = stream;
  try { await video.play(); } catch (e) { /* plays once visible */ }
}

export function closeCamera(video) {
  const s = video && video.srcObject;
  if (s) s.getTracks().forEach((t) => t.stop());
  if (video) video.srcObject = null;
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// A reader: `read(video)` resolves to the texts of the QR codes in the current picture.
export async function makeReader(workerUrl) {
  if ('BarcodeDetector' in self) {
    try {
      const formats = await self.BarcodeDetector.getSupportedFormats();
      if (formats.includes('qr_code')) {
        const d = new self.BarcodeDetector({ formats: ['qr_code'] });
        return { kind: 'native', read: async (video) => (await d.detect(video)).map((c) => c.rawValue), close() {} };
      }
    } catch (e) { /* fall back to the worker */ }
  }
  const worker = new Worker(workerUrl);
  await new Promise((resolve, reject) => {
    worker.onmessage = (e) => (e.data === 'ready' ? resolve() : null);
    worker.onerror = () => reject('decoder');
  });
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  return {
    kind: 'jsqr',
    read: (video) => new Promise((resolve) => {
      const w = video.videoWidth, h = video.videoHeight;
      if (!w || !h) { resolve([]); return; }
      const scale = Math.min(1, 800 / Math.max(w, h));
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      worker.onmessage = (e) => resolve(typeof e.data === 'string' ? [e.data] : []);
      worker.postMessage({ w: img.width, h: img.height, data: img.data.buffer }, [img.data.buffer]);
    }),
    close() { worker.terminate(); },
  };
}
