// Errors in plain words: what happened and what to do, for the hub's error codes (docs/hub-contract.md) and the
// browser's own failures. The server's message is kept for the details.

const hubErrors = {
  'no-speech': 'I did not hear anything. Speak a little louder or closer to the microphone, and try again.',
  'audio-clipping': 'Your microphone is too loud and the sound is distorted. Move back a little or turn the input volume down.',
  'stt-unavailable': 'Speech recognition is busy right now. Try again in a moment.',
  'stt-failed': 'Speech recognition failed for that turn. Try saying it again.',
  'ai-failed': 'The persona could not think of an answer. Press Retry to ask again; what you said is kept.',
  'ai-cut': 'The persona stopped in the middle of its answer; what it said is kept. Carry on from there.',
  'tts-failed': 'The persona answered but its voice failed. Press Retry to hear it.',
  'storage-failed': 'The reply\'s audio could not be stored. Press Retry to hear it.',
  'server-busy': 'The server is busy. Try again in a moment.',
  'session-limit': 'You already have as many open sessions as allowed. End one (or wait a minute) and start again.',
  'session-ended': 'This session has ended. Start a new one.',
  'session-not-found': 'The server no longer knows this session (it may have timed out). Start a new one.',
  'session-not-attached': 'This session is open in another tab or window.',
  'unknown-scenario': 'That drill is not in the catalog any more. Pick another one.',
  'unsupported-language': 'That drill cannot be spoken in this language on this server. Pick another language.',
  'unsupported-engine': 'This server does not offer that conversation engine.',
  'unsupported-audio-format': 'The server cannot take audio in this format. Choose PCM16 capture and start again.',
  'invalid-audio': 'Some of your audio could not be decoded, so the rest of that sentence was skipped. Say it again.',
  'chunk-too-large': 'An audio chunk was too large for the server.',
  'rate-limited': 'Audio is arriving too fast; the page is resending it.',
  'audio-backpressure': 'The server is still catching up with your audio; the page is resending it.',
  'audio-gap': 'Some audio went missing on the way; the page is resending it.',
  'session-on-another-node': 'This session is running on another server that could not be reached. Try again in a moment.',
  'kicked': 'An administrator ended your session and signed this page out for a few minutes.',
  'events-missed': 'Some of the conversation was missed while you were disconnected; it was read back from the session history.',
  'internal-error': 'Something went wrong on the server. Try again.',
};

// Refusals whose server message says what would work (which provider to configure, which formats are taken): the
// plain words alone would drop the one detail an operator needs.
const keepsServerHint = new Set(['unsupported-language', 'unsupported-engine', 'unsupported-audio-format']);

export function describeHubError(error) {
  const plain = hubErrors[error.code];
  if (plain && keepsServerHint.has(error.code) && error.message) return `${plain} The server says: ${error.message}`;
  return plain ?? error.message ?? 'Something went wrong.';
}

/** Codes the page handles by itself (it resends); they are shown quietly, not as an alert. */
export const resendCodes = new Set(['rate-limited', 'audio-backpressure', 'audio-gap']);

/** The session moved to another server and what the trainee was saying went with the old one. */
export const sayItAgain = 'The session moved to another server, and what you were saying was lost with the old one. Please say it again.';

export function describeMicrophoneError(error) {
  switch (error?.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Microphone access was blocked. Allow the microphone for this site (the icon in the address bar) and start again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found. Plug one in and start again.';
    case 'NotReadableError':
      return 'The microphone is in use by another application, or the system blocked it.';
    case 'NotSupportedError':
      return error.message;
    default:
      return `The microphone could not be opened: ${error?.message ?? error}`;
  }
}

export function describeConnectionError(error) {
  const text = String(error?.message ?? error ?? '');
  if (/401|Unauthorized/i.test(text)) return 'The server did not accept your sign-in (the token may have expired). Sign in again.';
  if (/Failed to fetch|NetworkError|ECONNREFUSED|Failed to complete negotiation/i.test(text)) {
    return 'Cannot reach the server. Check that it is running and the address is right.';
  }
  const hub = text.match(/HubException: ([a-z-]+): (.*)$/);
  if (hub) return describeHubError({ code: hub[1], message: hub[2] });
  return text || 'The connection failed.';
}

/** The hub's error code in a refused invocation ("…HubException: server-busy: …"), or null. */
export function refusalCode(error) {
  return String(error?.message ?? error ?? '').match(/HubException: ([a-z-]+): /)?.[1] ?? null;
}
