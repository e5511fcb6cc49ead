// Moka's web app: loads the session, draws the header, starts the router and
// the live stream. Screens register themselves in screens/index.js.
import { start as startRouter, setGuard, setNotFound, setMoreScreens, loadMoreScreens, navigate, refresh } from './router.js';
import { prefetch } from './api.js';
import { loadSession, onSessionChange, session } from './session.js';
import { renderHeader, refreshUnread } from './header.js';
import { onLangChange } from './i18n.js';
import * as live from './live.js';
import { notFound, moreScreens } from './screens/index.js';

performance.mark('moka:start');
setNotFound(notFound);
setMoreScreens(moreScreens);
setGuard((screen, url) => {
  if (screen.public || session.account) return true;
  const next = url.pathname + url.search;
  navigate(`/sign_in${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`, { replace: true });
  return false;
});

onSessionChange((account) => {
  renderHeader();
  if (account) { live.start(); refreshUnread(); } else live.stop();
});
onLangChange(() => { renderHeader(); refresh(); });

async function boot() {
  // Home's posts are asked for while the session loads (same cookie).
  if (location.pathname === '/') prefetch('/api/v1/timelines/home', { limit: 20 });
  renderHeader(document.getElementById('app-header'));
  try {
    await loadSession();
    performance.mark('moka:session');
  } catch {
    document.body.classList.add('offline');
  }
  await startRouter(document.getElementById('main'));
  const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 200));
  idle(() => loadMoreScreens().catch(() => {}));
}

window.addEventListener('offline', () => document.body.classList.add('offline'));
window.addEventListener('online', () => document.body.classList.remove('offline'));
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  window.addEventListener('load', () => navigator.serviceWorker.register('/sw.js').catch(() => {}));
}
boot();
