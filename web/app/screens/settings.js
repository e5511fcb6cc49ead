// Settings (/settings): the language (English / Français), kept in this
// browser by the shell's i18n (localStorage "moka.lang"); the app re-renders
// in the new language at once. Links to editing the profile.
import { h, append, uid } from '../dom.js';
import { route } from '../router.js';
import { t, addStrings, lang, languages, setLang } from '../i18n.js';

addStrings({
  en: {
    'settings.title': 'Settings', 'settings.language': 'Language', 'settings.languageHint': 'Moka remembers it in this browser.',
    'settings.profile': 'Profile', 'settings.edit': 'Edit my profile and photo',
    'settings.lang.en': 'English', 'settings.lang.fr': 'Français',
  },
  fr: {
    'settings.title': 'Paramètres', 'settings.language': 'Langue', 'settings.languageHint': 'Moka la retient dans ce navigateur.',
    'settings.profile': 'Profil', 'settings.edit': 'Modifier mon profil et ma photo',
    'settings.lang.en': 'English', 'settings.lang.fr': 'Français',
  },
});

// The screen is drawn again in the new language: keep the focus on the choice.
function focusChoice(main) {
  const checked = main.querySelector('input[name="lang"]:checked');
  if (checked) checked.focus();
}

route('/settings', {
  render({ main }) {
    document.title = `${t('settings.title')} · Moka`;
    const hintId = uid('hint');
    const legendId = uid('legend');
    const choices = languages().map((l) => {
      const id = uid(`lang-${l}`);
      return h('div', { class: 'choice' },
        h('input', { type: 'radio', name: 'lang', id, value: l, checked: l === lang, lang: l, onchange: () => { setLang(l); focusChoice(main); } }),
        h('label', { for: id, lang: l }, t(`settings.lang.${l}`)));
    });
    append(main, h('div', { class: 'settings' },
      h('h1', null, t('settings.title')),
      h('form', { class: 'panel form', onsubmit: (e) => e.preventDefault() },
        h('fieldset', { class: 'choices', 'aria-describedby': hintId },
          h('legend', { id: legendId }, h('h2', null, t('settings.language'))),
          h('p', { id: hintId, class: 'hint muted' }, t('settings.languageHint')),
          choices)),
      h('section', { class: 'panel' },
        h('h2', null, t('settings.profile')),
        h('p', null, h('a', { href: '/profile/edit' }, t('settings.edit'))))));
  },
});
