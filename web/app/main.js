// Moka's web app: loads the session, draws the header, starts the router and
// the live stream. Screens register themselves in screens/index.js.
import { start as startRouter, setGuard, setNotFound, setMoreScreens, loadMoreScreens, navigate, refresh } from './router.js';
import { prefetch } from './api.js';
import { loadSession, onSessionChange, session } from './session.js';
import { renderHeader, refreshUnread } from './header.js';
import { onLangChange, t, addStrings } from './i18n.js';
import { h, replace } from './dom.js';
import * as live from './live.js';
import { notFound, moreScreens } from './screens/index.js';

addStrings({
  en: { 'app.offline': 'You are offline. Moka will reconnect when the network is back.',
        'app.offline.title': 'Offline', 'app.retry': 'Try again' },
  fr: { 'app.offline': 'Vous êtes hors ligne. Moka se reconnectera au retour du réseau.',
        'app.offline.title': 'Hors ligne', 'app.retry': 'Réessayer' },
});

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
    // No answer at all (offline, server down): the cached shell says so
    // rather than showing a sign-in form, and starts again once online.
    setOffline(true);
    replace(document.getElementById('main'), h('section', { class: 'panel narrow' },
      h('h1', { tabindex: '-1' }, t('app.offline.title')), h('p', null, t('app.offline')),
      h('button', { type: 'button', class: 'btn', onclick: () => location.reload() }, t('app.retry'))));
    window.addEventListener('online', () => location.reload(), { once: true });
    return;
  }
  await startRouter(document.getElementById('main'));
  const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 200));
  idle(() => loadMoreScreens().catch(() => {}));
}

const banner = h('p', { class: 'offline-banner', role: 'status' });
document.getElementById('app-header').after(banner);
function setOffline(off) {
  document.body.classList.toggle('offline', off);
  banner.textContent = off ? t('app.offline') : '';
}
window.addEventListener('offline', () => setOffline(true));
window.addEventListener('online', () => setOffline(false));
if (!navigator.onLine) setOffline(true);
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  window.addEventListener('load', () => navigator.serviceWorker.register('/sw.js').catch(() => {}));
}
boot();
