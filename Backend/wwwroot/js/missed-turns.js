// Turns the page did not hear about — the events a lost node raised after the page's last seq, or events a resume
// could no longer replay (events-missed) — read from the session history, the trainee's own
// (GET /api/history/sessions), which holds every turn that completed.
import { apiFetch } from './auth.js';

/** The open session's recorded turns, in order: [{ turn, userText, aiText }]; [] when the history has no such session. */
export async function recordedTurns(sessionId) {
  const found = await apiFetch(`/api/history/sessions?sessionId=${encodeURIComponent(sessionId)}&status=active&limit=1`);
  const id = found.items[0]?.id;
  if (!id) return [];
  const detail = await apiFetch(`/api/history/sessions/${id}`);
  return detail.turns.map(({ turn, userText, aiText }) => ({ turn, userText, aiText }));
}
