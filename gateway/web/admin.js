// Administration: users, markets, strategies and policies of the tenant. Every change is a
// command; lists are read again once the read models have the command's position.
import * as api from './api.js';
import { formValues, h, label, replace, taskType, time } from './dom.js';

const roles = ['GLOBAL_ADMIN', 'SUPERVISOR', 'LOCAL_USER', 'READ_ONLY'];
const platforms = ['GTM', 'GA4', 'NONE'];
const taskTypes = ['A_MANUAL', 'B_GENERATIVE', 'C_EXECUTIVE'];

export function renderAdmin(root, ctx, [tab]) {
  const admin = ctx.can('GLOBAL_ADMIN');
  const view = h('div', {});
  const tabs = h('nav', { class: 'tabs', 'aria-label': 'Admin' },
    [['users', 'Users'], ['markets', 'Markets'], ['strategies', 'Strategies'], ['policies', 'Policies']]
      .map(([id, text]) => h('a', { href: `#/admin/${id}`, class: id === tab ? 'active' : '', 'aria-current': id === tab ? 'page' : null, text })));
  replace(root, h('h1', { text: 'Administration' }), tabs, view);
  let gone = false;
  let position = 0;

  // A command, then the tab read again at the command's position (read your own write).
  async function run(name, body, done, problems) {
    const outcome = await api.attempt(name, body, problems, ctx.fail);
    if (!outcome) return null;
    position = outcome.global_position;
    ctx.say(done, 'info');
    await draw();
    return outcome;
  }

  const read = (path) => api.get(path + api.query({ limit: 1000, min_position: position }));
  const select = (name, values, value, text = label) => h('select', { name }, values.map((v) => h('option', { value: v, selected: v === value, text: text(v) })));

  function commandForm(title, fields, submit) {
    const problems = h('ul', { class: 'form-error' });
    const form = h('form', { class: 'card', 'aria-label': title }, h('h2', { text: title }), fields, problems,
      h('button', { type: 'submit', text: title }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (await submit(formValues(form), problems)) form.reset();
    });
    return form;
  }

  async function users() {
    const [{ users: list }, { markets }] = await Promise.all([read('/api/v1/users'), read('/api/v1/markets')]);
    for (const user of list) ctx.people.set(user.id, user.email);
    const rows = list.map((user) => {
      const role = select('role', roles, user.role);
      role.disabled = !admin;
      role.setAttribute('aria-label', `Role of ${user.email}`);
      role.addEventListener('change', () => run('ChangeUserRole', { user_id: user.id, role: role.value }, `${user.email} is now ${label(role.value)}.`));
      const assigned = new Set(user.assigned_market_ids);
      return h('tr', { 'data-email': user.email },
        h('td', { text: user.email }), h('td', {}, role), h('td', { text: user.is_active ? 'active' : 'deactivated' }),
        h('td', {}, markets.map((m) => h('label', { class: 'check' },
          h('input', { type: 'checkbox', checked: assigned.has(m.id), disabled: !admin || user.role !== 'LOCAL_USER',
            onchange: (event) => run(event.target.checked ? 'AssignUserToMarket' : 'UnassignUserFromMarket',
              { user_id: user.id, market_id: m.id }, `${user.email}: markets changed.`) }), m.name))),
        h('td', { text: time(user.last_login_at) }),
        h('td', {}, admin && user.is_active && user.id !== ctx.me.id
          ? h('button', { class: 'secondary', text: 'Deactivate', onclick: () => run('DeactivateUser', { user_id: user.id }, `${user.email} deactivated.`) }) : null));
    });
    return [
      h('table', { class: 'users' }, h('thead', {}, h('tr', {}, ['Email', 'Role', 'State', 'Markets', 'Last sign-in', ''].map((t) => h('th', { text: t })))),
        h('tbody', {}, rows)),
      markets.length ? null : h('p', { class: 'muted', text: 'No markets yet.' }),
      admin ? commandForm('Invite user', [
        h('label', {}, 'Email', h('input', { name: 'email', type: 'email', required: true })),
        h('label', {}, 'Role', select('role', roles, 'LOCAL_USER')),
        h('label', {}, 'First password (8 characters or more)', h('input', { name: 'password', type: 'password', minlength: 8, required: true })),
      ], (v, problems) => run('InviteUser', { email: v.email, role: v.role, password: v.password }, `${v.email} invited.`, problems)) : null,
    ];
  }

  async function markets() {
    const [{ markets: list }, { tenant }] = await Promise.all([read('/api/v1/markets'), read('/api/v1/tenant')]);
    return [
      h('p', { class: 'muted', text: `${tenant.active_markets_in_use} of ${tenant.active_markets_limit} active markets · ${tenant.seats_in_use} of ${tenant.user_seat_limit} seats` }),
      h('table', {}, h('thead', {}, h('tr', {}, ['Market', 'Region', 'Time zone', 'State', ''].map((t) => h('th', { text: t })))),
        h('tbody', {}, list.map((m) => h('tr', {},
          h('td', { text: m.name }), h('td', { text: m.region_code }), h('td', { text: m.timezone }),
          h('td', { text: m.is_active ? 'active' : 'inactive' }),
          h('td', {}, admin ? h('button', { class: 'secondary', text: m.is_active ? 'Deactivate' : 'Activate',
            onclick: () => run(m.is_active ? 'DeactivateMarket' : 'ActivateMarket', { market_id: m.id }, `${m.name} ${m.is_active ? 'deactivated' : 'activated'}.`) }) : null))))),
      admin ? commandForm('Create market', [
        h('label', {}, 'Name', h('input', { name: 'name', required: true })),
        h('label', {}, 'Region code', h('input', { name: 'region_code', required: true, placeholder: 'ES' })),
        h('label', {}, 'Time zone (IANA)', h('input', { name: 'timezone', required: true, placeholder: 'Europe/Madrid' })),
      ], (v, problems) => run('CreateMarket', v, `${v.name} created.`, problems)) : null,
    ];
  }

  async function strategies() {
    const [{ strategies: list }, { markets: all }] = await Promise.all([read('/api/v1/strategies'), read('/api/v1/markets')]);
    return [
      list.map((s) => h('section', { class: 'card' },
        h('h2', { text: `${s.title} · v${s.version}${s.is_published ? '' : ' (draft)'}` }),
        s.description ? h('p', { text: s.description }) : null,
        h('p', { class: 'muted', text: `Deployed to: ${s.deployed_market_ids.map((id) => all.find((m) => m.id === id)?.name || id).join(', ') || 'no market'}` }),
        h('table', {}, h('thead', {}, h('tr', {}, ['#', 'Task', 'Type', 'Platform', 'Weight'].map((t) => h('th', { text: t })))),
          h('tbody', {}, s.global_tasks.map((t) => h('tr', {}, h('td', { text: t.order_index }), h('td', { text: t.title }),
            h('td', { text: taskType(t.task_type) }), h('td', { text: t.target_platform }), h('td', { text: t.weight }))))),
        admin ? commandForm(`Add task to ${s.title}`, [
          h('label', {}, 'Title', h('input', { name: 'title', required: true })),
          h('label', {}, 'Description', h('input', { name: 'description' })),
          h('label', {}, 'Type', select('task_type', taskTypes, 'A_MANUAL', taskType)),
          h('label', {}, 'Platform', select('target_platform', platforms, 'NONE', String)),
          h('label', {}, 'Weight', h('input', { name: 'weight', type: 'number', min: 1, value: 1 })),
        ], (v, problems) => run('AddGlobalTask', { master_strategy_id: s.id, task: {
          title: v.title, description: v.description, task_type: v.task_type, target_platform: v.target_platform,
          weight: Number(v.weight), order_index: s.global_tasks.length } }, `Task added to ${s.title}.`, problems)) : null,
        admin ? commandForm(`Publish ${s.title}`, [
          h('fieldset', {}, h('legend', { text: 'Markets' }), all.map((m) => h('label', { class: 'check' },
            h('input', { type: 'checkbox', name: 'market_ids', value: m.id, checked: s.deployed_market_ids.includes(m.id) }), m.name))),
        ], (v, problems) => run('PublishMasterStrategy', { master_strategy_id: s.id, market_ids: v.market_ids }, `${s.title} published.`, problems)) : null)),
      admin ? commandForm('Create strategy', [
        h('label', {}, 'Title', h('input', { name: 'title', required: true })),
        h('label', {}, 'Description', h('input', { name: 'description' })),
      ], (v, problems) => run('CreateMasterStrategy', v, `${v.title} created.`, problems)) : null,
    ];
  }

  async function policies() {
    const { policies: list } = await read('/api/v1/policies');
    return [
      list.length ? h('table', {}, h('thead', {}, h('tr', {}, ['Rule', 'Platform', 'State', ''].map((t) => h('th', { text: t })))),
        h('tbody', {}, list.map((p) => h('tr', {}, h('td', { text: p.policy_text }), h('td', { text: p.platform }),
          h('td', { text: p.is_active ? 'active' : 'inactive' }),
          h('td', {}, admin && p.is_active ? h('button', { class: 'secondary', text: 'Deactivate',
            onclick: () => run('DeactivateGovernancePolicy', { policy_id: p.id }, 'Policy deactivated.') }) : null)))))
        : h('p', { class: 'muted', text: 'No governance policy yet.' }),
      admin ? commandForm('Create policy', [
        h('label', {}, 'Rule (the pre-flight scan checks payloads against it)', h('textarea', { name: 'policy_text', rows: 2, required: true })),
        h('label', {}, 'Platform', select('platform', platforms, 'GTM', String)),
      ], (v, problems) => run('CreateGovernancePolicy', v, 'Policy created.', problems)) : null,
    ];
  }

  const screens = { users, markets, strategies, policies };
  async function draw() {
    try {
      const content = await screens[tab]();
      if (!gone) replace(view, content);
    } catch (error) {
      ctx.fail(error);
    }
  }
  draw();
  return () => { gone = true; };
}
