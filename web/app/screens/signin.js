// Sign in (/sign_in): username or email and password. A failure keeps what
// was typed, shows the server's message and moves focus to it.
import { h, append, uid } from '../dom.js';
import { route, navigate } from '../router.js';
import { t, addStrings } from '../i18n.js';
import { session, signIn } from '../session.js';

addStrings({
  en: {
    'signin.title': 'Sign in to Moka', 'signin.username': 'Username or email', 'signin.password': 'Password',
    'signin.submit': 'Sign in', 'signin.busy': 'Signing in…', 'signin.intro': 'Your company’s social network.',
  },
  fr: {
    'signin.title': 'Se connecter à Moka', 'signin.username': "Nom d'utilisateur ou e-mail", 'signin.password': 'Mot de passe',
    'signin.submit': 'Se connecter', 'signin.busy': 'Connexion…', 'signin.intro': 'Le réseau social de votre entreprise.',
  },
});

function safeNext(query) {
  const next = query.get('next') || '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

route('/sign_in', {
  public: true,
  render({ main, query }) {
    if (session.account) { navigate(safeNext(query), { replace: true }); return; }
    document.title = `${t('signin.title')} · Moka`;
    const userId = uid('user'), passId = uid('pass'), errId = uid('err');
    const user = h('input', { id: userId, name: 'username', autocomplete: 'username', required: true, maxlength: 320, autocapitalize: 'none', spellcheck: 'false' });
    const pass = h('input', { id: passId, name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 1024 });
    const error = h('p', { id: errId, class: 'form-error', role: 'alert', hidden: true, tabindex: '-1' });
    const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('signin.submit'));
    const form = h('form', { class: 'form signin-form', novalidate: true, 'aria-describedby': errId },
      h('div', { class: 'field' }, h('label', { for: userId }, t('signin.username')), user),
      h('div', { class: 'field' }, h('label', { for: passId }, t('signin.password')), pass),
      error, button);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.hidden = true;
      button.disabled = true;
      button.textContent = t('signin.busy');
      try {
        await signIn(user.value.trim(), pass.value);
        navigate(safeNext(query), { replace: true });
      } catch (err) {
        error.textContent = err.message;
        error.hidden = false;
        button.disabled = false;
        button.textContent = t('signin.submit');
        error.focus();
      }
    });
    append(main, h('section', { class: 'panel narrow signin' },
      h('h1', null, t('signin.title')), h('p', { class: 'muted' }, t('signin.intro')), form));
    user.focus();
  },
});
