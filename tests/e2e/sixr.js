// What a user does in sixr, written once for the tests: the UI strings come
// from the app's own message catalogues (i18n/*.toml), so a reworded label
// does not break the tests and both languages share one journey.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { REPO, TIMEOUT_MS, newPage } from './harness.js';

/** Flat "section.key" -> string map of one catalogue (the subset of TOML it uses). */
function loadCatalogue(lang) {
  const text = readFileSync(path.join(REPO, 'i18n', `${lang}.toml`), 'utf8');
  const out = new Map();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const head = line.match(/^\[([^\]]+)\]$/);
    if (head) {
      section = head[1].trim();
      continue;
    }
    const kv = line.match(/^([A-Za-z0-9_.-]+)\s*=\s*("(?:[^"\\]|\\.)*")\s*(#.*)?$/);
    if (kv) {
      try {
        out.set(`${section}.${kv[1]}`, JSON.parse(kv[2]));
      } catch {
        // not a basic string: not needed by the tests
      }
    }
  }
  return out;
}

const catalogues = { en: loadCatalogue('en'), ko: loadCatalogue('ko') };

/** The UI string `key` in `lang`; throws if the catalogue lacks it. */
export function tr(lang, key) {
  const s = catalogues[lang].get(key);
  assert.ok(s !== undefined, `i18n/${lang}.toml has no "${key}"`);
  return s;
}

/** The UI string if the catalogue has it (areas still being built), else null. */
export function trMaybe(lang, key) {
  return catalogues[lang].get(key) ?? null;
}

/** Buttons that store what a form holds. */
export const SAVE = /save|apply|update|저장|적용/i;

export const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Strategy names as the app shows them (src/strategy.rs labels). */
export const STRATEGY = {
  en: { replatform: 'Replatform', rehost: 'Rehost', refactor: 'Refactor' },
  ko: { replatform: '리플랫폼', rehost: '리호스팅', refactor: '리팩터링' },
};

/**
 * A fresh browser context in `lang`, logged in when the build has accounts
 * (through the login form, as a user does).
 */
export async function openPage(fx, lang = 'en') {
  const page = await newPage(fx.browser, lang);
  const creds = fx.server.credentials;
  if (!creds) return page;
  await page.goto(`${fx.server.url}/login`);
  await page.getByLabel(trMaybe(lang, 'auth.username') ?? /user\s*name|사용자/i).first().fill(creds.username);
  await page.getByLabel(trMaybe(lang, 'auth.password') ?? /password|비밀번호|암호/i).first().fill(creds.password);
  await page.getByRole('main').getByRole('button', { name: trMaybe(lang, 'auth.login') ?? /log\s*in|로그인/i }).first().click();
  await page.waitForURL((u) => u.pathname !== '/login');
  return page;
}

/** Creates an engagement through the form on /engagements; returns its id. */
export async function createEngagement(page, base, lang, { name, customer = '', consultant = '' }) {
  await page.goto(`${base}/engagements`);
  await page.getByLabel(tr(lang, 'engagement.name')).first().fill(name);
  if (customer) await page.getByLabel(tr(lang, 'engagement.customer')).first().fill(customer);
  if (consultant) await page.getByLabel(tr(lang, 'engagement.consultant')).first().fill(consultant);
  await page.getByRole('button', { name: tr(lang, 'common.create'), exact: true }).click();
  await page.waitForURL(/\/engagements\/\d+$/);
  await assertHeading(page, name);
  return Number(new URL(page.url()).pathname.split('/').pop());
}

export async function assertHeading(page, name) {
  await page.getByRole('heading', { level: 1, name: new RegExp(escapeRe(name)) }).waitFor();
}

/** The workload and application counts on the engagement overview. */
export async function overviewCounts(page, base, lang, id) {
  await page.goto(`${base}/engagements/${id}`);
  const count = async (key) => {
    const box = page.locator('section.stats > div', { hasText: tr(lang, key) }).first();
    return Number((await box.locator('strong').innerText()).replace(/[^\d]/g, ''));
  };
  return { workloads: await count('engagement.workloads'), applications: await count('engagement.applications') };
}

const SUBMIT_UPLOAD = /upload|preview|import|check|업로드|미리\s*보기|가져오기|확인/i;
const COMMIT_IMPORT = /commit|confirm|import|save|가져오기|확정|반영|저장/i;
const IMPORT_VALID_ONLY = /valid|only|유효|정상|만/i;

/**
 * Uploads `file` on the import page: chooses the file, submits the upload
 * form and, when the importer shows a preview first, commits it — unless
 * `commit` is false (a file with errors must not be forced in).
 */
export async function uploadInventory(page, base, id, file, { commit = true } = {}) {
  await page.goto(`${base}/engagements/${id}/import`);
  const input = page.locator('input[type=file]').first();
  await input.setInputFiles(file);
  const form = page.locator('form', { has: page.locator('input[type=file]') }).first();
  const submit = form.getByRole('button', { name: SUBMIT_UPLOAD }).first();
  const submitAny = form.locator('button[type=submit], button:not([type]), input[type=submit]').first();
  const button = (await submit.count()) > 0 ? submit : submitAny;
  await button.click();
  await page.waitForLoadState('networkidle');
  if (!commit) return;
  // A preview step offers a second button that writes the file; the upload
  // form itself (still on the page, maybe) is not it, nor "import the valid
  // rows only".
  const candidates = page
    .locator('form', { hasNot: page.locator('input[type=file]') })
    .getByRole('button', { name: COMMIT_IMPORT });
  const n = await candidates.count();
  for (let i = 0; i < n; i++) {
    const b = candidates.nth(i);
    const label = (await b.innerText()).trim();
    if (IMPORT_VALID_ONLY.test(label) || !(await b.isVisible())) continue;
    await b.click();
    await page.waitForLoadState('networkidle');
    break;
  }
}

/**
 * Answers one question of a form by its label, whatever control it is drawn
 * with: a radio group (fieldset/radiogroup named by the question), a select,
 * a checkbox, or a text/number field.
 */
export async function answer(scope, question, value) {
  const group = scope.getByRole('group', { name: question }).or(scope.getByRole('radiogroup', { name: question })).first();
  if ((await group.count()) > 0) {
    const radio = group.getByRole('radio', { name: value }).first();
    if ((await radio.count()) > 0) {
      await radio.check();
      return;
    }
  }
  const select = scope.getByRole('combobox', { name: question }).first();
  if ((await select.count()) > 0) {
    const options = await select.locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, text: o.textContent.trim() })));
    const hit = options.find((o) => value.test(o.text) || value.test(o.value));
    assert.ok(hit, `no option matching ${value} for ${question}: ${JSON.stringify(options)}`);
    await select.selectOption(hit.value);
    return;
  }
  const checkbox = scope.getByRole('checkbox', { name: question }).first();
  if ((await checkbox.count()) > 0) {
    await checkbox.setChecked(value.test('yes') || value.test('예') || value.test('true'));
    return;
  }
  const field = scope.getByLabel(question).first();
  assert.ok((await field.count()) > 0, `no control labelled ${question}`);
  const text = value.source.replace(/[\^$\\()|?]/g, '').split('|')[0];
  await field.fill(text);
}

/** The target of the first link on the page whose href matches `re`, or null. */
export async function findHref(page, re) {
  const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  return hrefs.find((h) => re.test(h)) ?? null;
}

/**
 * The text a user reads in <main>, without the form controls' own values
 * (so a reset form does not hide a change, nor an edited one fake it).
 */
export async function mainText(page) {
  return page.evaluate(() => {
    const main = document.querySelector('main') || document.body;
    const clone = main.cloneNode(true);
    clone.querySelectorAll('input, select, textarea, button, script, template').forEach((n) => n.remove());
    return clone.textContent.replace(/\s+/g, ' ').trim();
  });
}

/**
 * Runs `action` (a click or key press that may submit a plain form) and, when
 * it navigates, waits for the new page to load. Without this a `goto` right
 * after can race the form's POST-redirect-GET and one of the two is aborted
 * (net::ERR_ABORTED). htmx forms don't navigate: then it gives up after 3 s.
 */
export async function submitAndLand(page, action) {
  const navigated = page
    .waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 3_000 })
    .catch(() => null);
  await action();
  if (await navigated) await page.waitForLoadState('load');
}

/** Waits for htmx requests in flight to settle (no-op on plain pages). */
export async function settle(page) {
  await page.waitForLoadState('networkidle');
  await page
    .waitForFunction(() => !document.querySelector('.htmx-request'), null, { timeout: TIMEOUT_MS })
    .catch(() => {});
}

/**
 * The address of an application's architecture page, found the way a user
 * finds it: a link on the architecture index, the dashboard or the table.
 */
export async function architectureHref(page, base, id) {
  const appLink = new RegExp(`/engagements/${id}/architecture/\\d+`);
  for (const where of ['architecture', 'assessment', 'workloads']) {
    const r = await page.request.get(`${base}/engagements/${id}/${where}`);
    if (!r.ok()) continue;
    await page.goto(`${base}/engagements/${id}/${where}`);
    const href = await findHref(page, appLink);
    if (href) return new URL(href, base).toString();
  }
  return null;
}

/** What has the keyboard focus, and whether the user can see it. */
export async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const cs = getComputedStyle(el);
    const form = el.closest('form');
    return {
      tag: el.tagName,
      type: el.getAttribute('type') || '',
      name: el.getAttribute('name') || '',
      text: (el.innerText || el.value || '').trim(),
      visible: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none',
      inMainForm: !!(form && form.closest('main') && !form.querySelector('input[type=file]')),
    };
  });
}
