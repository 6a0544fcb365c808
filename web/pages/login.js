// Log in: a token from `im token create` is exchanged for a session cookie (HttpOnly), so the
// page never keeps the token.
import { login } from '../api.js';
import { h, clear, errorBox, toast } from '../ui.js';

export async function render(main, ctx) {
  const next = ctx.query.next && ctx.query.next.startsWith('/') && !ctx.query.next.startsWith('//')
    ? ctx.query.next : '/incidents';
  const status = h('div', { class: 'form-error', 'aria-live': 'assertive' });
  const form = h('form', { class: 'login', 'aria-labelledby': 'login-h' },
    h('h1', { id: 'login-h' }, 'Log in'),
    h('p', {}, 'Paste an API token made with ', h('code', {}, 'im token create'),
      '. It is exchanged for a session; the page does not keep it.'),
    h('div', { class: 'field' }, h('label', { for: 'token' }, 'API token'),
      h('input', { id: 'token', name: 'token', type: 'password', required: true, autocomplete: 'off' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Log in')),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(status);
    try {
      const s = await login(new FormData(form).get('token'));
      toast(`Logged in as ${s.actor}`);
      ctx.navigate(next, { replace: true });
    } catch (err) {
      status.append(errorBox(err));
    }
  });
  main.append(form);
  form.querySelector('input').focus();
}
