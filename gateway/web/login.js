import * as api from './api.js';
import { h, replace } from './dom.js';

export function renderLogin(root, ctx, signedIn) {
  const problem = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', { class: 'card login', 'aria-label': 'Sign in' },
    h('h1', { text: 'Sign in' }),
    h('label', {}, 'Email', h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true })),
    h('label', {}, 'Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    problem,
    h('button', { type: 'submit', text: 'Sign in' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.textContent = '';
    try {
      await api.login(form.email.value.trim(), form.password.value);
      await signedIn();
    } catch (error) {
      problem.textContent = api.inWords(error);
    }
  });
  replace(root, form);
  form.email.focus();
}
