// "More like this": the selected sample's neighbours, with a slider per aspect of the
// embedding (its weight in the search) and bars showing how much each aspect matched.

import { api, query } from "./api.js";

export class SimilarPanel {
  constructor({ weights, results, name }, { onpick }) {
    this.weightsElement = weights;
    this.resultsElement = results;
    this.nameElement = name;
    this.onpick = onpick;
    this.weights = {};
    this.sample = null;
  }

  setAspects(aspects) {
    for (const name of aspects) {
      this.weights[name] = 1;
      const label = document.createElement("label");
      const slider = Object.assign(document.createElement("input"), { type: "range", min: 0, max: 4, step: 0.25, value: 1, name });
      const shown = document.createElement("span");
      shown.textContent = "1.00";
      slider.addEventListener("input", () => {
        this.weights[name] = Number(slider.value);
        shown.textContent = Number(slider.value).toFixed(2);
      });
      slider.addEventListener("change", () => this.show(this.sample));
      label.append(name, slider, shown);
      this.weightsElement.append(label);
    }
  }

  async show(sample) {
    if (!sample) return;
    this.sample = sample;
    this.nameElement.textContent = sample.path.slice(sample.path.lastIndexOf("/") + 1);
    const weights = Object.entries(this.weights).map(([name, value]) => `${name}:${value}`).join(",");
    if (Object.values(this.weights).every((value) => value === 0)) {
      this.resultsElement.replaceChildren(Object.assign(document.createElement("li"), { textContent: "every weight is 0" }));
      return;
    }
    const body = await api(`/similarity/search?${query({ limit: 12, weights })}`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ sample_id: sample.sample_id }),
    });
    if (this.sample !== sample) return;
    this.resultsElement.replaceChildren(...body.results.filter((r) => r.sample_id !== sample.sample_id).map((r) => this.item(r)));
  }

  item(result) {
    const item = document.createElement("li");
    item.dataset.sampleId = result.sample_id;
    const name = result.path.slice(result.path.lastIndexOf("/") + 1);
    item.textContent = `${(result.similarity * 100).toFixed(0)}%  ${name}  ${result.category || ""}`;
    const bars = document.createElement("div");
    bars.className = "bars";
    for (const [aspect, value] of Object.entries(result.aspects)) {
      const bar = document.createElement("span");
      bar.style.width = `${Math.max(2, value * 60)}px`;
      bar.title = `${aspect}: ${(value * 100).toFixed(0)}%`;
      bars.append(bar);
    }
    item.append(bars);
    item.addEventListener("click", () => this.onpick(result));
    return item;
  }
}
