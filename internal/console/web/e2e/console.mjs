// Drives the console in Debian's headless Chromium with playwright-core:
// sign in, see the functions, test-invoke one, see its result and its logs,
// look at usage. Run by e2e/console_test.go, which starts the server and
// deploys the function; settings come from the environment.
import { join } from "node:path";
import { withBrowser, signIn, step } from "./browser.mjs";

const url = process.env.GUST_CONSOLE_URL;
const keyId = process.env.GUST_ACCESS_KEY_ID;
const secret = process.env.GUST_SECRET_ACCESS_KEY;
const fn = process.env.GUST_FUNCTION;
const marker = process.env.GUST_MARKER;
const shots = process.env.GUST_SCREENSHOTS;

await withBrowser(async (context, page) => {
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  step("open the console");
  await page.goto(url);
  await page.getByRole("heading", { name: "Sign in to Gust" }).waitFor();
  await page.screenshot({ path: join(shots, "01-sign-in.png") });

  step("a wrong secret is refused");
  await signIn(page, keyId, "wrong");
  await page.getByRole("alert").filter({ hasText: "Wrong access key pair" }).waitFor();

  step("sign in");
  await signIn(page, keyId, secret);
  const row = page.locator(`tr[data-function="${fn}"]`);
  await row.waitFor();
  await row.filter({ hasText: "Active" }).waitFor(); // State comes from GetFunction, after the list
  const rowText = await row.innerText();
  if (!rowText.includes("Active") || !rowText.includes("python3")) throw new Error(`functions row: ${rowText}`);
  await page.screenshot({ path: join(shots, "02-functions.png") });

  step("nothing about the keys is kept in the browser");
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
  if (stored.includes(secret) || stored.includes(keyId) || stored.includes("gust_console")) throw new Error(`keys or session visible to scripts: ${stored}`);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "gust_console");
  if (!session || !session.httpOnly || session.sameSite !== "Strict") throw new Error(`session cookie: ${JSON.stringify(cookies)}`);

  step("open the function and test-invoke it");
  await row.getByRole("link", { name: fn }).click();
  await page.getByRole("heading", { name: "Test invoke" }).waitFor();
  await page.locator("#payload").fill(JSON.stringify({ name: marker }));
  await page.locator("#invoke").click();
  const status = page.locator("#invoke-result .status");
  await status.waitFor();
  const statusText = await status.innerText();
  if (!statusText.startsWith("Succeeded") || !/duration [\d.]+ ms/.test(statusText)) throw new Error(`invoke status: ${statusText}`);
  const response = await page.locator("#invoke-result pre.response").innerText();
  if (!response.includes(`hello ${marker}`)) throw new Error(`invoke response: ${response}`);
  const tail = await page.locator("#invoke-result pre.log").innerText();
  if (!tail.includes("START RequestId") || !tail.includes(marker)) throw new Error(`log tail: ${tail}`);

  step("a function error is shown as one");
  await page.locator("#payload").fill('{"fail": true}');
  await page.locator("#invoke").click();
  await page.locator("#invoke-result .status", { hasText: "Function error (Unhandled)" }).waitFor();
  const failed = await page.locator("#invoke-result pre.response").innerText();
  if (!failed.includes("asked to fail")) throw new Error(`error response: ${failed}`);
  await page.locator("#payload").fill(JSON.stringify({ name: marker }));
  await page.locator("#invoke").click();
  await page.locator("#invoke-result .status", { hasText: "Succeeded" }).waitFor();

  step("the charts count the invocation");
  await page.locator("figcaption", { hasText: /^Invocations: [1-9]/ }).waitFor();
  await page.locator("figcaption", { hasText: /^Errors: [1-9]/ }).waitFor();
  await page.locator("figcaption", { hasText: /^Duration p50.*: [\d.]+ \/ [\d.]+ ms/ }).waitFor();

  step("the invocation appears in the live logs");
  await page.locator("#logs").filter({ hasText: `greeting ${marker}` }).waitFor();
  await page.screenshot({ path: join(shots, "03-function.png"), fullPage: true });

  step("usage");
  await page.getByRole("link", { name: "Usage" }).click();
  const usageRow = page.locator("table.usage tr", { hasText: fn });
  await usageRow.waitFor();
  await page.screenshot({ path: join(shots, "04-usage.png") });

  step("sign out");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to Gust" }).waitFor();

  if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
  console.log("ok");
});
