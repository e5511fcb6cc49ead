// An editable list of short strings shown as chips: type and press Enter or
// a comma to add, each chip has a remove button, Backspace in the empty
// input removes the last one. What is still in the input counts as an item
// when the list is read (nothing typed is lost).
//
//   const c = chipsInput({ id, values, describedBy, normalize, maxlength });
//   form.append(c.el);  c.values() → ['a', 'b']
import { h, uid } from '../dom.js';
import { t, addStrings } from '../i18n.js';

addStrings({
  en: { 'chips.remove': 'Remove {value}' },
  fr: { 'chips.remove': 'Retirer {value}' },
});

export function chipsInput({ id = uid('chips'), values = [], describedBy = null, normalize = (s) => s.trim(), maxlength = 100 }) {
  let items = [...values];
  const list = h('ul', { class: 'chips chips-edit', role: 'list' });
  const input = h('input', { id, type: 'text', class: 'chips-input', autocomplete: 'off', maxlength, 'aria-describedby': describedBy });
  const el = h('div', { class: 'chips-field' }, list, input);

  function draw() {
    list.replaceChildren(...items.map((v, i) => h('li', { class: 'chip' },
      h('span', null, v),
      h('button', { type: 'button', class: 'chip-remove', 'aria-label': t('chips.remove', { value: v }), onclick: () => remove(i) }, '×'))));
    list.hidden = items.length === 0;
  }
  function remove(i) {
    items.splice(i, 1);
    draw();
    const buttons = list.querySelectorAll('.chip-remove');
    (buttons[Math.min(i, buttons.length - 1)] || input).focus();
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }
  // Adds what is typed (several when pasted with commas).
  function take() {
    const parts = input.value.split(',').map(normalize).filter(Boolean);
    for (const v of parts) if (!items.includes(v)) items.push(v);
    input.value = '';
    draw();
    return parts.length;
  }
  input.addEventListener('keydown', (e) => {
    if ((e.key === 'Enter' || e.key === ',') && input.value.trim()) { e.preventDefault(); take(); }
    else if (e.key === 'Enter') e.preventDefault();
    else if (e.key === 'Backspace' && !input.value && items.length) { e.preventDefault(); remove(items.length - 1); }
  });
  input.addEventListener('input', () => { if (input.value.includes(',')) take(); });
  draw();
  return {
    el, input,
    values() {
      const pending = input.value.split(',').map(normalize).filter(Boolean);
      return [...items, ...pending.filter((v) => !items.includes(v))];
    },
  };
}
