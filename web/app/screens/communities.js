// Communities (/communities): browse the communities I may see, or only mine
// (/communities/mine), filtered by name, type and tag, with infinite scroll
// (Link rel="next"); and create one (/communities/new: name, description,
// tags, type, listed). A listed restricted community shows only its name
// and description ("limited"). The community's own page is community.js.
import { h, append, uid, announce } from '../dom.js';
import { route, navigate } from '../router.js';
import { t, addStrings } from '../i18n.js';
import { api, post } from '../api.js';
import { chipsInput } from '../ui/chips.js';

addStrings({
  en: {
    'communities.title': 'Communities', 'communities.tabs': 'Sections', 'communities.all': 'All communities', 'communities.mine': 'My communities',
    'communities.create': 'Create a community', 'communities.filters': 'Filter communities', 'communities.name': 'Name',
    'communities.type': 'Type', 'communities.anyType': 'Any type', 'communities.tag': 'Tag', 'communities.apply': 'Filter',
    'communities.list': 'Communities', 'communities.empty': 'No community matches.', 'communities.emptyMine': 'You are not in any community yet.',
    'communities.loading': 'Loading…', 'communities.more': 'Load more communities', 'communities.retry': 'Try again',
    'communities.members': { one: '{count} member', other: '{count} members' },
    'communities.type.public': 'Public', 'communities.type.moderated': 'Moderated', 'communities.type.restricted': 'Restricted',
    'communities.typeHelp.public': 'Anyone reads and joins.',
    'communities.typeHelp.moderated': 'Anyone reads; joining is a request an owner approves.',
    'communities.typeHelp.restricted': 'By invitation only; invisible to others unless listed.',
    'communities.role.owner': 'Owner', 'communities.role.member': 'Member', 'communities.role.requested': 'Request sent',
    'communities.role.invited': 'Invited', 'communities.archived': 'Archived', 'communities.limited': 'By invitation only',
    'communities.description': 'Description', 'communities.tags': 'Tags', 'communities.tagsHelp': 'Press Enter or type a comma after each tag.',
    'communities.listed': 'Listed: people outside see its name and description', 'communities.submit': 'Create',
    'communities.creating': 'Creating…', 'communities.created': 'Community {name} created.', 'communities.nameRequired': 'name: can\'t be blank',
  },
  fr: {
    'communities.title': 'Communautés', 'communities.tabs': 'Rubriques', 'communities.all': 'Toutes les communautés', 'communities.mine': 'Mes communautés',
    'communities.create': 'Créer une communauté', 'communities.filters': 'Filtrer les communautés', 'communities.name': 'Nom',
    'communities.type': 'Type', 'communities.anyType': 'Tous les types', 'communities.tag': 'Mot-clé', 'communities.apply': 'Filtrer',
    'communities.list': 'Communautés', 'communities.empty': 'Aucune communauté ne correspond.', 'communities.emptyMine': "Vous n'êtes encore membre d'aucune communauté.",
    'communities.loading': 'Chargement…', 'communities.more': 'Charger plus de communautés', 'communities.retry': 'Réessayer',
    'communities.members': { one: '{count} membre', other: '{count} membres' },
    'communities.type.public': 'Publique', 'communities.type.moderated': 'Modérée', 'communities.type.restricted': 'Restreinte',
    'communities.typeHelp.public': 'Tout le monde lit et rejoint.',
    'communities.typeHelp.moderated': 'Tout le monde lit ; pour rejoindre, un propriétaire accepte la demande.',
    'communities.typeHelp.restricted': 'Sur invitation ; invisible des autres sauf si elle est listée.',
    'communities.role.owner': 'Propriétaire', 'communities.role.member': 'Membre', 'communities.role.requested': 'Demande envoyée',
    'communities.role.invited': 'Invité', 'communities.archived': 'Archivée', 'communities.limited': 'Sur invitation',
    'communities.description': 'Description', 'communities.tags': 'Mots-clés', 'communities.tagsHelp': 'Appuyez sur Entrée ou tapez une virgule après chaque mot-clé.',
    'communities.listed': 'Listée : les autres voient son nom et sa description', 'communities.submit': 'Créer',
    'communities.creating': 'Création…', 'communities.created': 'Communauté {name} créée.', 'communities.nameRequired': 'nom : obligatoire',
  },
});

export const TYPES = ['public', 'moderated', 'restricted'];
export const communityPath = (c) => `/communities/${c.id}`;

// Small badges: type, my membership, archived.
export function communityBadges(c) {
  return h('span', { class: 'community-badges' },
    h('span', { class: `post-tag community-type community-type-${c.type}` }, t(`communities.type.${c.type}`)),
    c.membership ? h('span', { class: 'post-tag community-role' }, t(`communities.role.${c.membership}`)) : null,
    c.archived ? h('span', { class: 'post-tag' }, t('communities.archived')) : null,
    c.limited ? h('span', { class: 'post-tag' }, t('communities.limited')) : null);
}

function card(c) {
  return h('li', { class: 'community-card', dataset: { id: c.id } },
    h('div', { class: 'community-card-head' },
      h('a', { href: communityPath(c), class: 'community-name' }, c.name), communityBadges(c)),
    c.description ? h('p', { class: 'community-desc' }, c.description.length > 240 ? `${c.description.slice(0, 239)}…` : c.description) : null,
    h('p', { class: 'community-meta muted' },
      c.limited ? null : t('communities.members', { count: c.members_count || 0 }),
      (c.tags || []).length ? h('span', { class: 'community-tags' }, (c.tags || []).map((tag) => ` #${tag}`)) : null));
}

function tabs(path) {
  const items = [['/communities', 'communities.all'], ['/communities/mine', 'communities.mine'], ['/communities/new', 'communities.create']];
  return h('nav', { class: 'tabs', 'aria-label': t('communities.tabs') }, h('ul', null, items.map(([href, key]) =>
    h('li', null, h('a', { href, class: 'tab', 'aria-current': href === path ? 'page' : null }, t(key))))));
}

function filters(ctx, mine) {
  const q = ctx.query;
  const nameId = uid('q'), typeId = uid('type'), tagId = uid('tag');
  const name = h('input', { id: nameId, type: 'search', name: 'q', value: q.get('q') || '', maxlength: 200, autocomplete: 'off' });
  const type = h('select', { id: typeId, name: 'type' },
    h('option', { value: '' }, t('communities.anyType')),
    TYPES.map((ty) => h('option', { value: ty, selected: q.get('type') === ty }, t(`communities.type.${ty}`))));
  const tag = h('input', { id: tagId, type: 'text', name: 'tag', value: q.get('tag') || '', maxlength: 100, autocomplete: 'off' });
  const submit = (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (name.value.trim()) p.set('q', name.value.trim());
    if (type.value) p.set('type', type.value);
    if (tag.value.trim()) p.set('tag', tag.value.trim().replace(/^#/, ''));
    const s = p.toString();
    navigate(`${mine ? '/communities/mine' : '/communities'}${s ? `?${s}` : ''}`, { replace: true });
  };
  return h('form', { class: 'panel community-filters', role: 'search', 'aria-label': t('communities.filters'), onsubmit: submit },
    h('div', { class: 'field' }, h('label', { for: nameId }, t('communities.name')), name),
    h('div', { class: 'field' }, h('label', { for: typeId }, t('communities.type')), type),
    h('div', { class: 'field' }, h('label', { for: tagId }, t('communities.tag')), tag),
    h('button', { type: 'submit', class: 'btn' }, t('communities.apply')));
}

async function browse(ctx, mine) {
  const { main, signal, query } = ctx;
  document.title = `${t(mine ? 'communities.mine' : 'communities.title')} · Moka`;
  const list = h('ul', { class: 'community-list', 'aria-label': t('communities.list') });
  const status = h('p', { class: 'people-status muted', 'aria-live': 'polite' }, t('communities.loading'));
  const more = h('button', { type: 'button', class: 'btn people-more', hidden: true, onclick: () => load() }, t('communities.more'));
  append(main, h('h1', null, t('communities.title')), tabs(ctx.path), filters(ctx, mine),
    h('section', { class: 'panel' }, list, status, more));
  const q = { limit: 20 };
  for (const k of ['q', 'type', 'tag']) if (query.get(k)) q[k] = query.get(k);
  let next = mine ? '/api/moka/v1/communities/mine' : '/api/moka/v1/communities', first = true, loading = false;
  async function load() {
    if (loading || !next) return;
    loading = true;
    more.hidden = true;
    status.hidden = false;
    status.removeAttribute('role');
    status.textContent = t('communities.loading');
    try {
      const res = await api('GET', next, { query: first ? q : undefined, signal });
      for (const c of res.data) list.append(card(c));
      first = false;
      next = res.data.length ? res.link.next || null : null;
      status.textContent = t(mine ? 'communities.emptyMine' : 'communities.empty');
      status.hidden = list.children.length > 0;
      more.textContent = t('communities.more');
      more.hidden = !next;
    } catch (e) {
      if (e.name === 'AbortError') return;
      status.textContent = e.message;
      status.setAttribute('role', 'alert');
      more.textContent = t('communities.retry');
      more.hidden = false;
    } finally {
      loading = false;
    }
  }
  const io = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && next && !first && !loading) load();
  }, { rootMargin: '600px 0px' });
  io.observe(more);
  signal.addEventListener('abort', () => io.disconnect(), { once: true });
  await load();
}

// The create and edit form: name, description, tags, type, listed.
// submit(body) → Promise; throws ApiError (shown, focus moved to it).
export function communityForm({ community = null, label, busy, onSubmit }) {
  const ids = { name: uid('name'), desc: uid('desc'), tags: uid('tags'), tagsHelp: uid('tagshelp'), listed: uid('listed'), err: uid('err') };
  const name = h('input', { id: ids.name, name: 'name', required: true, maxlength: 200, value: community ? community.name : '', autocomplete: 'off' });
  const desc = h('textarea', { id: ids.desc, name: 'description', rows: 4, maxlength: 5000 });
  desc.value = community ? community.description || '' : '';
  const tags = chipsInput({ id: ids.tags, values: community ? community.tags || [] : [], describedBy: ids.tagsHelp, normalize: (s) => s.trim().replace(/^#/, '') });
  const current = community ? community.type : 'public';
  const types = TYPES.map((ty) => {
    const id = uid(`type-${ty}`), help = uid('help');
    return h('div', { class: 'choice' },
      h('input', { type: 'radio', name: 'type', id, value: ty, checked: ty === current, 'aria-describedby': help }),
      h('label', { for: id }, t(`communities.type.${ty}`)),
      h('span', { id: help, class: 'hint muted' }, ` — ${t(`communities.typeHelp.${ty}`)}`));
  });
  const listed = h('input', { type: 'checkbox', id: ids.listed, name: 'listed', checked: !!(community && community.listed) });
  const error = h('p', { id: ids.err, class: 'form-error', role: 'alert', tabindex: '-1', hidden: true });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, label);
  const form = h('form', { class: 'panel form community-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: ids.name }, t('communities.name')), name),
    h('div', { class: 'field' }, h('label', { for: ids.desc }, t('communities.description')), desc),
    h('div', { class: 'field' }, h('label', { for: ids.tags }, t('communities.tags')), tags.el,
      h('p', { id: ids.tagsHelp, class: 'hint muted' }, t('communities.tagsHelp'))),
    h('fieldset', { class: 'choices' }, h('legend', null, t('communities.type')), types),
    h('div', { class: 'switch' }, listed, h('label', { for: ids.listed }, t('communities.listed'))),
    error, h('div', { class: 'row' }, button));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (button.disabled) return;
    error.hidden = true;
    name.removeAttribute('aria-invalid');
    if (!name.value.trim()) {
      error.textContent = t('communities.nameRequired');
      error.hidden = false;
      name.setAttribute('aria-invalid', 'true');
      name.focus();
      return;
    }
    const body = {
      name: name.value.trim(), description: desc.value, tags: tags.values(),
      type: form.querySelector('input[name="type"]:checked').value, listed: listed.checked,
    };
    button.disabled = true;
    button.textContent = busy;
    try {
      await onSubmit(body);
    } catch (err) {
      if (err.name === 'AbortError') return;
      error.textContent = err.message;
      error.hidden = false;
      if (/^name/.test(err.message)) name.setAttribute('aria-invalid', 'true');
      error.focus();
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  });
  return form;
}

route('/communities', { render: (ctx) => browse(ctx, false) });
route('/communities/mine', { render: (ctx) => browse(ctx, true) });
route('/communities/new', {
  render(ctx) {
    document.title = `${t('communities.create')} · Moka`;
    append(ctx.main, h('h1', null, t('communities.title')), tabs(ctx.path),
      h('h2', null, t('communities.create')),
      communityForm({
        label: t('communities.submit'), busy: t('communities.creating'),
        async onSubmit(body) {
          const c = await post('/api/moka/v1/communities', body);
          announce(t('communities.created', { name: c.name }));
          navigate(communityPath(c));
        },
      }));
  },
});

