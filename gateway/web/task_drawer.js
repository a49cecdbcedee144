// A task's drawer: description, the payload editor (the schema's errors by path), pre-flight
// and execution for Type C, generated content for Type B, notes and the timeline.
import * as api from './api.js';
import { h, label, replace, taskType, time } from './dom.js';

export function openTaskDrawer(ctx, taskId, onClose) {
  const body = h('div', { class: 'drawer-body' }, h('p', { class: 'muted', text: 'Loading…' }));
  const panel = h('aside', { class: 'drawer', role: 'dialog', 'aria-label': 'Task', tabindex: -1 },
    h('button', { class: 'link close', text: 'Close ×', onclick: () => close() }), body);
  document.body.append(panel);
  panel.addEventListener('keydown', (event) => { if (event.key === 'Escape') close(); });
  panel.focus();
  let task = null;
  let timer = null;
  // What the person is typing survives the redraws that live frames cause.
  const drafts = { payload: null, note: '', target: '' };

  function close() {
    clearTimeout(timer);
    panel.remove();
    onClose();
  }

  async function load(position = 0) {
    try {
      task = (await api.get(`/api/v1/tasks/${taskId}${api.query({ min_position: position || null })}`)).task;
      draw();
    } catch (error) {
      replace(body, h('p', { class: 'error', text: api.inWords(error) }));
    }
  }

  // A command, then the task read again at its position (the next command's
  // expected_version is the new one).
  async function run(name, payload, done, problems) {
    const outcome = await api.attempt(name, payload, problems, ctx.fail);
    if (!outcome) return null;
    ctx.say(done, 'info');
    await load(outcome.global_position);
    return outcome;
  }

  const mineLocked = () => task.locked_by === ctx.me.id;
  const writer = () => ctx.canWrite();

  function payloadEditor() {
    const problems = h('ul', { class: 'form-error' });
    const editor = h('textarea', { class: 'code', rows: 10, spellcheck: 'false', 'aria-label': 'Execution payload',
      value: drafts.payload ?? JSON.stringify(task.execution_payload ?? {}, null, 2),
      oninput: (event) => { drafts.payload = event.target.value; } });
    const save = h('button', { text: 'Save payload', disabled: !mineLocked(),
      title: mineLocked() ? '' : 'Lock the task to edit its payload',
      onclick: async () => {
        let parsed;
        try { parsed = JSON.parse(editor.value); } catch (error) {
          replace(problems, h('li', { text: `Not JSON: ${error.message}` }));
          return;
        }
        const saved = { local_task_id: task.id, execution_payload: parsed, expected_version: task.version };
        const draft = editor.value;
        drafts.payload = null;  // the saved payload is what the reload shows
        if (!(await run('UpdateExecutionPayload', saved, 'Payload saved.', problems))) drafts.payload = draft;
      } });
    return h('section', {},
      h('h3', { text: 'Execution payload' }),
      task.expected_payload_schema ? h('details', {}, h('summary', { text: 'Expected schema' }),
        h('pre', { class: 'code', text: JSON.stringify(task.expected_payload_schema, null, 2) })) : null,
      editor, problems, writer() ? save : null,
      !mineLocked() && writer() ? h('p', { class: 'muted small', text: 'Only the lock holder edits the payload.' }) : null);
  }

  function typeC() {
    if (task.task_type !== 'C_EXECUTIVE') return null;
    const problems = h('ul', { class: 'form-error' });
    const pre = task.pre_flight;
    const target = task.target_platform === 'GA4' ? ['measurement_id', 'Measurement ID (G-…)'] : ['container_id', 'Container ID (GTM-…)'];
    const form = h('form', { class: 'inline', 'aria-label': 'Execute' },
      h('label', {}, target[1], h('input', { name: target[0], required: true, value: drafts.target,
        oninput: (event) => { drafts.target = event.target.value; } })),
      h('button', { type: 'submit', disabled: !mineLocked(), text: 'Execute' }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      await run('ExecuteTask', { local_task_id: task.id, [target[0]]: form[target[0]].value.trim(), expected_version: task.version }, 'Execution finished.', problems);
    });
    return h('section', {},
      h('h3', { text: 'Pre-flight and execution' }),
      h('p', { text: `Pre-flight: ${label(task.pre_flight_scan_status)}${pre?.token_cost ? ` (${pre.token_cost} tokens)` : ''}` }),
      pre?.findings?.length ? h('ul', {}, pre.findings.map((f) => h('li', { text: typeof f === 'string' ? f : JSON.stringify(f) }))) : null,
      writer() ? h('button', { class: 'secondary', text: 'Run pre-flight scan',
        onclick: () => run('RequestPreFlightScan', { local_task_id: task.id, expected_version: task.version }, 'Pre-flight finished.', problems) }) : null,
      h('p', { text: task.last_executed_at ? `Last executed ${time(task.last_executed_at)}` : 'Not executed yet: a Type C task reaches DONE only after a successful run.' }),
      task.error_log ? h('p', { class: 'error', text: task.error_log }) : null,
      writer() ? form : null, problems);
  }

  function notes() {
    const problems = h('ul', { class: 'form-error' });
    const form = h('form', { 'aria-label': 'Add a note' },
      h('textarea', { name: 'content', rows: 2, required: true, 'aria-label': 'Note', value: drafts.note,
        oninput: (event) => { drafts.note = event.target.value; } }),
      h('button', { type: 'submit', text: 'Add note' }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const content = form.content.value;
      drafts.note = '';
      if (!(await run('AddTaskNote', { local_task_id: task.id, content }, 'Note added.', problems))) drafts.note = content;
    });
    return h('section', {}, h('h3', { text: 'Notes' }),
      h('ul', { class: 'notes' }, (task.notes || []).map((n) => h('li', { class: n.is_system_generated ? 'system' : '' },
        h('p', { text: n.content }), h('p', { class: 'muted small', text: `${ctx.who(n.user_id)} · ${time(n.created_at)}` })))),
      writer() ? form : null, problems);
  }

  function timeline() {
    return h('section', {}, h('h3', { text: 'Timeline' }),
      h('ol', { class: 'timeline' }, (task.timeline || []).map((item) => h('li', {},
        h('strong', { text: label(item.kind) }), ' ',
        h('span', { text: item.content || item.justification || (item.http_status ? `HTTP ${item.http_status}` : '') }),
        h('span', { class: 'muted small', text: ` · ${ctx.who(item.user_id)} · ${time(item.created_at || item.at || item.recorded_at)}` })))));
  }

  function draw() {
    replace(body,
      h('h2', { text: task.title }),
      h('p', { class: 'muted', text: `${taskType(task.task_type)} · ${task.target_platform} · weight ${task.weight} · ${label(task.status)} · version ${task.version}` }),
      task.locked_by ? h('p', { class: 'lock', text: `Locked by ${ctx.who(task.locked_by)} until ${time(task.expires_at)}` }) : null,
      h('p', { text: task.description || 'No description.' }),
      task.generated_content ? h('section', {}, h('h3', { text: 'Generated content' }),
        h('pre', { class: 'code', text: typeof task.generated_content === 'string' ? task.generated_content : JSON.stringify(task.generated_content, null, 2) })) : null,
      task.task_type === 'B_GENERATIVE' && writer() ? h('button', { class: 'secondary', text: 'Generate content',
        onclick: () => run('GenerateContent', { local_task_id: task.id, expected_version: task.version }, 'Content generated.') }) : null,
      task.task_type === 'A_MANUAL' ? null : payloadEditor(),
      typeC(), notes(), timeline());
  }

  load();
  return {
    taskId,
    close,
    // Live frames come in bursts: read the task once they settle.
    refresh() { clearTimeout(timer); timer = setTimeout(load, 150); },
  };
}
