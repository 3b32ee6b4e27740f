// The page: a library table, filters and text search, audition, "more like this" and
// the map, wired together; indexing progress over the progress WebSocket.

import { api, webSocketUrl } from "./api.js";
import { LibraryMap } from "./map.js";
import { Player } from "./player.js";
import { SimilarPanel } from "./similar.js";
import { LibraryTable } from "./table.js";

const NOTES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];
const SEARCH_DELAY_MS = 150;

const player = new Player(document.getElementById("player"));
const similar = new SimilarPanel(
  { weights: document.getElementById("weights"), results: document.getElementById("similar-results"),
    name: document.getElementById("similar-name") },
  { onpick: (result) => api(`/samples/${result.sample_id}`).then((sample) => { player.play(sample); select(sample); }) },
);
const table = new LibraryTable(document.getElementById("rows"), document.getElementById("spacer"),
                               document.getElementById("columns"), {
  onselect: (sample) => select(sample),
  onplay: (sample, toggle) => (toggle ? player.toggle(sample) : player.play(sample)),
});
const map = new LibraryMap(document.getElementById("map"), document.getElementById("map-legend"), {
  onhover: (point) => api(`/samples/${point.sample_id}`).then((sample) => player.play(sample)),
  onpick: (point) => api(`/samples/${point.sample_id}`).then((sample) => select(sample)),
});
player.onchange = () => table.showPlaying(player.element.paused ? null : player.sampleId);

// Sound first: the neighbours' search and the map wait until the click's audition has
// started (150 ms at most), so that its audio request never queues behind them.
const AUDITION_FIRST_MS = 150;

function select(sample) {
  player.started(AUDITION_FIRST_MS).then(() => {
    similar.show(sample);
    map.draw(sample.sample_id);
  });
}

function currentQuery() {
  const form = new FormData(document.getElementById("filters"));
  const params = { q: document.getElementById("search").value.trim() || undefined };
  for (const [name, value] of form.entries()) if (value !== "" && value !== "any") params[name] = value;
  if (params.compatible_keys) params.compatible_keys = "true";
  return params;
}

function fillChoices() {
  const keys = document.querySelector("select[name=key]");
  for (const mode of ["major", "minor"]) {
    for (const note of NOTES) keys.append(new Option(`${note} ${mode}`, `${note} ${mode}`));
  }
}

async function fillCategories() {
  const document_ = await api("/openapi.json");
  const parameter = document_.paths["/samples"].get.parameters.find((p) => p.name === "category");
  const select = document.querySelector("select[name=category]");
  for (const name of parameter.schema.enum) select.append(new Option(name, name));
}

async function followJobs() {
  const { jobs } = await api("/batch/jobs");
  const bar = document.getElementById("indexing"), label = document.getElementById("indexing-text");
  for (const job of jobs) {
    bar.hidden = false;
    const socket = new WebSocket(webSocketUrl(`/ws/progress/${job.job_id}`));
    socket.addEventListener("message", (event) => {
      const state = JSON.parse(event.data);
      bar.value = state.progress_percent;
      label.textContent = `${state.kind === "index" ? "indexing" : "analysing"} ${state.processed} of ${state.total}`;
      if (state.final) {
        bar.hidden = true;
        label.textContent = "";
        table.reload();
        map.load();
      }
    });
  }
}

let searchTimer = 0;
function queryChanged() {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => table.setQuery(currentQuery()), SEARCH_DELAY_MS);
}

async function start() {
  fillChoices();
  document.getElementById("search").addEventListener("input", queryChanged);
  document.getElementById("filters").addEventListener("input", queryChanged);
  document.getElementById("filters").addEventListener("submit", (event) => event.preventDefault());
  const rows = table.setQuery(currentQuery()); // first: the rows are what the page is for
  const aspects = api("/similarity/stats").then((stats) => similar.setAspects(Object.keys(stats.aspects)));
  await Promise.all([rows, aspects, fillCategories(), map.load(), followJobs()]);
  document.getElementById("rows").focus();
}

start();
