import { test, expect } from '@playwright/test';
import { open, signIn } from './fixtures/app';

const GLOBEX = 'org_globexTours00001';
// The embedded tenant's demo credentials: they live in the server binary and must never reach the browser.
const SERVER_ONLY = [
  'demo-login-secret-0000000000000000000000000000000000000000000001',
  'demo-management-secret-00000000000000000000000000000000000000001',
];

test('pages hydrate under the Content-Security-Policy without a single violation', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Refused to ${e.violatedDirective}: ${e.blockedURI}`);
    });
  });
  await signIn(page, 'grace@globex.example', GLOBEX);
  for (const path of ['bots', 'members', 'invitations', 'apps', 'audit']) {
    const response = await open(page, `/orgs/${GLOBEX}/${path}`);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("'wasm-unsafe-eval'");
    expect(csp).not.toContain('unsafe-inline');
  }
  // Client-side navigation and server calls work under the policy too.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
  await expect(page).toHaveURL(new RegExp(`/orgs/${GLOBEX}/members$`));
  await expect(page.getByTestId('member-row').filter({ hasText: 'grace@globex.example' })).toBeVisible();
  // The session cookie is out of reach of scripts.
  expect(await page.evaluate(() => document.cookie)).not.toContain('orgdesk=');
  expect(violations).toEqual([]);
});

test('the browser bundle carries no server-side secret', async ({ request }) => {
  const names = await (await request.get('/pkg/assets.json')).json();
  for (const file of [`/pkg/${names.output_name}.wasm`, `/pkg/${names.output_name}.js`, `/pkg/${names.css}`]) {
    const response = await request.get(file);
    expect(response.status(), file).toBe(200);
    const body = (await response.body()).toString('latin1');
    expect(body.length, file).toBeGreaterThan(100);
    for (const secret of SERVER_ONLY) expect(body.includes(secret), `${file} holds a secret`).toBe(false);
    for (const marker of ['client_secret_post', 'BEGIN RSA', 'orgdesk_op']) {
      expect(body.includes(marker), `${file} holds server code (${marker})`).toBe(false);
    }
  }
});
