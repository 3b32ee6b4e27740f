// Audition: one <audio> element (the browser streams the file with Range requests),
// through a Web Audio gain that brings every sample to the same loudness.

const TARGET_LUFS = -18;
const MAX_GAIN = 4; // +12 dB at most: a very quiet file is not blown up

export class Player {
  constructor(element) {
    this.element = element;
    this.sampleId = null;
    this.starting = false; // between play() and the element's "playing" (or its error)
    this.onchange = () => {};
    element.addEventListener("ended", () => this.onchange());
    element.addEventListener("pause", () => this.onchange());
    for (const type of ["playing", "error"]) element.addEventListener(type, () => { this.starting = false; });
    // The audio graph is built with the page, not on the first click, where it cost ~80
    // ms in Chromium. Browsers keep a context made without a gesture suspended, so the
    // first key or pointer press anywhere resumes it, ahead of the click that plays.
    this.context = new AudioContext();
    this.gain = this.context.createGain();
    this.context.createMediaElementSource(element).connect(this.gain).connect(this.context.destination);
    const wake = () => this.context.resume();
    for (const type of ["pointerdown", "keydown"]) document.addEventListener(type, wake, { once: true, capture: true });
  }

  /** Plays a sample from the start, loudness-matched from its measured LUFS. */
  play(sample) {
    if (this.context.state !== "running") this.context.resume();
    const lufs = Number.isFinite(sample.loudness_lufs) ? sample.loudness_lufs : TARGET_LUFS;
    this.gain.gain.value = Math.min(MAX_GAIN, 10 ** ((TARGET_LUFS - lufs) / 20));
    if (this.sampleId !== sample.sample_id) {
      this.element.src = `/samples/${sample.sample_id}/audio`;
      this.sampleId = sample.sample_id;
    }
    this.element.currentTime = 0;
    this.starting = true;
    this.element.play().catch(() => { this.starting = false; });
    this.onchange();
  }

  /** Resolves once the sample being started plays, or after `ms` at most; at once when
   * none is starting. */
  started(ms) {
    if (!this.starting) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.element.addEventListener("playing", () => { clearTimeout(timer); resolve(); }, { once: true });
    });
  }

  toggle(sample) {
    if (this.sampleId === sample.sample_id && !this.element.paused) this.element.pause();
    else this.play(sample);
  }

  isPlaying(sampleId) {
    return this.sampleId === sampleId && !this.element.paused;
  }
}
