// The end card: the coaching report from session-ended, as the trainee reads it — the overall score and its change,
// each criterion with its rating, the quote it rests on and a better line, and the figures behind it. Built with
// textContent only: transcripts and a model's comments are untrusted text. docs/coaching.md defines every field.

const zh = (report) => (report.language ?? '').toLowerCase().startsWith('zh');

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function signed(change) {
  if (change === null || change === undefined) return '';
  return change > 0 ? ` (+${change})` : change < 0 ? ` (${change})` : ' (±0)';
}

/** Renders `report` into the section `card` (hidden until then); clears it when there is no report. */
export function renderReport(card, report) {
  const body = card.querySelector('.report-body');
  body.replaceChildren();
  if (!report) {
    card.hidden = true;
    return;
  }
  const t = (en, cn) => (zh(report) ? cn : en);
  card.querySelector('h2, h3').textContent = t('Coaching report', '练习报告');

  const head = el('p', 'report-overall');
  head.append(el('span', `report-score ${report.rating ?? ''}`, report.overall === null ? '–' : Math.round(report.overall)), '/100');
  if (report.trend?.overallChange !== undefined && report.trend?.overallChange !== null) {
    head.append(el('span', 'hint', `${signed(report.trend.overallChange)} ${t('since your last session', '较上次')}`));
  }
  body.append(head, el('p', null, report.summary));

  const list = el('ol', 'report-criteria');
  for (const c of report.criteria) {
    const item = el('li', `criterion ${c.rating}`);
    const change = report.trend?.criteria?.find((x) => x.id === c.id)?.change;
    item.append(el('strong', null, c.title), el('span', 'criterion-score', ` ${c.score === null ? 'n/a' : c.score}${signed(change)}`));
    item.append(el('p', 'hint', c.comment));
    if (c.evidence) {
      const quote = el('blockquote', null, `“${c.evidence}”`);
      quote.append(el('span', 'hint', ` (${t('turn', '第')} ${c.evidenceTurn}${t('', ' 轮')})`));
      item.append(quote);
    }
    if (c.better) item.append(el('p', 'better', `${t('Try', '可以这样说')}: “${c.better}”`));
    list.append(item);
  }
  body.append(list);

  const a = report.analytics;
  const figures = el('dl', 'report-figures');
  const figure = (label, value) => figures.append(el('dt', null, label), el('dd', null, value));
  figure(t('You talked', '你的说话时间'), a.talkRatio === null ? 'n/a' : `${Math.round(a.talkRatio * 100)} %`);
  figure(t(`Pace (${a.wordUnit}/min)`, '语速（字/分钟）'), a.wordsPerMinute ?? 'n/a');
  figure(t('Filler words', '口头禅'), a.fillerWords);
  figure(t('Questions (open)', '提问（开放式）'), `${a.questions} (${a.openQuestions})`);
  figure(t('Median response', '回应时间中位数'), a.medianResponseLatencyMs === null ? 'n/a' : `${(a.medianResponseLatencyMs / 1000).toFixed(1)} s`);
  figure(t('Interruptions', '打断'), a.interruptions);
  body.append(figures, el('p', 'hint', report.method === 'llm' ? t('Scored by a language model.', '由语言模型评分。') : t('Scored by rules, offline.', '规则评分（离线）。')));
  card.hidden = false;
}
