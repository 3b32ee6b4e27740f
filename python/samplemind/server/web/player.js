// Audition: one <audio> element (the browser streams the file with Range requests),
// through a Web Audio gain that brings every sample to the same loudness.

const TARGET_LUFS = -18;
const MAX_GAIN = 4; // +12 dB at most: a very quiet file is not blown up

export class Player {
  constructor(element) {
    this.element = element;
    this.context = null;
    this.gain = null;
    this.sampleId = null;
    this.onchange = () => {};
    element.addEventListener("ended", () => this.onchange());
    element.addEventListener("pause", () => this.onchange());
  }

  /** Plays a sample from the start, loudness-matched from its measured LUFS. */
  play(sample) {
    if (!this.context) {
      this.context = new AudioContext();
      this.gain = this.context.createGain();
      this.context.createMediaElementSource(this.element).connect(this.gain).connect(this.context.destination);
    }
    this.context.resume();
    const lufs = Number.isFinite(sample.loudness_lufs) ? sample.loudness_lufs : TARGET_LUFS;
    this.gain.gain.value = Math.min(MAX_GAIN, 10 ** ((TARGET_LUFS - lufs) / 20));
    if (this.sampleId !== sample.sample_id) {
      this.element.src = `/samples/${sample.sample_id}/audio`;
      this.sampleId = sample.sample_id;
    }
    this.element.currentTime = 0;
    this.element.play().catch(() => {});
    this.onchange();
  }

  toggle(sample) {
    if (this.sampleId === sample.sample_id && !this.element.paused) this.element.pause();
    else this.play(sample);
  }

  isPlaying(sampleId) {
    return this.sampleId === sampleId && !this.element.paused;
  }
}
