import { test, expect } from '@playwright/test';
import { signUpAndCreate } from './fixtures/app';

test('an admin changes the organization name and colours, sees the contrast as they type, and the header follows', async ({ page }) => {
  // An organization of its own, so no other spec sees its name change.
  await signUpAndCreate(page, `ida-${Date.now()}@initrode.example`, 'Initrode');
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
  await expect(page.locator('main[data-ready="true"]')).toBeVisible();

  await page.getByLabel('Organization name').fill('Initrode Voyages');
  await page.getByLabel('Primary colour').fill('#ffff00');
  await page.getByLabel('Page background').fill('#ffffff');
  await expect(page.getByTestId('contrast')).toContainText('too low');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('alert')).toContainText('contrast of 1.1:1');

  await page.getByLabel('Primary colour').fill('#1d4ed8');
  await expect(page.getByTestId('contrast')).toContainText('readable');
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByTestId('form-notice')).toContainText('Settings saved.');
  await expect(page.getByTestId('org-brand')).toContainText('Initrode Voyages');
  const accent = await page.locator('header.site-header').evaluate((h) => getComputedStyle(h).borderTopColor);
  expect(accent).toBe('rgb(29, 78, 216)');
});
