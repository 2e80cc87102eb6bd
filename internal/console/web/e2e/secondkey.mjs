// Signs in to the console with a key pair that is not the server's own
// (run by e2e/console_test.go, TestConsoleSecondKey): the functions list
// shows, and the session is that key's.
import { withBrowser, signIn, step } from "./browser.mjs";

const keyId = process.env.GUST_ACCESS_KEY_ID;
await withBrowser(async (context, page) => {
  step("sign in with the second key pair");
  await page.goto(process.env.GUST_CONSOLE_URL);
  await signIn(page, keyId, process.env.GUST_SECRET_ACCESS_KEY);
  await page.locator(`tr[data-function="${process.env.GUST_FUNCTION}"]`).waitFor();
  await page.locator("header .who", { hasText: keyId }).waitFor();
  const who = await page.evaluate(async () => (await fetch("/console/api/session")).json());
  if (who.accessKeyId !== keyId) throw new Error(`session is ${JSON.stringify(who)}, want ${keyId}`);
  await page.screenshot({ path: `${process.env.GUST_SCREENSHOTS}/05-second-key.png` });
  console.log("ok");
});
