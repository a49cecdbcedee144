// The public HTTP API (API.md §1–4, §6, §7): the session cookie the login sets carries the
// token, so no token is kept in the page. Problems come back as ApiError, in words.
import { h } from './dom.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

export function inWords(error) {
  if (!(error instanceof ApiError)) return String(error?.message || error);
  const p = error.problem;
  const head = p.title && p.detail && p.title !== p.detail ? `${p.title}: ${p.detail}` : (p.detail || p.title || error.message);
  const fields = (p.errors || []).map((e) => `${e.path || 'body'}: ${e.message}`);
  return [head, ...fields].join('\n');
}

let onSignedOut = () => {};
export function whenSignedOut(handler) { onSignedOut = handler; }

async function call(method, path, body, headers = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(path, init);
  if (response.ok) return response;
  let problem = null;
  try { problem = await response.json(); } catch { /* not problem+json: the status says it */ }
  const error = new ApiError(response.status, problem);
  if (response.status === 401 && !path.endsWith('/auth/login')) onSignedOut(error);
  throw error;
}

export async function get(path) {
  const response = await call('GET', path);
  return response.json();
}

// NDJSON (the event log): one object per line.
export async function getLines(path) {
  const response = await call('GET', path, undefined, { Accept: 'application/x-ndjson' });
  const text = await response.text();
  return text.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line));
}

export async function login(email, password) {
  const response = await call('POST', '/api/v1/auth/login', { email, password });
  return response.json();
}

export async function logout() { await call('POST', '/api/v1/auth/logout'); }

// A version-4 UUID. crypto.randomUUID exists only on secure pages (HTTPS or localhost);
// getRandomValues everywhere, so a console served over plain HTTP on a LAN address works.
export function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// A command with an Idempotency-Key: the server answers a request it already applied
// (a network retry of the same request) without applying it again.
async function command(name, body) {
  const response = await call('POST', `/api/v1/commands/${encodeURIComponent(name)}`, body,
    { 'Idempotency-Key': newKey() });
  return response.json();
}

// A command for a form: the problem's lines go into `problems` (a list element) when there
// is one, else to `fail`. Answers the command's outcome, or null when it was refused.
export async function attempt(name, body, problems, fail) {
  problems?.replaceChildren();
  try {
    return await command(name, body);
  } catch (error) {
    if (!problems) { fail(error); return null; }
    problems.append(...inWords(error).split('\n').map((line) => h('li', { text: line })));
    return null;
  }
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}
