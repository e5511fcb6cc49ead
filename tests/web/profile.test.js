// The profile and edit-profile screens: editing every kind of field and the
// photo (a real PNG built here) and seeing them on the profile; refused
// edits (the browser's checks and the server's messages) keep what was
// typed; org chart navigation; posting on someone's board; the phone layout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { setup, createUser, connect, signedInPage, api } from './lib.js';

let t;
before(async () => { t = await setup(); });
after(async () => { await t.close(); });

// A real width×height RGB PNG: signature, IHDR, one IDAT, IEND.
function crc32(buf) {
  let c, crc = 0xffffffff;
  for (const b of buf) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = y * (width * 3 + 1) + 1 + x * 3;
      raw[o] = (x * 255) / width; raw[o + 1] = 120; raw[o + 2] = (y * 255) / height;
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const noHorizontalScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

test('edit my profile: fields, lists and a photo, then see them on the profile', async () => {
  const pia = createUser(t.srv, 'pia', { name: 'Pia Lund', title: 'Analyst' });
  const page = await signedInPage(t, 'pia', { path: '/profile/edit' });
  await page.getByRole('heading', { name: 'Edit my profile', level: 1 }).waitFor();
  assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), 'Analyst');

  await page.getByLabel('Title', { exact: true }).fill('Data engineer');
  await page.getByLabel('Location').fill('Lyon');
  await page.getByLabel('Phone').fill('+33 4 00 00 00 00');
  await page.getByLabel('About').fill('I build pipelines.\nAnd dashboards.');
  const projects = page.getByLabel('Current projects');
  await projects.fill('Moka');
  await projects.press('Enter');
  await projects.fill('Atlas, Orion');
  await page.getByRole('button', { name: 'Remove Atlas' }).click();
  await page.getByLabel('Expertise').fill('Machine Learning');
  await page.getByLabel('Expertise').press('Enter');
  await page.getByLabel('Languages').fill('French'); // left in the input: still saved
  await page.getByRole('button', { name: 'Save profile' }).click();
  await page.getByRole('status').filter({ hasText: 'Your profile is saved.' }).waitFor();
  // The server's normalised tag replaces what was typed.
  await page.getByRole('button', { name: 'Remove machine-learning' }).waitFor();

  const saved = (await api(t.srv, 'GET', '/api/moka/v1/profiles/me', { token: pia.token })).body;
  assert.equal(saved.title, 'Data engineer');
  assert.equal(saved.location, 'Lyon');
  assert.equal(saved.phone, '+33 4 00 00 00 00');
  assert.equal(saved.about, 'I build pipelines.\nAnd dashboards.');
  assert.deepEqual(saved.projects, ['Moka', 'Orion']);
  assert.deepEqual(saved.expertise, ['machine-learning']);
  assert.deepEqual(saved.languages, ['French']);
  assert.match(saved.avatar, /\/avatars\/default-/);

  // The photo: previewed from the file, then uploaded.
  await page.getByLabel('Choose a photo').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png(64, 48) });
  const preview = page.getByRole('img', { name: 'Preview of your photo' });
  assert.match(await preview.getAttribute('src'), /^blob:/);
  await page.getByRole('button', { name: 'Upload photo' }).click();
  await page.waitForFunction(() => /\/avatars\/(?!default-)[^/]+\.png$/.test(document.querySelector('.photo-form img').src));
  const after = (await api(t.srv, 'GET', '/api/moka/v1/profiles/me', { token: pia.token })).body;
  assert.match(after.avatar, /\/avatars\/(?!default-)[^/]+\.png$/);

  await page.getByRole('link', { name: 'View my profile' }).click();
  await page.waitForURL(/\/@pia$/);
  await page.getByRole('heading', { name: 'Pia Lund', level: 1 }).waitFor();
  const photo = page.getByRole('img', { name: 'Photo of Pia Lund' });
  assert.equal(await photo.getAttribute('src'), after.avatar);
  await page.waitForFunction(() => {
    const img = document.querySelector('.profile-head img');
    return img.complete && img.naturalWidth === 400;
  });
  const head = page.locator('.profile-head');
  assert.match(await head.innerText(), /Data engineer/);
  const main = page.locator('main');
  for (const text of ['Lyon', '+33 4 00 00 00 00', 'I build pipelines.', 'And dashboards.', 'Moka', 'Orion', 'French']) {
    assert.match(await main.innerText(), new RegExp(text.replace(/[.+]/g, '\\$&')), text);
  }
  await page.getByRole('link', { name: '#machine-learning' }).click();
  await page.waitForURL(/\/tags\/machine-learning$/);
  await page.getByRole('heading', { name: '#machine-learning', level: 1 }).waitFor();
  assert.deepEqual(page.errors || [], []);
  await page.context().close();
});

test('refused edits show the message next to the field and keep what was typed', async () => {
  const top = createUser(t.srv, 'topa', { name: 'Tora Top', title: 'Chief' });
  createUser(t.srv, 'mida', { name: 'Mid Dle', manager: 'topa' });
  createUser(t.srv, 'taken', { email: 'taken@example.com' });
  const page = await signedInPage(t, 'topa', { path: '/profile/edit' });
  const title = page.getByLabel('Title', { exact: true });
  const about = page.getByLabel('About');
  const manager = page.getByLabel('Manager');
  const save = page.getByRole('button', { name: 'Save profile' });
  let patches = 0;
  page.on('request', (r) => { if (r.method() === 'PATCH') patches++; });

  // Checked in the browser: nothing is sent.
  await title.fill('T'.repeat(201));
  await about.fill('Typed with care.');
  await save.click();
  const titleField = page.locator('[data-field="title"]');
  await titleField.getByText('Too long (at most 200 bytes).').waitFor();
  assert.equal(await title.getAttribute('aria-invalid'), 'true');
  assert.equal(await title.evaluate((el) => el === document.activeElement), true);
  assert.equal(await title.inputValue(), 'T'.repeat(201));
  assert.equal(patches, 0);

  // The server's answer: a manager cycle (mida reports to topa).
  await title.fill('Founder');
  await manager.fill('mida');
  await save.click();
  const managerField = page.locator('[data-field="manager_id"]');
  await managerField.getByText('would make a cycle in the org chart').waitFor();
  assert.equal(await manager.getAttribute('aria-invalid'), 'true');
  assert.equal(await manager.evaluate((el) => el === document.activeElement), true);
  assert.equal(await title.getAttribute('aria-invalid'), null, 'the old error is gone');
  assert.equal(await title.inputValue(), 'Founder');
  assert.equal(await about.inputValue(), 'Typed with care.');
  assert.equal(await manager.inputValue(), 'mida');
  assert.equal(patches, 1);
  const unchanged = (await api(t.srv, 'GET', '/api/moka/v1/profiles/me', { token: top.token })).body;
  assert.equal(unchanged.title, 'Chief', 'a refused edit changes nothing');
  assert.equal(unchanged.about, '');

  // An unknown manager and a taken e-mail.
  await manager.fill('nobody-here');
  await save.click();
  await managerField.getByText('Nobody has the username “nobody-here”.').waitFor();
  await manager.fill('');
  await page.getByLabel('Email').fill('taken@example.com');
  await save.click();
  await page.locator('[data-field="email"]').getByText('already taken').waitFor();
  assert.equal(await page.getByLabel('Email').inputValue(), 'taken@example.com');
  assert.equal(await title.inputValue(), 'Founder');

  // Fixed: saved.
  await page.getByLabel('Email').fill('tora@example.com');
  await save.click();
  await page.getByRole('status').filter({ hasText: 'Your profile is saved.' }).waitFor();
  const saved = (await api(t.srv, 'GET', '/api/moka/v1/profiles/me', { token: top.token })).body;
  assert.equal(saved.title, 'Founder');
  assert.equal(saved.email, 'tora@example.com');
  assert.equal(saved.about, 'Typed with care.');
  await page.context().close();
});

test('a photo the server refuses shows its message and keeps the old photo', async () => {
  createUser(t.srv, 'quin');
  const page = await signedInPage(t, 'quin', { path: '/profile/edit' });
  const file = page.getByLabel('Choose a photo');
  await file.setInputFiles({ name: 'fake.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all') });
  await page.getByRole('button', { name: 'Upload photo' }).click();
  const error = page.locator('.photo-form .field-error');
  await error.waitFor();
  assert.notEqual((await error.innerText()).trim(), '');
  assert.equal(await file.getAttribute('aria-invalid'), 'true');
  assert.equal(await file.evaluate((el) => el.files.length), 1, 'the chosen file stays');
  await page.context().close();
});

test('org chart: from a profile to the manager, then to one of their reports', async () => {
  createUser(t.srv, 'ceo', { name: 'Cleo Chief', title: 'CEO' });
  createUser(t.srv, 'vpe', { name: 'Vera Vice', title: 'VP Engineering', manager: 'ceo' });
  createUser(t.srv, 'dev1', { name: 'Dan Dev', title: 'Developer', manager: 'vpe' });
  createUser(t.srv, 'dev2', { name: 'Dora Dev', title: 'Developer', manager: 'vpe' });
  const page = await signedInPage(t, 'dev1', { path: '/@dev1' });
  await page.getByRole('heading', { name: 'Dan Dev', level: 1 }).waitFor();
  const org = page.locator('section.org-chart');
  const chain = org.getByRole('list', { name: 'Reporting line' });
  assert.deepEqual(await chain.locator('li').evaluateAll((lis) => lis.map((li) => li.querySelector('a, .org-name').textContent)),
    ['Cleo Chief', 'Vera Vice', 'Dan Dev'], 'top of the chain first');
  await org.getByRole('link', { name: 'Dora Dev' }).waitFor(); // a peer

  await chain.getByRole('link', { name: 'Vera Vice' }).click();
  await page.waitForURL(/\/@vpe$/);
  await page.getByRole('heading', { name: 'Vera Vice', level: 1 }).waitFor();
  // The router focuses the new screen's heading once it has rendered.
  await page.waitForFunction(() => document.activeElement.tagName === 'H1' && document.activeElement.textContent === 'Vera Vice');
  const reports = page.locator('section.org-chart');
  assert.match(await reports.innerText(), /Direct reports \(2\)/);
  await reports.getByRole('link', { name: 'Dora Dev' }).click();
  await page.waitForURL(/\/@dev2$/);
  await page.getByRole('heading', { name: 'Dora Dev', level: 1 }).waitFor();
  await page.goBack();
  await page.getByRole('heading', { name: 'Vera Vice', level: 1 }).waitFor();
  // Profiles by id lead to the @username address.
  await page.goto(t.srv.base + '/profile/me');
  await page.waitForURL(/\/@dev1$/);
  await page.getByRole('heading', { name: 'Dan Dev', level: 1 }).waitFor();
  await page.goto(t.srv.base + '/@nobody-by-that-name');
  await page.getByRole('heading', { name: 'Page not found', level: 1 }).waitFor();
  await page.context().close();
});

test('post on a colleague\'s board; it shows on their wall and they are notified', async () => {
  const wil = createUser(t.srv, 'wil', { name: 'Wil Wall' });
  createUser(t.srv, 'xan', { name: 'Xan Writer' });
  const page = await signedInPage(t, 'xan', { path: '/@wil' });
  await page.getByRole('heading', { name: 'Wil Wall', level: 1 }).waitFor();
  const text = page.getByLabel('Your message to Wil Wall');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'Write something first.' }).waitFor();
  await text.fill('Welcome to the team, Wil!');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.locator('.profile-wall .post').filter({ hasText: 'Welcome to the team, Wil!' }).waitFor();
  assert.equal(await text.inputValue(), '');
  const wall = (await api(t.srv, 'GET', `/api/v1/accounts/${wil.id}/statuses`, { token: wil.token })).body;
  assert.equal(wall[0].moka.board_owner_id, wil.id);
  const notes = (await api(t.srv, 'GET', '/api/v1/notifications', { token: wil.token })).body;
  assert.equal(notes[0].type, 'moka.board_post');
  await page.context().close();
});

test('phone size 390×844: the profile fits without horizontal scroll', async () => {
  const yan = createUser(t.srv, 'yan', { name: 'Yannick Longname-Dupont-de-la-Fontaine', title: 'Principal engineer, platform reliability', department: 'Engineering', location: 'Lyon' });
  const zoe = createUser(t.srv, 'zoe', { name: 'Zoé Phone', manager: 'yan' });
  await connect(t.srv, yan, zoe);
  await api(t.srv, 'PATCH', '/api/moka/v1/profiles/me', { token: yan.token, json: {
    about: 'A'.repeat(300), projects: ['Moka', 'A project with a very long name indeed'], expertise: ['observability', 'incident-response', 'sqlite'],
    phone: '+33 4 00 00 00 00' } });
  await api(t.srv, 'POST', '/api/v1/statuses', { token: yan.token, json: { status: `A long link https://example.com/${'x'.repeat(120)} #moka` } });
  const page = await signedInPage(t, 'zoe', { path: '/@yan', viewport: { width: 390, height: 844 } });
  await page.getByRole('heading', { name: /Yannick/, level: 1 }).waitFor();
  await page.locator('.profile-wall .post').first().waitFor();
  assert.equal(await noHorizontalScroll(page), true);
  await page.getByRole('button', { name: 'Disconnect' }).waitFor();
  const box = await page.getByRole('button', { name: 'Follow Yannick Longname-Dupont-de-la-Fontaine' }).boundingBox();
  assert.ok(box.height >= 44, 'touch target');
  await page.goto(t.srv.base + '/profile/edit');
  await page.getByRole('heading', { name: 'Edit my profile' }).waitFor();
  assert.equal(await noHorizontalScroll(page), true);
  await page.context().close();
});

test('switching the language while editing keeps what was typed (fields, lists, manager) and the home draft', async () => {
  const lena = createUser(t.srv, 'lena', { name: 'Lena Berg', title: 'Buyer' });
  const page = await signedInPage(t, 'lena', { path: '/profile/edit' });
  await page.getByRole('heading', { name: 'Edit my profile', level: 1 }).waitFor();
  await page.getByLabel('Title', { exact: true }).fill('Head of purchasing');
  await page.getByLabel('About').fill('Suppliers and contracts.');
  await page.getByLabel('Expertise').fill('negotiation');
  await page.getByLabel('Expertise').press('Enter');
  await page.getByRole('button', { name: 'Your account and more' }).click();
  await page.getByLabel('Language', { exact: true }).selectOption('fr');
  await page.getByRole('heading', { name: 'Modifier mon profil', level: 1 }).waitFor();
  assert.equal(await page.getByLabel('Fonction', { exact: true }).inputValue(), 'Head of purchasing');
  assert.equal(await page.getByLabel('À propos').inputValue(), 'Suppliers and contracts.');
  await page.getByRole('button', { name: /negotiation/ }).waitFor();
  // and it is still a change to save
  await page.getByRole('button', { name: 'Enregistrer le profil' }).click();
  await page.getByRole('status').filter({ hasText: /enregistré/ }).waitFor();
  const saved = (await api(t.srv, 'GET', '/api/moka/v1/profiles/me', { token: lena.token })).body;
  assert.equal(saved.title, 'Head of purchasing');
  assert.equal(saved.about, 'Suppliers and contracts.');
  assert.deepEqual(saved.expertise, ['negotiation']);

  // Home: the composer's draft survives the switch back.
  await page.goto(t.srv.base + '/');
  const box = page.locator('textarea').first();
  await box.fill('Draft about #contracts');
  await page.getByRole('button', { name: 'Votre compte et plus' }).click();
  await page.getByLabel('Langue', { exact: true }).selectOption('en');
  await page.getByRole('link', { name: 'Home' }).first().waitFor();
  assert.equal(await page.locator('textarea').first().inputValue(), 'Draft about #contracts');
  await page.close();
});
