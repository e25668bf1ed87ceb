import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';

// A fresh server per run: its own port and an empty data directory.
const port = Number(process.env.E2E_PORT ?? 3100);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orgdesk-e2e-'));
const root = path.resolve(__dirname, '..');
// A second server whose vendor asks for a second factor at every step-up (step-up.spec.ts).
const MFA_PORT = port + 1;
const mfaDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orgdesk-e2e-mfa-'));
// A third whose vendor marks write:bookings as needing a second admin's approval (approvals.spec.ts).
const APPROVALS_PORT = port + 2;
const approvalsDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orgdesk-e2e-approvals-'));

function server(at: number, data: string, extra: Record<string, string> = {}) {
  return {
    command: path.join(root, 'target/debug/orgdesk'),
    url: `http://127.0.0.1:${at}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe' as const,
    stderr: 'pipe' as const,
    env: {
      ORGDESK_BIND: `127.0.0.1:${at}`,
      ORGDESK_DATA_DIR: data,
      ORGDESK_LOCAL_TENANT_BIND: '127.0.0.1:0',
      ORGDESK_SITE_ROOT: path.join(root, 'target/site'),
      RUST_LOG: 'info',
      ...extra,
    },
  };
}

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    server(port, dataDir),
    server(MFA_PORT, mfaDataDir, { ORGDESK_STEP_UP_MFA: 'on' }),
    server(APPROVALS_PORT, approvalsDataDir, { ORGDESK_SENSITIVE_SCOPES: 'write:bookings' }),
  ],
});
