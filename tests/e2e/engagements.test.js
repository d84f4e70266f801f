// Engagements as a consultant uses them: create, a refused form, rename,
// the language switch, keyboard-only creation, delete.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { steps, suiteFixture } from './harness.js';
import { assertHeading, createEngagement, focused, openPage, tr } from './sixr.js';

const fx = suiteFixture({ before, after });

describe('engagements', () => {
  test('create, rename and delete an engagement', async (t) => {
    const page = await openPage(fx, 'en');
    const step = steps(t, () => page);
    const base = fx.server.url;
    let id;

    await step('create', async () => {
      id = await createEngagement(page, base, 'en', { name: 'Globex <ERP>', customer: 'Globex', consultant: 'Maria' });
      // The name is shown as typed (escaped, not interpreted as markup).
      await assertHeading(page, 'Globex <ERP>');
    });

    await step('listed', async () => {
      await page.goto(`${base}/engagements`);
      const row = page.getByRole('row').filter({ hasText: 'Globex <ERP>' });
      await row.getByRole('link', { name: 'Globex <ERP>' }).waitFor();
      assert.match(await row.innerText(), /Globex/);
    });

    await step('rename', async () => {
      await page.goto(`${base}/engagements/${id}`);
      await page.getByLabel(tr('en', 'engagement.name')).first().fill('Globex ERP renewal');
      await page.getByRole('button', { name: tr('en', 'common.save'), exact: true }).click();
      await page.getByRole('status').filter({ hasText: tr('en', 'engagement.saved') }).waitFor();
      await assertHeading(page, 'Globex ERP renewal');
      await page.reload();
      await assertHeading(page, 'Globex ERP renewal');
    });

    await step('delete (confirmed)', async () => {
      page.once('dialog', (d) => d.accept());
      await page.getByRole('button', { name: tr('en', 'common.delete'), exact: true }).click();
      await page.waitForURL(/\/engagements$/);
      await page.getByRole('heading', { level: 1, name: tr('en', 'engagement.list_title') }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'Globex ERP renewal' }).count(), 0);
      const gone = await page.request.get(`${base}/engagements/${id}`);
      assert.equal(gone.status(), 404);
    });

    assert.deepEqual(page.outsideRequests, [], 'pages made requests outside the server');
    await page.context().close();
  });

  test('a refused form says why and keeps what was typed', async (t) => {
    const page = await openPage(fx, 'en');
    const step = steps(t, () => page);
    const base = fx.server.url;

    await step('blank name is refused by the server', async () => {
      await page.goto(`${base}/engagements`);
      // Spaces pass the browser's `required` check; the server must refuse them.
      await page.getByLabel(tr('en', 'engagement.name')).first().fill('   ');
      await page.getByLabel(tr('en', 'engagement.customer')).first().fill('Initech');
      await page.getByRole('button', { name: tr('en', 'common.create'), exact: true }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /name/i);
      assert.equal(await page.getByLabel(tr('en', 'engagement.customer')).first().inputValue(), 'Initech');
    });

    await step('duplicate name is refused', async () => {
      await createEngagement(page, base, 'en', { name: 'Initech' });
      await page.goto(`${base}/engagements`);
      await page.getByLabel(tr('en', 'engagement.name')).first().fill('Initech');
      await page.getByRole('button', { name: tr('en', 'common.create'), exact: true }).click();
      await page.getByRole('alert').filter({ hasText: /already exists/ }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'Initech', exact: true }).count(), 1, 'still one Initech');
    });
    await page.context().close();
  });

  test('the language follows the browser and the switch', async (t) => {
    const base = fx.server.url;
    const ko = await openPage(fx, 'ko');
    const step = steps(t, () => ko);

    await step('Accept-Language: ko gives Korean', async () => {
      await ko.goto(`${base}/engagements`);
      assert.equal(await ko.locator('html').getAttribute('lang'), 'ko');
      await ko.getByRole('heading', { level: 1, name: tr('ko', 'engagement.list_title') }).waitFor();
      await ko.getByRole('button', { name: tr('ko', 'engagement.load_sample') }).waitFor();
      await ko.getByRole('heading', { name: tr('ko', 'engagement.new') }).waitFor();
      // The switch is a named group, so a screen reader says what the two buttons are for.
      const switcher = ko.getByRole('group', { name: tr('ko', 'nav.language') });
      await switcher.getByRole('button', { name: 'English', exact: true }).waitFor();
      await switcher.getByRole('button', { name: '한국어', exact: true }).waitFor();
    });

    await step('the switch goes to English and stays there', async () => {
      await ko.getByRole('button', { name: 'English', exact: true }).click();
      await ko.waitForURL(/\/engagements$/);
      assert.equal(await ko.locator('html').getAttribute('lang'), 'en');
      await ko.getByRole('heading', { level: 1, name: tr('en', 'engagement.list_title') }).waitFor();
      await ko.reload();
      await ko.getByRole('heading', { level: 1, name: tr('en', 'engagement.list_title') }).waitFor();
    });

    await step('and back to Korean, on the page it was on', async () => {
      const id = await createEngagement(ko, base, 'en', { name: 'Hanbit 물류' });
      await ko.getByRole('button', { name: '한국어', exact: true }).click();
      await ko.waitForURL(new RegExp(`/engagements/${id}$`));
      assert.equal(await ko.locator('html').getAttribute('lang'), 'ko');
      await ko.getByRole('heading', { name: tr('ko', 'engagement.settings') }).waitFor();
      await ko.getByRole('link', { name: tr('ko', 'nav.workloads'), exact: true }).waitFor();
      await ko.getByRole('button', { name: tr('ko', 'common.save'), exact: true }).waitFor();
      assert.equal(await ko.getByRole('button', { name: '한국어' }).getAttribute('aria-current'), 'true');
    });
    await ko.context().close();
  });

  test('an engagement can be created with the keyboard alone', async (t) => {
    const page = await openPage(fx, 'en');
    const step = steps(t, () => page);
    const base = fx.server.url;

    await step('the first Tab reaches a visible skip link', async () => {
      await page.goto(`${base}/engagements`);
      await page.keyboard.press('Tab');
      const skip = page.locator(':focus');
      assert.equal(await skip.innerText(), tr('en', 'nav.skip'));
      const box = await skip.boundingBox();
      assert.ok(box && box.x >= 0 && box.y >= 0 && box.width > 0, `skip link is off screen when focused: ${JSON.stringify(box)}`);
    });

    await step('Tab walks to the name field, each stop visibly focused', async () => {
      const nameLabel = tr('en', 'engagement.name');
      for (let i = 0; i < 25; i++) {
        await page.keyboard.press('Tab');
        const info = await focused(page);
        assert.ok(info.visible, `focus is not visible on ${info.tag}[name=${info.name}]`);
        if (info.tag === 'INPUT' && info.name === 'name') return;
      }
      assert.fail(`Tab never reached the "${nameLabel}" field`);
    });

    await step('type, move with Tab, pick a region with the arrows, submit with Enter', async () => {
      await page.keyboard.type('Keyboard only');
      await page.keyboard.press('Tab');
      await page.keyboard.type('Umbrella');
      await page.keyboard.press('Tab'); // consultant
      await page.keyboard.press('Tab'); // region
      const region = page.locator(':focus');
      assert.equal(await region.getAttribute('name'), 'region');
      const before = await region.inputValue();
      await page.keyboard.press('ArrowDown');
      // The default may be the last option: then go up instead.
      if ((await region.inputValue()) === before) await page.keyboard.press('ArrowUp');
      const chosen = await region.inputValue();
      assert.notEqual(chosen, before, 'the arrow key changed the region');
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/engagements\/\d+$/);
      await assertHeading(page, 'Keyboard only');
      assert.equal(await page.getByLabel(tr('en', 'engagement.region')).first().inputValue(), chosen);
      assert.equal(await page.getByLabel(tr('en', 'engagement.customer')).first().inputValue(), 'Umbrella');
    });
    await page.context().close();
  });
});
