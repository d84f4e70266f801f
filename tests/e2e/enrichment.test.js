// Discovery enrichment in the meeting: an RVTools export without roles or
// applications is imported, sixr's suggestions show with their evidence,
// the consultant accepts the roles and applications of a filter in one
// action (and picks a conflict with the keyboard), and the recommendations
// and confidence follow.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { REPO, assertNoSeriousA11yViolations, steps, suiteFixture } from './harness.js';
import { createEngagement, mainText, openPage, settle, tr, uploadInventory } from './sixr.js';

const fx = suiteFixture({ before, after });
const RVTOOLS = path.join(REPO, 'tests/fixtures/rvtools-roles-unknown-vInfo.csv');

/** The suggestion mark of a field's cell in the table. */
const mark = (page, field, kind = 'suggestion') =>
  page.locator('td', { has: page.locator(`button[data-cell="${field}"]`) }).locator(`details.${kind} summary`).first();

/** The id of a workload, from the "Details" link of its row in the table. */
async function workloadId(page, base, id, name) {
  await page.goto(`${base}/engagements/${id}/workloads?q=${encodeURIComponent(name)}`);
  const href = await page.getByRole('row').filter({ hasText: name }).first().locator('a[href*="/workloads/"]').first().getAttribute('href');
  return Number(href.split('/').pop());
}

/** Recommendation, confidence (percent) and reasons on a workload's assessment page. */
async function assessment(page, base, id, wid) {
  await page.goto(`${base}/engagements/${id}/assessment/workloads/${wid}`);
  const summary = await page.locator('main p', { hasText: tr('en', 'assessment.confidence') }).first().innerText();
  const confidence = Number(summary.match(/(\d+)%/)[1]);
  const recommended = (await page.locator('main p .badge').first().innerText()).trim();
  const reasons = await page.locator('#reasons ul.reasons').innerText();
  return { confidence, recommended, reasons };
}

describe('discovery enrichment', () => {
  test('suggested roles and applications of a filter accepted in one action', async (t) => {
    const page = await openPage(fx, 'en');
    const base = fx.server.url;
    const id = await createEngagement(page, base, 'en', { name: 'RVTools without roles' });
    const step = steps(t, () => page);
    let alphaDb;
    let pending;

    await step('import an RVTools vInfo that has no role and no application', async () => {
      await uploadInventory(page, base, id, RVTOOLS);
      await page.goto(`${base}/engagements/${id}/workloads`);
      const text = await mainText(page);
      assert.match(text, /suggestions wait in this view/, text);
    });

    await step('a suggestion shows its evidence, from the keyboard too', async () => {
      await page.goto(`${base}/engagements/${id}/workloads?q=alpha-db`);
      const summary = mark(page, 'role');
      await summary.focus();
      await page.keyboard.press('Enter');
      const body = page.locator('details.suggestion[open] .suggestion-body').first();
      await body.waitFor({ state: 'visible' });
      assert.match(await body.innerText(), /name contains “db”/);
      await assertNoSeriousA11yViolations(page, 'the table with an open suggestion');
    });

    await step('the recommendation already uses the suggestions, as weaker evidence', async () => {
      alphaDb = await workloadId(page, base, id, 'alpha-db-01');
      pending = await assessment(page, base, id, alphaDb);
      assert.equal(pending.recommended, 'Replatform', 'a suggested PostgreSQL database goes to Amazon RDS');
      assert.match(pending.reasons, /role db \(suggested: name contains “db”/);
      assert.doesNotMatch(pending.reasons, /role .* is unknown/);
    });

    await step('accept every suggestion of the filter "alpha" in one action', async () => {
      await page.goto(`${base}/engagements/${id}/workloads`);
      const search = page.getByRole('searchbox', { name: tr('en', 'workloads.search') });
      await search.fill('alpha');
      // Leaving the field ends the typing (its change event filters too).
      await search.press('Tab');
      await page.locator('#workload-results').filter({ hasText: '2 matching workloads' }).waitFor();
      await settle(page);
      const bar = page.locator('#suggestions-bulk');
      assert.match(await bar.innerText(), /7 suggestions wait in this view/);
      await bar.getByRole('button', { name: tr('en', 'enrich.bulk_accept') }).click();
      await page.getByRole('status').filter({ hasText: 'Accepted 7 suggestion(s)' }).waitFor();
      assert.equal(await page.locator('td.suggested').count(), 0, 'nothing waits in the filter now');
    });

    await step('the confidence rises, the reasons no longer lean on suggestions', async () => {
      const accepted = await assessment(page, base, id, alphaDb);
      assert.equal(accepted.recommended, 'Replatform');
      assert.ok(accepted.confidence > pending.confidence, `${accepted.confidence}% > ${pending.confidence}%`);
      assert.doesNotMatch(accepted.reasons, /\(suggested:/);
    });

    await step('a conflict is picked from its cell and the recommendation follows', async () => {
      const shop = await workloadId(page, base, id, 'shop-web-db');
      const before = await assessment(page, base, id, shop);
      assert.match(before.reasons, /role \(web, app, db\.\.\.\) is unknown/, 'a conflict leaves the role unknown');
      await page.goto(`${base}/engagements/${id}/workloads?q=shop-web-db`);
      const conflict = mark(page, 'role', 'suggestion.conflict');
      await conflict.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Accept Role web for shop-web-db' }).click();
      await page.getByRole('status').filter({ hasText: 'Accepted Role web for shop-web-db' }).waitFor();
      const after = await assessment(page, base, id, shop);
      assert.doesNotMatch(after.reasons, /is unknown/, after.reasons);
      assert.notEqual(after.reasons, before.reasons);
    });

    await step('the workload page says where each value comes from', async () => {
      await page.goto(`${base}/engagements/${id}/workloads/${alphaDb}`);
      const text = await mainText(page);
      assert.match(text, /Discovery/);
      assert.match(text, /confirmed/);
      assert.match(text, /PostgreSQL 9\.6/, 'the annotation the file had');
      await settle(page);
    });
    await page.context().close();
  });
});
