// Browser spec of issue 16 point 4: practice results on the page. Run by
// tests/it/newcomer_page.rs against the REAL server, whose log it seeds first: the member
// (E2E_MEMBER) solved the daily problem of E2E_DAILY_DAY (a streak of 1), won a duel
// against Leo (1200 -> 1216, 90 s, 2 attempts to 1), and had a peer interview run by Leo
// (5 stars; problem solving 1 by Leo where the coach says 3).
//
//   BASE_URL=http://127.0.0.1:8000 E2E_MEMBER=discord:1001 E2E_DAILY_DAY=2026-11-20 \
//     node --test e2e/practice.spec.mjs
//
// It uses only the data-testids of web/TESTING.md and the text a member reads (innerText,
// so case-insensitively where CSS upper-cases a label), and checks
// that no page loads anything from another host (the page works offline).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TIMEOUT = Number(process.env.E2E_TIMEOUT || 60000);
const TOKEN = process.env.E2E_TOKEN || '';
const MEMBER = process.env.E2E_MEMBER || 'discord:1001';
const DAY = process.env.E2E_DAILY_DAY || '';
const START = BASE_URL + '/' + (TOKEN ? '?token=' + encodeURIComponent(TOKEN) : '');

const tid = (id) => `[data-testid="${id}"]`;

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'], headless: true });
});
after(async () => {
  if (browser) await browser.close();
});

// A page that records page errors and any request to another host.
async function openPage() {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const problems = { errors: [], external: [] };
  page.on('pageerror', (err) => problems.errors.push(String(err)));
  page.on('request', (req) => {
    const u = req.url();
    if (u.startsWith('data:') || u.startsWith('blob:')) return;
    if (new URL(u).host !== new URL(BASE_URL).host) problems.external.push(u);
  });
  return { context, page, problems };
}

// The innerText of each element matching `selector`, once at least one is there.
async function texts(page, selector) {
  await page.locator(selector).first().waitFor();
  return page.locator(selector).allInnerTexts();
}

test('the interview list shows the daily day, the duel marks and the peer summary', async () => {
  const { context, page, problems } = await openPage();
  await page.goto(START + '#/interviews');
  await page.locator(tid('interview-row')).first().waitFor();

  const daily = page.locator(tid('interview-row')).filter({ has: page.locator(tid('daily-badge')) });
  assert.equal(await daily.count(), 1, 'one daily interview');
  assert.match(await daily.innerText(), new RegExp(`daily ${DAY}`, 'i'), 'the daily badge names the day');
  assert.equal((await daily.locator(tid('member-link')).innerText()).trim(), 'Maya');

  const duels = await texts(page, tid('duel-badge'));
  assert.equal(duels.length, 2, `both duelists' interviews are marked: ${duels}`);
  assert.ok(duels.some((t) => /won vs Leo/.test(t)), `Maya's mark: ${duels}`);
  assert.ok(duels.some((t) => /lost vs Maya/.test(t)), `Leo's mark: ${duels}`);

  const peers = await texts(page, tid('peer-line'));
  assert.equal(peers.length, 1, `one peer interview: ${peers}`);
  assert.match(peers[0], /peer: Leo/, 'the interviewer');
  assert.match(peers[0], /3·3\s+1·3\s+3·3\s+2·2/, 'interviewer · coach per dimension');
  assert.match(peers[0], /5\/5/, 'the stars the candidate gave');

  assert.deepEqual(problems.errors, [], 'no page error');
  assert.deepEqual(problems.external, [], 'nothing from another host');
  await context.close();
});

test("the member's progress page shows the streak, the duel and rating, and the peer summary", async () => {
  const { context, page, problems } = await openPage();
  await page.goto(START + '#/member/' + encodeURIComponent(MEMBER));
  await page.locator(tid('progress')).waitFor();

  const [streak] = await texts(page, tid('daily-streaks'));
  assert.match(streak, /Daily streak/i, streak);
  assert.match(streak, /\b1\b[\s\S]*longest 1 · 1 solved · today solved/i, `a streak of 1, today solved: ${streak}`);

  const [ratings] = await texts(page, tid('duel-ratings'));
  assert.match(ratings, /Rating 1216 \(1W 0L\)/, ratings);
  const duelRows = await texts(page, tid('duel-row'));
  assert.equal(duelRows.length, 1, `one finished duel: ${duelRows}`);
  for (const part of ['two-sum', 'Leo', 'won', '1m 30s', '2 / 1', '1200 → 1216']) {
    assert.ok(duelRows[0].includes(part), `the duel row shows ${part}: ${duelRows[0]}`);
  }

  const peerRows = await texts(page, tid('peer-row'));
  assert.equal(peerRows.length, 1, `one peer interview: ${peerRows}`);
  for (const part of ['Leo', '1 · 3', '5/5']) {
    assert.ok(peerRows[0].includes(part), `the peer row shows ${part}: ${peerRows[0]}`);
  }

  assert.deepEqual(problems.errors, [], 'no page error');
  assert.deepEqual(problems.external, [], 'nothing from another host');
  await context.close();
});
