// The hub connection, built as docs/hub-contract.md shows: a token factory, automatic reconnects, and stateful
// reconnect (WebSockets), plus a transport and protocol choice for testing and for networks that block WebSockets:
//   ?transport=websockets | sse | longpolling   (absent: SignalR negotiates, falling back in that order)
//   ?protocol=messagepack | json                (absent: MessagePack, so audio travels as bytes, not base64)
// JSON is the fallback: over Server-Sent Events (a text-only transport) and when the MessagePack library is missing.

const transports = {
  websockets: signalR.HttpTransportType.WebSockets,
  sse: signalR.HttpTransportType.ServerSentEvents,
  serversentevents: signalR.HttpTransportType.ServerSentEvents,
  longpolling: signalR.HttpTransportType.LongPolling,
};

export function requestedTransport(search = location.search) {
  const name = new URLSearchParams(search).get('transport')?.toLowerCase();
  return name && transports[name] !== undefined ? name : null;
}

/** 'messagepack' or 'json': what the page will speak to the hub. */
export function chosenProtocol(transport, search = location.search) {
  const asked = new URLSearchParams(search).get('protocol')?.toLowerCase();
  const available = typeof signalR.protocols?.msgpack?.MessagePackHubProtocol === 'function';
  if (asked === 'json' || !available || transport === 'sse' || transport === 'serversentevents') return 'json';
  return 'messagepack';
}

/**
 * @param {{ token: () => string, transport: string | null, protocol: string, onTransport: (name: string) => void }} options
 */
export function buildConnection({ token, transport, protocol, onTransport }) {
  const options = { accessTokenFactory: token };
  if (transport) options.transport = transports[transport];
  // Negotiation skips Server-Sent Events by itself when the protocol is binary; long polling carries binary.
  const builder = new signalR.HubConnectionBuilder().withUrl('/hubs/roleplay', options);
  if (protocol === 'messagepack') builder.withHubProtocol(new signalR.protocols.msgpack.MessagePackHubProtocol());
  return builder
    .withAutomaticReconnect()
    .withStatefulReconnect()
    .configureLogging(new TransportLogger(onTransport))
    .build();
}

// The client names the transport it picked only in its log ("Selecting transport 'WebSockets'."), so the page reads
// it there; warnings and errors still go to the console.
class TransportLogger {
  constructor(onTransport) {
    this.onTransport = onTransport;
  }

  log(level, message) {
    const selected = /Selecting transport '(\w+)'/.exec(message);
    if (selected) this.onTransport(selected[1]);
    if (level >= signalR.LogLevel.Error) console.error(`[signalr] ${message}`);
    else if (level === signalR.LogLevel.Warning) console.warn(`[signalr] ${message}`);
  }
}

// Refused while the session's node lives; retried until its lease lapses (ScaleOut:LeaseTtl, 10 s by default).
export const movingCode = 'session-on-another-node';
const moveRetryMs = 1000;
const moveTimeoutMs = 60_000;

/**
 * Resumes a session on this connection: start-session with its sessionId and lastSeq. With several nodes, a resume
 * that reaches a node other than the session's is refused with session-on-another-node while that node lives; when it
 * was lost, its lease lapses and a later resume restores the session here (docs/hub-contract.md, "Resuming a
 * session"). So that refusal is retried every second, for up to a minute, while the connection stays up; every other
 * refusal is final.
 * @param {() => void} onWaiting  called before each retry
 */
export async function resumeSession(connection, request, onWaiting) {
  const giveUpAt = performance.now() + moveTimeoutMs;
  for (;;) {
    try {
      return await connection.invoke('start-session', request);
    } catch (error) {
      const moving = String(error?.message ?? '').includes(`${movingCode}:`);
      if (!moving || performance.now() > giveUpAt || connection.state !== signalR.HubConnectionState.Connected) throw error;
      onWaiting();
      await new Promise((resolve) => setTimeout(resolve, moveRetryMs));
    }
  }
}
