// Runs the web client's capture worklet (Backend/wwwroot/js/pcm16-worklet.js) outside a browser, with the
// AudioWorkletGlobalScope stubbed, and checks what the page relies on. Prints a JSON summary; exits non-zero on failure.
//
//   node worklet.mjs
import { readFile } from 'node:fs/promises';
import vm from 'node:vm';

const source = await readFile(new URL('../../Backend/wwwroot/js/pcm16-worklet.js', import.meta.url), 'utf8');

function load(contextRate) {
  const scope = { sampleRate: contextRate, AudioWorkletProcessor: class { constructor() { this.port = { postMessage: () => {} }; } } };
  scope.registerProcessor = (name, processor) => { scope.processor = processor; };
  vm.runInNewContext(`${source}\nthis.Resampler = Resampler;`, scope);
  return scope;
}

function capture(contextRate, options) {
  const { processor: Processor } = load(contextRate);
  const node = new Processor({ processorOptions: options });
  const messages = [];
  node.port.postMessage = (message) => messages.push(message);
  const send = (data) => node.port.onmessage({ data });
  const feed = (seconds, sample) => {
    for (let frame = 0; frame < seconds * contextRate; frame += 128) {
      const block = new Float32Array(128);
      for (let i = 0; i < 128; i++) block[i] = sample((frame + i) / contextRate);
      node.process([[block, block]]); // stereo in: downmixed
    }
  };
  return { messages, send, feed };
}

const rms = (values) => Math.sqrt(values.reduce((sum, v) => sum + v * v, 0) / values.length);
const sine = (hz, amplitude) => (t) => amplitude * Math.sin(2 * Math.PI * hz * t);
const failures = [];
const check = (ok, message) => { if (!ok) failures.push(message); };

// At the server's rate: 250 ms chunks of 16 kHz PCM16 only while recording, a pre-roll, a flush, levels.
const direct = capture(16000, { targetRate: 16000, chunkMs: 250 });
direct.feed(0.5, sine(440, 0.5));
check(direct.messages.every((m) => m.type === 'level'), 'chunks were sent while not recording');
const levels = direct.messages.filter((m) => m.type === 'level');
check(levels.length >= 8 && Math.abs(levels.at(-1).rms - 0.5 / Math.SQRT2) < 0.01, `level readings: ${JSON.stringify(levels.at(-1))}`);
direct.messages.length = 0;
direct.send({ type: 'record', on: true });
direct.feed(0.6, sine(440, 0.5));
direct.send({ type: 'record', on: false });
direct.send({ type: 'flush' });
const chunks = direct.messages.filter((m) => m.type === 'chunk').map((m) => new Int16Array(m.pcm));
const total = chunks.reduce((sum, c) => sum + c.length, 0);
check(chunks.slice(0, -1).every((c) => c.length === 4000), `chunk sizes ${chunks.map((c) => c.length)}`);
// 300 ms pre-roll + 600 ms recorded (the feed rounds up to whole 128-frame blocks)
check(Math.abs(total - 0.9 * 16000) <= 128, `recorded ${total} samples, expected ~14400 with the pre-roll`);
check(direct.messages.at(-1).type === 'flushed', 'flush did not answer flushed');
const peak = Math.max(...chunks.flatMap((c) => [...c]));
check(Math.abs(peak - 0.5 * 0x7fff) < 200, `PCM16 peak ${peak}`);

// At 48 kHz the worklet resamples: the speech band passes, what would alias is filtered out.
const { Resampler } = load(48000);
const through = (hz) => {
  const resampler = new Resampler(48000, 16000);
  const out = [];
  for (let frame = 0; frame < 48000; frame += 128) {
    const block = new Float32Array(128);
    for (let i = 0; i < 128; i++) block[i] = sine(hz, 0.5)((frame + i) / 48000);
    resampler.process(block, (value) => out.push(value));
  }
  return { samples: out.length, rms: rms(out.slice(1000)) };
};
const passband = through(1000);
const alias = through(10000);
check(Math.abs(passband.samples - 16000) <= 64, `48000 samples became ${passband.samples}`);
check(Math.abs(passband.rms - 0.5 / Math.SQRT2) < 0.005, `1 kHz came out at rms ${passband.rms}`);
check(alias.rms < 0.005, `10 kHz (above the new Nyquist) came out at rms ${alias.rms}`);

console.log(JSON.stringify({ chunks: chunks.map((c) => c.length), passbandRms: passband.rms, aliasRms: alias.rms, failures }));
process.exit(failures.length === 0 ? 0 : 1);
