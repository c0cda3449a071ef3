// The dashboard as a person uses it, in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core).
// Run by DashboardBrowserTest:  node dashboard.e2e.mjs <dashboard-url> <screenshot.png> <health-interval-ms>
// It talks to the test over stdin/stdout, one line each way:
//   QUERY      -> the test runs research requests as alice and answers "done"
//   KILL site3 -> the test stops node site3 and answers "killed"
//   LOG ...    -> for the test's log;  OK -> every check passed;  FAIL <why> -> one did not
// Every wait is bounded; the test kills this process if it overruns.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import readline from 'node:readline';

const [url, screenshot, healthArg] = process.argv.slice(2);
if (!url || !screenshot) {
  console.log('FAIL usage: node dashboard.e2e.mjs <dashboard-url> <screenshot.png> [health-interval-ms]');
  process.exit(2);
}
const healthMs = Number(healthArg || 5000);
const origin = new URL(url).origin;
const replies = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

function log(text) { console.log('LOG ' + text); }
function fail(text) { throw new Error(text); }
function within(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('no ' + what + ' within ' + ms + ' ms')), ms);
  })]).finally(() => clearTimeout(timer));
}
async function ask(command, expected, ms) {
  console.log(command);
  const reply = await within(replies.next(), ms, 'reply to ' + command);
  if (reply.done || reply.value.trim() !== expected) fail('the test answered ' + JSON.stringify(reply.value) + ' to ' + command);
}
function sibling(path, suffix) { return path.replace(/\.png$/, '') + suffix + '.png'; }

const profile = mkdtempSync(join(tmpdir(), 'fedstats-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    timeout: 30000,
    viewport: { width: 1440, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  const elsewhere = [];
  page.on('pageerror', e => problems.push('page error: ' + e.message));
  page.on('console', m => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
  page.on('request', r => { if (!r.url().startsWith(origin + '/')) elsewhere.push(r.url()); });

  // 1. The page loads and shows three nodes, each UP.
  const started = Date.now();
  await page.goto(url, { waitUntil: 'load', timeout: 15000 });
  await page.waitForFunction(() => document.querySelectorAll('[data-node][data-state="UP"]').length === 3,
    null, { timeout: 15000 });
  const ids = await page.$$eval('[data-node]', cards => cards.map(c => c.dataset.node));
  if (JSON.stringify(ids) !== JSON.stringify(['site1', 'site2', 'site3'])) fail('nodes shown: ' + ids.join(', '));
  const badges = await page.$$eval('[data-node] [data-testid="badge"]', b => b.map(x => x.textContent));
  if (badges.some(b => b !== 'UP')) fail('badges: ' + badges.join(', '));
  log('three nodes UP after ' + (Date.now() - started) + ' ms');

  // 2. A query run by alice appears in the request list, with who, what and its outcome.
  await ask('QUERY', 'done', 30000);
  const row = page.locator('tr[data-researcher="alice"][data-outcome="POOLED"][data-analysis="count"]').first();
  await row.waitFor({ state: 'visible', timeout: 10000 });
  const cells = await row.locator('td').allTextContents();
  if (cells[1] !== 'alice' || cells[2] !== 'colon-study' || cells[3] !== 'colon' || cells[5] !== 'POOLED') {
    fail('the request row reads ' + JSON.stringify(cells));
  }
  for (const site of ['site1', 'site2', 'site3']) {
    if (!cells[6].includes(site + ' ANSWERED')) fail('the row does not show ' + site + ' ANSWERED: ' + cells[6]);
  }
  log('request listed: ' + cells.join(' | '));
  // Let a poll draw the charts with the new requests, then photograph the working federation.
  await page.waitForTimeout(1600);
  await page.screenshot({ path: screenshot, fullPage: true });
  log('screenshot ' + screenshot);

  // 3. A node killed turns DOWN within the health interval (and a poll or two).
  const limit = healthMs + 6000;
  await ask('KILL site3', 'killed', 30000);
  const killed = Date.now();
  await page.waitForFunction(() => {
    const card = document.querySelector('[data-node="site3"]');
    return card && card.dataset.state === 'DOWN' && card.querySelector('[data-testid="badge"]').textContent === 'DOWN';
  }, null, { timeout: limit, polling: 100 });
  const tookDown = Date.now() - killed;
  log('site3 DOWN ' + tookDown + ' ms after it was stopped (limit ' + limit + ' ms)');
  const since = await page.locator('[data-node="site3"] [data-testid="since"]').textContent();
  if (!since.startsWith('down since')) fail('site3 says ' + since);
  const others = await page.$$eval('[data-node="site1"], [data-node="site2"]', c => c.map(x => x.dataset.state));
  if (others.some(s => s !== 'UP')) fail('the nodes left running show ' + others.join(', '));
  await page.screenshot({ path: sibling(screenshot, '-down'), fullPage: true });

  // 4. The node's page tells its history: up, then down.
  await page.click('[data-node="site3"] a.name');
  await page.locator('[data-testid="transitions"] tr', { hasText: 'DOWN' }).first().waitFor({ timeout: 10000 });
  const states = await page.$$eval('[data-testid="transitions"] tbody [data-testid="badge"]', b => b.map(x => x.textContent));
  if (states[0] !== 'DOWN' || !states.includes('UP')) fail('site3 transitions: ' + states.join(', '));
  await page.locator('[data-testid="requests"] tr[data-researcher="alice"]').first().waitFor({ timeout: 5000 });
  await page.screenshot({ path: sibling(screenshot, '-node'), fullPage: true });

  if (problems.length) fail(problems.join('; '));
  if (elsewhere.length) fail('the page fetched from elsewhere: ' + elsewhere.join(', '));
  console.log('OK');
} catch (e) {
  console.log('FAIL ' + String(e && e.message || e).split('\n')[0]);
  process.exitCode = 1;
} finally {
  if (context) await within(context.close(), 10000, 'browser close').catch(() => {});
  rmSync(profile, { recursive: true, force: true });
  process.exit(process.exitCode || 0);
}
