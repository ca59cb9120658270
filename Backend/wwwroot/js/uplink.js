// The session's audio on its way to the server. Every chunk gets its byte offset in the session's audio stream and is
// kept until an audio-received acknowledgement covers it; a commit is kept until the server has surely seen it. After
// a reconnect (or a refusal that asks for a resend) the page sends again exactly what is still pending, from
// start-session's receivedBytes: duplicate chunks are acknowledged and ignored, a second commit with no new audio does
// nothing.
//
// The audio is bytes under the MessagePack protocol and base64 under JSON (docs/hub-contract.md).
//
// Invoked chunks are acknowledged by their invocation's result (audioAck: 'completion'): one message per chunk from the
// server instead of two; the stream's items by audio-received events. Either way acknowledge() takes totalBytes.
//
// Three ways to send, same bytes and offsets:
//   'invoke'  an audio-chunk invocation per chunk and commit-audio to end the utterance (every transport)
//   'stream'  one stream-audio client→server stream per connection, items { audioData, offset } and { commit: true }
//   'socket'  the session's audio socket beside the hub (/hubs/roleplay/audio): binary chunks (an 8-byte offset, then
//             the bytes), 'commit' in order with them, 8-byte acknowledgements back (one per four chunks); the
//             cheapest for the server, and the page's choice when its hub connection is a WebSocket. It is opened on
//             every attach (a new one replaces the old on the server) and, if it cannot be kept open, the page falls
//             back to 'invoke'.

const socketRetryMs = 500;
const socketAttempts = 3;
// An open socket has not yet shown that it works: a proxy can accept the upgrade and then drop the connection, or pass
// nothing through it. One proves itself by a message from the server, or by staying open this long (a socket idle
// between utterances has nothing to acknowledge); until then its closing counts towards the fallback.
const socketProvenMs = 5000;
// The audio socket's chunks are acknowledged four at a time (start-session's audioAckEvery; a second of the usual
// 250 ms chunks): each acknowledgement covers the chunks before it, so the page keeps up to three more chunks pending
// and the server sends a quarter of the messages (their cost: docs/benchmarks.md, "Warm servers at the same
// moments").
const socketAckEvery = 4;

export class AudioUplink {
  /**
   * @param audioSocketUrl (sessionId) => the audio socket's ws(s) URL with the token, for 'socket'
   * @param onSocketError  an error event the audio socket sent ({ code, message, retryable }), as the hub's 'error'
   * @param onSocketAck    an acknowledgement arrived on the audio socket
   * @param onModeChanged  the audio socket could not be kept open: the audio goes through the hub ('invoke') now
   */
  constructor(connection, mode, protocol, onError, { audioSocketUrl, onSocketError, onSocketAck, onModeChanged } = {}) {
    this.connection = connection;
    this.mode = ['stream', 'socket'].includes(mode) && (mode !== 'socket' || audioSocketUrl) ? mode : 'invoke';
    this.audioSocketUrl = audioSocketUrl;
    this.onSocketError = onSocketError;
    this.onSocketAck = onSocketAck;
    this.onModeChanged = onModeChanged;
    this.socket = null;
    this.socketFailures = 0;
    this.encode = protocol === 'messagepack' ? (bytes) => bytes : toBase64;
    this.onError = onError;
    this.sessionId = null;
    this.next = 0;       // offset of the next new byte
    this.acked = 0;      // the server holds every byte before this
    this.pending = [];   // in order: { chunk: { offset, bytes } } and { commit: true, at, done }
    this.cursor = 0;     // pending[cursor] is the next item to send
    this.sending = false;
    this.subject = null;
    this.attached = false; // false between a lost connection and the session's resume on the next one
    this.resent = 0;       // bytes sent again at the last attach
  }

  /** start-session's audioAck for this way of sending. */
  get audioAck() {
    // 'socket' asks for events: its own acknowledgements come on the socket, and a fallback to invoking gets events.
    return this.mode === 'invoke' ? 'completion' : 'event';
  }

  /** start-session's audioAckEvery for this way of sending: absent (every chunk) but on the socket. */
  get audioAckEvery() {
    return this.mode === 'socket' ? socketAckEvery : undefined;
  }

  /** A new session, or this session on a new connection: send again everything still pending. */
  attach(sessionId, receivedBytes) {
    this.sessionId = sessionId;
    this.attached = true;
    this.subject?.complete();
    this.subject = null;
    this.next = Math.max(this.next, receivedBytes);
    this.acknowledge(receivedBytes);
    this.resent = this.unacknowledgedBytes;
    if (this.mode === 'socket') this.openSocket(); // resends once open
    else this.resend();
  }

  /**
   * The session was restored on another node (its node was lost), which has none of its audio: a new stream from
   * offset 0. What was pending belonged to an utterance that went with the old node and is dropped (the trainee says
   * it again). Returns whether anything was dropped.
   */
  restart(sessionId) {
    const dropped = this.pending.some((item) => item.chunk || !item.done);
    Object.assign(this, { pending: [], cursor: 0, next: 0, acked: 0 });
    this.attach(sessionId, 0);
    return dropped;
  }

  /** The connection is gone: keep everything pending until attach() on the next one. */
  pause() {
    this.attached = false;
    this.closeSocket();
  }

  push(bytes) {
    if (!this.sessionId || bytes.length === 0) return;
    this.pending.push({ chunk: { offset: this.next, bytes } });
    this.next += bytes.length;
    this.pump();
  }

  commit() {
    if (!this.sessionId) return;
    this.pending.push({ commit: true, at: this.next, done: false });
    this.pump();
  }

  /** audio-received: the server holds every byte before totalBytes. */
  acknowledge(totalBytes) {
    this.acked = Math.max(this.acked, totalBytes);
    // Items are processed in order, so audio after a commit being acknowledged means the commit was seen too.
    for (const item of this.pending) {
      if (item.commit && this.acked > item.at) item.done = true;
    }
    this.trim();
  }

  /** The turn's final transcription (or no-speech) arrived: every commit so far has been seen. */
  replyStarted() {
    for (const item of this.pending) if (item.commit) item.done = true;
    this.trim();
  }

  /** Sends every pending item again (after a reconnect, audio-gap or audio-backpressure). */
  resend() {
    this.cursor = 0;
    this.pump();
  }

  get unacknowledgedBytes() {
    return this.pending.reduce((sum, item) => sum + (item.chunk?.bytes.length ?? 0), 0);
  }

  detach() {
    this.closeSocket();
    this.subject?.complete();
    Object.assign(this, { subject: null, sessionId: null, attached: false, pending: [], cursor: 0, next: 0, acked: 0 });
  }

  trim() {
    while (this.pending.length > 0) {
      const first = this.pending[0];
      const settled = first.chunk ? first.chunk.offset + first.chunk.bytes.length <= this.acked : first.done;
      if (!settled) break;
      this.pending.shift();
      this.cursor = Math.max(0, this.cursor - 1);
    }
  }

  async pump() {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.cursor < this.pending.length && this.attached && this.canSend()) {
        const item = this.pending[this.cursor++];
        await this.send(item);
      }
    } finally {
      this.sending = false;
    }
  }

  canSend() {
    return this.mode === 'socket'
      ? this.socket?.readyState === WebSocket.OPEN
      : this.connection.state === signalR.HubConnectionState.Connected;
  }

  async send(item) {
    const sessionId = this.sessionId;
    try {
      if (this.mode === 'socket') {
        this.socket.send(item.commit ? 'commit' : socketChunk(item.chunk));
      } else if (this.mode === 'stream') {
        if (!this.subject) {
          this.subject = new signalR.Subject();
          this.connection.send('stream-audio', sessionId, this.subject).catch(() => {});
        }
        this.subject.next(item.commit ? { commit: true } : { audioData: this.encode(item.chunk.bytes), offset: item.chunk.offset });
      } else if (item.commit) {
        await this.connection.invoke('commit-audio', { sessionId });
        item.done = true;
        this.trim();
      } else {
        const ack = await this.connection.invoke('audio-chunk', { sessionId, audioData: this.encode(item.chunk.bytes), offset: item.chunk.offset });
        if (ack && sessionId === this.sessionId) this.acknowledge(ack.totalBytes); // null from a server that sends events
      }
    } catch (error) {
      // Refusals also arrive as error events, which the page explains (and which may ask for a resend); a dropped
      // connection leaves the item pending and attach() sends it again after the reconnect.
      if (this.connection.state === signalR.HubConnectionState.Connected) this.onError?.(error);
    }
  }

  openSocket() {
    this.closeSocket();
    const sessionId = this.sessionId;
    const socket = new WebSocket(this.audioSocketUrl(sessionId));
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    let worked = false;
    let provenTimer = null;
    const proven = () => {
      clearTimeout(provenTimer);
      worked = true;
      this.socketFailures = 0;
    };
    socket.onopen = () => {
      provenTimer = setTimeout(proven, socketProvenMs);
      this.resend();
    };
    socket.onmessage = (message) => {
      if (sessionId !== this.sessionId) return;
      proven();
      if (typeof message.data !== 'string') {
        this.onSocketAck?.();
        this.acknowledge(Number(new DataView(message.data).getBigInt64(0, true)));
        return;
      }
      const { type, data } = JSON.parse(message.data);
      if (type === 'audio-received') this.acknowledge(data.totalBytes);
      else if (type === 'error') this.onSocketError?.(data);
    };
    socket.onclose = (closed) => {
      clearTimeout(provenTimer);
      if (this.socket !== socket) return; // replaced by this page, or closed by it
      this.socket = null;
      // Closed by the server for a reason the hub also reports (the session ended, its connection is gone and the page
      // will resume it, which opens a new socket), or by this page.
      if (!this.attached || sessionId !== this.sessionId || ['session-ended', 'replaced', 'session-not-attached'].includes(closed.reason)) return;
      if (!worked && ++this.socketFailures >= socketAttempts) {
        console.warn(`The audio socket closed ${this.socketFailures} times in a row before it carried anything`
          + ` (${closed.code} ${closed.reason}); sending audio through the hub instead.`);
        this.mode = 'invoke'; // the session acknowledges invoked chunks with events (audioAck: 'event')
        this.onModeChanged?.(this.mode);
        this.resend();
        return;
      }
      setTimeout(() => { if (this.attached && !this.socket && sessionId === this.sessionId) this.openSocket(); }, socketRetryMs);
    };
  }

  closeSocket() {
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'done');
  }
}

/** A binary chunk for the audio socket: the offset as a little-endian int64, then the bytes. */
function socketChunk({ offset, bytes }) {
  const message = new Uint8Array(8 + bytes.length);
  new DataView(message.buffer).setBigInt64(0, BigInt(offset), true);
  message.set(bytes, 8);
  return message;
}

export function toBase64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
