// The roleplay page: sign in, pick a drill, talk (push-to-talk or hands-free), hear and see the persona answer.
// The hub contract is docs/hub-contract.md; the page's own rules (turn taking, the voice detector, reconnecting) are
// described in the comments of the modules they live in.
import { apiFetch, currentToken } from './auth.js';
import { AvatarFace } from './avatar.js';
import { clearConversation, renderLatency, renderLine } from './conversation.js';
import { $, clearError, showError } from './dom.js';
import { DrillPicker } from './drill.js';
import { buildConnection, chosenProtocol, movingCode, requestedTransport, resumeSession } from './hub.js';
import { describeConnectionError, describeHubError, describeMicrophoneError, refusalCode, resendCodes, sayItAgain } from './messages.js';
import { Microphone, opusSupported } from './microphone.js';
import { recordedTurns } from './missed-turns.js';
import { wearFace } from './persona-look.js';
import { renderReport } from './report-card.js';
import { AvatarPlayer } from './player.js';
import { wireSignIn } from './sign-in.js';
import { AudioUplink } from './uplink.js';
import { EnergyVad } from './vad.js';

const stateLabels = {
  idle: 'Not started',
  connecting: 'Connecting…',
  thinking: 'Thinking…',
  speaking: 'Speaking',
  'your-turn': 'Your turn: hold to talk',
  listening: 'Listening',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
  ended: 'Session ended',
};

// What the page knows, also readable from the console (and by the browser tests) as window.roleplay.
const page = {
  state: 'idle',
  transport: null,
  protocol: null,
  sessionId: null,
  engine: null,  // session-started's engine: cascaded, or realtime:<profile>
  lastSeq: 0,
  maxTurns: 0,
  turns: {},     // turn → { transcript, final, reply, timings, heardAfterMs }
  played: [],    // { turn, segment, ms } for every reply segment that played to its end
  voiceActive: false, // the voice detector hears speech now
  voiceArmed: false,  // it has heard a quiet moment since it was reset
  level: 0,
  errors: [],
  reconnects: 0, // sessions resumed on a new connection
  moves: 0,      // of which restored on another server after their node was lost
  notices: [],   // admins' notices, { message, timestamp }
  resentBytes: 0, // audio sent again after the last resume
  serverVad: false, // hands-free: the server ends turns and hears barge-in (?vad=page: the page's own detector)
  interruptions: [], // { turn, heardText, playedMs } of every reply the trainee cut off
  microphoneOpens: 0, // how often the page asked for the microphone
  upload: null,       // how the audio goes: socket (over WebSockets), invoke or stream (?upload=; uploadMode())
  socketAcks: 0,      // acknowledgements the audio socket brought
  busyRetries: 0,     // starts refused as server-busy that the page waited out and tried again
};
window.roleplay = page;

const drill = new DrillPicker();
let connection = null;
let uplink = null;
// The audio socket could not be kept open on this page (a proxy that does not pass it): later sessions invoke at once
// instead of holding their first audio through three more tries. A reload tries the socket again.
let audioSocketGivenUp = false;
let microphone = null;
let opusRecording = null;
let recording = false;        // audio is being sent for the user's current utterance
let personaTurn = true;       // the persona has the floor (opening line, thinking, speaking)
let endedReason = null;
let commitAt = 0;
let repliedAtCommit = 0;      // the latest turn with a reply when the trainee last finished speaking
let serverHearsSpeech = false; // server VAD: between speech-started and speech-stopped
const vad = new EnergyVad();
const face = new AvatarFace($('mouth'));
const player = new AvatarPlayer($('avatar-audio'), face, {
  onStart: (segment) => {
    setState('speaking');
    reportPlayback(segment);
  },
  onEnd: (segment, ms) => {
    page.played.push({ turn: segment.turn, segment: segment.segment, ms: Math.round(ms) });
    if (segment.isLast && segment.turn >= latestTurn()) personaDone();
  },
  onIdle: () => {
    if (endedReason) finishSession();
    else if (page.state === 'speaking') setState('thinking');
  },
  onBlocked: () => { $('enable-audio').hidden = false; },
  onFailed: (segment) => {
    showError('error', 'The persona\'s reply could not be played. Its words are in the conversation below.');
    if (segment.isLast) personaDone();
  },
});

// ---- signing in ---------------------------------------------------------------------------------------------------

async function signedIn() {
  drill.show(await apiFetch('/api/scenarios'));
  $('setup').hidden = false;
  $('start').focus();
}

function signedOut() {
  endSession();
  for (const id of ['setup', 'stage', 'conversation']) $(id).hidden = true;
}

// ---- the session --------------------------------------------------------------------------------------------------

const mode = () => document.querySelector('input[name=mode]:checked').value;
const latestTurn = () => Math.max(0, ...Object.keys(page.turns).map(Number));
const latestReply = () => Math.max(0, ...Object.entries(page.turns).filter(([, t]) => t.reply).map(([turn]) => Number(turn)));

for (const radio of document.querySelectorAll('input[name=mode]')) {
  radio.addEventListener('change', () => {
    showModeHelp();
    if (page.sessionId && !personaTurn) yourTurn();
  });
}

function showModeHelp() {
  const pushToTalk = mode() === 'push-to-talk';
  $('talk').hidden = !pushToTalk;
  $('talk-help').hidden = !pushToTalk;
  $('hands-free-help').hidden = pushToTalk;
}
showModeHelp();
if (!opusSupported()) $('capture').querySelector('[value=webm-opus]').disabled = true;

// A session that fails to start is reported next to the Start button, and the stage (persona, connection, voice)
// goes away again: it would describe a session that does not exist.
$('start').addEventListener('click', () => attempt(startSession, 'setup-error'));
$('end').addEventListener('click', () => attempt(async () => {
  if (connection?.state === signalR.HubConnectionState.Connected && page.sessionId) {
    await connection.invoke('end-session', { sessionId: page.sessionId });
  } else {
    endSession();
  }
}));

async function startSession() {
  resetConversation();
  clearError('setup-error');
  const variant = drill.variant;
  // The catalog said so already; the microphone is not asked for a drill the server would refuse.
  if (!variant.available) throw new Error(`${variant.language} cannot run on this server. ${variant.unavailableReason}`);
  setState('connecting');
  $('start').disabled = true;
  $('persona-name').textContent = variant.personaName;
  $('persona-role').textContent = variant.personaRole;
  wearFace($('avatar').querySelector('svg'), variant.face);
  $('stage').hidden = false;
  $('conversation').hidden = false;
  const capture = $('capture').value;
  try {
    // The microphone first: a refused permission should not leave a session open on the server. Server VAD hears a
    // stop only when the next chunk arrives, so its sessions ask for short chunks (the server's audioConfig decides).
    microphone = await openMicrophone(16000, wantsServerVad() ? 100 : 250);
  } catch (error) {
    setState('idle');
    $('start').disabled = false;
    hideStage();
    throw new Error(describeMicrophoneError(error));
  }

  // A node over its CPU refuses new sessions as server-busy (retryable): the page tries again by itself, after about
  // 1, 2, 4, 8 and 16 s (each ±25 %, so refused pages do not all come back at once), and says so. The microphone stays
  // open meanwhile; End session stops the waiting.
  for (let retry = 0; ; retry++) {
    try {
      await connectAndStart(capture);
      return;
    } catch (error) {
      const wait = busyRetrySeconds[retry];
      if (refusalCode(error) === 'server-busy' && wait && page.state === 'connecting') {
        closeConnection();
        page.busyRetries++;
        if (await waitOutBusy(wait)) continue;
        hideStage(); // the trainee ended it while the page waited
        return;
      }
      endSession();
      hideStage();
      throw new Error(describeConnectionError(error));
    }
  }
}

const busyRetrySeconds = [1, 2, 4, 8, 16];

/** Counts down a wait after a server-busy refusal; false when the trainee ended the session meanwhile. */
async function waitOutBusy(seconds) {
  const until = Date.now() + seconds * (0.75 + Math.random() * 0.5) * 1000;
  $('end').disabled = false;
  while (page.state === 'connecting' && Date.now() < until) {
    showConnection(`The server is busy. Trying again in ${Math.ceil((until - Date.now()) / 1000)} s…`, false);
    await new Promise((resolve) => setTimeout(resolve, Math.min(250, until - Date.now())));
  }
  $('end').disabled = true;
  return page.state === 'connecting';
}

/** Opens the hub connection (and the audio's uplink) and starts the session on it. */
async function connectAndStart(capture) {
  const transport = requestedTransport();
  page.protocol = chosenProtocol(transport);
  connection = buildConnection({ token: currentToken, transport, protocol: page.protocol, onTransport: showTransport });
  wireEvents(connection);
  await connection.start();
  uplink = new AudioUplink(connection, uploadMode(), page.protocol, (error) => console.warn(error), {
    // The session's audio over its own WebSocket beside the hub (docs/hub-contract.md, "The audio socket")
    audioSocketUrl: (sessionId) => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/hubs/roleplay/audio`
      + `?sessionId=${encodeURIComponent(sessionId)}&access_token=${encodeURIComponent(currentToken())}`,
    onSocketError: (event) => hubError(event),
    onSocketAck: () => page.socketAcks++,
    onModeChanged: (mode) => {
      page.upload = mode;
      audioSocketGivenUp = true;
    },
  });
  page.upload = uplink.mode;
  const started = await connection.invoke('start-session', {
    scenarioId: drill.scenario.id,
    language: drill.variant.language,
    audioFormat: capture === 'webm-opus' ? { encoding: 'webm-opus', channels: 1 } : { encoding: 'pcm16', sampleRate: 16000, channels: 1 },
    // Hands-free: the server hears when the trainee stops (server VAD) and lets them cut in on the persona.
    // semantic-vad: a short wait after words that sound finished, a long one after "and", "the", "um"…
    turnDetection: wantsServerVad() ? { type: 'semantic-vad' } : undefined,
    // ?engine=realtime:<profile>: a realtime speech-to-speech model the server offers (docs/providers.md)
    engine: new URLSearchParams(location.search).get('engine') ?? undefined,
    // Push-to-talk always commits (key up), so a pause in the chunks — a connection dropped mid-sentence — must not
    // end the turn on the server.
    idleFlush: false,
    audioAck: uplink.audioAck,
    audioAckEvery: uplink.audioAckEvery,
  });
  sessionStarted(started, capture);
  // The microphone was opened for the usual 16 kHz and chunk length; a server configured otherwise gets what it asks for.
  const { sampleRate, chunkMs } = started.audioConfig;
  if (capture === 'pcm16' && (sampleRate !== microphone.sampleRate || chunkMs !== microphone.chunkMs)) {
    microphone.close();
    microphone = await openMicrophone(sampleRate, chunkMs);
  }
  if (page.serverVad) listenContinuously();
}

/**
 * How the audio goes up (?upload=invoke | stream | socket). By default the session's audio socket when the hub's
 * connection is a WebSocket: the fewest messages and the least of the server's CPU per chunk (docs/benchmarks.md,
 * "The page's audio on its socket"); a network that lets the hub's WebSocket through lets that one through too, and
 * the page falls back to invoking if it cannot be kept open, and from then on invokes. Over Server-Sent Events or long
 * polling, invocations.
 */
function uploadMode() {
  return new URLSearchParams(location.search).get('upload')
    ?? (page.transport === 'WebSockets' && !audioSocketGivenUp ? 'socket' : 'invoke');
}

/** Closes the hub connection and the uplink; the microphone stays open. */
function closeConnection() {
  uplink?.detach();
  uplink = null;
  connection?.stop();
  connection = null;
}

function hideStage() {
  $('stage').hidden = true;
  $('conversation').hidden = true;
}

function wantsServerVad() {
  return mode() === 'hands-free' && new URLSearchParams(location.search).get('vad') !== 'page';
}

async function openMicrophone(sampleRate, chunkMs) {
  page.microphoneOpens++;
  const mic = await Microphone.open({
    sampleRate,
    chunkMs,
    onChunk: (bytes) => uplink?.push(bytes), // the worklet only sends chunks while recording, and the flush after
    onLevel: heard,
    // ?resample=worklet: the device's rate and the worklet's resampler, the path browsers without 16 kHz contexts take
    resampleInWorklet: new URLSearchParams(location.search).get('resample') === 'worklet',
  });
  page.audioContextRate = mic.contextRate;
  $('mic-name').textContent = `${mic.label}, ${mic.contextRate / 1000} kHz`;
  return mic;
}

function sessionStarted(started, capture) {
  page.sessionId = started.sessionId;
  page.engine = started.engine;
  page.maxTurns = started.maxTurns;
  page.capture = capture;
  page.serverVad = ['server-vad', 'semantic-vad'].includes(started.turnDetection?.type);
  $('persona-name').textContent = started.buyerPersona.name;
  $('persona-role').textContent = started.buyerPersona.role;
  $('turns').textContent = `Turn ${started.turnCount} / ${started.maxTurns}`;
  // What the server says the trainee should know before speaking (an 8 kHz stream the recogniser hears badly).
  $('session-warnings').textContent = (started.warnings ?? []).join(' ');
  $('session-warnings').hidden = !started.warnings?.length;
  $('end').disabled = false;
  $('talk').disabled = page.serverVad; // the server ends turns; the microphone streams all the time
  uplink.attach(started.sessionId, started.receivedBytes);
  personaTurn = true;
  setState('thinking'); // the persona is about to open the drill
  for (const [event, handle] of early.splice(0)) sequenced(event, handle);
}

function wireEvents(hub) {
  hub.on('session-started', () => {}); // the start-session result carries the same payload
  hub.on('audio-received', (ack) => uplink?.acknowledge(ack.totalBytes));
  hub.on('speech-started', (event) => sequenced(event, speechStarted));
  hub.on('speech-stopped', (event) => sequenced(event, awaitReply));
  hub.on('response-interrupted', (event) => sequenced(event, responseInterrupted));
  hub.on('response-resumed', (event) => sequenced(event, resumed));
  hub.on('ai-response-delta', (event) => sequenced(event, replyDelta));
  hub.on('transcription', (event) => sequenced(event, transcription));
  hub.on('ai-response', (event) => sequenced(event, reply));
  hub.on('avatar-response', (event) => sequenced(event, avatar));
  hub.on('error', (event) => sequenced(event, hubError));
  hub.on('session-ended', sessionEnded);
  hub.on('notice', (notice) => {
    page.notices.push(notice);
    $('notice').textContent = notice.message;
    $('notice').hidden = false;
  });
  hub.onreconnecting(() => {
    uplink?.pause();
    setState('reconnecting');
    showConnection('Reconnecting…', false);
  });
  hub.onreconnected(() => attempt(resume));
  hub.onclose(() => {
    uplink?.pause();
    if (hub === connection && page.sessionId && !endedReason) {
      setState('disconnected');
      showConnection('Disconnected', false);
      showError('error', 'The connection to the server was lost. Press Reconnect to continue this session.');
      $('reconnect').hidden = false;
    }
  });
}

// The opening line's events can overtake start-session's result; they wait for the session id.
const early = [];

function sequenced(event, handle) {
  if (!page.sessionId) {
    early.push([event, handle]);
    return;
  }
  if (event.sessionId && event.sessionId !== page.sessionId) return;
  if (event.seq > page.lastSeq) page.lastSeq = event.seq;
  handle(event);
}

// After a new connection (automatic reconnect, or the Reconnect button): resume the session with the last event
// seen — the server replays what this page missed — and resend the audio it has not acknowledged.
async function resume() {
  if (!page.sessionId) return;
  let resumed;
  try {
    const request = { sessionId: page.sessionId, lastSeq: page.lastSeq, audioAck: uplink.audioAck, audioAckEvery: uplink.audioAckEvery };
    resumed = await resumeSession(connection, request, () => showConnection('Moving your session to another server…', false));
  } catch (error) {
    // Gone for good (ended, or kept past Sessions:ReconnectGrace): say so, and let the user start again.
    endSession();
    throw new Error(describeConnectionError(error));
  }
  page.reconnects++;
  $('reconnect').hidden = true;
  clearError('error');
  // A node that acknowledged audio no longer has it: the session's node was lost and this one restored it.
  if (resumed.receivedBytes < uplink.acked) return moved(resumed);
  uplink.attach(resumed.sessionId, resumed.receivedBytes);
  page.resentBytes = uplink.resent;
  if (recording) setState('listening');
  else if (personaTurn) setState(player.busy ? 'speaking' : 'thinking');
  else yourTurn();
}

// The session was restored on another node (docs/hub-contract.md, "Resuming a session"): the audio starts again at
// offset 0 (an Opus capture with a new recording, for its header), the replies the lost node completed are read from
// the history, and an utterance it took with it unanswered is said again.
async function moved(resumed) {
  page.moves++;
  const dropped = uplink.restart(resumed.sessionId);
  page.resentBytes = 0;
  if (opusRecording) startOpusRecording();
  $('turns').textContent = `Turn ${resumed.turnCount} / ${resumed.maxTurns}`;
  const waiting = personaTurn && !player.busy;
  await fillFromHistory();
  const unanswered = waiting && latestReply() <= repliedAtCommit;
  // Hands-free streams all the time: only speech the server had started to hear was cut off.
  const cutOff = page.serverVad ? serverHearsSpeech : recording || dropped;
  if (waiting) personaTurn = false;
  serverHearsSpeech = false;
  if (cutOff || unanswered) showError('error', sayItAgain);
  if (recording) setState('listening');
  else yourTurn();
}

// Shows the turns the history has and the page missed (as text: their audio is not replayed).
async function fillFromHistory() {
  let turns;
  try {
    turns = await recordedTurns(page.sessionId);
  } catch (error) {
    console.warn('The session history could not be read:', error);
    return;
  }
  const missed = turns.filter((t) => t.turn > 0 && t.aiText && !page.turns[t.turn]?.reply);
  for (const { turn, userText, aiText } of missed) {
    Object.assign(turnOf(turn), { transcript: userText, final: true, reply: aiText });
    renderLine('user', turn, userText || '(nothing heard)', false, 'You');
    renderLine('persona', turn, aiText, false, $('persona-name').textContent);
  }
}

$('reconnect').addEventListener('click', () => attempt(async () => {
  setState('connecting');
  await connection.start();
  await resume();
}));

// ---- events -------------------------------------------------------------------------------------------------------

function transcription(event) {
  const turn = turnOf(event.turn);
  turn.transcript = event.text;
  turn.final = event.isFinal;
  renderLine('user', event.turn, event.text || (event.isFinal ? '(nothing heard)' : '…'), !event.isFinal, 'You');
  if (event.isFinal) {
    uplink.replyStarted();
    // A realtime model transcribes beside its reply, so the final transcript can come after the reply has begun or
    // even played: the persona is then no longer thinking.
    if (event.text && !turn.reply && !player.busy) {
      personaTurn = true;
      setState('thinking');
    }
  }
}

// Server VAD (hands-free): the server says when the trainee starts and stops, and when they cut the persona off.
function speechStarted() {
  serverHearsSpeech = true;
  clearError('error');
  if (!player.busy) setState('listening');
}

// The trainee's utterance is over (speech-stopped, or the commit): the persona has the floor until it answers.
function awaitReply() {
  serverHearsSpeech = false;
  commitAt = performance.now();
  repliedAtCommit = latestReply();
  personaTurn = true;
  setState('thinking');
}

function responseInterrupted(event) {
  page.interruptions.push({ turn: event.turn, heardText: event.heardText, playedMs: event.playedMs });
  player.interrupt(); // stop talking now: the trainee has the floor
  turnOf(event.turn).interrupted = event.heardText;
  renderLine('persona', event.turn, `${event.heardText}—`, false, $('persona-name').textContent);
  setState('listening');
}

function resumed(event) {
  const turn = turnOf(event.turn);
  delete turn.interrupted; // a false interruption: the persona goes on, and its whole reply stands
  if (turn.reply) renderLine('persona', event.turn, turn.reply, false, $('persona-name').textContent);
  player.resume(event.turn);
}

function replyDelta(event) {
  if (turnOf(event.turn).interrupted !== undefined) return;
  const turn = turnOf(event.turn);
  if (event.index === 0) turn.reply = '';
  turn.reply += event.text;
  renderLine('persona', event.turn, turn.reply, true, $('persona-name').textContent);
}

// The player's position in the reply, for the server to cut a barge-in at the word the trainee heard.
let progressTimer = 0;
function reportPlayback(segment) {
  clearInterval(progressTimer);
  if (!page.serverVad) return;
  const send = () => {
    if (player.playing !== segment || !connection || !page.sessionId) return clearInterval(progressTimer);
    connection.send('playback-progress', { sessionId: page.sessionId, turn: segment.turn, segment: segment.segment, playedMs: Math.round(player.audio.currentTime * 1000) })
      .catch(() => {}); // a lost report only makes the server estimate by the clock
  };
  send();
  progressTimer = setInterval(send, 250);
}

function listenContinuously() {
  recording = true;
  if (page.capture === 'webm-opus') startOpusRecording();
  else microphone.record(true);
}

/** A MediaRecorder stream of its own, with its header; the chunks of one it replaced are dropped. */
function startOpusRecording() {
  const started = microphone.startOpus((bytes) => {
    if (opusRecording === started) uplink.push(bytes);
  });
  opusRecording = started;
}

function reply(event) {
  const turn = turnOf(event.turn);
  turn.reply = event.text;
  // A reply the trainee cut off shows what they heard of it.
  renderLine('persona', event.turn, turn.interrupted !== undefined ? `${turn.interrupted}—` : event.text, false, $('persona-name').textContent);
  $('turns').textContent = `Turn ${event.turnCount} / ${event.maxTurns}`;
  // No speech follows (a realtime model's opening line): the persona is done once its words are shown.
  if (event.textOnly && !player.busy) personaDone();
}

function avatar(event) {
  const turn = turnOf(event.turn);
  if (event.segment === 0 && event.turn > 0) {
    turn.timings = event.timings;
    turn.heardAfterMs = commitAt ? Math.round(performance.now() - commitAt) : null;
    renderLatency(event.turn, turn.timings, turn.heardAfterMs);
  }
  player.enqueue(event);
}

function hubError(event) {
  // While a resume waits for a lost node's lease to lapse, each refusal is expected; resumeSession shows the wait.
  if (event.code === movingCode) return;
  page.errors.push(event);
  if (resendCodes.has(event.code)) {
    setTimeout(() => uplink?.resend(), 300);
    return;
  }
  if (event.code === 'kicked') {
    connection?.stop(); // the server closes it; reconnecting would only be refused again
  }
  if (event.code === 'events-missed') {
    fillFromHistory(); // what the page missed is read back; the notice says so quietly
    showWarning(describeHubError(event));
    return;
  }
  if (event.code === 'no-speech' || event.code === 'stt-failed') {
    uplink?.replyStarted();
    if (!player.busy) yourTurn();
  }
  if (['ai-failed', 'tts-failed', 'storage-failed'].includes(event.code)) {
    $('retry').hidden = !event.retryable;
    if (!player.busy) personaTurn = false;
  }
  showError('error', describeHubError(event));
}

function sessionEnded(event) {
  if (event.sessionId !== page.sessionId) return;
  endedReason = event.reason;
  renderReport($('report'), event.report);
  // The last reply is spoken before the page closes the session (the player calls finishSession when idle).
  if (!player.busy) finishSession();
}

function finishSession() {
  const why = { client: 'you ended it', 'max-turns': 'all turns were used', 'idle-timeout': 'nothing happened for a long time',
    disconnected: 'the connection was gone too long', shutdown: 'the server is restarting', error: 'of an error' }[endedReason] ?? endedReason;
  endSession();
  setState('ended');
  $('state').textContent = `Session ended: ${why}`;
}

$('print-report').addEventListener('click', () => window.print());

$('retry').addEventListener('click', () => attempt(async () => {
  $('retry').hidden = true;
  clearError('error');
  personaTurn = true;
  setState('thinking');
  await connection.invoke('retry-turn', { sessionId: page.sessionId });
}));

$('enable-audio').addEventListener('click', () => {
  $('enable-audio').hidden = true;
  player.unblock();
});

// ---- turn taking --------------------------------------------------------------------------------------------------

function personaDone() {
  if (endedReason) return;
  personaTurn = false;
  yourTurn();
}

function yourTurn() {
  if (page.serverVad && page.sessionId && !endedReason) return setState('listening');
  if (!page.sessionId || endedReason || recording) return;
  vad.reset(); // hands-free waits for a quiet moment before it listens
  setState(mode() === 'hands-free' ? 'listening' : 'your-turn');
}

async function beginUtterance() {
  if (!page.sessionId || endedReason || recording || !uplink) return;
  if (player.busy) player.interrupt(); // talking over the persona stops it
  personaTurn = false;
  recording = true;
  clearError('error');
  $('talk').setAttribute('aria-pressed', 'true');
  setState('listening');
  if (page.capture === 'webm-opus') startOpusRecording();
  else microphone.record(true);
}

async function endUtterance() {
  if (!recording) return;
  recording = false;
  $('talk').setAttribute('aria-pressed', 'false');
  if (opusRecording) {
    const finished = opusRecording;
    await finished.stop();
    opusRecording = null;
  } else {
    microphone.record(false);
    await microphone.flush();
  }
  uplink.commit();
  awaitReply();
}

// Level readings from the worklet (~20 a second): the meter, the voice indicator, and hands-free turn taking.
function heard({ rms, peak, ms }) {
  if (!microphone) return; // a reading still in flight when the microphone closed
  page.level = rms;
  $('level').value = Math.min(1, Math.sqrt(peak));
  const change = vad.feed(rms, ms);
  page.voiceActive = vad.speaking;
  page.voiceArmed = vad.armed;
  $('voice').textContent = vad.speaking ? '●' : '○';
  $('voice').dataset.active = String(vad.speaking);
  if (mode() !== 'hands-free' || !page.sessionId || page.serverVad) return; // server VAD: the server decides
  if (change === 'start' && !personaTurn && !recording) beginUtterance();
  else if (change === 'end' && recording) endUtterance();
}

const talk = $('talk');
talk.addEventListener('pointerdown', (event) => {
  talk.setPointerCapture(event.pointerId);
  beginUtterance();
});
for (const type of ['pointerup', 'pointercancel', 'lostpointercapture']) talk.addEventListener(type, () => endUtterance());
talk.addEventListener('keydown', (event) => { if (event.key === 'Enter') event.preventDefault(); });

// Space is push-to-talk anywhere on the page except in fields where it types a space.
const typing = (target) => target.matches?.('input:not([type=radio]):not([type=checkbox]), textarea, select');
document.addEventListener('keydown', (event) => {
  if (event.code !== 'Space' || typing(event.target) || mode() !== 'push-to-talk' || !page.sessionId || endedReason) return;
  event.preventDefault();
  if (!event.repeat) beginUtterance();
});
document.addEventListener('keyup', (event) => {
  if (event.code !== 'Space' || !recording || mode() !== 'push-to-talk') return;
  event.preventDefault();
  endUtterance();
});
window.addEventListener('blur', () => { if (mode() === 'push-to-talk') endUtterance(); });

// ---- rendering ----------------------------------------------------------------------------------------------------

function setState(state) {
  page.state = state;
  const element = $('state');
  element.dataset.state = state;
  element.textContent = state === 'your-turn' && mode() === 'hands-free' ? stateLabels.listening : stateLabels[state];
  document.body.dataset.state = state;
}

function showTransport(name) {
  page.transport = name;
  const transport = { WebSockets: 'WebSockets', ServerSentEvents: 'Server-Sent Events', LongPolling: 'long polling' }[name] ?? name;
  showConnection(`Connected over ${transport} (${page.protocol === 'messagepack' ? 'MessagePack' : 'JSON'})`, true);
}

function showWarning(text) {
  $('session-warnings').textContent = text;
  $('session-warnings').hidden = false;
}

function showConnection(text, connected) {
  $('connection').textContent = text;
  $('connection').dataset.connected = String(connected);
}

/** The voice indicator and level meter at rest: nothing is listening. */
function showMicrophoneClosed() {
  vad.reset();
  page.voiceActive = false;
  page.voiceArmed = false;
  $('voice').textContent = '○';
  $('voice').dataset.active = 'false';
  $('level').value = 0;
  $('mic-name').textContent = 'Microphone closed';
}

function turnOf(turn) {
  return (page.turns[turn] ??= { transcript: '', final: false, reply: '', timings: null, heardAfterMs: null });
}

async function attempt(action, alert = 'error') {
  try {
    await action();
  } catch (error) {
    console.error(error);
    showError(alert, error);
  }
}

function resetConversation() {
  clearError('error');
  $('session-warnings').hidden = true;
  early.length = 0;
  endedReason = null;
  Object.assign(page, { sessionId: null, lastSeq: 0, turns: {}, played: [], errors: [] });
  clearConversation();
  renderReport($('report'), null);
  for (const id of ['retry', 'reconnect', 'enable-audio']) $(id).hidden = true;
}

function endSession() {
  clearInterval(progressTimer);
  recording = false;
  opusRecording?.stop();
  opusRecording = null;
  microphone?.close();
  microphone = null;
  closeConnection();
  showConnection('Not connected', false);
  showMicrophoneClosed();
  if (page.state !== 'ended') setState('idle');
  $('start').disabled = !drill.variant.available;
  $('end').disabled = true;
  $('talk').disabled = true;
}

// ---- start --------------------------------------------------------------------------------------------------------

wireSignIn({ signedIn, signedOut });
