// The 2-D map (GET /map): one dot per sample, similar sounds close together, coloured
// by family. Hovering a dot auditions it; clicking selects it.

import { authorizedFetch } from "./api.js";
import { COLOURS, FAMILIES, addDot } from "./map_dots.js";

const HIT_RADIUS = 6;
const DOT_RADIUS = 2.5, SELECTED_RADIUS = 5;

export class LibraryMap {
  constructor(canvas, legend, { onhover, onpick }) {
    this.canvas = canvas;
    this.onhover = onhover;
    this.onpick = onpick;
    // The points, by index: sample ids, canvas positions and family indices.
    this.ids = new Int32Array(0);
    this.x = new Float32Array(0);
    this.y = new Float32Array(0);
    this.family = new Uint8Array(0);
    this.bitmap = null; // every dot, drawn once by the worker
    this.hovered = -1;
    this.loads = 0;
    for (const [family, colour] of Object.entries(COLOURS)) {
      const entry = document.createElement("span");
      entry.style.color = colour;
      entry.textContent = `● ${family}`;
      legend.append(entry);
    }
    canvas.addEventListener("mousemove", (event) => this.hover(event));
    canvas.addEventListener("click", (event) => {
      const point = this.pointAt(event);
      if (point >= 0) this.onpick({ sample_id: this.ids[point] });
    });
  }

  /** Fetches the map; a worker parses and draws it (the latest load wins). */
  async load() {
    const load = ++this.loads;
    const response = await authorizedFetch("/map");
    if (!response.ok) throw new Error(`GET /map answered ${response.status}`);
    const body = await response.arrayBuffer();
    const { width, height } = this.canvas;
    const worker = new Worker(new URL("./map_worker.js", import.meta.url), { type: "module" });
    const drawn = await new Promise((resolve, reject) => {
      worker.onmessage = (event) => resolve(event.data);
      worker.onerror = (event) => reject(new Error(`the map worker failed: ${event.message}`));
      worker.postMessage({ body, width, height, radius: DOT_RADIUS }, [body]);
    }).finally(() => worker.terminate());
    if (load !== this.loads) return drawn.bitmap.close();
    this.bitmap?.close();
    Object.assign(this, drawn);
    this.hovered = -1;
    this.draw();
  }

  /** The whole map (one copy of the worker's picture) and the selected dot on top. */
  draw(selectedId = null) {
    const { width, height } = this.canvas;
    const context = this.canvas.getContext("2d");
    context.clearRect(0, 0, width, height);
    if (this.bitmap) context.drawImage(this.bitmap, 0, 0);
    const selected = selectedId === null ? -1 : this.ids.indexOf(selectedId);
    if (selected < 0) return;
    context.fillStyle = COLOURS[FAMILIES[this.family[selected]]];
    context.beginPath();
    addDot(context, this.x[selected], this.y[selected], SELECTED_RADIUS);
    context.fill();
  }

  /** The index of the point under the pointer, or -1. */
  pointAt(event) {
    const box = this.canvas.getBoundingClientRect();
    const px = (event.clientX - box.left) * (this.canvas.width / box.width);
    const py = (event.clientY - box.top) * (this.canvas.height / box.height);
    let best = -1, bestDistance = HIT_RADIUS;
    for (let i = 0; i < this.ids.length; i++) {
      const distance = Math.hypot(this.x[i] - px, this.y[i] - py);
      if (distance < bestDistance) [best, bestDistance] = [i, distance];
    }
    return best;
  }

  hover(event) {
    const point = this.pointAt(event);
    if (point >= 0 && point !== this.hovered) this.onhover({ sample_id: this.ids[point] });
    this.hovered = point;
  }
}
