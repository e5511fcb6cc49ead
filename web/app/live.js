// Live events: one EventSource to /api/v1/streaming/user (the session cookie
// authenticates it; no token ever goes in a URL). Screens subscribe with
//
//   live.on('update', (status) => ..., ctx.signal)
//
// Types: 'update' (a Status for the home stream), 'status.update' (a Status
// after an edit), 'delete' (a post id), 'notification' (a Notification), and
// 'open' (the stream (re)connected: events may have been missed meanwhile);
// conversations: 'moka.message', 'moka.message.update' (a Message),
// 'moka.message.delete' ({id, conversation_id}), 'moka.conversation' (a
// Conversation), 'moka.conversation.delete' ({id}: I am no longer in it).
// Passing a signal unsubscribes when it aborts (the screen is left).
const handlers = new Map();
let source = null;
let retry = 1000;
let retryTimer = null;
let wanted = false;

export function on(type, fn, signal) {
  if (!handlers.has(type)) handlers.set(type, new Set());
  handlers.get(type).add(fn);
  const off = () => handlers.get(type).delete(fn);
  if (signal) signal.addEventListener('abort', off, { once: true });
  return off;
}

function dispatch(type, data) {
  for (const fn of [...(handlers.get(type) || [])]) {
    try { fn(data); } catch (e) { console.error(e); }
  }
}

function connect() {
  source = new EventSource('/api/v1/streaming/user');
  source.addEventListener('open', () => {
    retry = 1000;
    document.documentElement.dataset.live = 'open'; // for tests and styles
    dispatch('open');
  });
  for (const type of ['update', 'status.update', 'notification', 'moka.message', 'moka.message.update',
    'moka.message.delete', 'moka.conversation', 'moka.conversation.delete']) {
    source.addEventListener(type, (e) => {
      let data;
      try { data = JSON.parse(e.data); } catch { return; }
      dispatch(type, data);
    });
  }
  source.addEventListener('delete', (e) => dispatch('delete', String(e.data).trim()));
  source.addEventListener('error', () => {
    document.documentElement.dataset.live = 'closed';
    // EventSource retries by itself after a dropped connection; after a
    // refusal (401, server gone) it is CLOSED: retry later with backoff.
    if (source.readyState === EventSource.CLOSED && wanted) {
      source = null;
      retryTimer = setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    }
  });
}

export function start() {
  if (wanted) return;
  wanted = true;
  connect();
}

export function stop() {
  wanted = false;
  clearTimeout(retryTimer);
  if (source) source.close();
  source = null;
  delete document.documentElement.dataset.live;
}

export const connected = () => !!source && source.readyState === EventSource.OPEN;
