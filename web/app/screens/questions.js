// Questions (/questions and its tabs /questions/network, /communities,
// /unanswered): my questions (open and answered), the open questions of my
// network (1st and 2nd degree), of my communities, and those nobody has
// answered for more than a day — each a stream of posts from
// /api/moka/v1/questions/<list> (infinite scroll through the Link header),
// with an "Ask a question" composer (the question switch already on) on
// my questions. Cards show open / answered; answering and accepting happen
// in the thread.
import { h, append, announce } from '../dom.js';
import { route } from '../router.js';
import { t, addStrings } from '../i18n.js';
import { stream } from '../ui/stream.js';
import { composer } from '../ui/composer.js';

addStrings({
  en: {
    'questions.title': 'Questions', 'questions.tabs': 'Lists of questions',
    'questions.mine': 'My questions', 'questions.network': 'My network', 'questions.communities': 'My communities',
    'questions.unanswered': 'Unanswered',
    'questions.mineIntro': 'The questions you asked, open and answered.',
    'questions.networkIntro': 'Open questions from your connections and their connections.',
    'questions.communitiesIntro': 'Open questions in the communities you belong to.',
    'questions.unansweredIntro': 'Questions nobody has answered for more than a day. Can you help?',
    'questions.mineEmpty': 'You have not asked anything yet.', 'questions.networkEmpty': 'No open questions in your network.',
    'questions.communitiesEmpty': 'No open questions in your communities.', 'questions.unansweredEmpty': 'Every question has an answer.',
    'questions.ask': 'Ask a question', 'questions.asked': 'Question asked',
  },
  fr: {
    'questions.title': 'Questions', 'questions.tabs': 'Listes de questions',
    'questions.mine': 'Mes questions', 'questions.network': 'Mon réseau', 'questions.communities': 'Mes communautés',
    'questions.unanswered': 'Sans réponse',
    'questions.mineIntro': 'Les questions que vous avez posées, ouvertes et résolues.',
    'questions.networkIntro': 'Les questions ouvertes de vos relations et de leurs relations.',
    'questions.communitiesIntro': 'Les questions ouvertes dans vos communautés.',
    'questions.unansweredIntro': "Les questions restées sans réponse depuis plus d'un jour. Pouvez-vous aider ?",
    'questions.mineEmpty': "Vous n'avez encore rien demandé.", 'questions.networkEmpty': 'Aucune question ouverte dans votre réseau.',
    'questions.communitiesEmpty': 'Aucune question ouverte dans vos communautés.', 'questions.unansweredEmpty': 'Toutes les questions ont une réponse.',
    'questions.ask': 'Poser une question', 'questions.asked': 'Question posée',
  },
});

const TABS = [
  ['/questions', 'mine'], ['/questions/network', 'network'],
  ['/questions/communities', 'communities'], ['/questions/unanswered', 'unanswered'],
];

function tabs(path) {
  return h('nav', { class: 'tabs', 'aria-label': t('questions.tabs') }, h('ul', null, TABS.map(([href, key]) =>
    h('li', null, h('a', { href, class: 'tab', 'aria-current': href === path ? 'page' : null }, t(`questions.${key}`))))));
}

async function render({ main, signal, path }, list) {
  document.title = `${t(`questions.${list}`)} · ${t('questions.title')} · Moka`;
  const posts = stream({
    path: `/api/moka/v1/questions/${list}`, signal, label: t(`questions.${list}`), empty: t(`questions.${list}Empty`),
  });
  let box = null;
  if (list === 'mine') {
    let sw = null;
    box = composer({
      signal, label: t('questions.ask'),
      onPosted(s) { posts.prepend(s); sw.checked = true; announce(t('questions.asked')); },
    });
    box.classList.add('questions-ask');
    sw = box.querySelector('input[name="question"]');
    sw.checked = true;
  }
  append(main, h('div', { class: 'stream-page questions-page' },
    h('h1', null, t('questions.title')), tabs(path),
    h('p', { class: 'muted stream-intro' }, t(`questions.${list}Intro`)),
    box, posts.el));
  await posts.ready;
}

for (const [p, list] of TABS) route(p, { render: (ctx) => render({ ...ctx, path: p }, list) });
