// Hands-free turn taking: a simple energy voice-activity detector over the worklet's level readings (every ~50 ms).
//
// - The noise floor is the running level while nobody speaks; speech is a level 12 dB above it (and above -50 dBFS).
// - It arms only after 300 ms of quiet, so switching it on in the middle of a sentence does not send half a sentence.
// - An utterance starts after 150 ms of speech (the worklet's 300 ms pre-roll keeps its first syllable) and ends after
//   600 ms of quiet: the page then commits the audio, which ends the user's turn on the server at once.
// It is deliberately simple: steady background noise is fine, a television next to the microphone is not. Use
// push-to-talk in noisy rooms.

const toDb = (rms) => 20 * Math.log10(Math.max(rms, 1e-5));

export class EnergyVad {
  constructor({ silenceMs = 600, speechMs = 150, armMs = 300, marginDb = 12, minimumDb = -50 } = {}) {
    Object.assign(this, { silenceMs, speechMs, armMs, marginDb, minimumDb });
    this.reset();
  }

  reset() {
    this.floorDb = -70;
    this.speaking = false;
    this.armed = false;
    this.loudMs = 0;
    this.quietMs = 0;
  }

  get thresholdDb() {
    return Math.max(this.minimumDb, this.floorDb + this.marginDb);
  }

  /** Feeds one level reading covering `ms`; returns 'start', 'end' or null. */
  feed(rms, ms) {
    const db = toDb(rms);
    const loud = db > (this.speaking ? this.thresholdDb - 3 : this.thresholdDb);
    if (loud) {
      this.loudMs += ms;
      this.quietMs = 0;
    } else {
      this.quietMs += ms;
      this.loudMs = 0;
      // Follow the room's noise slowly upwards, quickly downwards.
      this.floorDb += (db - this.floorDb) * (db > this.floorDb ? 0.05 : 0.3);
    }

    if (!this.armed) {
      this.armed = this.quietMs >= this.armMs;
      return null;
    }
    if (!this.speaking && this.loudMs >= this.speechMs) {
      this.speaking = true;
      return 'start';
    }
    if (this.speaking && this.quietMs >= this.silenceMs) {
      this.speaking = false;
      return 'end';
    }
    return null;
  }
}
