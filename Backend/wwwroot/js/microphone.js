// The microphone: one getUserMedia stream feeding the PCM16 worklet (chunks and levels) and, in the WebM/Opus mode,
// a MediaRecorder per utterance. Chunks and levels go to the callbacks; the caller decides when to record.

export class Microphone {
  /**
   * @param {{ sampleRate: number, chunkMs: number, onChunk: (bytes: Uint8Array) => void,
   *           onLevel: (level: { rms: number, peak: number, ms: number }) => void,
   *           resampleInWorklet?: boolean }} options  resampleInWorklet: run the AudioContext at the device's rate
   *           and resample in the worklet, as browsers that refuse a context at the server's rate do
   */
  static async open({ sampleRate, chunkMs, onChunk, onLevel, resampleInWorklet = false }) {
    if (!navigator.mediaDevices?.getUserMedia) {
      throw Object.assign(new Error('This browser cannot capture audio here (it needs https or localhost).'), { name: 'NotSupportedError' });
    }
    // Echo cancellation keeps the persona's voice from the speakers out of hands-free turns; noise suppression stays off
    // because its artefacts are harder on a speech recogniser than steady noise.
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: true },
    });
    try {
      const { context, source } = createContext(stream, resampleInWorklet ? null : sampleRate);
      await context.audioWorklet.addModule(new URL('./pcm16-worklet.js', import.meta.url));
      const worklet = new AudioWorkletNode(context, 'pcm16-capture', {
        processorOptions: { targetRate: sampleRate, chunkMs },
        numberOfOutputs: 1,
      });
      const microphone = new Microphone(stream, context, worklet, sampleRate, chunkMs);
      worklet.port.onmessage = ({ data }) => {
        if (data.type === 'chunk') onChunk(new Uint8Array(data.pcm));
        else if (data.type === 'level') onLevel(data);
        else if (data.type === 'flushed') microphone.flushed?.();
      };
      // The worklet's output is silence; connecting it keeps the browser pulling audio through it.
      source.connect(worklet).connect(context.destination);
      await context.resume();
      return microphone;
    } catch (error) {
      stream.getTracks().forEach((track) => track.stop());
      throw error;
    }
  }

  /** The AudioContext's rate: the server's, or the device's when the worklet resamples. */
  get contextRate() {
    return this.context.sampleRate;
  }

  constructor(stream, context, worklet, sampleRate, chunkMs) {
    this.stream = stream;
    this.sampleRate = sampleRate; // of the chunks, whatever the AudioContext runs at
    this.chunkMs = chunkMs;
    this.context = context;
    this.worklet = worklet;
  }

  get label() {
    return this.stream.getAudioTracks()[0]?.label ?? 'microphone';
  }

  /** PCM16 mode: start or stop emitting chunks (starting includes ~300 ms from before the call). */
  record(on) {
    this.worklet.port.postMessage({ type: 'record', on });
  }

  /** PCM16 mode: emit the partly filled chunk now (the end of an utterance); resolves once every chunk recorded
   *  so far has been handed to onChunk. */
  flush() {
    return new Promise((resolve) => {
      this.flushed = resolve;
      this.worklet.port.postMessage({ type: 'flush' });
    });
  }

  /** WebM/Opus mode: a new recorder, so every utterance is a complete stream with its own header. */
  startOpus(onChunk) {
    return new OpusRecording(this.stream, this.chunkMs, onChunk);
  }

  close() {
    this.stream.getTracks().forEach((track) => track.stop());
    this.context.close();
  }
}

function createContext(stream, sampleRate) {
  // At the server's rate the browser resamples for us; where that is refused, the worklet resamples.
  if (sampleRate) {
    const context = new AudioContext({ sampleRate, latencyHint: 'interactive' });
    try {
      return { context, source: context.createMediaStreamSource(stream) };
    } catch {
      context.close();
    }
  }
  const context = new AudioContext({ latencyHint: 'interactive' });
  return { context, source: context.createMediaStreamSource(stream) };
}

export const opusMimeType = 'audio/webm;codecs=opus';

export function opusSupported() {
  return typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(opusMimeType);
}

class OpusRecording {
  constructor(stream, timeslice, onChunk) {
    this.recorder = new MediaRecorder(stream, { mimeType: opusMimeType, audioBitsPerSecond: 32000 });
    // Blob reads are asynchronous; chaining them keeps the chunks in order.
    this.pending = Promise.resolve();
    this.recorder.ondataavailable = ({ data }) => {
      if (data.size > 0) this.pending = this.pending.then(() => data.arrayBuffer()).then((buffer) => onChunk(new Uint8Array(buffer)));
    };
    this.stopped = new Promise((resolve) => { this.recorder.onstop = resolve; });
    this.recorder.start(timeslice);
  }

  /** Stops the recorder; resolves once its last chunk has been handed over. */
  async stop() {
    if (this.recorder.state !== 'inactive') this.recorder.stop();
    await this.stopped;
    await this.pending;
  }
}
