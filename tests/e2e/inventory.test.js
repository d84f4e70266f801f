// The inventory in the meeting: a file with errors is refused whole with
// line/column messages, and an inline edit in the workloads table is saved.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SAMPLE_CSV, skipIfMissing, steps, suiteFixture } from './harness.js';
import { createEngagement, openPage, overviewCounts, settle, tr, uploadInventory } from './sixr.js';

const fx = suiteFixture({ before, after });

describe('inventory', () => {
  let scratch;
  before(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'sixr-e2e-files-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('an import with errors shows line and column and imports nothing', async (t) => {
    const page = await openPage(fx, 'en');
    const base = fx.server.url;
    const id = await createEngagement(page, base, 'en', { name: 'Broken file' });
    if (await skipIfMissing(t, page, `${base}/engagements/${id}/import`, 'the import page')) {
      await page.context().close();
      return;
    }
    const step = steps(t, () => page);
    // The sample with two rows spoiled: line 3 (second data row) gets
    // cpu_cores -3, line 4 gets ram_gb "lots". Line 2 stays good.
    const lines = readFileSync(SAMPLE_CSV, 'utf8').trimEnd().split('\n');
    const header = lines[0].split(',');
    const spoil = (line, column, value) => {
      const cells = line.split(',');
      cells[header.indexOf(column)] = value;
      return cells.join(',');
    };
    lines[2] = spoil(lines[2], 'cpu_cores', '-3');
    lines[3] = spoil(lines[3], 'ram_gb', 'lots');
    const file = path.join(scratch, 'anycompany-broken.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);

    await step('upload the broken file', async () => {
      await uploadInventory(page, base, id, file, { commit: false });
      const text = await page.getByRole('main').innerText();
      assert.match(text, /line\s*3\b/i, 'the error names line 3');
      assert.match(text, /cpu_cores/, 'the error names the cpu_cores column');
      assert.match(text, /line\s*4\b/i, 'the error names line 4');
      assert.match(text, /ram_gb/, 'the error names the ram_gb column');
    });
    await step('nothing was imported', async () => {
      assert.deepEqual(await overviewCounts(page, base, 'en', id), { workloads: 0, applications: 0 });
    });
    await page.context().close();
  });

  test('while an import is committed, the page says so and takes no second click', async (t) => {
    const page = await openPage(fx, 'en');
    const base = fx.server.url;
    const id = await createEngagement(page, base, 'en', { name: 'Patient import' });
    const step = steps(t, () => page);
    await step('upload the sample: a preview with an Import button', async () => {
      await uploadInventory(page, base, id, SAMPLE_CSV, { commit: false });
    });
    // A large import is scored, planned and priced before its answer comes.
    // The page's first submission is kept from leaving (by a listener after
    // the app's own) to look at the page while it would wait.
    let commits = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/commit')) commits += 1;
    });
    const state = () =>
      page.evaluate(() => ({
        status: document.querySelector('.import-preview [role=status]')?.textContent ?? '',
        disabled: document.querySelector('form[action$="/commit"] button')?.disabled ?? false,
      }));
    await step('click Import: the button is disabled and the wait is explained', async () => {
      await page.evaluate(() => {
        window.holdSubmit = (e) => e.preventDefault();
        window.addEventListener('submit', window.holdSubmit);
      });
      await page.locator('form[action$="/commit"]').getByRole('button', { name: tr('en', 'import.commit'), exact: true }).click();
      const now = await state();
      assert.equal(now.status, tr('en', 'import.committing').replace('{n}', '3'));
      assert.ok(now.disabled, 'the Import button still takes clicks while the import runs');
    });
    await step('a second click sends nothing; the import ends once, with its summary', async () => {
      await page.evaluate(() => document.querySelector('form[action$="/commit"] button').click());
      assert.equal(commits, 0, 'a click on the disabled button sent the import');
      await page.evaluate(() => {
        window.removeEventListener('submit', window.holdSubmit);
        document.querySelector('form[action$="/commit"]').requestSubmit();
      });
      await page.getByRole('heading', { name: tr('en', 'import.done_title') }).waitFor();
      assert.equal(commits, 1, 'the import was sent more than once');
      assert.equal((await overviewCounts(page, base, 'en', id)).workloads, 3);
    });
    await page.context().close();
  });

  test('an inline edit in the workloads table survives a reload', async (t) => {
    const page = await openPage(fx, 'en');
    const base = fx.server.url;
    const id = await createEngagement(page, base, 'en', { name: 'Inline edit' });
    const table = `${base}/engagements/${id}/workloads`;
    if (
      (await skipIfMissing(t, page, `${base}/engagements/${id}/import`, 'the import page')) ||
      (await skipIfMissing(t, page, table, 'the workloads table'))
    ) {
      await page.context().close();
      return;
    }
    const step = steps(t, () => page);
    const oldHost = 'web01.anycompany.local';
    const newHost = 'web01.shop.anycompany.local';
    const row = () => page.getByRole('row').filter({ hasText: 'anyco-web-01' }).first();
    const fieldWith = (value) => row().locator(`input[value="${value}"], textarea:text-is("${value}")`).first();

    await step('import the sample', async () => {
      await uploadInventory(page, base, id, SAMPLE_CSV);
      assert.equal((await overviewCounts(page, base, 'en', id)).workloads, 3);
    });

    await step('edit the hostname of anyco-web-01 in place', async () => {
      await page.goto(table);
      await row().waitFor();
      let field = fieldWith(oldHost);
      if ((await field.count()) === 0) {
        // Click-to-edit: the value (or an edit button in its row) turns into a field.
        const shown = row().getByText(oldHost, { exact: true }).first();
        assert.ok((await shown.count()) > 0, `the row of anyco-web-01 does not show the hostname ${oldHost}`);
        await shown.click();
        await settle(page);
        field = page.locator(`input[value="${oldHost}"]`).first();
        if ((await field.count()) === 0) {
          await shown.dblclick().catch(() => {});
          await settle(page);
        }
        if ((await field.count()) === 0) {
          const edit = row().getByRole('button', { name: /edit|편집/i }).first();
          if ((await edit.count()) > 0) await edit.click();
          await settle(page);
        }
      }
      await field.waitFor({ state: 'visible' });
      await field.fill(newHost);
      await field.press('Enter');
      await settle(page);
      // Fields that save on change (blur) rather than on Enter.
      if ((await page.locator(`input[value="${oldHost}"]`).count()) > 0 || (await field.isVisible().catch(() => false))) {
        await page.keyboard.press('Tab');
        await settle(page);
      }
      assert.equal(await page.getByRole('alert').count(), 0, 'the edit was refused');
    });

    await step('reload: the new hostname is still there', async () => {
      await page.reload();
      await row().waitFor();
      const text = await row().innerText();
      const values = await row().locator('input').evaluateAll((is) => is.map((i) => i.value));
      assert.ok(text.includes(newHost) || values.includes(newHost), `after a reload the row shows: ${text} ${values.join(' ')}`);
      assert.ok(!text.includes(oldHost) && !values.includes(oldHost), 'the old hostname is gone');
    });
    await page.context().close();
  });

  test('a row deletes itself after asking, and stays deleted', async (t) => {
    const page = await openPage(fx, 'en');
    const base = fx.server.url;
    const id = await createEngagement(page, base, 'en', { name: 'Row delete' });
    const step = steps(t, () => page);
    const row = () => page.getByRole('row').filter({ hasText: 'anyco-web-02' });

    await step('import the sample and open the table', async () => {
      await uploadInventory(page, base, id, SAMPLE_CSV);
      await page.goto(`${base}/engagements/${id}/workloads`);
      await row().first().waitFor();
    });

    await step('declining the question keeps the row', async () => {
      page.once('dialog', (d) => d.dismiss());
      await row().getByRole('button', { name: 'Delete anyco-web-02' }).click();
      await settle(page);
      assert.equal(await row().count(), 1, 'the row is still there');
    });

    await step('accepting it deletes the row, which a reload confirms', async () => {
      let question = '';
      page.once('dialog', (d) => {
        question = d.message();
        d.accept();
      });
      await row().getByRole('button', { name: 'Delete anyco-web-02' }).click();
      await settle(page);
      assert.match(question, /anyco-web-02/, `the question names the workload: ${question}`);
      assert.equal(await row().count(), 0, 'the row is gone');
      await page.reload();
      await page.getByRole('row').filter({ hasText: 'anyco-web-01' }).first().waitFor();
      assert.equal(await row().count(), 0, 'and stays gone');
      assert.equal((await overviewCounts(page, base, 'en', id)).workloads, 2);
    });
    await page.context().close();
  });

  test('a cell is edited with the keyboard alone', async (t) => {
    const page = await openPage(fx, 'en');
    const base = fx.server.url;
    const id = await createEngagement(page, base, 'en', { name: 'Keyboard edit' });
    const step = steps(t, () => page);
    const row = () => page.getByRole('row').filter({ hasText: 'anyco-web-02' }).first();
    const hostCell = () => row().getByRole('button', { name: 'web02.anycompany.local' });
    const active = () => page.evaluate(() => ({ tag: document.activeElement.tagName, value: document.activeElement.value || document.activeElement.innerText }));
    // htmx moves the focus (autofocus) once the swapped cell has settled,
    // a moment after the request ends: wait for it rather than race it.
    const focusOn = (tag) =>
      page.waitForFunction((t) => document.activeElement && document.activeElement.tagName === t, tag, { timeout: 5_000 }).catch(() => {});

    await step('import the sample and open the table', async () => {
      await uploadInventory(page, base, id, SAMPLE_CSV);
      await page.goto(`${base}/engagements/${id}/workloads`);
      await row().waitFor();
    });

    await step('Enter opens the editor with the value selected; typing and Enter save it', async () => {
      await hostCell().focus();
      await page.keyboard.press('Enter');
      await focusOn('INPUT');
      assert.deepEqual(await active(), { tag: 'INPUT', value: 'web02.anycompany.local' }, 'the editor has the focus and the value');
      await page.keyboard.type('web02.shop.anycompany.local');
      await page.keyboard.press('Enter');
      await settle(page);
      await focusOn('BUTTON');
      const now = await active();
      assert.equal(now.tag, 'BUTTON', 'after saving, the keyboard is back on the cell');
      assert.equal(now.value, 'web02.shop.anycompany.local');
    });

    await step('Escape drops an edit and shows the stored value', async () => {
      await page.keyboard.press('Enter');
      await focusOn('INPUT');
      assert.equal((await active()).tag, 'INPUT', 'Enter on the cell opens the editor again');
      await page.keyboard.type('typed but not kept');
      await page.keyboard.press('Escape');
      await settle(page);
      await focusOn('BUTTON');
      const now = await active();
      assert.equal(now.tag, 'BUTTON', 'after Escape, the keyboard is back on the cell');
      assert.equal(now.value, 'web02.shop.anycompany.local');
    });

    await step('reload: the saved hostname is there', async () => {
      await page.reload();
      await row().waitFor();
      const text = await row().innerText();
      assert.ok(text.includes('web02.shop.anycompany.local'), `after a reload the row shows: ${text}`);
      assert.ok(!text.includes('typed but not kept'), 'Escape saved the edit it should have dropped');
    });
    await page.context().close();
  });
});
