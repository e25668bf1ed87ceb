import { test, expect } from '@playwright/test';
import { signIn, signOut } from './fixtures/app';

const ACME = 'org_acmeTravel000001';

// Every desk page, and every server function a page calls, with the arguments a page sends.
const PAGES = ['', '/bots', '/members', '/invitations', '/apps', '/audit'].map((p) => `/orgs/${ACME}${p}`);
const CALLS: Array<[string, object]> = [
  ['desk', { org_id: ACME }],
  ['bots/list', { org_id: ACME }],
  ['members/list', { org_id: ACME, from: null }],
  ['invitations/list', { org_id: ACME }],
  ['audit/list', { org_id: ACME, action: '', actor: '', since: '', until: '', before: null }],
  ['apps/desk', { org_id: ACME }],
  ['bots/register', { org_id: ACME, name: 'After sign-out', description: '', audience: 'https://api.travel0.example/', scopes: ['read:bookings'], idempotency_key: '0123456789abcdef0123' }],
  ['invitations/create', { org_id: ACME, email: 'late@acme.example', roles: [], days: 7 }],
];

test('signing out in Chromium ends the session: every page and server call refuses the old cookie', async ({ page, request: api, baseURL }) => {
  await signIn(page, 'alice@acme.example', ACME);
  const before = await page.context().cookies();
  const session = before.find((c) => c.name === 'orgdesk');
  expect(session, 'a session cookie').toBeTruthy();
  const cookie = `orgdesk=${session!.value}`;

  // The button, as a person clicks it: Chromium sends the form with this page's referrer policy.
  const posted = page.waitForRequest((r) => r.url().endsWith('/logout') && r.method() === 'POST');
  await signOut(page);
  const request = await posted;
  expect(request.headers()['origin']).toBe(baseURL);
  await expect(page.getByRole('link', { name: 'Sign in' }).first()).toBeVisible();

  // The old cookie, replayed from outside the browser (a context with no cookies of its own):
  // nothing answers as if signed in.
  for (const path of PAGES) {
    const r = await api.get(path, { headers: { cookie }, maxRedirects: 0 });
    expect(r.status(), path).toBe(303);
    expect(r.headers()['location'], path).toMatch(/^\/login\?/);
  }
  for (const [name, body] of CALLS) {
    const r = await api.post(`/api/${name}`, {
      headers: { cookie, origin: baseURL!, 'content-type': 'application/json' },
      data: JSON.stringify(body),
    });
    expect(r.status(), name).toBe(401);
  }
  const me = await api.post('/api/me', {
    headers: { cookie, origin: baseURL!, 'content-type': 'application/json' },
    data: '{}',
  });
  expect(await me.json()).toBeNull();
});
