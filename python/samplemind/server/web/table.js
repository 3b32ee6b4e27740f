// The library table: virtual scrolling over GET /samples, fetched a page at a time as
// rows come into view, with only the visible rows in the document (smooth at 100,000+).

import { api, query } from "./api.js";
import { drawWaveform } from "./waveform.js";

const ROW_HEIGHT = 34;
const PAGE = 200;
const OVERSCAN = 10;
const KEPT_PAGES = 20; // pages kept while scrolling: memory stays flat over any library

export const COLUMNS = [
  { title: "Waveform", sort: null },
  { title: "Name", sort: "path" },
  { title: "Folder", sort: "path" },
  { title: "Category", sort: "category" },
  { title: "Length", sort: "duration_s" },
  { title: "BPM", sort: "tempo_bpm" },
  { title: "Key", sort: "key" },
  { title: "Pitch", sort: "pitch_hz" },
  { title: "LUFS", sort: "loudness_lufs" },
  { title: "Loop", sort: null },
];

export class LibraryTable {
  constructor(container, spacer, header, { onselect, onplay }) {
    this.container = container;
    this.spacer = spacer;
    this.header = header;
    this.onselect = onselect;
    this.onplay = onplay;
    this.params = {};
    this.sort = "path";
    this.total = 0;
    this.pages = new Map(); // page number -> Promise of rows
    this.rendered = new Map(); // row index -> element
    this.selected = -1;
    this.generation = 0;
    container.addEventListener("scroll", () => this.render());
    container.addEventListener("keydown", (event) => this.keydown(event));
    this.buildHeader();
  }

  buildHeader() {
    for (const column of COLUMNS) {
      const cell = document.createElement("div");
      cell.textContent = column.title;
      if (column.sort) cell.addEventListener("click", () => this.sortBy(column.sort));
      cell.dataset.sort = column.sort || "";
      this.header.append(cell);
    }
    this.showSort();
  }

  showSort() {
    const column = this.sort.replace(/^-/, "");
    for (const cell of this.header.children) {
      cell.removeAttribute("aria-sort");
      if (cell.dataset.sort === column && cell.textContent !== "Folder") {
        cell.setAttribute("aria-sort", this.sort.startsWith("-") ? "descending" : "ascending");
      }
    }
  }

  sortBy(column) {
    this.sort = this.sort === column ? `-${column}` : column;
    this.showSort();
    this.reload();
  }

  /** New text or filters: start again from the top. */
  setQuery(params) {
    this.params = params;
    this.reload();
  }

  async reload() {
    this.generation++;
    this.pages.clear();
    for (const element of this.rendered.values()) element.remove();
    this.rendered.clear();
    this.selected = -1;
    this.container.scrollTop = 0;
    const first = await this.page(0);
    if (first === null) return; // a newer query started meanwhile
    this.render();
    document.getElementById("count").textContent = `${this.total.toLocaleString()} samples`;
  }

  page(number) {
    if (this.pages.has(number)) { // most recently used last
      const kept = this.pages.get(number);
      this.pages.delete(number);
      this.pages.set(number, kept);
    } else {
      const generation = this.generation;
      const params = { ...this.params, sort: this.sort, offset: number * PAGE, limit: PAGE };
      this.pages.set(number, api(`/samples?${query(params)}`).then((body) => {
        if (generation !== this.generation) return null;
        this.total = body.total;
        this.spacer.style.height = `${this.total * ROW_HEIGHT}px`;
        return body.results;
      }));
      while (this.pages.size > KEPT_PAGES) this.pages.delete(this.pages.keys().next().value);
    }
    return this.pages.get(number);
  }

  async row(index) {
    const rows = await this.page(Math.floor(index / PAGE));
    return rows ? rows[index % PAGE] : undefined;
  }

  render() {
    const first = Math.max(0, Math.floor(this.container.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.total, Math.ceil((this.container.scrollTop + this.container.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    for (const [index, element] of this.rendered) {
      if (index < first || index >= last) {
        element.remove();
        this.rendered.delete(index);
      }
    }
    for (let index = first; index < last; index++) {
      if (!this.rendered.has(index)) this.rendered.set(index, this.placeRow(index));
    }
  }

  placeRow(index) {
    const element = document.createElement("div");
    element.className = "row";
    element.setAttribute("role", "row");
    element.style.top = `${index * ROW_HEIGHT}px`;
    element.classList.toggle("selected", index === this.selected);
    this.container.append(element);
    const generation = this.generation;
    this.row(index).then((sample) => {
      if (sample && generation === this.generation && this.rendered.get(index) === element) this.fillRow(element, index, sample);
    });
    return element;
  }

  fillRow(element, index, sample) {
    const slash = sample.path.lastIndexOf("/");
    const folder = sample.path.slice(0, slash);
    const cells = [
      document.createElement("canvas"),
      text(sample.path.slice(slash + 1), "name"),
      text(folder.slice(folder.lastIndexOf("/") + 1), "dim"),
      text(sample.category || "", sample.category_source === "user" ? "user" : ""),
      text(sample.duration_s != null ? `${sample.duration_s.toFixed(2)} s` : ""),
      labelled(sample.tempo_bpm != null ? sample.tempo_bpm.toFixed(1) : "", sample.tempo_source,
               sample.analysis?.tempo_bpm != null ? sample.analysis.tempo_bpm.toFixed(1) : "none"),
      labelled(sample.key || "", sample.key_source, sample.analysis?.key || "none"),
      text(sample.pitch_note || ""),
      text(sample.loudness_lufs != null ? sample.loudness_lufs.toFixed(1) : ""),
      text(sample.is_loop ? "loop" : "", "dim"),
    ];
    element.dataset.sampleId = sample.sample_id;
    element.title = sample.path;
    element.append(...cells);
    element.draggable = true;
    element.addEventListener("dragstart", (event) => {
      const url = new URL(`/samples/${sample.sample_id}/audio`, location.href).href;
      event.dataTransfer.setData("DownloadURL", `audio/wav:${sample.path.slice(slash + 1)}:${url}`);
      event.dataTransfer.setData("text/uri-list", url);
    });
    element.addEventListener("click", () => this.select(index, true));
    drawWaveform(cells[0], sample.sample_id);
  }

  async select(index, play) {
    if (index < 0 || index >= this.total) return;
    this.rendered.get(this.selected)?.classList.remove("selected");
    this.selected = index;
    this.rendered.get(index)?.classList.add("selected");
    this.scrollIntoView(index);
    const sample = await this.row(index);
    if (!sample) return;
    if (play) this.onplay(sample); // sound first, then the neighbours
    this.onselect(sample);
  }

  scrollIntoView(index) {
    const top = index * ROW_HEIGHT;
    if (top < this.container.scrollTop) this.container.scrollTop = top;
    else if (top + ROW_HEIGHT > this.container.scrollTop + this.container.clientHeight) {
      this.container.scrollTop = top + ROW_HEIGHT - this.container.clientHeight;
    }
  }

  keydown(event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      this.select(Math.max(0, this.selected + (event.key === "ArrowDown" ? 1 : -1)), true);
    } else if (event.key === " " && this.selected >= 0) {
      event.preventDefault();
      this.row(this.selected).then((sample) => sample && this.onplay(sample, true));
    }
  }

  /** Marks the row of the playing sample. */
  showPlaying(sampleId) {
    for (const element of this.rendered.values()) element.classList.toggle("playing", element.dataset.sampleId === String(sampleId));
  }
}

// A tempo or key with where it came from: the user (a correction), the file's
// metadata or its name; the tooltip says what the analysis measured instead.
function labelled(value, source, measured) {
  if (!value || !source || source === "analysis") return text(value);
  const cell = text(value, source === "user" ? "user" : "stated");
  cell.title = `${source === "metadata" ? "from the file's metadata" : `from the ${source}`}; analysis: ${measured}`;
  return cell;
}

function text(value, className = "") {
  const cell = document.createElement("div");
  cell.textContent = value;
  if (className) cell.className = className;
  return cell;
}
