// The screen for paths no route knows.
import { h, append } from '../dom.js';
import { t, addStrings } from '../i18n.js';

addStrings({
  en: { 'notfound.title': 'Page not found', 'notfound.text': 'This page does not exist, or you cannot see it.', 'notfound.home': 'Back to Home' },
  fr: { 'notfound.title': 'Page introuvable', 'notfound.text': "Cette page n'existe pas, ou vous ne pouvez pas la voir.", 'notfound.home': "Retour à l'accueil" },
});

export const notFound = {
  render({ main }) {
    document.title = `${t('notfound.title')} · Moka`;
    append(main, h('section', { class: 'panel narrow' },
      h('h1', null, t('notfound.title')), h('p', null, t('notfound.text')),
      h('p', null, h('a', { href: '/' }, t('notfound.home')))));
  },
};
