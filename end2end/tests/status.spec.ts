import { test, expect } from '@playwright/test';
import { open } from './fixtures/app';

test('the status check is a server-function round trip', async ({ page }) => {
  await open(page, '/');
  const call = page.waitForResponse((r) => r.url().endsWith('/api/service_status'));
  await page.getByRole('button', { name: 'Check service status' }).click();
  const response = await call;
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ database_reachable: true, schema_version: 6 });
  await expect(page.getByTestId('status-result')).toHaveText(/^All systems normal · database reachable \(schema 6\)/);
});
