// The console-takeover attack (issue 13): a user signed in to the console
// opens pages served by a hostile function URL, whose script calls the
// console's facade. Run by e2e/console_test.go (TestConsoleTakeover), which
// checks afterwards, through the API, that nothing changed. Prints one
// JSON line per attack page: {url, status, results} where results are the
// script's own findings (absent when the page was not served).
import { withBrowser, signIn, step } from "./browser.mjs";

const url = process.env.GUST_CONSOLE_URL;
const urlID = process.env.GUST_URL_ID;
const attackURLs = process.env.GUST_ATTACK_URLS.split(/\s+/).filter(Boolean);

await withBrowser(async (context, page) => {
  step("sign in");
  await page.goto(url);
  await signIn(page, process.env.GUST_ACCESS_KEY_ID, process.env.GUST_SECRET_ACCESS_KEY);
  await page.locator('tr[data-function="victim"]').waitFor();
  const consoleOrigin = new URL(page.url()).origin;
  console.log("console origin:", consoleOrigin);

  // The path form on the console's own origin is the attack as first found.
  const targets = [...new Set([`${consoleOrigin}/gust/v1/url/${urlID}/`, ...attackURLs])];
  for (const target of targets) {
    step(`open ${target}`);
    const attack = await context.newPage();
    const u = new URL(target);
    u.searchParams.set("console", consoleOrigin);
    let status = 0;
    let results = null;
    try {
      const res = await attack.goto(u.toString());
      status = res ? res.status() : 0;
      if (status === 200) {
        await attack.waitForFunction(() => document.title === "attack done", null, { timeout: 15000 });
        results = JSON.parse(await attack.locator("#out").innerText());
      }
    } catch (e) {
      results = [{ error: String(e) }];
    }
    console.log("attack:", JSON.stringify({ url: target, status, results }));
    await attack.close();
  }

  step("the console still works");
  await page.reload();
  await page.locator('tr[data-function="victim-env"]').waitFor();
  console.log("ok");
});
