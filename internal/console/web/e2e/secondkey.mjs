// Signs in to the console with a key pair that is not the server's own
// (run by e2e/console_test.go, TestConsoleSecondKey): the functions list
// shows, the session is that key's, and the console does what that key may:
// with GUST_EXPECT_DENIED=1 (a read-only key) test-invoke and delete are
// refused with IAM's message, otherwise test-invoke succeeds.
import { withBrowser, signIn, step } from "./browser.mjs";

const keyId = process.env.GUST_ACCESS_KEY_ID;
const fn = process.env.GUST_FUNCTION;
const denied = process.env.GUST_EXPECT_DENIED === "1";
await withBrowser(async (context, page) => {
  step("sign in with the second key pair");
  await page.goto(process.env.GUST_CONSOLE_URL);
  await signIn(page, keyId, process.env.GUST_SECRET_ACCESS_KEY);
  const row = page.locator(`tr[data-function="${fn}"]`);
  await row.waitFor();
  await page.locator("header .who", { hasText: keyId }).waitFor();
  const who = await page.evaluate(async () => (await fetch("/console/api/session")).json());
  if (who.accessKeyId !== keyId) throw new Error(`session is ${JSON.stringify(who)}, want ${keyId}`);
  await page.screenshot({ path: `${process.env.GUST_SCREENSHOTS}/05-second-key.png` });

  step("test-invoke as that key");
  await row.getByRole("link", { name: fn }).click();
  await page.getByRole("heading", { name: "Test invoke" }).waitFor();
  await page.locator("#payload").fill('{"action":"echo","arg":"second key"}');
  await page.locator("#invoke").click();
  const result = page.locator("#invoke-result");
  if (denied) {
    await result.filter({ hasText: "is not authorized to perform: lambda:InvokeFunction" }).waitFor();
    step("delete as that key");
    const del = await page.evaluate(async (name) => {
      const r = await fetch(`/console/api/aws/2015-03-31/functions/${name}`, { method: "DELETE", headers: { "X-Gust-Console": "1" } });
      return { status: r.status, body: await r.text() };
    }, fn);
    if (del.status !== 403 || !del.body.includes("lambda:DeleteFunction")) throw new Error(`delete as a read-only key: ${JSON.stringify(del)}`);
  } else {
    await result.locator(".status", { hasText: "Succeeded" }).waitFor();
  }
  await page.screenshot({ path: `${process.env.GUST_SCREENSHOTS}/06-second-key-invoke.png`, fullPage: true });
  console.log("ok");
});
