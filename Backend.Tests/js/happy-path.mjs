// Drives one roleplay turn with the official @microsoft/signalr client, the way a web frontend does:
// start-session → audio-chunk × N (250 ms each, with byte offsets) → commit-audio → transcription, ai-response and
// avatar-response → download the avatar audio → end-session. Prints a JSON summary; exits non-zero on any failure.
//
// Under --protocol messagepack the audio travels as bytes, under json (the default) as base64.
//
//   node happy-path.mjs --url http://127.0.0.1:5080 --token <jwt> --audio clip.raw [--transport WebSockets] [--protocol json]
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as signalR from '@microsoft/signalr';
import { MessagePackHubProtocol } from '@microsoft/signalr-protocol-msgpack';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    audio: { type: 'string' },
    scenario: { type: 'string', default: 'procurement-price' },
    transport: { type: 'string', default: 'WebSockets' },
    protocol: { type: 'string', default: 'json' },
    timeout: { type: 'string', default: '60000' },
  },
});
for (const required of ['url', 'token', 'audio']) {
  if (!args[required]) fail(`--${required} is required`);
}

const timeoutMs = Number(args.timeout);
const events = [];
const waiters = [];
const on = (name) => (payload) => {
  events.push({ name, payload, at: Date.now() });
  for (const waiter of [...waiters]) {
    if (waiter.name === name && waiter.match(payload)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(payload);
    }
  }
};
const waitFor = (name, match = () => true) => {
  const seen = events.find((e) => e.name === name && match(e.payload));
  if (seen) return Promise.resolve(seen.payload);
  return new Promise((resolve, reject) => {
    const waiter = { name, match, resolve };
    waiters.push(waiter);
    setTimeout(() => reject(new Error(`timed out waiting for ${name}; events so far: ${JSON.stringify(events.map((e) => e.name))}`)), timeoutMs);
  });
};

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

if (!['json', 'messagepack'].includes(args.protocol)) fail(`--protocol must be json or messagepack, not ${args.protocol}`);
const binary = args.protocol === 'messagepack';
const builder = new signalR.HubConnectionBuilder()
  .withUrl(`${args.url}/hubs/roleplay`, {
    accessTokenFactory: () => args.token,
    transport: signalR.HttpTransportType[args.transport],
  })
  .configureLogging(signalR.LogLevel.Warning);
if (binary) builder.withHubProtocol(new MessagePackHubProtocol());
const connection = builder.build();
for (const name of ['session-started', 'audio-received', 'transcription', 'ai-response-delta', 'ai-response', 'avatar-response', 'session-ended', 'error']) {
  connection.on(name, on(name));
}

try {
  const pcm = await readFile(args.audio);
  await connection.start();
  // This client always commits, as the web page does: a stall of the machine between two chunks must not end the
  // turn early. A clean-clone CI run once had the Server-Sent Events turn's transcript come back as "you": the idle
  // flush (Sessions:FlushIdle, 2 s) had ended the turn after the first chunks; a 2.5 s pause there does the same.
  const started = await connection.invoke('start-session', {
    scenarioId: args.scenario,
    audioFormat: { encoding: 'pcm16', sampleRate: 16000, channels: 1 },
    idleFlush: false,
  });
  if (!started.sessionId || started.audioConfig.encoding !== 'pcm16') fail(`unexpected session-started ${JSON.stringify(started)}`);
  if (started.audioConfig.flushIdleMs !== 0) fail(`idleFlush: false, yet flushIdleMs is ${started.audioConfig.flushIdleMs}`);
  const sessionId = started.sessionId;

  // The persona opens the drill (turn 0) before the trainee speaks.
  await waitFor('avatar-response', (p) => p.turn === 0 && p.isLast);

  const chunkBytes = (started.audioConfig.sampleRate * 2 * started.audioConfig.chunkMs) / 1000;
  let offset = 0;
  for (let i = 0; offset < pcm.length; i++) {
    const chunk = pcm.subarray(offset, offset + chunkBytes);
    const audioData = binary ? new Uint8Array(chunk) : chunk.toString('base64');
    await connection.invoke('audio-chunk', { sessionId, audioData, offset, totalChunks: Math.ceil(pcm.length / chunkBytes) });
    offset += chunk.length;
  }
  const acks = events.filter((e) => e.name === 'audio-received');
  if (acks.at(-1)?.payload.totalBytes !== pcm.length) fail(`last ack says ${acks.at(-1)?.payload.totalBytes} bytes, sent ${pcm.length}`);

  await connection.invoke('commit-audio', { sessionId });
  const transcription = await waitFor('transcription', (p) => p.isFinal && p.turn === 1);
  const reply = await waitFor('ai-response', (p) => p.turn === 1);
  const deltas = events.filter((e) => e.name === 'ai-response-delta' && e.payload.turn === 1).map((e) => e.payload);
  if (deltas.some((d, i) => d.index !== i)) fail(`ai-response-delta indexes ${deltas.map((d) => d.index)} do not count from 0`);
  if (deltas.map((d) => d.text).join('').trim() !== reply.text) fail(`the ai-response-deltas do not add up to the reply: ${JSON.stringify(deltas)}`);
  const avatar = await waitFor('avatar-response', (p) => p.turn === 1 && p.segment === 0);
  await waitFor('avatar-response', (p) => p.turn === 1 && p.isLast);

  const media = await fetch(avatar.audioUrl);
  const body = new Uint8Array(await media.arrayBuffer());
  if (media.status !== 200) fail(`avatar audio download returned ${media.status}`);
  const riff = new TextDecoder().decode(body.subarray(0, 4));
  if (riff !== 'RIFF') fail(`avatar audio is not a WAV file (starts with ${riff})`);

  await connection.invoke('end-session', { sessionId });
  const ended = await waitFor('session-ended');
  const errors = events.filter((e) => e.name === 'error').map((e) => e.payload);
  if (errors.length > 0) fail(`server sent errors: ${JSON.stringify(errors)}`);

  console.log(JSON.stringify({
    transport: args.transport,
    protocol: args.protocol,
    sessionId,
    chunks: acks.length,
    bytes: pcm.length,
    partials: events.filter((e) => e.name === 'transcription' && !e.payload.isFinal).length,
    transcript: transcription.text,
    reply: reply.text,
    replyDeltas: deltas.map((d) => d.text),
    turnCount: reply.turnCount,
    avatar: { url: avatar.audioUrl, contentType: media.headers.get('content-type'), bytes: body.length, durationMs: avatar.duration, visemes: avatar.visemes?.length ?? 0 },
    timings: avatar.timings,
    ended: ended.reason,
  }));
  await connection.stop();
  process.exit(0);
} catch (error) {
  fail(error?.stack ?? String(error));
}
