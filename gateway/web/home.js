// Markets the caller may see, each with its boards; statuses and scores follow the rooms.
import * as api from './api.js';
import { h, label, percent, replace } from './dom.js';

export function renderHome(root, ctx) {
  const list = h('div', { class: 'markets' }, h('p', { class: 'muted', text: 'Loading markets…' }));
  replace(root, h('h1', { text: 'Markets and boards' }), list);
  const rows = new Map();  // board id → its status and score cells
  const leaves = [];
  const offs = [
    ctx.live.on('server:board_updated', (p) => {
      const row = rows.get(p.local_board_id);
      if (!row) return;
      row.status.textContent = label(p.status);
      row.score.textContent = percent(p.heatmap_score);
    }),
  ];
  let gone = false;

  (async () => {
    try {
      const { markets } = await api.get('/api/v1/markets?limit=1000');
      if (gone) return;
      if (!markets.length) { replace(list, h('p', { class: 'muted', text: 'No market is assigned to you yet.' })); return; }
      const sections = [];
      for (const market of markets) {
        const { boards } = await api.get(`/api/v1/boards${api.query({ market_id: market.id, limit: 1000 })}`);
        if (gone) return;
        const body = boards.map((board) => {
          const status = h('td', { text: label(board.status) });
          const score = h('td', { text: '—' });
          rows.set(board.id, { status, score });
          leaves.push(ctx.live.join(board.id));
          api.get(`/api/v1/boards/${board.id}`).then((state) => {
            score.textContent = percent(state.heatmap_score);
          }).catch(() => {});
          return h('tr', {}, h('td', {}, h('a', { href: `#/board/${board.id}`, text: `Board of ${market.name}` })),
            h('td', { text: `v${board.strategy_version}` }), status, score);
        });
        sections.push(h('section', { class: 'card', 'data-market': market.name },
          h('h2', { text: market.name }),
          h('p', { class: 'muted', text: `${market.region_code} · ${market.timezone} · ${market.is_active ? 'active' : 'inactive'}` }),
          boards.length
            ? h('table', {}, h('thead', {}, h('tr', {}, ['Board', 'Strategy', 'Status', 'Score'].map((t) => h('th', { text: t })))), h('tbody', {}, body))
            : h('p', { class: 'muted', text: 'No board yet: no strategy is deployed here.' })));
      }
      replace(list, sections);
    } catch (error) {
      ctx.fail(error);
    }
  })();

  return () => {
    gone = true;
    offs.forEach((off) => off());
    leaves.forEach((leave) => leave());
  };
}
