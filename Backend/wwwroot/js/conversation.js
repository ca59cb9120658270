// The running conversation: one line per speaker and turn, updated in place (partial transcripts grey and italic, the
// final one solid; a replayed event after a resume rewrites its line rather than adding one), and each reply's
// latency under it.

const list = () => document.getElementById('transcript');

/** @param {'user' | 'persona'} role */
export function renderLine(role, turn, text, partial, speaker) {
  const id = `${role}-${turn}`;
  let item = document.getElementById(id);
  if (!item) {
    item = document.createElement('li');
    item.id = id;
    item.className = `line ${role}`;
    item.dataset.turn = turn;
    item.dataset.role = role;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = speaker;
    const words = document.createElement('span');
    words.className = 'words';
    item.append(who, words);
    list().append(item);
  }
  item.classList.toggle('partial', partial);
  item.dataset.final = String(!partial);
  item.querySelector('.words').textContent = text;
  // Scroll the conversation, not the page: the talk button must stay where the pointer is.
  list().scrollTop = list().scrollHeight;
}

/** The turn's stages from the first avatar-response's timings, and the wait measured in the page. */
export function renderLatency(turn, timings, heardAfterMs) {
  const item = document.getElementById(`persona-${turn}`);
  if (!item || !timings) return;
  const ms = (value) => (value == null ? '–' : `${value} ms`);
  const latency = document.createElement('p');
  latency.className = 'latency';
  latency.textContent = `recognition ${ms((timings.queueMs ?? 0) + (timings.sttMs ?? 0))} · reply ${ms(timings.aiMs)} · voice ${ms(timings.ttsMs)}`
    + ` · first audio ${ms(timings.totalMs)} after the end of your turn`
    + (heardAfterMs != null ? ` (${heardAfterMs} ms here)` : '');
  item.querySelector('.latency')?.remove();
  item.append(latency);
}

export function clearConversation() {
  list().replaceChildren();
}
