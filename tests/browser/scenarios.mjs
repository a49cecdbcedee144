// The console in Debian's Chromium, driven by playwright-core: each scenario signs people in
// as they would (the login form), acts with the mouse and keyboard, and checks what the
// page shows. Run by console_browser_test.cpp against a seeded server of its own:
//   node scenarios.mjs <scenario>   with STRADIA_URL, STRADIA_CLOCK_OFFSET_FILE, STRADIA_SCREENSHOTS
// Exits 0 when the scenario holds; otherwise prints what did not and exits 1.
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const base = process.env.STRADIA_URL;
const shots = process.env.STRADIA_SCREENSHOTS;
const clockFile = process.env.STRADIA_CLOCK_OFFSET_FILE;
const password = 'stradia-dev';

class Failed extends Error {}
function check(condition, what) { if (!condition) throw new Failed(what); }

async function until(what, predicate, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return Date.now();
    if (Date.now() > deadline) throw new Failed(`${what} (waited ${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function signIn(browser, email) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  // Every WebSocket frame the page sends and receives, to check what crossed the wire.
  page.sent = [];
  page.received = [];
  page.on('websocket', (socket) => {
    socket.on('framesent', (frame) => page.sent.push(String(frame.payload)));
    socket.on('framereceived', (frame) => page.received.push(String(frame.payload)));
  });
  await page.goto(base);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#who', { hasText: email }).waitFor({ timeout: 5000 });
  return page;
}

async function api(path, email, init = {}) {
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', body: JSON.stringify({ email, password }) });
  const { token } = await login.json();
  const response = await fetch(`${base}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers || {}) } });
  return response.json();
}

async function boardOf(marketName) {
  const { markets } = await api('/api/v1/markets', 'supervisor@acme.com');
  const market = markets.find((m) => m.name === marketName);
  const { boards } = await api(`/api/v1/boards?market_id=${market.id}`, 'supervisor@acme.com');
  return boards[0].id;
}

async function openBoard(page, boardId) {
  await page.goto(`${base}/#/board/${boardId}`);
  await page.locator('.task').first().waitFor({ timeout: 5000 });
  await until('the board joined its room (its state synced over the socket)', async () =>
    page.received.some((f) => f.includes('server:board_state_sync') && f.includes(boardId)), 5000);
}

// spain@acme.com and supervisor@acme.com, each in a browser context of their own, on Spain's board.
async function spainsBoardInTwoBrowsers(browser) {
  const board = await boardOf('Spain - Retail');
  const spain = await signIn(browser, 'spain@acme.com');
  const supervisor = await signIn(browser, 'supervisor@acme.com');
  await openBoard(spain, board);
  await openBoard(supervisor, board);
  return { spain, supervisor };
}

const card = (page, title) => page.locator('.task', { has: page.locator('h3', { hasText: title }) });
const inColumn = async (page, title, status) =>
  (await page.locator(`.column[data-status="${status}"] .task`, { has: page.locator('h3', { hasText: title }) }).count()) === 1;
const shot = (page, name) => page.screenshot({ path: `${shots}/${name}.png` });

const scenarios = {
  // A drag in one browser shows in the other within a second.
  async drag_shows_in_the_other_within_a_second(browser) {
    const { spain, supervisor } = await spainsBoardInTwoBrowsers(browser);
    check(await inColumn(supervisor, 'Review Privacy Law', 'TODO'), 'Review Privacy Law starts in TODO');
    await card(spain, 'Review Privacy Law').dragTo(spain.locator('.column[data-status="IN_PROGRESS"]'));
    const dropped = Date.now();
    const seen = await until('the supervisor sees the card in IN PROGRESS', () => inColumn(supervisor, 'Review Privacy Law', 'IN_PROGRESS'), 1000);
    console.log(`seen in the other browser ${seen - dropped} ms after the drop`);
    check(await inColumn(spain, 'Review Privacy Law', 'IN_PROGRESS'), 'the card stays where spain dropped it');
    await until('the supervisor is told who moved it', async () => (await supervisor.locator('.board-notice', { hasText: 'spain@acme.com moved' }).count()) === 1, 2000);
    // Keyboard: Shift+→ moves the focused card one column on.
    await card(supervisor, 'Review Privacy Law').focus();
    await supervisor.keyboard.press('Shift+ArrowRight');
    await until('spain sees the keyboard move to BLOCKED', () => inColumn(spain, 'Review Privacy Law', 'BLOCKED'), 1000);
    await shot(supervisor, 'board-live');
  },

  // A lock taken in one browser shows its badge in the other and blocks the drag there.
  async a_lock_shows_in_the_other_and_blocks_the_drag(browser) {
    const { spain, supervisor } = await spainsBoardInTwoBrowsers(browser);
    await card(spain, 'Review Privacy Law').getByRole('button', { name: 'Lock' }).click();
    await until('spain sees its own lock', async () => (await card(spain, 'Review Privacy Law').locator('.lock', { hasText: 'Locked by you' }).count()) === 1, 1000);
    await until('the supervisor sees who holds the lock', async () =>
      (await card(supervisor, 'Review Privacy Law').locator('.lock.other', { hasText: 'Locked by spain@acme.com' }).count()) === 1, 1000);
    const seconds = async () => {
      const [, m, s] = (await card(supervisor, 'Review Privacy Law').locator('.countdown').textContent()).match(/(\d+):(\d\d) left/) || [];
      return Number(m) * 60 + Number(s);
    };
    const first = await seconds();
    check(first > 14 * 60 && first <= 15 * 60, `the badge shows the minutes left of the 15: ${first} s`);
    await until('the badge counts down', async () => (await seconds()) < first, 2500);
    check(await card(supervisor, 'Review Privacy Law').getAttribute('draggable') === 'false', 'a card locked by another cannot be dragged');
    await card(supervisor, 'Review Privacy Law').dragTo(supervisor.locator('.column[data-status="DONE"]'));
    await card(supervisor, 'Review Privacy Law').focus();
    await supervisor.keyboard.press('Shift+ArrowRight');
    await until('the supervisor is told why', async () => (await supervisor.locator('.board-notice.error', { hasText: 'locked by spain@acme.com' }).count()) === 1, 1000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    check(await inColumn(supervisor, 'Review Privacy Law', 'TODO'), 'the locked card stays in TODO for the supervisor');
    check(!supervisor.sent.some((f) => f.includes('client:move_task')), 'the supervisor\'s browser sent no move at all');
    check(await inColumn(spain, 'Review Privacy Law', 'TODO'), 'and for spain');
    await shot(supervisor, 'lock-blocks-drag');
    // The other way round: spain, a LOCAL_USER who may not list users, is told who holds it too.
    await card(spain, 'Review Privacy Law').getByRole('button', { name: 'Release' }).click();
    await until('the supervisor sees the lock released', async () => (await card(supervisor, 'Review Privacy Law').locator('.lock').count()) === 0, 1000);
    await card(supervisor, 'Review Privacy Law').getByRole('button', { name: 'Lock' }).click();
    await until('spain sees who holds the lock', async () =>
      (await card(spain, 'Review Privacy Law').locator('.lock.other', { hasText: 'Locked by supervisor@acme.com' }).count()) === 1, 2000);
  },

  // A lock that expires (the server's clock moved 16 minutes on) clears in both browsers.
  async an_expired_lock_clears_in_both(browser) {
    const { spain, supervisor } = await spainsBoardInTwoBrowsers(browser);
    await card(spain, 'Review Privacy Law').getByRole('button', { name: 'Lock' }).click();
    await until('the supervisor sees the lock', async () => (await card(supervisor, 'Review Privacy Law').locator('.lock').count()) === 1, 1000);
    writeFileSync(clockFile, String(16 * 60));
    for (const [who, page] of [['spain', spain], ['the supervisor', supervisor]]) {
      await until(`${who} sees every lock cleared`, async () => (await page.locator('.task .lock').count()) === 0, 10000);
      await until(`${who} is told the lock expired`, async () => (await page.locator('.board-notice', { hasText: 'expired' }).count()) === 1, 2000);
    }
    check(await card(supervisor, 'Review Privacy Law').getAttribute('draggable') === 'true', 'the card can be dragged again');
    await shot(supervisor, 'lock-expired');
  },

  // A Type C card dropped on DONE before a successful execution snaps back, with the reason.
  async a_type_c_card_snaps_back_from_done(browser) {
    const { spain, supervisor } = await spainsBoardInTwoBrowsers(browser);
    check(await inColumn(spain, 'Deploy Consent Mode', 'IN_PROGRESS'), 'the golden record starts IN PROGRESS');
    await supervisor.evaluate(() => {
      window.sawDone = false;
      new MutationObserver(() => { if (document.querySelector('.column[data-status="DONE"] .task')) window.sawDone = true; })
        .observe(document.body, { subtree: true, childList: true });
    });
    await card(spain, 'Deploy Consent Mode').dragTo(spain.locator('.column[data-status="DONE"]'));
    await until('spain\'s browser sent the move', async () =>
      spain.sent.some((f) => f.includes('client:move_task') && f.includes('"new_status":"DONE"')), 2000);
    await until('spain is told why', async () =>
      (await spain.locator('.board-notice.error', { hasText: 'successful execution' }).count()) === 1, 2000);
    check(await inColumn(spain, 'Deploy Consent Mode', 'IN_PROGRESS'), 'the card snapped back to IN PROGRESS');
    await new Promise((resolve) => setTimeout(resolve, 300));
    check(await inColumn(supervisor, 'Deploy Consent Mode', 'IN_PROGRESS'), 'the supervisor still sees it IN PROGRESS');
    check(!(await supervisor.evaluate(() => window.sawDone)), 'the supervisor never saw it in DONE');
    check(spain.received.some((f) => f.includes('"revert_to_status":"IN_PROGRESS"')), 'the server answered with revert_to_status');
    // The drawer shows why, too: not executed yet, and the payload editor of the lock holder.
    await card(spain, 'Deploy Consent Mode').getByRole('button', { name: 'Open' }).click();
    await spain.locator('.drawer', { hasText: 'Not executed yet' }).waitFor({ timeout: 3000 });
    check(await spain.getByRole('button', { name: 'Save payload' }).isEnabled(), 'the lock holder may edit the payload');
    await spain.getByLabel('Execution payload').fill('{"action": "DELETE_ALL", "platform": "GTM", "schema": {"name": "x", "type": "html"}}');
    await spain.getByRole('button', { name: 'Save payload' }).click();
    await until('the schema error is shown by path', async () =>
      (await spain.locator('.drawer .form-error li', { hasText: 'execution_payload.action' }).count()) === 1, 3000);
    await shot(spain, 'type-c-snapped-back');
  },

  // A LOCAL_USER sees only its markets: France is in no list, and its board's address answers "not found".
  async a_local_user_never_sees_france(browser) {
    const france = await boardOf('France - Retail');
    const page = await browser.newPage();
    await page.goto(base);
    await page.getByLabel('Email').fill('spain@acme.com');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.login .form-error', { hasText: 'Wrong email or password.' }).waitFor({ timeout: 3000 });
    await page.close();

    const spain = await signIn(browser, 'spain@acme.com');
    await spain.locator('.markets section').first().waitFor({ timeout: 5000 });
    check((await spain.locator('.markets section h2').allTextContents()).join() === 'Spain - Retail', 'only Spain is listed');
    await spain.goto(`${base}/#/heatmap`);
    await spain.locator('.heatmap table').waitFor({ timeout: 5000 });
    const heatmap = await spain.locator('.heatmap table').textContent();
    check(heatmap.includes('Spain') && !heatmap.includes('France'), `the heatmap lists Spain only: ${heatmap}`);
    await spain.goto(`${base}/#/board/${france}`);
    await spain.locator('h1', { hasText: 'Board not found' }).waitFor({ timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    check((await spain.locator('.task').count()) === 0, 'no card of France is drawn');
    check(!(await spain.content()).includes('France'), 'the page never names France');
    await until('the room refused the join', async () => spain.received.some((f) => f.includes('server:error') && f.includes('NOT_FOUND')), 2000);
    check(!spain.received.some((f) => f.includes('board_state_sync') && f.includes(france)), 'no frame of France\'s board reached the browser');
    await shot(spain, 'france-not-found');
  },

  // The admin invites a user; the list shows them at once.
  async the_admin_invites_a_user(browser) {
    const admin = await signIn(browser, 'admin@acme.com');
    await admin.goto(`${base}/#/admin/users`);
    await admin.locator('tr[data-email="spain@acme.com"]').waitFor({ timeout: 5000 });
    const form = admin.getByRole('form', { name: 'Invite user' });
    await form.getByLabel('Email').fill('portugal@acme.com');
    await form.getByLabel('Role').selectOption('LOCAL_USER');
    await form.getByLabel('First password').fill('too');
    await form.getByRole('button', { name: 'Invite user' }).click();
    // The browser's own check stops a short password; the server's refusal shows in words.
    await form.getByLabel('First password').evaluate((input) => input.removeAttribute('minlength'));
    await form.getByRole('button', { name: 'Invite user' }).click();
    await until('the server\'s refusal is shown in its words', async () =>
      (await form.locator('.form-error li', { hasText: 'password: String must contain at least 8 character(s)' }).count()) === 1, 3000);
    await form.getByLabel('First password').fill('portugal-2026');
    await form.getByRole('button', { name: 'Invite user' }).click();
    await admin.locator('tr[data-email="portugal@acme.com"]').waitFor({ timeout: 3000 });
    const row = await admin.locator('tr[data-email="portugal@acme.com"]').textContent();
    check(row.includes('active'), `the new user is listed as active: ${row}`);
    check((await admin.getByLabel('Role of portugal@acme.com').inputValue()) === 'LOCAL_USER', 'with the role chosen');
    await shot(admin, 'admin-invited');
  },

  // The admin adds a task to the strategy and publishes it: Spain's running board gets it as
  // a ghost card, live; spain rejects it with a justification, and both see it answered.
  async a_ghost_card_arrives_live_and_is_rejected_with_a_reason(browser) {
    const board = await boardOf('Spain - Retail');
    const spain = await signIn(browser, 'spain@acme.com');
    const admin = await signIn(browser, 'admin@acme.com');
    await openBoard(spain, board);
    await admin.goto(`${base}/#/admin/strategies`);
    const add = admin.getByRole('form', { name: 'Add task to Data Layer Baseline 2026' });
    await add.getByLabel('Title').fill('Audit Cookie Banner');
    await add.getByLabel('Weight').fill('2');
    await add.getByRole('button').click();
    await admin.locator('.card td', { hasText: 'Audit Cookie Banner' }).waitFor({ timeout: 5000 });
    const publish = admin.getByRole('form', { name: 'Publish Data Layer Baseline 2026' });
    await publish.getByRole('button').click();
    await admin.locator('.card h2', { hasText: 'Data Layer Baseline 2026 · v2' }).waitFor({ timeout: 5000 });
    const ghost = card(spain, 'Audit Cookie Banner');
    await until('spain sees the ghost card without reloading', async () => (await ghost.locator('.ghost').count()) === 1, 5000);
    check(await ghost.getAttribute('draggable') === 'false', 'a ghost card cannot be dragged');
    await ghost.getByRole('button', { name: 'Reject…' }).click();
    await ghost.getByLabel(/Why this market/).fill('Too short');
    await ghost.getByRole('button', { name: 'Reject ghost card' }).click();
    await until('a short justification is refused in words', async () =>
      (await spain.locator('.board-notice.error', { hasText: '10 to 1000 characters' }).count()) === 1, 2000);
    await ghost.getByLabel(/Why this market/).fill('Spain already audits its cookie banner every quarter with legal.');
    await ghost.getByRole('button', { name: 'Reject ghost card' }).click();
    await until('the ghost card is answered on the board', async () => (await card(spain, 'Audit Cookie Banner').locator('.ghost').count()) === 0, 3000);
    await shot(spain, 'ghost-card-rejected');
  },

  // The auditor reads the log and travels back in a task's history.
  async the_auditor_travels_in_time(browser) {
    const auditor = await signIn(browser, 'auditor@acme.com');
    await auditor.goto(`${base}/#/audit`);
    await auditor.locator('.log tbody tr[data-position]').first().waitFor({ timeout: 5000 });
    await auditor.getByLabel('Type').fill('TaskMoved');
    await auditor.getByRole('button', { name: 'Filter' }).click();
    await until('only moves are listed', async () => {
      const types = await auditor.locator('.log tbody tr[data-position] td:nth-child(3)').allTextContents();
      return types.length > 0 && types.every((t) => t === 'TaskMoved');
    }, 3000);
    await auditor.locator('.log tbody tr[data-position]').first().click();
    await auditor.locator('.travel pre').waitFor({ timeout: 3000 });
    const state = JSON.parse(await auditor.locator('.travel pre').textContent());
    check(state.status === 'IN_PROGRESS' || state.status === 'BLOCKED' || state.status === 'DONE', `the task as of its first move: ${state.status}`);
    await auditor.getByRole('button', { name: '◀ Earlier' }).click();
    await until('one version earlier the task was TODO', async () => {
      const text = await auditor.locator('.travel pre').textContent().catch(() => '');
      try { return JSON.parse(text).status === 'TODO'; } catch { return false; }
    }, 3000);
    check((await auditor.locator('.travel').textContent()).includes('As of version'), 'the version is named');
    await shot(auditor, 'audit-time-travel');
  },
};

const name = process.argv[2];
if (!scenarios[name]) {
  console.error(`no scenario named ${name}; known: ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.STRADIA_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let status = 0;
try {
  await scenarios[name](browser);
  for (const context of browser.contexts()) for (const page of context.pages()) {
    if (page.errors?.length) throw new Failed(`the page threw: ${page.errors.join('; ')}`);
  }
  console.log(`${name}: ok`);
} catch (error) {
  console.error(`${name}: ${error instanceof Failed ? error.message : error.stack}`);
  const pages = browser.contexts().flatMap((context) => context.pages());
  for (const [i, page] of pages.entries()) await page.screenshot({ path: `${shots}/${name}-failed-${i}.png` }).catch(() => {});
  status = 1;
} finally {
  await browser.close();
}
process.exit(status);
