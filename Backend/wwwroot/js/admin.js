// The session history page (admins): sessions with filters and keyset paging from GET /api/admin/history/sessions,
// and one session's turns from GET /api/admin/history/sessions/{id} — transcripts, replies, the user's and the
// avatar's audio (signed URLs that need no token), latency per stage and errors, and its coaching report.
// docs/history.md describes the API.
import { apiFetch } from './auth.js';
import { $, clearError, showError } from './dom.js';
import { renderReport } from './report-card.js';
import { drawScores } from './score-chart.js';
import { drawSessionsPerDay, drawStageLatency } from './stats-chart.js';
import { wireSignIn } from './sign-in.js';

const api = '/api/admin/history/sessions';
// A sign-in without the admin role meets the history at its first page: say what this page is and what it needs.
const forbidden = 'The session history is for admins, and this sign-in has no admin role. Sign out and sign in with the admin role.';

// What the page shows, readable from the console and by the browser tests as window.admin.
const view = { sessions: [], detail: null, cursors: [], nextCursor: null };
window.admin = view;

async function signedIn() {
  await search();
  const scenarios = await apiFetch('/api/scenarios');
  $('f-scenario').replaceChildren(new Option('any', ''), ...scenarios.map((s) => new Option(s.id, s.id)));
  $('sessions').hidden = false;
}

function signedOut() {
  $('sessions').hidden = true;
  $('detail').hidden = true;
}

// ---- the list -----------------------------------------------------------------------------------------------------

$('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  run(() => search());
});
$('next-page').addEventListener('click', () => run(() => search(view.nextCursor, [...view.cursors, view.cursor])));
$('previous-page').addEventListener('click', () => run(() => search(view.cursors.at(-1), view.cursors.slice(0, -1))));
$('first-page').addEventListener('click', () => run(() => search()));

/** Loads one page; `cursors` are the cursors of the pages before it, for going back. */
async function search(cursor = null, cursors = []) {
  const query = new URLSearchParams();
  for (const [name, value] of new FormData($('filters'))) {
    if (value !== '') query.set(name, value);
  }
  if (cursor) query.set('cursor', cursor);
  $('list-status').textContent = 'Loading…';
  const page = await apiFetch(`${api}?${query}`, { forbidden });
  Object.assign(view, { sessions: page.items, nextCursor: page.nextCursor, cursor, cursors });
  renderList();
  if (!cursor) await showCharts(query);
}

/** The charts over the filtered sessions, from the filters the scores and statistics APIs know (both take the same
 * four): coaching scores over time, sessions per day and latency per stage. A chart whose data is refused (a range
 * longer than the API allows) is hidden; the list stands without it. */
async function showCharts(query) {
  const filters = new URLSearchParams();
  for (const name of ['userId', 'scenarioId', 'from', 'to']) if (query.has(name)) filters.set(name, query.get(name));
  const chart = async (path, draw, figures) => {
    try {
      draw(await apiFetch(`/api/admin/history/${path}?${filters}`, { forbidden }));
    } catch {
      for (const figure of figures) $(figure).hidden = true;
    }
  };
  await Promise.all([
    chart('scores', (scores) => {
      view.scores = scores;
      drawScores($('scores'), scores);
    }, ['scores']),
    chart('stats', (stats) => {
      view.stats = stats;
      drawSessionsPerDay($('sessions-per-day'), stats);
      drawStageLatency($('stage-latency'), stats);
    }, ['sessions-per-day', 'stage-latency']),
  ]);
}

function renderList() {
  $('session-rows').replaceChildren(...view.sessions.map((session) => {
    const row = document.createElement('tr');
    row.dataset.sessionId = session.sessionId;
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'link';
    open.textContent = formatTime(session.startedAt);
    open.setAttribute('aria-label', `Open the session of ${session.userId} started ${formatTime(session.startedAt)}`);
    open.addEventListener('click', () => run(() => showSession(session.id)));
    row.append(
      cell(open),
      cell(session.userId),
      cell(`${session.scenarioId} (${session.persona})`),
      cell(session.language),
      cell(session.status === 'ended' ? `ended: ${session.endReason ?? '?'}` : session.status),
      cell(String(session.totalTurns)),
      cell(formatDuration(session.durationMs)),
    );
    return row;
  }));
  const pageNumber = view.cursors.length + 1; // one cursor kept per page before this one
  $('list-status').textContent = view.sessions.length === 0
    ? 'No sessions match these filters.'
    : `Page ${pageNumber}: ${view.sessions.length} session${view.sessions.length === 1 ? '' : 's'}${view.nextCursor ? ', more on the next page' : ''}.`;
  $('next-page').disabled = !view.nextCursor;
  $('previous-page').disabled = !view.cursor;
  $('first-page').disabled = !view.cursor;
}

// ---- one session --------------------------------------------------------------------------------------------------

async function showSession(id) {
  const detail = await apiFetch(`${api}/${encodeURIComponent(id)}`);
  view.detail = detail;
  const { session, turns } = detail;
  $('detail-title').textContent = `Session of ${session.userId}: ${session.scenarioId} (${session.persona})`;
  $('detail-meta').replaceChildren(...[
    ['Session id', session.sessionId],
    ['Started', formatTime(session.startedAt)],
    ['Ended', session.endedAt ? `${formatTime(session.endedAt)} (${session.endReason})` : 'still active'],
    ['Duration', formatDuration(session.durationMs)],
    ['Language', session.language],
    ['Audio', [session.audioFormat, session.sampleRate && `${session.sampleRate} Hz`, session.channels && `${session.channels} ch`].filter(Boolean).join(', ')],
    ['Turns', `${session.totalTurns} replied, ${session.recordedTurns} recorded`],
  ].flatMap(([term, value]) => [element('dt', term), element('dd', value ?? '–')]));
  renderReport($('detail-report'), detail.report ?? null); // the coaching report, once the session has ended with one
  $('detail-turns').replaceChildren(...turns.map((turn) => renderTurn(turn, session.persona)));
  $('detail').hidden = false;
  $('detail-title').focus();
}

function renderTurn(turn, persona) {
  const card = element('article', null, 'turn-card');
  card.dataset.turn = turn.turn;
  card.append(element('h4', turn.turn === 0 ? 'Opening line' : `Turn ${turn.turn}`));
  if (turn.turn > 0) {
    const said = element('p', null, 'user-text');
    said.append(element('strong', 'Trainee: '), document.createTextNode(turn.userText || '(nothing recognised)'));
    card.append(said);
    if (turn.userAudioUrl) {
      const line = element('div', null, 'segment user-audio');
      line.append(element('span', 'Recording: '), player(turn.userAudioUrl, `The trainee's recording, turn ${turn.turn}`));
      card.append(line);
    }
  }
  if (turn.aiText) {
    const replied = element('p', null, 'ai-text');
    replied.append(element('strong', `${persona}: `), document.createTextNode(turn.aiText));
    card.append(replied);
  }
  for (const segment of turn.avatarSegments ?? []) {
    const label = `${persona}'s voice, turn ${turn.turn}, sentence ${segment.segment + 1}`;
    const line = element('div', null, 'segment avatar-audio');
    line.append(element('span', `Sentence ${segment.segment + 1} (${formatDuration(segment.duration)}): `), player(segment.audioUrl, label));
    card.append(line);
  }
  const t = turn.timings ?? {};
  const stages = element('p', null, 'stages');
  for (const [name, value] of [['queue', t.queueMs], ['recognition', t.sttMs], ['reply', t.aiMs], ['voice', t.ttsMs], ['storage', t.storeMs], ['total', t.totalMs]]) {
    stages.append(element('span', `${name} ${value == null ? '–' : `${value} ms`}`));
  }
  card.append(stages);
  if (turn.errors?.length) card.append(element('p', `Errors: ${turn.errors.join(', ')}`, 'error'));
  return card;
}

function player(url, label) {
  const audio = document.createElement('audio');
  audio.controls = true;
  audio.preload = 'metadata'; // the duration shows before playing; the signed URL serves ranges, so only the header is read
  audio.src = url;
  audio.setAttribute('aria-label', label);
  return audio;
}

// ---- helpers ------------------------------------------------------------------------------------------------------

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function cell(content) {
  const td = document.createElement('td');
  td.append(content);
  return td;
}

const formatTime = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function formatDuration(ms) {
  if (ms == null) return '–';
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

async function run(action) {
  try {
    clearError('admin-error');
    await action();
  } catch (error) {
    console.error(error);
    showError('admin-error', error);
  }
}

wireSignIn({ signedIn, signedOut });
