// Coaching scores over time (GET …/history/scores) as an SVG line chart: one point per session, oldest on the left,
// 0–100 upwards, each point titled with its date, user, scenario and score.

import { H, PAD, W, svg } from './svg-chart.js';

/** Draws `series.points` into `container` (a figure with an svg and a figcaption). */
export function drawScores(container, series) {
  const points = series.points.filter((p) => p.overall !== null);
  const chart = container.querySelector('svg');
  chart.replaceChildren();
  chart.setAttribute('viewBox', `0 0 ${W} ${H}`);
  for (const score of [0, 50, 75, 100]) {
    const y = H - PAD - (score / 100) * (H - 2 * PAD);
    chart.append(svg('line', { x1: PAD, x2: W - 8, y1: y, y2: y, class: 'grid-line' }));
    const label = svg('text', { x: 2, y: y + 4, class: 'axis' });
    label.textContent = String(score);
    chart.append(label);
  }
  const x = (i) => PAD + (points.length === 1 ? (W - PAD - 8) / 2 : (i * (W - PAD - 8)) / (points.length - 1));
  const y = (score) => H - PAD - (score / 100) * (H - 2 * PAD);
  if (points.length > 1) {
    chart.append(svg('polyline', { points: points.map((p, i) => `${x(i)},${y(p.overall)}`).join(' '), class: 'score-line' }));
  }
  points.forEach((p, i) => {
    const dot = svg('circle', { cx: x(i), cy: y(p.overall), r: 4, class: 'score-dot' });
    const title = svg('title', {});
    title.textContent = `${new Date(p.startedAt).toLocaleString()} · ${p.userId} · ${p.scenarioId}: ${Math.round(p.overall)}/100`;
    dot.append(title);
    chart.append(dot);
  });
  const caption = container.querySelector('figcaption');
  caption.textContent = points.length === 0
    ? 'No scored sessions for these filters.'
    : `${points.length} scored session${points.length === 1 ? '' : 's'}, oldest on the left; latest ${Math.round(points.at(-1).overall)}/100`
      + (series.truncated ? ' (only the first 2,000: narrow the range).' : '.');
  container.hidden = false;
}
