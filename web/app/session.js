// The browser session: GET /auth/session on load, POST /auth/sign_in and
// /auth/sign_out. session.account is the signed-in Account (or null);
// the CSRF token goes to the API client. onSessionChange(fn) is told of
// every change (fn(account)).
import { get, post, setCsrfToken, setUnauthorizedHandler } from './api.js';

export const session = { account: null };
const listeners = new Set();

function set(account, csrf) {
  session.account = account;
  setCsrfToken(csrf || null);
  for (const fn of listeners) fn(account);
}

export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export async function loadSession() {
  try {
    const s = await get('/auth/session');
    set(s.account, s.csrf_token);
  } catch (e) {
    if (e.status !== 401) throw e;
    set(null, null);
  }
  return session.account;
}

export async function signIn(username, password) {
  const s = await post('/auth/sign_in', { username, password });
  set(s.account, s.csrf_token);
  return s.account;
}

// Ends the session on the server, and tells the service worker to drop
// every cache but the app shell.
export async function signOut() {
  try { await post('/auth/sign_out'); } catch { /* signed out already */ }
  if (navigator.serviceWorker && navigator.serviceWorker.controller) {
    navigator.serviceWorker.controller.postMessage({ type: 'sign-out' });
  }
  set(null, null);
}

// Updates the signed-in account (after a profile edit).
export function updateAccount(account) {
  if (session.account && account && account.id === session.account.id) {
    session.account = account;
    for (const fn of listeners) fn(account);
  }
}

setUnauthorizedHandler(() => { if (session.account) set(null, null); });
