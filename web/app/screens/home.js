// Home (/): the composer and the home stream.
import { h, append } from '../dom.js';
import { route } from '../router.js';
import { t, addStrings } from '../i18n.js';

addStrings({ en: { 'home.title': 'Home' }, fr: { 'home.title': 'Accueil' } });

route('/', {
  render({ main }) {
    document.title = 'Moka';
    append(main, h('h1', { class: 'visually-hidden' }, t('home.title')));
  },
});
