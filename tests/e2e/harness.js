// The browser-test harness: starts the release binary on a scratch database
// and a free loopback port, drives Debian's Chromium with playwright-core,
// keeps a screenshot of every step and writes them out when a test fails.
// It builds nothing: `cargo build --release` comes first (see run.sh).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const REPO = path.resolve(here, '../..');
export const ARTIFACTS = path.join(here, 'artifacts');
export const SAMPLE_CSV = path.join(REPO, 'samples/anycompany.csv');
export const SIXR_BIN = path.resolve(here, process.env.SIXR_BIN || '../../target/release/sixr');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Generous but finite: the CI machine has 2 busy cores. */
export const TIMEOUT_MS = 20_000;

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The account the tests log in with. */
export const ADMIN = { username: 'e2e-admin', password: 'e2e-password-0123456789' };

/**
 * Creates the administrator with `sixr user add` when the build has accounts
 * (then every page needs a login); returns the credentials, or null.
 */
function createAdmin(db) {
  if (spawnSync(SIXR_BIN, ['user', 'add', '--help'], { stdio: 'ignore' }).status !== 0) return null;
  const r = spawnSync(SIXR_BIN, ['user', 'add', '--db', db, '--username', ADMIN.username, '--role', 'admin'], {
    input: `${ADMIN.password}\n`,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `sixr user add failed: ${r.stderr}`);
  return ADMIN;
}

/**
 * Starts `sixr serve` on a fresh database in a temporary directory and waits
 * until /healthz answers 200. Returns { url, stop(), log() }.
 */
export async function startServer() {
  assert.ok(existsSync(SIXR_BIN), `the sixr binary is missing at ${SIXR_BIN}: run cargo build --release first`);
  const dir = mkdtempSync(path.join(tmpdir(), 'sixr-e2e-'));
  const db = path.join(dir, 'sixr.db');
  const credentials = createAdmin(db);
  // A port picked then released can be taken by someone else before sixr
  // binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let output = '';
    const child = spawn(SIXR_BIN, ['serve', '--db', db, '--addr', `127.0.0.1:${port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'sixr=warn,tower_http=warn' },
    });
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let exited = false;
    child.on('exit', () => (exited = true));
    // Never leave a server behind, even when the test process ends early.
    process.once('exit', () => exited || child.kill('SIGKILL'));
    const deadline = Date.now() + 30_000;
    while (!exited && Date.now() < deadline) {
      try {
        const r = await fetch(`${url}/healthz`);
        if (r.status === 200) {
          return {
            url,
            credentials,
            log: () => output,
            async stop() {
              if (!exited) {
                child.kill('SIGTERM');
                const gone = new Promise((r) => child.once('exit', r));
                const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
                await gone;
                clearTimeout(t);
              }
              rmSync(dir, { recursive: true, force: true });
            },
          };
        }
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    if (!exited) child.kill('SIGKILL');
    if (!/address already in use/i.test(output)) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sixr did not answer /healthz within 30 s:\n${output}`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error('sixr could not bind a free loopback port');
}

/**
 * Headless Debian Chromium. Playwright gives every launch a fresh temporary
 * user-data directory (and removes it at close); the flags keep Chromium from
 * calling home, which this machine's closed network refuses.
 */
export async function launchBrowser() {
  assert.ok(existsSync(CHROMIUM), `Chromium is missing at ${CHROMIUM}: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/** Languages a page can be opened in, as a browser set to that language asks. */
export const LOCALES = {
  en: { locale: 'en-US', acceptLanguage: 'en-US,en;q=0.9' },
  ko: { locale: 'ko-KR', acceptLanguage: 'ko-KR,ko;q=0.9,en-US;q=0.5' },
};

/** A fresh browser context (own cookies) in one language. */
export async function newPage(browser, lang = 'en') {
  const { locale, acceptLanguage } = LOCALES[lang];
  const context = await browser.newContext({
    locale,
    extraHTTPHeaders: { 'Accept-Language': acceptLanguage },
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(TIMEOUT_MS);
  const page = await context.newPage();
  // A page must never reach outside the loopback server.
  const outside = [];
  page.on('request', (req) => {
    const u = new URL(req.url());
    if (!['127.0.0.1', 'localhost'].includes(u.hostname) && !['data:', 'blob:', 'about:'].includes(u.protocol)) {
      outside.push(req.url());
    }
  });
  page.outsideRequests = outside;
  // What the browser complained about (CSP refusals, script errors), for the artifacts.
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.browserProblems = problems;
  return page;
}

function slug(s) {
  return s
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase()
    .slice(0, 80);
}

/**
 * Runs a test as named steps. After each step a screenshot is kept in memory;
 * when a step throws, every screenshot so far, one of the failing state and
 * the page's HTML are written to artifacts/<test>/ and the error goes on.
 */
export function steps(t, getPage) {
  const shots = [];
  let n = 0;
  const shoot = async () => {
    try {
      return await getPage().screenshot({ fullPage: true, timeout: 10_000 });
    } catch {
      return null;
    }
  };
  return async function step(name, fn) {
    n += 1;
    const label = `${String(n).padStart(2, '0')}-${slug(name)}`;
    try {
      const result = await fn();
      shots.push([label, await shoot()]);
      return result;
    } catch (err) {
      const dir = path.join(ARTIFACTS, slug(t.fullName || t.name));
      mkdirSync(dir, { recursive: true });
      for (const [l, png] of shots) if (png) writeFileSync(path.join(dir, `${l}.png`), png);
      const failed = await shoot();
      if (failed) writeFileSync(path.join(dir, `${label}-FAILED.png`), failed);
      try {
        const page = getPage();
        writeFileSync(path.join(dir, `${label}-FAILED.html`), `<!-- ${page.url()} -->\n${await page.content()}`);
        if (page.browserProblems?.length) writeFileSync(path.join(dir, `${label}-console.txt`), `${page.browserProblems.join('\n')}\n`);
      } catch {
        // the page may be gone
      }
      err.message = `step "${name}": ${err.message}\n(screenshots in ${path.relative(process.cwd(), dir)})`;
      throw err;
    }
  };
}

/**
 * Pages other branches are still building: when `url` answers 404 the test
 * is skipped with a reason (and returns true); any other status goes on.
 */
export async function skipIfMissing(t, page, url, what) {
  const r = await page.request.get(url, { maxRedirects: 0, failOnStatusCode: false });
  if (r.status() === 404) {
    t.skip(`${what} (${new URL(url).pathname}) answers 404 on this build: not merged yet`);
    return true;
  }
  return false;
}

/** The serious and critical axe-core violations of the page as it is now. */
export async function axeViolations(page) {
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const results = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }),
  );
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
    }));
}

export async function assertNoSeriousA11yViolations(page, where) {
  const v = await axeViolations(page);
  assert.deepEqual(v, [], `${where}: serious or critical accessibility violations:\n${JSON.stringify(v, null, 2)}`);
}

/** Text of the PDF via pdftotext, or null when poppler-utils is absent. */
export function pdfText(bytes) {
  const which = spawnSync('pdftotext', ['-v']);
  if (which.error) return null;
  const dir = mkdtempSync(path.join(tmpdir(), 'sixr-pdf-'));
  try {
    const file = path.join(dir, 'report.pdf');
    writeFileSync(file, bytes);
    const r = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `pdftotext failed: ${r.stderr}`);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts the server and the browser once per test file; `after` stops both. */
export function suiteFixture({ before, after }) {
  const fx = { server: null, browser: null };
  before(async () => {
    fx.server = await startServer();
    fx.browser = await launchBrowser();
  });
  after(async () => {
    await fx.browser?.close();
    await fx.server?.stop();
  });
  return fx;
}
