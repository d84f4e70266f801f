// axe-core on every main page, in both languages: no serious or critical
// violation. Pages still being built on other branches are skipped while
// they answer 404.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SAMPLE_CSV, assertNoSeriousA11yViolations, newPage, skipIfMissing, steps, suiteFixture } from './harness.js';
import { SAVE, architectureHref, createEngagement, findHref, focused, mainText, openPage, overviewCounts, settle, submitAndLand, tr, uploadInventory } from './sixr.js';

const fx = suiteFixture({ before, after });

for (const lang of ['en', 'ko']) {
  describe(`accessibility (${lang})`, () => {
    const state = { page: null, id: null, imported: false };

    before(async () => {
      state.page = await openPage(fx, lang);
    });
    after(async () => {
      await state.page?.context().close();
    });

    test('login page', async (t) => {
      // A browser with no session: the page every consultant sees first.
      const page = await newPage(fx.browser, lang);
      try {
        if (await skipIfMissing(t, page, `${fx.server.url}/login`, 'the login page')) return;
        const step = steps(t, () => page);
        await step('login page', async () => {
          await page.goto(`${fx.server.url}/login`);
          await assertNoSeriousA11yViolations(page, '/login');
        });
      } finally {
        await page.context().close();
      }
    });

    test('engagements list, empty and with a refused form', async (t) => {
      const { page } = state;
      const step = steps(t, () => page);
      await step('empty list', async () => {
        await page.goto(`${fx.server.url}/engagements`);
        await assertNoSeriousA11yViolations(page, '/engagements (empty)');
      });
      await step('refused form', async () => {
        await page.getByLabel(tr(lang, 'engagement.name')).first().fill(' ');
        await page.getByRole('button', { name: tr(lang, 'common.create'), exact: true }).click();
        await page.getByRole('alert').waitFor();
        await assertNoSeriousA11yViolations(page, '/engagements (error)');
      });
    });

    test('engagement overview and the list with rows', async (t) => {
      const { page } = state;
      const step = steps(t, () => page);
      await step('overview', async () => {
        state.id = await createEngagement(page, fx.server.url, lang, { name: `A11y ${lang}`, customer: 'AnyCompany' });
        await assertNoSeriousA11yViolations(page, '/engagements/{id}');
      });
      await step('list with a row', async () => {
        await page.goto(`${fx.server.url}/engagements`);
        await assertNoSeriousA11yViolations(page, '/engagements (rows)');
      });
    });

    test('import page', async (t) => {
      const { page, id } = state;
      const url = `${fx.server.url}/engagements/${id}/import`;
      if (await skipIfMissing(t, page, url, 'the import page')) return;
      const step = steps(t, () => page);
      await step('import page', async () => {
        await page.goto(url);
        await assertNoSeriousA11yViolations(page, '/engagements/{id}/import');
      });
      await step('import the sample for the next pages', async () => {
        await uploadInventory(page, fx.server.url, id, SAMPLE_CSV);
        state.imported = (await overviewCounts(page, fx.server.url, lang, id)).workloads > 0;
      });
    });

    for (const [area, what] of [
      ['workloads', 'the workloads table'],
      ['assessment', 'the assessment dashboard'],
      ['plan', 'the plan page'],
    ]) {
      test(`${area} page`, async (t) => {
        const { page, id } = state;
        const url = `${fx.server.url}/engagements/${id}/${area}`;
        if (await skipIfMissing(t, page, url, what)) return;
        const step = steps(t, () => page);
        await step(area, async () => {
          await page.goto(url);
          await assertNoSeriousA11yViolations(page, `/engagements/{id}/${area}${state.imported ? ' (with the sample)' : ''}`);
        });
      });
    }

    test('the questionnaire works with the keyboard alone', async (t) => {
      const { page, id } = state;
      if (!state.imported) {
        t.skip('needs the sample imported on the import page, which did not run');
        return;
      }
      const dashboard = `${fx.server.url}/engagements/${id}/assessment`;
      if (await skipIfMissing(t, page, dashboard, 'the assessment dashboard')) return;
      const step = steps(t, () => page);
      let questionnaire;
      let before;
      await step('open the questionnaire', async () => {
        await page.goto(dashboard);
        const href = await findHref(page, /questionnaire|answers|questions/i);
        questionnaire = href ? new URL(href, fx.server.url).toString() : dashboard;
        await page.goto(questionnaire);
        before = await mainText(page);
      });
      await step('Tab to the answers, change them with the arrow keys and Space', async () => {
        let changed = 0;
        for (let i = 0; i < 120 && changed < 3; i++) {
          await page.keyboard.press('Tab');
          const f = await focused(page);
          if (!f.inMainForm) continue;
          assert.ok(f.visible, `focus is not visible on ${f.tag}[name=${f.name}]`);
          if (f.tag === 'SELECT') await page.keyboard.press('ArrowDown');
          else if (f.type === 'radio') await page.keyboard.press('ArrowRight');
          else if (f.type === 'checkbox') await page.keyboard.press('Space');
          else continue;
          changed += 1;
          await settle(page);
        }
        assert.ok(changed > 0, 'Tab never reached a question of the questionnaire');
      });
      await step('save with Enter (or the form saved itself), and the answers are kept', async () => {
        for (let i = 0; i < 60; i++) {
          const f = await focused(page);
          if (f.inMainForm && (f.tag === 'BUTTON' || f.type === 'submit') && SAVE.test(f.text)) {
            await submitAndLand(page, () => page.keyboard.press('Enter'));
            break;
          }
          await page.keyboard.press('Tab');
        }
        await settle(page);
        await page.goto(questionnaire);
        assert.notEqual(await mainText(page), before, 'the page shows no change after answering with the keyboard');
      });
    });

    test('architecture page', async (t) => {
      const { page, id } = state;
      const base = fx.server.url;
      const href = await architectureHref(page, base, id);
      if (!href) {
        t.skip('no link to /engagements/{id}/architecture/{app_id} on this build (architecture page or sample import not merged yet)');
        return;
      }
      const step = steps(t, () => page);
      await step('architecture', async () => {
        await page.goto(href);
        await assertNoSeriousA11yViolations(page, '/engagements/{id}/architecture/{app_id}');
      });
    });
  });
}
