// Files in the browser: upload from the Files screen (progress, then the
// file in the list), download it, see its versions and add one, share it
// with a colleague who then finds it under "Shared with me" and downloads
// it, move it to the trash and restore it; and on Home, attach an image to
// a post (upload through /api/v2/media, preview, remove one, post) that a
// colleague sees in the post.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setup, createUser, signedInPage, api } from './lib.js';
import { png } from '../e2e/png.js';

let t, fay, gus, dir;
before(async () => {
  t = await setup();
  fay = createUser(t.srv, 'fay', { name: 'Fay Filer' });
  gus = createUser(t.srv, 'gus', { name: 'Gus Reader' });
  dir = mkdtempSync(join(tmpdir(), 'moka-web-files-'));
  writeFileSync(join(dir, 'budget.txt'), 'budget v1\n');
  writeFileSync(join(dir, 'budget-v2.txt'), 'budget v2, revised\n');
  writeFileSync(join(dir, 'cat.png'), png(300, 200));
  writeFileSync(join(dir, 'dog.png'), png(120, 120));
});
after(async () => { await t.close(); });

test('upload, download, versions, share with a colleague, trash and restore', async () => {
  const pf = await signedInPage(t, 'fay', { path: '/' });
  await pf.getByRole('button', { name: 'Your account and more' }).click();
  await pf.getByRole('link', { name: 'Files' }).click();
  await pf.getByRole('heading', { level: 1, name: 'Files' }).waitFor();
  await pf.getByText('No files here yet.').waitFor();
  await pf.locator('.files-upload input[type=file]').setInputFiles(join(dir, 'budget.txt'));
  const row = pf.locator('.file-row', { hasText: 'budget.txt' });
  await row.waitFor();
  await pf.getByText('budget.txt uploaded.').waitFor();
  assert.match(await row.innerText(), /10 B/);

  // download
  const [download] = await Promise.all([pf.waitForEvent('download'), row.getByRole('link', { name: 'budget.txt' }).click()]);
  assert.equal(download.suggestedFilename(), 'budget.txt');
  assert.equal(readFileSync(await download.path(), 'utf8'), 'budget v1\n');

  // versions: list, then upload a second
  await row.getByRole('button', { name: 'Versions' }).click();
  await row.getByText('version 1 · budget.txt').waitFor();
  await row.locator('.files-versions input[type=file]').setInputFiles(join(dir, 'budget-v2.txt'));
  const row2 = pf.locator('.file-row', { hasText: 'version 2' });
  await row2.waitFor();
  assert.match(await row2.innerText(), /19 B/);

  // share with gus as a reader
  await row2.getByRole('button', { name: 'Share' }).click();
  const dlg = pf.getByRole('dialog', { name: 'Share budget.txt' });
  await dlg.getByLabel('Add a person (username)').fill('gus');
  await dlg.getByRole('button', { name: 'Add' }).click();
  await dlg.getByText('Gus Reader @gus').waitFor();
  await dlg.getByRole('button', { name: 'Save' }).click();
  await dlg.waitFor({ state: 'detached' });
  await pf.locator('.file-row', { hasText: 'Shared' }).waitFor();

  const pg = await signedInPage(t, 'gus', { path: '/files/shared' });
  const grow = pg.locator('.file-row', { hasText: 'budget.txt' });
  await grow.waitFor();
  assert.match(await grow.innerText(), /by Fay Filer/);
  assert.equal(await grow.getByRole('button', { name: 'Share' }).count(), 0, 'readers do not share');
  assert.equal(await grow.getByRole('button', { name: 'Rename' }).count(), 0, 'readers do not rename');
  const [d2] = await Promise.all([pg.waitForEvent('download'), grow.getByRole('link', { name: 'budget.txt' }).click()]);
  assert.equal(readFileSync(await d2.path(), 'utf8'), 'budget v2, revised\n');
  // the notification says what was shared and leads to "Shared with me"
  await pg.getByRole('link', { name: /Notifications/ }).click();
  const note = pg.getByText('Fay Filer shared the file budget.txt with you');
  await note.waitFor();
  await note.click();
  await pg.waitForURL(/\/files\/shared$/);

  // trash, then restore from the trash
  await pf.locator('.file-row', { hasText: 'budget.txt' }).getByRole('button', { name: 'Move to trash' }).click();
  await pf.getByText('budget.txt moved to the trash.').waitFor({ state: 'attached' });
  await pf.locator('.file-row').waitFor({ state: 'detached' });
  await pf.getByRole('link', { name: 'Trash' }).click();
  const trow = pf.locator('.file-row', { hasText: 'budget.txt' });
  await trow.getByRole('button', { name: 'Restore' }).click();
  await trow.waitFor({ state: 'detached' });
  await pf.getByRole('link', { name: 'My files' }).click();
  await pf.locator('.file-row', { hasText: 'budget.txt' }).waitFor();
  assert.deepEqual(pf.errors || [], []);
  assert.deepEqual(pg.errors || [], []);
});

test('attach images to a post on Home: preview, remove one, post; a colleague sees it', async () => {
  const pf = await signedInPage(t, 'fay', { path: '/' });
  await pf.getByLabel('Write a post').fill('Our new office cat');
  const input = pf.locator('.composer .attach input[type=file]');
  await input.setInputFiles([join(dir, 'cat.png'), join(dir, 'dog.png')]);
  await pf.locator('.attach-item[data-id]').nth(1).waitFor();
  await pf.getByRole('button', { name: 'Remove dog.png' }).click();
  assert.equal(await pf.locator('.attach-item').count(), 1);
  await pf.getByRole('button', { name: 'Post', exact: true }).click();
  const card = pf.locator('article.post', { hasText: 'Our new office cat' });
  await card.waitFor();
  const img = card.locator('.attachments img');
  await img.waitFor();
  assert.match(await img.getAttribute('src'), /\/api\/moka\/v1\/files\/\d+\/thumbnail$/);
  assert.equal(await pf.locator('.composer .attach-item').count(), 0, 'the picker is emptied');
  // the image itself loads (the viewer may read it)
  await pf.waitForFunction(() => { const i = document.querySelector('article.post .attachments img'); return i && i.complete && i.naturalWidth > 0; });

  const r = await api(t.srv, 'GET', '/api/v1/timelines/public', { token: gus.token });
  const s = r.body.find((x) => x.content.includes('Our new office cat'));
  assert.equal(s.media_attachments.length, 1);
  assert.equal(s.media_attachments[0].type, 'image');
  const pg = await signedInPage(t, 'gus', { path: `/@fay/${s.id}` });
  const gimg = pg.locator('article.post .attachments img').first();
  await gimg.waitFor();
  await pg.waitForFunction(() => { const i = document.querySelector('article.post .attachments img'); return i && i.complete && i.naturalWidth > 0; });
  assert.deepEqual(pf.errors || [], []);
});
