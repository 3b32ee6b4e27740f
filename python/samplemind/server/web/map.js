// The 2-D map (GET /map): one dot per sample, similar sounds close together, coloured
// by family. Hovering a dot auditions it; clicking selects it.

import { api } from "./api.js";

const COLOURS = { drums: "#ff8a4f", tonal: "#4fb3ff", fx: "#b78cff", loops: "#5fd38a", unknown: "#8a9099" };
const HIT_RADIUS = 6;

export class LibraryMap {
  constructor(canvas, legend, { onhover, onpick }) {
    this.canvas = canvas;
    this.onhover = onhover;
    this.onpick = onpick;
    this.points = [];
    this.hovered = null;
    this.base = null;
    for (const [family, colour] of Object.entries(COLOURS)) {
      const entry = document.createElement("span");
      entry.style.color = colour;
      entry.textContent = `● ${family}`;
      legend.append(entry);
    }
    canvas.addEventListener("mousemove", (event) => this.hover(event));
    canvas.addEventListener("click", (event) => {
      const point = this.pointAt(event);
      if (point) this.onpick(point);
    });
  }

  async load() {
    this.points = (await api("/map")).points;
    this.base = null;
    this.draw();
  }

  /** Every dot once into an offscreen canvas; a selection then costs one copy and one dot. */
  draw(selectedId = null) {
    const { width, height } = this.canvas;
    if (!this.base) {
      this.base = document.createElement("canvas");
      Object.assign(this.base, { width, height });
      const context = this.base.getContext("2d");
      for (const point of this.points) this.dot(context, point, 2.5);
    }
    const context = this.canvas.getContext("2d");
    context.clearRect(0, 0, width, height);
    context.drawImage(this.base, 0, 0);
    const selected = this.points.find((point) => point.sample_id === selectedId);
    if (selected) this.dot(context, selected, 5);
  }

  dot(context, point, radius) {
    const { width, height } = this.canvas;
    context.fillStyle = COLOURS[point.category_family] || COLOURS.unknown;
    context.beginPath();
    context.arc(6 + point.x * (width - 12), 6 + point.y * (height - 12), radius, 0, 2 * Math.PI);
    context.fill();
  }

  pointAt(event) {
    const box = this.canvas.getBoundingClientRect();
    const x = (event.clientX - box.left) * (this.canvas.width / box.width);
    const y = (event.clientY - box.top) * (this.canvas.height / box.height);
    let best = null, bestDistance = HIT_RADIUS;
    for (const point of this.points) {
      const distance = Math.hypot(6 + point.x * (this.canvas.width - 12) - x, 6 + point.y * (this.canvas.height - 12) - y);
      if (distance < bestDistance) [best, bestDistance] = [point, distance];
    }
    return best;
  }

  hover(event) {
    const point = this.pointAt(event);
    if (point && point !== this.hovered) this.onhover(point);
    this.hovered = point;
  }
}
