// The history's statistics (GET /api/admin/history/stats) as SVG bar charts: sessions per day, and the average
// latency of each pipeline stage.

import { H, PAD, W, svg } from './svg-chart.js';

/** Draws `bars` ([{ label, value, title }]) into `container` (a figure with an svg and a figcaption). */
function drawBars(container, bars, caption) {
  const chart = container.querySelector('svg');
  chart.replaceChildren();
  chart.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const top = Math.max(1, ...bars.map((b) => b.value));
  const width = (W - PAD - 8) / Math.max(1, bars.length);
  chart.append(svg('line', { x1: PAD, x2: W - 8, y1: H - PAD, y2: H - PAD, class: 'grid-line' }));
  chart.append(svg('text', { x: 2, y: PAD, class: 'axis' }, String(Math.round(top))));
  bars.forEach((bar, i) => {
    const height = (bar.value / top) * (H - 2 * PAD);
    const x = PAD + i * width;
    const rect = svg('rect', { x: x + width * 0.15, y: H - PAD - height, width: width * 0.7, height, class: 'bar' });
    rect.append(svg('title', {}, bar.title));
    chart.append(rect);
    if (bars.length <= 16 || i % Math.ceil(bars.length / 16) === 0) {
      chart.append(svg('text', { x: x + width / 2, y: H - PAD + 14, class: 'axis bar-label' }, bar.label));
    }
  });
  container.querySelector('figcaption').textContent = caption;
  container.hidden = false;
}

/** Sessions started per UTC day over the statistics' range. */
export function drawSessionsPerDay(container, stats) {
  const days = stats.sessionsPerDay;
  const bars = days.map((d) => ({ label: d.date.slice(5), value: d.sessions, title: `${d.date}: ${d.sessions} session${d.sessions === 1 ? '' : 's'}` }));
  drawBars(container, bars, `Sessions per day: ${stats.sessions} from ${stats.from.slice(0, 10)} to ${stats.to.slice(0, 10)}.`);
}

/** The average milliseconds of each pipeline stage over the user turns of the range. */
export function drawStageLatency(container, stats) {
  const stages = [['queue', 'queue'], ['stt', 'recognition'], ['ai', 'reply'], ['tts', 'voice'], ['store', 'storage'], ['total', 'whole turn']];
  const bars = stages
    .filter(([key]) => stats.averageLatencyMs[key] !== null)
    .map(([key, label]) => ({ label, value: stats.averageLatencyMs[key], title: `${label}: ${Math.round(stats.averageLatencyMs[key])} ms on average` }));
  drawBars(container, bars, bars.length === 0
    ? 'Latency per stage: no turns in this range.'
    : `Latency per stage, average over ${stats.turns} turn${stats.turns === 1 ? '' : 's'} (ms).`);
}
