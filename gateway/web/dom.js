// Elements built from data without innerHTML: every text goes in as a text node, so
// nothing a tenant types can become markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function percent(score) {
  return `${Math.round((score || 0) * 100)} %`;
}

export function label(enumValue) {
  return String(enumValue ?? '').replaceAll('_', ' ').toLowerCase();
}

// A TaskType as people say it: "type C · executive".
export function taskType(type) {
  return `type ${String(type).slice(0, 1)} · ${label(String(type).slice(2))}`;
}

// A form's named controls as an object (checkbox groups as arrays of their values).
export function formValues(form) {
  const out = {};
  for (const control of form.elements) {
    if (!control.name) continue;
    if (control.type === 'checkbox') {
      out[control.name] ??= [];
      if (control.checked) out[control.name].push(control.value);
    } else out[control.name] = control.value;
  }
  return out;
}
