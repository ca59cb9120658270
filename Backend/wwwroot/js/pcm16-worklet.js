// AudioWorklet: the microphone as PCM16 at the rate the server asked for (audioConfig.sampleRate), in chunks of
// audioConfig.chunkMs, plus a level reading every levelMs for the meter and the hands-free voice detector.
//
// The page asks for an AudioContext at the target rate, so the browser resamples and this stage is a copy. Browsers
// that refuse (Firefox will not mix a microphone into a context at another rate) run at their own rate, and the
// windowed-sinc resampler below low-passes and resamples here.
//
// Messages in:  { type: 'record', on }   start/stop emitting chunks (starting prepends preRollMs of audio, so the
//                                        first syllable is not lost to the key press or the voice detector)
//               { type: 'flush' }        emit what is buffered now, even if shorter than a chunk (end of utterance),
//                                        then { type: 'flushed' }
// Messages out: { type: 'chunk', pcm }   ArrayBuffer of little-endian int16 mono samples (transferred)
//               { type: 'level', rms, peak, ms }   of the last ~levelMs, 0..1 full scale
//               { type: 'flushed' }    every chunk recorded before the flush has been posted

class Resampler {
  constructor(from, to) {
    this.step = from / to;
    const cutoff = Math.min(1, to / from) * 0.95; // a little below the new Nyquist frequency
    this.half = Math.ceil(8 / cutoff);             // taps each side of the output sample
    // The Hann-windowed sinc kernel, tabulated every 1/64 sample and interpolated: no trigonometry per tap.
    this.resolution = 64;
    this.kernel = new Float32Array(this.half * this.resolution + 2);
    for (let i = 0; i < this.kernel.length; i++) {
      const x = i / this.resolution;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * cutoff * x) / (Math.PI * cutoff * x);
      const window = x >= this.half ? 0 : 0.5 + 0.5 * Math.cos((Math.PI * x) / this.half);
      this.kernel[i] = cutoff * sinc * window;
    }
    // The input not yet consumed (plus the kernel's reach back), kept in one buffer that is reused: process runs
    // for every 128-frame block (~375 times a second) on the audio thread, so it allocates nothing.
    this.history = new Float32Array(2 * this.half + 2048);
    this.length = 0;
    this.position = this.half; // next output position, in history samples
  }

  weight(distance) {
    const at = Math.abs(distance) * this.resolution;
    const i = Math.floor(at);
    return this.kernel[i] + (this.kernel[i + 1] - this.kernel[i]) * (at - i);
  }

  // Calls sink(sample) for every output sample the input completes.
  process(input, sink) {
    if (this.step === 1) {
      for (let i = 0; i < input.length; i++) sink(input[i]);
      return;
    }
    if (this.length + input.length > this.history.length) {
      const bigger = new Float32Array(this.length + input.length + 2 * this.half);
      bigger.set(this.history.subarray(0, this.length));
      this.history = bigger;
    }
    const history = this.history;
    history.set(input, this.length);
    this.length += input.length;
    while (this.position + this.half < this.length) {
      const centre = Math.floor(this.position);
      let sum = 0;
      for (let k = centre - this.half + 1; k <= centre + this.half; k++) {
        sum += history[k] * this.weight(this.position - k);
      }
      sink(sum);
      this.position += this.step;
    }
    const keepFrom = Math.floor(this.position) - this.half;
    history.copyWithin(0, keepFrom, this.length);
    this.length -= keepFrom;
    this.position -= keepFrom;
  }
}

class Pcm16Capture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { targetRate, chunkMs = 250, levelMs = 50, preRollMs = 300 } = options.processorOptions;
    this.resampler = new Resampler(sampleRate, targetRate);
    this.chunkSamples = Math.round((targetRate * chunkMs) / 1000);
    this.levelFrames = Math.round((sampleRate * levelMs) / 1000);
    this.preRoll = new Int16Array(Math.round((targetRate * preRollMs) / 1000));
    this.preRollFill = 0; // a ring buffer: preRollNext is the oldest sample once it is full
    this.preRollNext = 0;
    this.chunk = new Int16Array(this.chunkSamples);
    this.fill = 0;
    this.recording = false;
    this.sumSquares = 0;
    this.peak = 0;
    this.levelCount = 0;
    this.mix = null; // the downmix buffer, only for multi-channel input
    this.sink = (value) => {
      const clamped = Math.max(-1, Math.min(1, value));
      const sample = clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff;
      if (this.recording) this.append(sample);
      else this.remember(sample);
    };
    this.port.onmessage = ({ data }) => {
      if (data.type === 'record') {
        if (data.on && !this.recording) this.startRecording();
        this.recording = data.on;
      } else if (data.type === 'flush') {
        this.emit();
        this.port.postMessage({ type: 'flushed' });
      }
    };
  }

  startRecording() {
    this.fill = 0;
    const start = this.preRollFill < this.preRoll.length ? 0 : this.preRollNext;
    for (let i = 0; i < this.preRollFill; i++) this.append(this.preRoll[(start + i) % this.preRoll.length]);
    this.preRollFill = 0;
    this.preRollNext = 0;
  }

  append(sample) {
    this.chunk[this.fill++] = sample;
    if (this.fill === this.chunkSamples) this.emit();
  }

  emit() {
    if (this.fill === 0) return;
    const pcm = this.chunk.slice(0, this.fill).buffer;
    this.fill = 0;
    this.port.postMessage({ type: 'chunk', pcm }, [pcm]);
  }

  remember(sample) {
    this.preRoll[this.preRollNext] = sample;
    this.preRollNext = (this.preRollNext + 1) % this.preRoll.length;
    this.preRollFill = Math.min(this.preRollFill + 1, this.preRoll.length);
  }

  process(inputs) {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const frames = channels[0].length;
    let mono = channels[0];
    if (channels.length > 1) {
      if (this.mix === null || this.mix.length !== frames) this.mix = new Float32Array(frames);
      mono = this.mix;
      mono.fill(0);
      for (const channel of channels) {
        for (let i = 0; i < frames; i++) mono[i] += channel[i] / channels.length;
      }
    }

    for (let i = 0; i < frames; i++) {
      this.sumSquares += mono[i] * mono[i];
      this.peak = Math.max(this.peak, Math.abs(mono[i]));
    }
    this.levelCount += frames;
    if (this.levelCount >= this.levelFrames) {
      const ms = (1000 * this.levelCount) / sampleRate;
      this.port.postMessage({ type: 'level', rms: Math.sqrt(this.sumSquares / this.levelCount), peak: this.peak, ms });
      this.sumSquares = 0;
      this.peak = 0;
      this.levelCount = 0;
    }

    this.resampler.process(mono, this.sink);
    return true;
  }
}

registerProcessor('pcm16-capture', Pcm16Capture);
