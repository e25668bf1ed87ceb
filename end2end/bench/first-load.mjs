// What a person on a slow link gets, measured in Chromium (a benchmark, not a test): for each page,
// the bytes on the wire for a first load with a cold cache (HTML, bundle, stylesheet, the calls the
// page makes — as served, compressed), the time until the page is interactive (hydrated, or loaded for a page without the bundle) under
// "Fast 3G" (1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip), and the same for a second visit.
// Usage: node end2end/bench/first-load.mjs http://127.0.0.1:3000
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const ACME = 'org_acmeTravel000001';
const GLOBEX = 'org_globexTours00001';
const SUPPORT = 'org_travel0Support01';
const FAST_3G = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function signedIn(email, org, lands) {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  if (email) {
    await page.goto(`/login?organization=${org}`);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill('Travel0-demo!');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(lands ?? new RegExp(`/orgs/${org}$`));
    await page.waitForSelector('main[data-ready="true"]');
  }
  return { context, page };
}

async function call(page, name, body) {
  const r = await page.request.post(`/api/${name}`, {
    headers: { origin: base, 'content-type': 'application/json' },
    data: JSON.stringify(body),
  });
  if (r.status() !== 200) throw new Error(`${name}: ${r.status()} ${await r.text()}`);
  return r.json();
}

/** One load of `path`: bytes on the wire (by kind) and time to interactive, under Fast 3G. */
async function load(page, path, { cold }) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  if (cold) await cdp.send('Network.clearBrowserCache');
  await cdp.send('Network.emulateNetworkConditions', FAST_3G);
  const bytes = { html: 0, bundle: 0, css: 0, calls: 0, other: 0 };
  const kinds = new Map();
  cdp.on('Network.responseReceived', (e) => {
    const url = new URL(e.response.url);
    const kind = e.type === 'Document' ? 'html'
      : url.pathname.startsWith('/pkg/') && /\.(js|wasm)$/.test(url.pathname) ? 'bundle'
      : url.pathname.endsWith('.css') ? 'css'
      : url.pathname.startsWith('/api/') ? 'calls' : 'other';
    kinds.set(e.requestId, kind);
  });
  cdp.on('Network.loadingFinished', (e) => {
    const kind = kinds.get(e.requestId) ?? 'other';
    bytes[kind] += e.encodedDataLength;
  });
  const started = Date.now();
  await page.goto(path, { waitUntil: 'commit' });
  // Interactive: everything the page offers works (hydrated, or at once for a page without the
  // bundle) and the page has loaded (its HTML and stylesheet are all there).
  await Promise.all([
    page.waitForSelector('main[data-ready="true"]', { timeout: 120_000 }),
    page.waitForLoadState('load', { timeout: 120_000 }),
  ]);
  const interactive = Date.now() - started;
  await page.waitForLoadState('networkidle');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await cdp.detach();
  const total = Object.values(bytes).reduce((a, b) => a + b, 0);
  return { total, bytes, interactive };
}

const admin = await signedIn('alice@acme.example', ACME);
const bot = await call(admin.page, 'bots/register', {
  org_id: ACME, name: `Bench bot ${Date.now()}`, description: 'measured', audience: 'https://api.travel0.example/',
  scopes: ['read:bookings'], idempotency_key: `bench-${Date.now()}-000000`,
});
const app = await call(admin.page, 'apps/publish', {
  org_id: ACME, client_id: bot.client_id, description: 'An app to measure', audience: 'https://api.travel0.example/', scopes: ['read:bookings'],
});
const globex = await signedIn('grace@globex.example', GLOBEX);
const support = await signedIn('sam@travel0.example', SUPPORT, /\/support$/);
const visitor = await signedIn(null);

const pages = [
  ['landing', visitor.page, '/'],
  ['overview', admin.page, `/orgs/${ACME}`],
  ['bots', admin.page, `/orgs/${ACME}/bots`],
  ['one bot', admin.page, `/orgs/${ACME}/bots/${bot.client_id}`],
  ['members', admin.page, `/orgs/${ACME}/members`],
  ['invitations', admin.page, `/orgs/${ACME}/invitations`],
  ['apps', admin.page, `/orgs/${ACME}/apps`],
  ['audit', admin.page, `/orgs/${ACME}/audit`],
  ['install', globex.page, `/apps/${app.app_id}`],
  ['support', support.page, '/support'],
];

const pad = (s, n) => String(s).padEnd(n);
const num = (n, w = 9) => String(n).padStart(w);
// The targets (issue "The browser layer"): first load ≤ 40 KB for the landing page and ≤ 100 KB for
// every other page; interactive within 2.0 s for overview, bots and members; a second visit in 0.6 s.
const missed = (name, first, second) => {
  const out = [];
  const budget = name === 'landing' ? 40_000 : 100_000;
  if (first.total > budget) out.push(`bytes > ${budget / 1000} KB`);
  if (['overview', 'bots', 'members'].includes(name) && first.interactive > 2000) out.push('TTI > 2.0 s');
  if (second.interactive > 600) out.push('2nd > 0.6 s');
  return out.length ? `missed: ${out.join(', ')}` : 'met';
};
console.log(`    ${pad('page', 12)} ${num('first load B')} ${num('html')} ${num('bundle')} ${num('css')} ${num('calls')} ${num('TTI ms', 8)} ${num('2nd B', 8)} ${num('2nd TTI', 8)}  targets`);
for (const [name, page, path] of pages) {
  const first = await load(page, path, { cold: true });
  const second = await load(page, path, { cold: false });
  console.log(`    ${pad(name, 12)} ${num(first.total)} ${num(first.bytes.html)} ${num(first.bytes.bundle)} ${num(first.bytes.css)} ${num(first.bytes.calls)} ${num(first.interactive, 8)} ${num(second.total, 8)} ${num(second.interactive, 8)}  ${missed(name, first, second)}`);
}
console.log('    (bytes as served: compressed, headers included; TTI: from navigation until the page is ready (hydrated, or loaded for a page without the bundle), Fast 3G, cold cache; 2nd: the same page again, warm cache)');
await browser.close();
