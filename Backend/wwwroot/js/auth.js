// Signing in: a development token from POST /dev/token (Development servers with Auth:DevTokens:Enabled), or a token
// from your identity provider pasted in. The token lives in sessionStorage (this tab only) and goes to the APIs as a
// bearer header and to the hub through the SignalR client's accessTokenFactory.

const storageKey = 'roleplayhub.token';

export function currentToken() {
  return sessionStorage.getItem(storageKey);
}

export function signOut() {
  sessionStorage.removeItem(storageKey);
}

/** The token's claims, decoded for display only (the server verifies it). */
export function describeToken(token = currentToken()) {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    const roles = [payload.role, payload.roles].flat().filter(Boolean);
    return { userId: payload.sub, roles, expiresAt: payload.exp ? new Date(payload.exp * 1000) : null };
  } catch {
    return null;
  }
}

export async function signInForDevelopment(userId, roles) {
  const response = await fetch('/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId, roles }),
  });
  if (response.status === 404) {
    throw new Error('Development sign-in is not enabled on this server. Paste a token from your identity provider instead.');
  }
  if (!response.ok) {
    throw new Error((await problemText(response)) ?? `Sign-in failed (HTTP ${response.status}).`);
  }
  const { accessToken } = await response.json();
  sessionStorage.setItem(storageKey, accessToken);
  return describeToken(accessToken);
}

export function useToken(token) {
  const trimmed = token.trim().replace(/^Bearer\s+/i, '');
  if (!describeToken(trimmed)) throw new Error('That does not look like a JWT (three base64url parts separated by dots).');
  sessionStorage.setItem(storageKey, trimmed);
  return describeToken(trimmed);
}

/**
 * fetch with the bearer token; a 401 or 403 becomes an error in plain words.
 * @param {RequestInit & { forbidden?: string }} options  fetch's options, and `forbidden`: the message for a 403 when
 *        the page can say better than the generic one what the missing role is for
 */
export async function apiFetch(url, { forbidden = 'You are signed in, but this needs the admin role.', ...options } = {}) {
  const response = await fetch(url, { ...options, headers: { ...options.headers, authorization: `Bearer ${currentToken()}` } });
  if (response.status === 401) throw Object.assign(new Error('The server did not accept your sign-in (the token may have expired). Sign in again.'), { status: 401 });
  if (response.status === 403) throw Object.assign(new Error(forbidden), { status: 403 });
  if (!response.ok) throw Object.assign(new Error((await problemText(response)) ?? `The server answered HTTP ${response.status}.`), { status: response.status });
  return response.json();
}

async function problemText(response) {
  try {
    const problem = await response.json();
    return [problem.title, problem.detail].filter(Boolean).join(': ') || null;
  } catch {
    return null;
  }
}
