import { test, expect, type Page, type APIRequestContext } from '@playwright/test';
import { generateKeyPairSync, createSign, randomUUID } from 'node:crypto';
import { signIn } from './fixtures/app';

const ACME = 'org_acmeTravel000001';
const API = 'https://api.travel0.example/';

/** A key pair made where the bot runs: orgdesk only ever gets the public half. */
function keyPair() {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** An RS256 client assertion (RFC 7523), as the bot signs one for each token request. */
function assertion(privateKey: string, clientId: string, tenant: string, kid?: string) {
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: 'RS256', typ: 'JWT', ...(kid ? { kid } : {}) });
  const body = b64({ iss: clientId, sub: clientId, aud: tenant, iat: now, exp: now + 60, jti: randomUUID() });
  const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(privateKey).toString('base64url');
  return `${head}.${body}.${signature}`;
}

async function botToken(request: APIRequestContext, tenant: string, clientId: string, signed: string) {
  return request.post(`${tenant}oauth/token`, {
    form: {
      grant_type: 'client_credentials', client_id: clientId, audience: API, organization: ACME,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: signed,
    },
  });
}

async function testToken(page: Page, signed: string) {
  await page.getByLabel('Signed assertion (JWT)').fill(signed);
  await page.getByRole('button', { name: 'Get a test token' }).click();
  await expect(page.getByTestId('token-claims')).toContainText(ACME);
}

test('a bot moves from its secret to a key, then rotates to a new key without downtime', async ({ page, request }) => {
  await signIn(page, 'alice@acme.example', ACME);
  await page.goto(`/orgs/${ACME}/bots`);
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  const name = `Signed bot ${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('read:bookings').check();
  await page.getByRole('button', { name: 'Register bot' }).click();
  await expect(page.getByTestId('secret-panel')).toBeVisible();
  const clientId = (await page.getByTestId('client-id').textContent())!.trim();
  await page.getByRole('link', { name }).click();
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();

  // The first key: pasted public half; the secret stops, the key works.
  const first = keyPair();
  await page.getByText('Make a key pair on your machine').click();
  await expect(page.getByTestId('key-commands')).toContainText('openssl genpkey');
  const tenant = /"aud": "([^"]+)"/.exec((await page.getByTestId('assertion-snippet').textContent())!)![1];
  await page.getByLabel('Public key (PEM)').fill(first.publicKey);
  await page.getByLabel('Key label (optional)').fill('Laptop key');
  await page.getByRole('button', { name: 'Use this key' }).click();
  await expect(page.getByTestId('form-notice')).toContainText('Key added and in use');
  const firstRow = page.getByTestId('key-row');
  await expect(firstRow).toHaveCount(1);
  await expect(firstRow).toHaveAttribute('data-state', 'in use');
  const firstKid = (await firstRow.getAttribute('data-kid'))!;
  expect((await botToken(request, tenant, clientId, assertion(first.privateKey, clientId, tenant))).status()).toBe(200);
  await testToken(page, assertion(first.privateKey, clientId, tenant));
  await expect(page.getByTestId('token-key')).toHaveText('Laptop key');

  // Rotation: the new key beside the old one; the guide's steps; both work.
  const second = keyPair();
  await page.getByLabel('Public key (PEM)').fill(second.publicKey);
  await page.getByLabel('Key label (optional)').fill('Server key');
  await page.getByRole('button', { name: 'Add the new key' }).click();
  await expect(page.getByTestId('form-notice')).toContainText('Key added and in use');
  await expect(page.getByTestId('key-row')).toHaveCount(2);
  const steps = page.getByTestId('rotation-steps');
  await expect(steps).toContainText('Server key was added');
  const secondKid = (await page.locator('[data-testid="key-row"]').nth(1).getAttribute('data-kid'))!;
  expect(secondKid).not.toBe(firstKid);
  expect((await botToken(request, tenant, clientId, assertion(first.privateKey, clientId, tenant, firstKid))).status()).toBe(200);
  await testToken(page, assertion(second.privateKey, clientId, tenant, secondKid));
  await expect(page.getByTestId('token-key')).toHaveText('Server key');
  await expect(page.getByTestId('rotation-steps').locator('li').nth(1)).toHaveAttribute('data-done', 'true');

  // The old key removed: it stops at once; the new one goes on.
  await page.locator(`[data-testid="key-row"][data-kid="${firstKid}"]`).getByRole('button', { name: 'Remove key' }).click();
  await page.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(page.getByTestId('form-notice')).toContainText('Key removed');
  await expect(page.getByTestId('key-row')).toHaveCount(1);
  expect((await botToken(request, tenant, clientId, assertion(first.privateKey, clientId, tenant, firstKid))).status()).toBe(401);
  expect((await botToken(request, tenant, clientId, assertion(second.privateKey, clientId, tenant, secondKid))).status()).toBe(200);
  // The last key cannot be removed from the page: the button is not offered.
  await expect(page.getByRole('button', { name: 'Remove key' })).toHaveCount(0);
});
