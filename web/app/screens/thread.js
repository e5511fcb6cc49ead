// Post thread (/@username/ID and /statuses/ID): ancestors, the post, replies,
// and a reply box.
import { h, append } from '../dom.js';
import { route } from '../router.js';
import { t, addStrings } from '../i18n.js';

addStrings({ en: { 'thread.title': 'Post' }, fr: { 'thread.title': 'Publication' } });

route('/@:username/:id', { render: renderThread });
route('/statuses/:id', { render: renderThread });

async function renderThread({ main }) {
  document.title = `${t('thread.title')} · Moka`;
  append(main, h('h1', null, t('thread.title')));
}
