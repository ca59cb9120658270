// The hub connection, built as docs/hub-contract.md shows: a token factory, automatic reconnects, and stateful
// reconnect (WebSockets), plus a transport choice for testing and for networks that block WebSockets:
//   ?transport=websockets | sse | longpolling   (absent: SignalR negotiates, falling back in that order)

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

/**
 * @param {{ token: () => string, transport: string | null, onTransport: (name: string) => void }} options
 */
export function buildConnection({ token, transport, onTransport }) {
  const options = { accessTokenFactory: token };
  if (transport) options.transport = transports[transport];
  return new signalR.HubConnectionBuilder()
    .withUrl('/hubs/roleplay', options)
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
