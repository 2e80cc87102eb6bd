// What the Chromium tests share: a headless Debian Chromium with a fresh
// profile (playwright-core), and signing in through the console's form.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// withBrowser runs fn(context, page) in a new browser and always closes it.
export async function withBrowser(fn) {
  const profile = mkdtempSync(join(tmpdir(), "gust-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1280, height: 900 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(15000);
    await fn(context, page);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

// signIn fills the sign-in form of the page's console with a key pair and
// submits it; the caller waits for what should follow.
export async function signIn(page, keyId, secret) {
  await page.getByRole("heading", { name: "Sign in to Gust" }).waitFor();
  await page.getByLabel("Access key ID").fill(keyId);
  await page.getByLabel("Secret access key").fill(secret);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export const step = (s) => console.log("step:", s);
