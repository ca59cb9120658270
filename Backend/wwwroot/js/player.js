// Plays the persona's replies: avatar-response segments queued per turn in order (turn, then segment), one <audio>
// element, and the face's mouth driven from the segment's viseme track at the audio's currentTime on every animation
// frame. A segment already queued or played (a resumed session replays events) is ignored.

export class AvatarPlayer {
  /**
   * @param {HTMLAudioElement} audio
   * @param {import('./avatar.js').AvatarFace} face
   * @param {{ onStart?: (segment) => void, onEnd?: (segment) => void, onIdle?: () => void,
   *           onBlocked?: () => void, onFailed?: (segment, error) => void }} callbacks
   */
  constructor(audio, face, callbacks = {}) {
    this.audio = audio;
    this.face = face;
    this.callbacks = callbacks;
    this.queue = [];
    this.seen = new Set();
    this.playing = null;
    this.blocked = false;
    this.frame = 0;
    this.lastTurn = -1;
    this.skipThrough = -1; // turns up to this one were interrupted: their late segments are not played
    audio.addEventListener('ended', () => this.finish());
    audio.addEventListener('error', () => this.fail(new Error(audio.error?.message || 'the audio could not be loaded')));
  }

  get busy() {
    return this.playing !== null || this.queue.length > 0;
  }

  enqueue(segment) {
    const key = `${segment.turn}:${segment.segment}`;
    if (this.seen.has(key) || segment.turn <= this.skipThrough) return;
    this.seen.add(key);
    this.lastTurn = Math.max(this.lastTurn, segment.turn);
    this.queue.push(segment);
    this.queue.sort((a, b) => a.turn - b.turn || a.segment - b.segment);
    if (!this.playing && !this.blocked) this.next();
  }

  /** After a user gesture: retry playback the browser's autoplay policy refused. */
  unblock() {
    if (!this.blocked) return;
    this.blocked = false;
    if (this.playing) this.start(this.playing);
    else this.next();
  }

  /** Stops talking now (the user started speaking) and drops the queued segments. */
  interrupt() {
    this.queue = [];
    this.skipThrough = this.lastTurn;
    if (this.playing) {
      this.audio.pause();
      this.playing = null;
      this.stopMouth();
      this.callbacks.onIdle?.();
    }
  }

  /** The interruption of `turn` was false: its further segments (the rest of the reply) play again. */
  resume(turn) {
    if (this.skipThrough >= turn) this.skipThrough = turn - 1;
  }

  next() {
    const segment = this.queue.shift();
    if (!segment) {
      this.playing = null;
      this.callbacks.onIdle?.();
      return;
    }
    this.playing = segment;
    this.audio.src = segment.audioUrl;
    this.start(segment);
  }

  async start(segment) {
    try {
      await this.audio.play();
    } catch (error) {
      if (error.name === 'NotAllowedError') {
        this.blocked = true;
        this.callbacks.onBlocked?.();
        return;
      }
      if (error.name !== 'AbortError') this.fail(error);
      return;
    }
    this.callbacks.onStart?.(segment);
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.animate(segment));
  }

  animate(segment) {
    if (this.playing !== segment) return;
    const now = this.audio.currentTime * 1000;
    let viseme = 'sil';
    for (const cue of segment.visemes ?? []) {
      if (cue.t > now) break;
      viseme = cue.v;
    }
    this.face.show(viseme);
    this.face.step();
    this.frame = requestAnimationFrame(() => this.animate(segment));
  }

  stopMouth() {
    cancelAnimationFrame(this.frame);
    this.face.show('sil');
    // Let the mouth close smoothly over a few frames.
    let frames = 8;
    const settle = () => {
      this.face.step();
      if (--frames > 0 && !this.playing) requestAnimationFrame(settle);
    };
    requestAnimationFrame(settle);
  }

  finish() {
    const segment = this.playing;
    if (!segment) return;
    this.stopMouth();
    this.callbacks.onEnd?.(segment, this.audio.currentTime * 1000);
    this.next();
  }

  fail(error) {
    const segment = this.playing;
    if (!segment) return;
    this.stopMouth();
    this.callbacks.onFailed?.(segment, error);
    this.next();
  }
}
