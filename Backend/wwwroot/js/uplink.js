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
// Two ways to send, same bytes and offsets:
//   'invoke'  an audio-chunk invocation per chunk and commit-audio to end the utterance (the default; every transport)
//   'stream'  one stream-audio client→server stream per connection, items { audioData, offset } and { commit: true }

export class AudioUplink {
  constructor(connection, mode, protocol, onError) {
    this.connection = connection;
    this.mode = mode === 'stream' ? 'stream' : 'invoke';
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
    return this.mode === 'invoke' ? 'completion' : 'event';
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
    this.resend();
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
      while (this.cursor < this.pending.length && this.attached && this.connection.state === signalR.HubConnectionState.Connected) {
        const item = this.pending[this.cursor++];
        await this.send(item);
      }
    } finally {
      this.sending = false;
    }
  }

  async send(item) {
    const sessionId = this.sessionId;
    try {
      if (this.mode === 'stream') {
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
}

export function toBase64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
