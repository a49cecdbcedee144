// The console's shell: who is signed in, the screens by location hash, the live socket and
// the messages area where every problem is shown in words.
import * as api from './api.js';
import { h, label, replace } from './dom.js';
import { LiveBoards } from './live.js';
import { renderLogin } from './login.js';
import { renderHome } from './home.js';
import { renderBoard } from './board.js';
import { renderHeatmap } from './heatmap.js';
import { renderAdmin } from './admin.js';
import { renderAudit } from './audit.js';

const screen = document.getElementById('screen');
const messages = document.getElementById('messages');
let cleanup = () => {};

const ctx = {
  me: null,         // GET /api/v1/me's user
  people: new Map(), // user id → email, where the caller may list users
  live: null,
  say(text, kind = 'error') {
    const item = h('p', { class: `message ${kind}`, text });
    item.append(h('button', { class: 'link', 'aria-label': 'Dismiss', text: '×', onclick: () => item.remove() }));
    messages.append(item);
    if (kind !== 'error') setTimeout(() => item.remove(), 4000);
  },
  fail(error) { ctx.say(api.inWords(error)); },
  who(userId) {
    if (!userId) return '';
    if (userId === ctx.me?.id) return 'you';
    if (userId === 'system') return 'the system';
    return ctx.people.get(userId) || `user ${userId.slice(0, 8)}`;
  },
  can(...roles) { return roles.includes(ctx.me?.role); },
  // Works on boards (moves, locks, notes, payloads); READ_ONLY only reads.
  canWrite() { return ctx.can('GLOBAL_ADMIN', 'SUPERVISOR', 'LOCAL_USER'); },
};

api.whenSignedOut(() => {
  if (!ctx.me) return;
  signedOut('Your session ended; sign in again.');
});

function signedOut(text) {
  ctx.me = null;
  ctx.live?.stop();
  ctx.live = null;
  if (text) ctx.say(text, 'info');
  if (location.hash !== '#/login') location.hash = '#/login';  // routes on hashchange
  else route();
}

async function loadMe() {
  try {
    ctx.me = (await api.get('/api/v1/me')).user;
  } catch {
    ctx.me = null;
    return;
  }
  ctx.people = new Map([[ctx.me.id, ctx.me.email]]);
  if (ctx.can('GLOBAL_ADMIN', 'SUPERVISOR')) {
    try {
      for (const user of (await api.get('/api/v1/users?limit=1000')).users) ctx.people.set(user.id, user.email);
    } catch (error) { ctx.fail(error); }
  }
  ctx.live = new LiveBoards((open) => {
    const badge = document.getElementById('live');
    badge.textContent = open ? 'live' : 'offline';
    badge.classList.toggle('on', open);
  });
  ctx.live.on('server:error', (payload) => {
    // Errors of a move are shown by the board (with the snap back); the rest here.
    if (!payload.revert_to_status) ctx.say(`${payload.code}: ${payload.message}`);
  });
  ctx.live.start();
}

function nav() {
  const links = [['#/', 'Boards'], ['#/heatmap', 'Heatmap']];
  if (ctx.can('GLOBAL_ADMIN', 'SUPERVISOR')) links.push(['#/admin/users', 'Admin']);
  if (ctx.can('GLOBAL_ADMIN', 'READ_ONLY')) links.push(['#/audit', 'Audit log']);
  replace(document.getElementById('nav'), ctx.me ? links.map(([href, text]) => h('a', { href, text })) : []);
  replace(document.getElementById('who'), ctx.me
    ? [h('span', { text: `${ctx.me.email} · ${label(ctx.me.role)}` }),
       h('button', { class: 'link', text: 'Sign out', onclick: async () => {
         try { await api.logout(); } catch (error) { ctx.fail(error); }
         signedOut('Signed out.');
       } })]
    : []);
}

const screens = [
  [/^#\/board\/([0-9a-f-]{36})$/, renderBoard],
  [/^#\/heatmap$/, renderHeatmap],
  [/^#\/admin\/(users|markets|strategies|policies)$/, renderAdmin],
  [/^#\/audit$/, renderAudit],
  [/^#\/?$/, renderHome],
];

function route() {
  cleanup();
  cleanup = () => {};
  const hash = location.hash || '#/';
  nav();
  if (!ctx.me) {
    replace(screen);
    cleanup = renderLogin(screen, ctx, async () => {
      await loadMe();
      if (location.hash === '#/login') location.hash = '#/';  // routes on hashchange
      else route();
    }) || (() => {});
    return;
  }
  for (const [pattern, render] of screens) {
    const match = hash.match(pattern);
    if (!match) continue;
    replace(screen);
    cleanup = render(screen, ctx, match.slice(1)) || (() => {});
    return;
  }
  replace(screen, h('h1', { text: 'Not found' }), h('p', { text: 'No screen at this address.' }),
    h('a', { href: '#/', text: 'Back to the boards' }));
}

window.addEventListener('hashchange', route);
await loadMe();
route();
