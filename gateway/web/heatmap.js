// The heatmap of a strategy: the picture, the table, and the day-by-day history where the
// analytics projection has it; scores follow the boards' rooms.
import * as api from './api.js';
import { h, label, percent, replace } from './dom.js';

export function renderHeatmap(root, ctx) {
  const picker = h('select', { 'aria-label': 'Strategy' });
  const view = h('div', { class: 'heatmap' });
  replace(root, h('h1', { text: 'Heatmap' }), h('label', { class: 'inline' }, 'Strategy ', picker), view);
  let leaves = [];
  let offs = [];
  let gone = false;

  function forget() {
    leaves.forEach((leave) => leave());
    offs.forEach((off) => off());
    leaves = [];
    offs = [];
  }

  let shown = 0;  // the latest strategy asked for: an older answer arriving late is dropped
  async function show(strategyId) {
    forget();
    const asked = ++shown;
    try {
      const q = api.query({ strategy_id: strategyId });
      const [heatmap, history] = await Promise.all([
        api.get(`/api/v1/heatmap${q}`), api.get(`/api/v1/analytics/heatmap-history${q}`)]);
      if (gone || asked !== shown) return;
      const picture = h('img', { src: `/api/v1/heatmap.svg${q}&v=${heatmap.position}`, alt: 'Heatmap: completion per market' });
      const cells = new Map();
      const rows = heatmap.markets.map((m) => {
        const score = h('td', { class: 'num', text: percent(m.heatmap_score) });
        const status = h('td', { text: label(m.board_status) });
        cells.set(m.local_board_id, { score, status });
        return h('tr', {}, h('td', {}, h('a', { href: `#/board/${m.local_board_id}`, text: m.market_name })), status, score);
      });
      replace(view,
        h('figure', {}, picture, h('figcaption', { class: 'muted', text: 'Weighted completion per market (weights from the strategy\'s tasks).' })),
        h('table', {}, h('thead', {}, h('tr', {}, ['Market', 'Board status', 'Score'].map((t) => h('th', { text: t })))), h('tbody', {}, rows)),
        h('h2', { text: 'History' }),
        history.rows.length
          ? h('img', { src: `/api/v1/analytics/heatmap-history.svg${q}&v=${history.position}`, alt: 'Heatmap history: markets by day' })
          : h('p', { class: 'muted', text: 'No history yet for this strategy.' }));
      for (const id of cells.keys()) leaves.push(ctx.live.join(id));
      offs.push(ctx.live.on('server:board_updated', (p) => {
        const cell = cells.get(p.local_board_id);
        if (!cell) return;
        cell.score.textContent = percent(p.heatmap_score);
        cell.status.textContent = label(p.status);
        picture.src = `/api/v1/heatmap.svg${q}&t=${Date.now()}`;
      }));
    } catch (error) {
      ctx.fail(error);
    }
  }

  (async () => {
    try {
      const { strategies } = await api.get('/api/v1/strategies?limit=1000');
      if (gone) return;
      const published = strategies.filter((s) => s.is_published);
      if (!published.length) { replace(view, h('p', { class: 'muted', text: 'No strategy is published yet.' })); return; }
      replace(picker, published.map((s) => h('option', { value: s.id, text: `${s.title} (v${s.version})` })));
      picker.addEventListener('change', () => show(picker.value));
      show(published[0].id);
    } catch (error) {
      ctx.fail(error);
    }
  })();

  return () => { gone = true; forget(); };
}
