import { test, expect, type Page } from '@playwright/test';
import { accountMenu, signIn } from './fixtures/app';

const ACME = 'org_acmeTravel000001';
const GLOBEX = 'org_globexTours00001';
const SUPPORT = 'org_travel0Support01';

/**
 * Walks every page a person can reach from `start` by links (same origin, breadth first), and asks
 * for every link, form target and download on each: none may answer 404 or 5xx. Sign-out is not
 * followed (it would end the walk); its form target is checked by the sign-out spec.
 */
async function walk(page: Page, start: string[], limit = 40) {
  const origin = new URL(test.info().project.use.baseURL!).origin;
  const seen = new Set<string>();
  const queue = [...start];
  const checked = new Map<string, number>();
  let pages = 0;
  while (queue.length > 0 && pages < limit) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const response = await page.goto(path);
    pages++;
    // Other tests run beside this one and delete their own bots: a bot page may be gone by the
    // time the walk reaches it. Only a bot the organization still lists must answer.
    const bot = path.match(/^\/orgs\/([^/]+)\/bots\/([^/?]+)$/);
    if (response?.status() === 404 && bot) {
      const list = await page.request.post('/api/bots/list', {
        headers: { origin, 'content-type': 'application/json' },
        data: JSON.stringify({ org_id: bot[1] }),
      });
      const ids = ((await list.json()) as { client_id: string }[]).map((b) => b.client_id);
      expect(ids, `page ${path}: 404 for a bot that is still listed`).not.toContain(bot[2]);
      continue;
    }
    expect(response?.status() ?? 0, `page ${path}`).toBeLessThan(400);
    if (new URL(page.url()).origin !== origin) continue; // sent to the tenant's login page
    await page.waitForLoadState('networkidle');
    // A page that goes out without the bundle must not offer anything that only the bundle makes
    // work: nothing waiting to be taken over, no button outside a form that posts by itself.
    const shape = await page.evaluate(() => ({
      bundle: document.querySelector('script[type="module"]') !== null,
      waiting: document.querySelectorAll('[data-ssr]').length,
      // Buttons only a script can act on, and no-JavaScript controls the early script hides
      // (on a page with the bundle, the bundle's own controls stand in for them).
      scripted: document.querySelectorAll('button[type="button"], .nojs-only').length,
      ready: document.querySelector('main[data-ready="true"]') !== null,
    }));
    expect(shape.ready, `${path} is ready`).toBe(true);
    if (!shape.bundle) {
      expect(shape.waiting, `${path} without the bundle: parts waiting for it`).toBe(0);
      expect(shape.scripted, `${path} without the bundle: buttons that need it`).toBe(0);
    }
    const here = new URL(page.url());
    const targets = await page.evaluate(() => {
      const out: Array<[string, boolean]> = [];
      document.querySelectorAll('a[href]').forEach((a) => out.push([(a as HTMLAnchorElement).href, true]));
      // A form's target takes a POST: it must exist (a GET may answer 405), and is not a page to walk.
      document.querySelectorAll('form[action]').forEach((f) => out.push([(f as HTMLFormElement).action, false]));
      return out;
    });
    for (const [href, walkable] of targets) {
      const url = new URL(href);
      if (url.origin !== origin || url.pathname === '/logout' || url.pathname === '/login') continue;
      if (url.hash && url.pathname === here.pathname && url.search === here.search) continue;
      const target = url.pathname + url.search;
      if (!checked.has(target)) {
        const r = await page.request.get(target, { maxRedirects: 0 });
        checked.set(target, r.status());
        expect(r.status(), `${target} (linked from ${path})`).not.toBe(404);
        expect(r.status(), `${target} (linked from ${path})`).toBeLessThan(500);
      }
      const isPage = walkable && !url.pathname.endsWith('.csv') && !url.pathname.startsWith('/pkg/') && !url.pathname.startsWith('/api/');
      if (isPage && !seen.has(target)) queue.push(target);
    }
  }
  expect(pages, 'pages walked').toBeGreaterThanOrEqual(start.length);
  return { pages, targets: checked.size };
}

test('an admin: every link, form target and download answers', async ({ page }) => {
  await signIn(page, 'alice@acme.example', ACME);
  // Something on every page: a bot (with its page), an app, an invitation.
  await page.goto(`/orgs/${ACME}/bots`);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill('Walked bot');
  await page.getByLabel('read:bookings').check();
  await page.getByRole('button', { name: 'Register bot' }).click();
  await expect(page.getByTestId('secret-panel')).toBeVisible();
  const result = await walk(page, [`/orgs/${ACME}`, `/orgs/${ACME}/bots`, `/orgs/${ACME}/audit?action=bot`]);
  expect(result.targets).toBeGreaterThan(10);
});

test('an admin of two organizations: the switch is offered and every link answers', async ({ page }) => {
  await page.goto(`/login?organization=${GLOBEX}`);
  await page.getByLabel('Email address').fill('carol@consult.example');
  await page.getByLabel('Password').fill('Travel0-demo!');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${GLOBEX}$`));
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await expect((await accountMenu(page)).getByRole('link', { name: 'Switch organization' })).toBeVisible();
  await walk(page, [`/orgs/${GLOBEX}`]);
});

test('an admin of one organization is not offered a switch', async ({ page }) => {
  await signIn(page, 'grace@globex.example', GLOBEX);
  const menu = await accountMenu(page);
  await expect(menu.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(menu.getByRole('link', { name: 'Switch organization' })).toHaveCount(0);
});

test('support staff: every report, its CSV, and an organization answer', async ({ page }) => {
  await signIn(page, 'sam@travel0.example', SUPPORT, /\/support$/);
  const starts = ['/support', '/support?report=open-grants', '/support?report=grants-per-api', '/support?report=idle-bots',
    '/support?report=drift', '/support?report=apps', `/support/orgs/${ACME}`];
  await walk(page, starts);
});

test('a member who is not an admin: every link answers', async ({ page }) => {
  await page.goto(`/login?organization=${ACME}`);
  await page.getByLabel('Email address').fill('bob@acme.example');
  await page.getByLabel('Password').fill('Travel0-demo!');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toContainText("organization's admins");
  await walk(page, ['/', '/rules']);
});

test('a visitor who is signed out: every link answers, and an install link explains the app', async ({ page }) => {
  await walk(page, ['/', '/rules', '/joined']);
});
