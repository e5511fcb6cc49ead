// Home (/): the composer and the home stream (live: new posts wait behind
// the "N new posts" bar; the person's own appear at once).
import { h, append, announce } from '../dom.js';
import { route } from '../router.js';
import { t, addStrings } from '../i18n.js';
import { stream } from '../ui/stream.js';
import { composer } from '../ui/composer.js';

addStrings({
  en: { 'home.title': 'Home', 'home.stream': 'Your stream', 'home.empty': 'Nothing here yet: connect with colleagues or write the first post.' },
  fr: { 'home.title': 'Accueil', 'home.stream': 'Votre fil', 'home.empty': "Rien pour l'instant : connectez-vous à des collègues ou écrivez la première publication." },
});

route('/', {
  async render({ main, signal }) {
    document.title = `${t('home.title')} · Moka`;
    const posts = stream({
      path: '/api/v1/timelines/home', signal, live: () => true,
      label: t('home.stream'), empty: t('home.empty'),
    });
    const box = composer({
      signal,
      onPosted(status) { posts.prepend(status); announce(t('composer.posted')); },
    });
    append(main, h('h1', { class: 'visually-hidden' }, t('home.title')), box,
      h('h2', { class: 'visually-hidden' }, t('home.stream')), posts.el);
    await posts.ready;
  },
});
