// A row's waveform: the peaks the server's C++ core computed (and cached) for the file.

import { api } from "./api.js";

const cache = new Map(); // sample id -> Promise of {min, max}, most recently used last
const KEPT = 2000;

export function drawWaveform(canvas, sampleId) {
  const width = 120, height = 26, ratio = window.devicePixelRatio || 1;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const peaks = cache.get(sampleId) || api(`/samples/${sampleId}/peaks?width=${width}`).catch(() => null);
  cache.delete(sampleId);
  cache.set(sampleId, peaks);
  if (cache.size > KEPT) cache.delete(cache.keys().next().value);
  peaks.then((peaks) => {
    if (!peaks) return;
    const context = canvas.getContext("2d");
    context.scale(ratio, ratio);
    context.fillStyle = "#4fb3ff";
    const middle = height / 2;
    // Scaled to the file's own peak, as sample browsers draw it: a quiet hat still shows its shape.
    const peak = Math.max(1e-4, ...peaks.max, ...peaks.min.map((v) => -v));
    for (let x = 0; x < peaks.min.length; x++) {
      const top = middle - (peaks.max[x] / peak) * middle, bottom = middle - (peaks.min[x] / peak) * middle;
      context.fillRect(x, top, 1, Math.max(1, bottom - top));
    }
  });
}
