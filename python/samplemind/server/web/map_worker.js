// Off the page's thread: parses GET /map's body and draws every dot once, so that the
// map of a large library (12 MB of JSON and 100,000 dots at 100,000 samples, a few
// hundred milliseconds) never stalls a click, a keystroke or an audition. The page
// gets the picture and the points as typed arrays, moved rather than copied.

import { COLOURS, FAMILIES, MARGIN, addDot, familyIndex } from "./map_dots.js";

self.onmessage = ({ data: { body, width, height, radius } }) => {
  const points = JSON.parse(new TextDecoder().decode(body)).points;
  const n = points.length;
  const ids = new Int32Array(n), x = new Float32Array(n), y = new Float32Array(n), family = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    ids[i] = points[i].sample_id;
    x[i] = MARGIN + points[i].x * (width - 2 * MARGIN);
    y[i] = MARGIN + points[i].y * (height - 2 * MARGIN);
    family[i] = familyIndex(points[i].category_family);
  }
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext("2d");
  FAMILIES.forEach((name, f) => { // one path and one fill per colour
    context.fillStyle = COLOURS[name];
    context.beginPath();
    for (let i = 0; i < n; i++) if (family[i] === f) addDot(context, x[i], y[i], radius);
    context.fill();
  });
  const bitmap = canvas.transferToImageBitmap();
  self.postMessage({ bitmap, ids, x, y, family }, [bitmap, ids.buffer, x.buffer, y.buffer, family.buffer]);
};
