// The auditor's log viewer: the tenant's events in log order, a page at a time, filtered by
// stream or type; any event opens its stream as it was at that version (time travel).
import * as api from './api.js';
import { formValues, h, replace, time } from './dom.js';

const pageSize = 50;

export function renderAudit(root, ctx) {
  const head = h('p', { class: 'muted' });
  const filters = h('form', { class: 'inline', 'aria-label': 'Filter the log' },
    h('label', {}, 'Stream ', h('input', { name: 'stream_id', placeholder: 'task-…' })),
    h('label', {}, 'Type ', h('input', { name: 'type', placeholder: 'TaskMoved' })),
    h('button', { type: 'submit', text: 'Filter' }));
  const body = h('tbody', {});
  const more = h('button', { class: 'secondary', text: 'Newer events', hidden: true });
  const travel = h('section', { class: 'card travel', hidden: true });
  replace(root, h('h1', { text: 'Audit log' }), head, filters,
    h('div', { class: 'split' },
      h('div', {}, h('table', { class: 'log' }, h('thead', {}, h('tr', {}, ['Position', 'Recorded', 'Type', 'Stream', 'Version', 'By'].map((t) => h('th', { text: t })))), body), more),
      travel));
  let after = 0;
  let criteria = {};
  let gone = false;

  async function page() {
    try {
      const events = await api.getLines(`/api/v1/events${api.query({ after, limit: pageSize, ...criteria })}`);
      if (gone) return;
      for (const e of events) {
        body.append(h('tr', { tabindex: 0, 'data-position': e.global_position, onclick: () => show(e.stream_id, e.stream_version),
          onkeydown: (event) => { if (event.key === 'Enter') show(e.stream_id, e.stream_version); } },
        h('td', { class: 'num', text: e.global_position }), h('td', { text: time(e.recorded_at) }), h('td', { text: e.event_type }),
        h('td', { title: e.stream_id, text: shortStream(e.stream_id) }), h('td', { class: 'num', text: e.stream_version }), h('td', { text: ctx.who(e.user_id) })));
        after = e.global_position;
      }
      more.hidden = events.length < pageSize;
      if (!body.children.length) body.append(h('tr', {}, h('td', { colspan: 6, class: 'muted', text: 'No event matches.' })));
    } catch (error) {
      ctx.fail(error);
    }
  }

  // The stream's state as of a version, or as of a moment typed in by the auditor.
  async function show(streamId, version, asOf) {
    travel.hidden = false;
    const at = h('input', { type: 'datetime-local', step: 1, 'aria-label': 'As of' });
    const jump = h('form', { class: 'inline', 'aria-label': 'Time travel' }, h('label', {}, 'As of ', at), h('button', { type: 'submit', text: 'Go' }));
    jump.addEventListener('submit', (event) => {
      event.preventDefault();
      if (at.value) show(streamId, null, new Date(at.value).toISOString());
    });
    replace(travel, h('h2', { text: streamId }), h('p', { class: 'muted', text: 'Loading…' }));
    try {
      const q = asOf ? { as_of: asOf } : { as_of_version: version };
      const state = await api.get(`/api/v1/streams/${encodeURIComponent(streamId)}${api.query(q)}`);
      replace(travel, h('h2', { text: streamId }),
        h('p', { class: 'muted', text: asOf ? `As of ${time(asOf)}: version ${state.version}` : `As of version ${state.version}` }),
        h('div', { class: 'actions' },
          h('button', { class: 'secondary', disabled: state.version <= 1, text: '◀ Earlier', onclick: () => show(streamId, state.version - 1) }),
          h('button', { class: 'secondary', text: 'Later ▶', onclick: () => show(streamId, state.version + 1) })),
        jump,
        h('pre', { class: 'code', text: JSON.stringify(state.state, null, 2) }));
    } catch (error) {
      replace(travel, h('h2', { text: streamId }), h('p', { class: 'error', text: api.inWords(error) }));
    }
  }

  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    criteria = formValues(filters);
    after = 0;
    body.replaceChildren();
    page();
  });
  more.addEventListener('click', page);
  api.get('/api/v1/audit/head').then((signed) => {
    head.textContent = `Signed tree head: ${signed.tree_size} events, root ${signed.root_hash.slice(0, 16)}…, ${time(signed.timestamp)}`;
  }).catch(() => {});
  page();
  return () => { gone = true; };
}

// "task-d93c37bc-8ce4-…" → "task d93c37bc…" (the whole id in the cell's title).
function shortStream(streamId) {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : `${streamId.slice(0, dash)} ${streamId.slice(dash + 1, dash + 9)}…`;
}
