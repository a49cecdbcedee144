// A board: the four columns, live from its room. Cards move by drag and drop or keyboard
// (client:move_task); a refused move snaps back to the server's revert_to_status.
import * as api from './api.js';
import { h, label, percent, replace, taskType } from './dom.js';
import { openTaskDrawer } from './task_drawer.js';

const columns = ['TODO', 'IN_PROGRESS', 'BLOCKED', 'DONE'];
const lockMinutes = 15;

export function renderBoard(root, ctx, [boardId]) {
  const tasks = new Map();
  const rejectDrafts = new Map();  // ghost card id → {open, text}: kept across redraws
  let syncPosition = -1;  // the position of the last board_state_sync
  const header = h('div', { class: 'board-head' });
  const notice = h('p', { class: 'board-notice', role: 'status', 'aria-live': 'polite' });
  const lanes = new Map(columns.map((status) => [status, h('div', { class: 'cards', 'data-cards': status })]));
  const grid = h('div', { class: 'board' }, columns.map((status) => column(status)));
  let board = null;
  let marketName = '';
  let drawer = null;
  let gone = false;
  const writer = ctx.canWrite();

  replace(root, header, notice,
    h('p', { class: 'muted hint', text: 'Keyboard: arrows move between cards, Shift+←/→ moves a card to the next column, L locks or releases, Enter opens it.' }),
    grid);

  function column(status) {
    const section = h('section', { class: 'column', 'data-status': status, 'aria-label': label(status) },
      h('h2', { text: label(status) }), lanes.get(status));
    section.addEventListener('dragover', (event) => {
      if (!writer) return;
      event.preventDefault();
      section.classList.add('over');
    });
    section.addEventListener('dragleave', () => section.classList.remove('over'));
    section.addEventListener('drop', (event) => {
      event.preventDefault();
      section.classList.remove('over');
      const id = event.dataTransfer.getData('text/plain');
      if (tasks.has(id)) move(id, status);
    });
    return section;
  }

  const lockedByOther = (task) => task.locked_by && task.locked_by !== ctx.me.id;

  // Board tasks name their lock holder's email: everyone on the board learns who is who.
  function learn(task) {
    if (task.locked_by && task.locked_by_email) ctx.people.set(task.locked_by, task.locked_by_email);
  }
  function keep(task) {
    learn(task);
    tasks.set(task.id, task);
  }

  // A lock taken by someone this page cannot name yet (task_locked names only the user id):
  // the board's state names them. Once per user.
  const asked = new Set();
  async function learnHolder(userId) {
    if (ctx.people.has(userId) || asked.has(userId)) return;
    asked.add(userId);
    try {
      (await api.get(`/api/v1/boards/${boardId}`)).tasks.forEach(learn);
      if (!gone) draw();
    } catch { /* the badge keeps the short id */ }
  }
  const movable = (task) => writer && !task.is_ghost_card && !lockedByOther(task);

  function say(text, kind = 'error') {
    notice.textContent = text;
    notice.className = `board-notice ${kind}`;
  }

  function move(id, to) {
    const task = tasks.get(id);
    if (!task || task.status === to) return;
    if (task.is_ghost_card) { say(`"${task.title}" is a ghost card: accept or reject it first.`); return; }
    if (lockedByOther(task)) {
      say(`"${task.title}" is locked by ${ctx.who(task.locked_by)}: it cannot be moved until the lock is released or expires.`);
      return;
    }
    const from = task.status;
    task.status = to;
    draw(id);
    ctx.live.send('client:move_task', { local_board_id: boardId, local_task_id: id, new_status: to, expected_previous_status: from });
  }

  function toggleLock(task) {
    if (!writer || task.is_ghost_card) return;
    if (lockedByOther(task)) { say(`"${task.title}" is locked by ${ctx.who(task.locked_by)}.`); return; }
    const event = task.locked_by ? 'client:release_task_lock' : 'client:request_task_lock';
    ctx.live.send(event, { local_board_id: boardId, local_task_id: task.id });
  }

  function lockBadge(task) {
    if (!task.locked_by) return null;
    return h('p', { class: `lock${lockedByOther(task) ? ' other' : ''}`, 'data-expires': task.expires_at || '', 'data-lock': ctx.who(task.locked_by) },
      h('span', { text: `Locked by ${ctx.who(task.locked_by)}` }), ' · ', h('span', { class: 'countdown', text: remaining(task.expires_at) }));
  }

  function ghostBox(task) {
    if (!task.is_ghost_card) return null;
    const draft = rejectDrafts.get(task.id) || { open: false, text: '' };
    rejectDrafts.set(task.id, draft);
    const reject = h('form', { class: 'reject', hidden: !draft.open, 'aria-label': `Reject ${task.title}` },
      h('label', {}, 'Why this market does not take it (10–1000 characters)',
        h('textarea', { name: 'justification', maxlength: 1000, rows: 3, value: draft.text, oninput: (event) => { draft.text = event.target.value; } })),
      h('button', { type: 'submit', text: 'Reject ghost card' }));
    reject.addEventListener('submit', async (event) => {
      event.preventDefault();
      const justification = reject.justification.value.trim();
      if (justification.length < 10 || justification.length > 1000) {
        say('A justification takes 10 to 1000 characters.');
        return;
      }
      if (await run('RejectGhostCard', { local_task_id: task.id, justification }, 'Ghost card rejected.')) rejectDrafts.delete(task.id);
    });
    return h('div', { class: 'ghost' },
      h('p', { text: `A change of the strategy (${label(task.ghost_change || 'changed')}) waits for this market's answer.` }),
      writer ? h('div', { class: 'actions' },
        h('button', { text: 'Accept', onclick: () => run('AcceptGhostCard', { local_task_id: task.id }, 'Ghost card accepted.') }),
        h('button', { class: 'secondary', text: 'Reject…', onclick: () => {
          draft.open = reject.hidden;
          reject.hidden = !draft.open;
          if (draft.open) reject.justification.focus();
        } })) : null,
      reject);
  }

  async function run(name, body, done) {
    const outcome = await api.attempt(name, body, null, (error) => say(api.inWords(error)));
    if (outcome) say(done, 'info');
    return outcome;
  }

  function card(task) {
    const el = h('article', {
      class: `task${task.is_ghost_card ? ' ghost-card' : ''}${task.locked_by ? ' locked' : ''}`,
      tabindex: 0, draggable: movable(task) ? 'true' : 'false',
      'data-task-id': task.id, 'data-status': task.status, 'aria-label': `${task.title}, ${label(task.status)}`,
    },
    h('div', { class: 'tags' },
      h('span', { class: `tag type-${task.task_type}`, text: taskType(task.task_type) }),
      task.target_platform !== 'NONE' ? h('span', { class: 'tag', text: task.target_platform }) : null,
      h('span', { class: 'tag', title: 'Heatmap weight', text: `weight ${task.weight}` }),
      task.is_custom_local_task ? h('span', { class: 'tag', text: 'custom' }) : null),
    h('h3', { text: task.title }),
    task.task_type === 'C_EXECUTIVE' ? h('p', { class: 'muted small', text: `pre-flight ${label(task.pre_flight_scan_status)}${task.last_executed_at ? ' · executed' : ''}` }) : null,
    task.error_log ? h('p', { class: 'error small', text: task.error_log }) : null,
    lockBadge(task),
    ghostBox(task),
    h('div', { class: 'actions' },
      writer && !task.is_ghost_card
        ? h('button', { class: 'secondary', disabled: lockedByOther(task), text: task.locked_by && !lockedByOther(task) ? 'Release' : 'Lock', onclick: () => toggleLock(task) })
        : null,
      h('button', { class: 'secondary', text: 'Open', onclick: () => open(task.id) })));
    el.addEventListener('dragstart', (event) => {
      if (!movable(task)) { event.preventDefault(); return; }
      event.dataTransfer.setData('text/plain', task.id);
      event.dataTransfer.effectAllowed = 'move';
    });
    el.addEventListener('keydown', (event) => keys(event, task));
    return el;
  }

  function keys(event, task) {
    if (event.target !== event.currentTarget) return;
    const at = columns.indexOf(task.status);
    if (event.shiftKey && (event.key === 'ArrowRight' || event.key === 'ArrowLeft')) {
      const to = columns[at + (event.key === 'ArrowRight' ? 1 : -1)];
      if (to) move(task.id, to);
      focus(task.id);
    } else if (event.key === 'ArrowUp' || event.key === 'ArrowDown') {
      const cards = [...lanes.get(task.status).children];
      const i = cards.findIndex((c) => c.dataset.taskId === task.id) + (event.key === 'ArrowDown' ? 1 : -1);
      cards[i]?.focus();
    } else if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      for (let c = at + (event.key === 'ArrowRight' ? 1 : -1); c >= 0 && c < columns.length; c += event.key === 'ArrowRight' ? 1 : -1) {
        const first = lanes.get(columns[c]).firstElementChild;
        if (first) { first.focus(); break; }
      }
    } else if (event.key === 'l' || event.key === 'L') toggleLock(task);
    else if (event.key === 'Enter') open(task.id);
    else return;
    event.preventDefault();
  }

  const cardOf = (id) => grid.querySelector(`[data-task-id="${CSS.escape(id)}"]`);
  function focus(id) { cardOf(id)?.focus(); }

  function draw(focusId) {
    // A justification being typed keeps its focus; a focused card keeps it too.
    const typing = document.activeElement?.closest?.('.reject') ? document.activeElement : null;
    const focused = focusId || (typing ? null : document.activeElement?.dataset?.taskId);
    for (const status of columns) {
      const list = [...tasks.values()].filter((t) => t.status === status && !t.removed_at)
        .sort((a, b) => a.order_index - b.order_index || a.title.localeCompare(b.title));
      replace(lanes.get(status), list.length ? list.map(card) : h('p', { class: 'muted empty', text: 'Nothing here' }));
    }
    if (focused && tasks.has(focused)) focus(focused);
    const typingIn = typing?.closest('.task')?.dataset.taskId;
    if (typingIn) cardOf(typingIn)?.querySelector('textarea')?.focus();
  }

  function drawHeader() {
    if (!board) return;
    replace(header,
      h('h1', { text: `Board of ${marketName || 'a market'}` }),
      h('p', { class: 'muted' },
        h('span', { 'data-board-status': board.status, text: `${label(board.status)} · ` }),
        h('span', { text: `strategy v${board.strategy_version} · ` }),
        h('span', { 'data-score': '', text: `heatmap score ${percent(board.heatmap_score)}` })));
  }

  function open(id) {
    drawer?.close();
    drawer = openTaskDrawer(ctx, id, () => { drawer = null; focus(id); });
  }

  const mine = (p) => p.local_board_id === boardId;
  const offs = [
    ctx.live.on('server:board_state_sync', (p) => {
      if (!mine(p)) return;
      syncPosition = p.position;
      tasks.clear();
      p.tasks.forEach(keep);
      draw();
    }),
    ctx.live.on('server:task_moved', (p) => {
      const task = mine(p) && tasks.get(p.local_task_id);
      if (!task) return;
      task.status = p.new_status;
      draw();
      if (p.moved_by_user_id !== ctx.me.id) say(`${ctx.who(p.moved_by_user_id)} moved "${task.title}" to ${label(p.new_status)}.`, 'info');
    }),
    ctx.live.on('server:task_locked', (p) => {
      const task = mine(p) && tasks.get(p.local_task_id);
      if (!task) return;
      Object.assign(task, { locked_by: p.locked_by_user_id, locked_at: p.locked_at, expires_at: p.expires_at });
      draw();
      learnHolder(p.locked_by_user_id);
    }),
    ctx.live.on('server:execution_completed', async (p) => {
      if (!mine(p) || !tasks.has(p.local_task_id)) return;
      // The frame (sent once the read models have the run) says only whether it succeeded:
      // the card's time and error come from the task.
      try {
        const { task } = await api.get(`/api/v1/tasks/${p.local_task_id}`);
        if (gone || !tasks.has(task.id)) return;
        Object.assign(tasks.get(task.id), { last_executed_at: task.last_executed_at, error_log: task.error_log, version: task.version });
        draw();
      } catch (error) { say(api.inWords(error)); }
    }),
    ctx.live.on('server:task_unlocked', (p) => {
      const task = mine(p) && tasks.get(p.local_task_id);
      if (!task) return;
      Object.assign(task, { locked_by: null, locked_at: null, expires_at: null });
      draw();
      if (p.reason === 'expired') say(`The lock on "${task.title}" expired after ${lockMinutes} minutes.`, 'info');
    }),
    ctx.live.on('server:task_updated', (p) => {
      if (!mine(p)) return;
      keep(p.task);
      draw();
    }),
    ctx.live.on('server:board_updated', (p) => {
      if (!mine(p) || !board) return;
      Object.assign(board, { status: p.status, heatmap_score: p.heatmap_score });
      drawHeader();
    }),
    ctx.live.on('server:error', (p) => {
      if (!p.revert_to_status || !tasks.has(p.local_task_id)) return;
      const task = tasks.get(p.local_task_id);
      task.status = p.revert_to_status;
      draw();
      cardOf(task.id)?.classList.add('snapped');
      say(`"${task.title}" went back to ${label(p.revert_to_status)}: ${p.message}`);
    }),
    ctx.live.on('*', (p) => {
      if (drawer && mine(p) && (p.local_task_id ?? p.task?.id) === drawer.taskId) drawer.refresh();
    }),
  ];
  const ticker = setInterval(() => {
    for (const badge of grid.querySelectorAll('.lock[data-expires]')) {
      badge.querySelector('.countdown').textContent = remaining(badge.dataset.expires);
    }
  }, 1000);
  const leave = ctx.live.join(boardId);

  (async () => {
    try {
      board = await api.get(`/api/v1/boards/${boardId}`);
      if (gone) return;
      const markets = (await api.get('/api/v1/markets?limit=1000')).markets;
      marketName = markets.find((m) => m.id === board.market_id)?.name || '';
      drawHeader();
      // The room's sync may have come first, and be newer.
      if (board.position > syncPosition) {
        tasks.clear();
        board.tasks.forEach(keep);
        draw();
      }
    } catch (error) {
      if (error instanceof api.ApiError && error.status === 404) {
        stop();
        replace(root, h('h1', { text: 'Board not found' }),
          h('p', { text: 'There is no such board, or it is not one of your markets.' }), h('a', { href: '#/', text: 'Back to your boards' }));
      } else ctx.fail(error);
    }
  })();

  function stop() {
    if (gone) return;
    gone = true;
    clearInterval(ticker);
    offs.forEach((off) => off());
    leave();
    drawer?.close();
  }
  return stop;
}

function remaining(expiresAt) {
  if (!expiresAt) return '';
  const left = Math.max(0, Math.round((new Date(expiresAt).getTime() - Date.now()) / 1000));
  if (left === 0) return 'expiring';
  return `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left`;
}
