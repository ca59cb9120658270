// Runs the web client's uplink (Backend/wwwroot/js/uplink.js) outside a browser, with WebSocket, the SignalR client's
// globals and the clock replaced, and checks when the page gives up the session's audio socket for invoking through
// the hub: after three tries in a row that never carried anything, whether they failed to open or opened and were
// dropped (a proxy that passes the upgrade and nothing after it); never for a socket that carried a message or stayed
// open 5 s; never for a close the hub also reports. Prints a JSON summary; exits non-zero on failure.
//
//   node uplink.mjs
import assert from 'node:assert/strict';

// A clock the test moves: uplink.js's retries and its 5 s proof are timers.
const clock = { now: 0, timers: new Map(), next: 1 };
globalThis.setTimeout = (callback, ms) => {
  const id = clock.next++;
  clock.timers.set(id, { at: clock.now + ms, callback });
  return id;
};
globalThis.clearTimeout = (id) => clock.timers.delete(id);
const settle = () => new Promise((resolve) => setImmediate(resolve));
async function advance(ms) {
  const until = clock.now + ms;
  for (;;) {
    const due = [...clock.timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
    if (!due) break;
    clock.timers.delete(due[0]);
    clock.now = due[1].at;
    due[1].callback();
    await settle();
  }
  clock.now = until;
  await settle();
}

class FakeWebSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSED = 3;
  static made = [];

  constructor(url) {
    this.url = url;
    this.readyState = FakeWebSocket.CONNECTING;
    this.sent = [];
    FakeWebSocket.made.push(this);
  }

  send(data) {
    this.sent.push(data);
  }

  close() {
    this.readyState = FakeWebSocket.CLOSED;
  }

  // What the network and the server do to it
  open() {
    this.readyState = FakeWebSocket.OPEN;
    this.onopen?.();
  }

  drop(code = 1006, reason = '') {
    this.readyState = FakeWebSocket.CLOSED;
    this.onclose?.({ code, reason });
  }

  acknowledge(totalBytes) {
    const data = new ArrayBuffer(8);
    new DataView(data).setBigInt64(0, BigInt(totalBytes), true);
    this.onmessage?.({ data });
  }
}

globalThis.WebSocket = FakeWebSocket;
globalThis.signalR = { HubConnectionState: { Connected: 'Connected' }, Subject: class {} };

const { AudioUplink } = await import(new URL('../../Backend/wwwroot/js/uplink.js', import.meta.url));

function uplinkOnSocket() {
  FakeWebSocket.made = [];
  const invoked = [];
  const connection = {
    state: 'Connected',
    invoke: async (method, request) => {
      invoked.push({ method, offset: request.offset });
      return method === 'audio-chunk' ? { totalBytes: request.offset + request.audioData.length } : null;
    },
  };
  const changes = [];
  const uplink = new AudioUplink(connection, 'socket', 'messagepack', (error) => { throw error; }, {
    audioSocketUrl: (sessionId) => `ws://test/hubs/roleplay/audio?sessionId=${sessionId}`,
    onModeChanged: (mode) => changes.push(mode),
  });
  return { uplink, invoked, changes, sockets: FakeWebSocket.made };
}

const lastSocket = (sockets) => sockets[sockets.length - 1];
const results = {};

// Sockets that never open (the upgrade refused): three tries, half a second apart, then the pending audio is invoked.
{
  const { uplink, invoked, changes, sockets } = uplinkOnSocket();
  uplink.attach('s1', 0);
  uplink.push(new Uint8Array(100));
  await settle();
  for (let attempt = 1; attempt <= 3; attempt++) {
    assert.equal(sockets.length, attempt, 'one socket per try');
    lastSocket(sockets).drop(1006);
    await advance(500);
  }
  assert.equal(uplink.mode, 'invoke');
  assert.deepEqual(changes, ['invoke']);
  assert.equal(sockets.length, 3, 'no fourth try');
  assert.deepEqual(invoked, [{ method: 'audio-chunk', offset: 0 }]);
  assert.equal(uplink.unacknowledgedBytes, 0, 'the invocation acknowledged the chunk');
  results.neverOpened = { tries: sockets.length, mode: uplink.mode };
}

// Sockets that open and are dropped before any message (a proxy that passes the upgrade and nothing after it): each
// gets the pending chunk, none carries it, and after three the page invokes.
{
  const { uplink, invoked, sockets } = uplinkOnSocket();
  uplink.attach('s1', 0);
  uplink.push(new Uint8Array(100));
  for (let attempt = 1; attempt <= 3; attempt++) {
    const socket = lastSocket(sockets);
    socket.open();
    await settle();
    assert.equal(socket.sent.length, 1, 'the pending chunk is sent on every socket that opens');
    await advance(300);
    socket.drop(1011, 'proxy');
    await advance(500);
  }
  assert.equal(uplink.mode, 'invoke');
  assert.equal(sockets.length, 3);
  assert.deepEqual(invoked, [{ method: 'audio-chunk', offset: 0 }]);
  results.openedAndDropped = { tries: sockets.length, mode: uplink.mode };
}

// A socket that carried an acknowledgement worked: its loss is not held against the next ones.
{
  const { uplink, sockets } = uplinkOnSocket();
  uplink.attach('s1', 0);
  for (let round = 0; round < 5; round++) {
    const socket = lastSocket(sockets);
    socket.open();
    uplink.push(new Uint8Array(100));
    await settle();
    socket.acknowledge((round + 1) * 100);
    socket.drop(1006);
    await advance(500);
  }
  assert.equal(uplink.mode, 'socket');
  assert.equal(sockets.length, 6, 'a new socket after each loss');
  results.acknowledgedThenLost = { sockets: sockets.length, mode: uplink.mode };
}

// So did one that stayed open 5 s with nothing to carry (the persona speaking, the trainee silent).
{
  const { uplink, sockets } = uplinkOnSocket();
  uplink.attach('s1', 0);
  for (let round = 0; round < 5; round++) {
    lastSocket(sockets).open();
    await advance(5000);
    lastSocket(sockets).drop(1006);
    await advance(500);
  }
  assert.equal(uplink.mode, 'socket');
  assert.equal(sockets.length, 6);
  results.openFiveSecondsThenLost = { sockets: sockets.length, mode: uplink.mode };
}

// The count is of tries in a row: two that carried nothing, one that worked, then three more that did not.
{
  const { uplink, sockets } = uplinkOnSocket();
  uplink.attach('s1', 0);
  const tryOnce = async (carries) => {
    const socket = lastSocket(sockets);
    socket.open();
    if (carries) socket.acknowledge(0);
    socket.drop(1006);
    await advance(500);
  };
  await tryOnce(false);
  await tryOnce(false);
  await tryOnce(true);
  await tryOnce(false);
  await tryOnce(false);
  assert.equal(uplink.mode, 'socket', 'two failures since the one that worked');
  await tryOnce(false);
  assert.equal(uplink.mode, 'invoke');
  assert.equal(sockets.length, 6);
  results.inARow = { sockets: sockets.length, mode: uplink.mode };
}

// Closed for a reason the hub also reports (here the session's end): no retry and no fallback.
{
  const { uplink, sockets } = uplinkOnSocket();
  uplink.attach('s1', 0);
  lastSocket(sockets).open();
  lastSocket(sockets).drop(1000, 'session-ended');
  await advance(2000);
  assert.equal(uplink.mode, 'socket');
  assert.equal(sockets.length, 1);
  results.sessionEnded = { sockets: sockets.length, mode: uplink.mode };
}

console.log(JSON.stringify(results));
