import * as api from "./api";
import * as metrics from "./metrics";
import { ago, chart, h, time } from "./dom";

const app = document.getElementById("app")!;
const nav = document.getElementById("nav")!;

// Timers and listeners of the current view, stopped when the route changes.
let cleanups: (() => void)[] = [];
function onLeave(f: () => void) { cleanups.push(f); }
function every(ms: number, f: () => void) { const id = window.setInterval(f, ms); onLeave(() => clearInterval(id)); }

function show(...nodes: Node[]) { app.replaceChildren(...nodes); }
function errorBox(e: unknown) { return h("p", { class: "error", role: "alert" }, e instanceof Error ? e.message : String(e)); }

async function route() {
  cleanups.forEach((f) => f());
  cleanups = [];
  const who = await api.session();
  if (who === null) return signInView();
  nav.replaceChildren(
    h("a", { href: "#/" }, "Functions"),
    h("a", { href: "#/usage" }, "Usage"),
    h("span", { class: "who", title: "Signed in with this access key: the console may do what it may" }, who),
    h("button", { class: "link", onclick: async () => { await api.signOut(); location.hash = "#/"; void route(); } }, "Sign out"),
  );
  metrics.start();
  const hash = location.hash.replace(/^#/, "") || "/";
  const m = /^\/functions\/([^/]+)$/.exec(hash);
  try {
    if (m) await functionView(decodeURIComponent(m[1]));
    else if (hash === "/usage") await usageView();
    else await listView();
  } catch (e) {
    show(errorBox(e));
  }
}

function signInView() {
  nav.replaceChildren();
  const id = h("input", { name: "accessKeyId", autocomplete: "off", required: true, spellcheck: "false" }) as HTMLInputElement;
  const secret = h("input", { name: "secretAccessKey", type: "password", autocomplete: "off", required: true }) as HTMLInputElement;
  const msg = h("p", { class: "error", role: "alert" });
  const form = h("form", {
    class: "card signin",
    onsubmit: async (ev: Event) => {
      ev.preventDefault();
      msg.textContent = "";
      try {
        await api.signIn(id.value.trim(), secret.value.trim());
        secret.value = "";
        void route();
      } catch (e) {
        msg.textContent = e instanceof Error ? e.message : String(e);
      }
    },
  },
    h("h1", {}, "Sign in to Gust"),
    h("p", { class: "hint" }, "Use an access key pair the server knows: the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY that `gust server` printed at start, or your own. The console then does what that key may do; the secret stays on the server, not in the browser."),
    h("label", {}, "Access key ID", id),
    h("label", {}, "Secret access key", secret),
    h("button", { type: "submit" }, "Sign in"),
    msg,
  );
  show(form);
  id.focus();
}

async function listView() {
  const tbody = h("tbody");
  const table = h("table", { class: "functions" },
    h("thead", {}, h("tr", {}, ...["Name", "State", "Runtime", "Memory", "Last invoke", "Invocations / errors"].map((t) => h("th", {}, t)))),
    tbody);
  show(h("h1", {}, "Functions"), table,
    h("p", { class: "hint" }, "Deploy one with ", h("code", {}, "gust deploy ./dir --name hello --runtime python3.11 --handler app.handler"), "."));
  const fns = await api.listFunctions();
  const last = new Map<string, number | null>();
  // ListFunctions leaves State out, as on AWS: GetFunction has it.
  const states = new Map<string, string>();
  const render = () => {
    tbody.replaceChildren(...fns.map((f) => {
      const s = metrics.latest(f.FunctionName);
      return h("tr", { "data-function": f.FunctionName },
        h("td", {}, h("a", { href: `#/functions/${encodeURIComponent(f.FunctionName)}` }, f.FunctionName)),
        h("td", {}, h("span", { class: `state ${(states.get(f.FunctionName) ?? "").toLowerCase()}` }, states.get(f.FunctionName) ?? "")),
        h("td", {}, f.Runtime ?? ""),
        h("td", {}, `${f.MemorySize} MB`),
        h("td", {}, ago(last.get(f.FunctionName) ?? null)),
        h("td", {}, chart([
          { values: metrics.deltas(f.FunctionName, (x) => x.invocations), cls: "inv" },
          { values: metrics.deltas(f.FunctionName, (x) => x.errors), cls: "err" },
        ], 120, 24, "invocations (blue) and errors (red) per 2 s"), " ", s ? `${s.invocations} / ${s.errors}` : "0 / 0"),
      );
    }));
    if (fns.length === 0) tbody.append(h("tr", {}, h("td", { colspan: 6 }, "No functions yet.")));
  };
  render();
  await Promise.all(fns.flatMap((f) => [
    (async () => last.set(f.FunctionName, await api.lastEventTime(`/aws/lambda/${f.FunctionName}`).catch(() => null)))(),
    (async () => {
      const state = await api.getFunction(f.FunctionName).then((g) => g.Configuration.State).catch(() => undefined);
      if (state) states.set(f.FunctionName, state);
    })(),
  ]));
  render();
  onLeave(metrics.onSample(render));
}

function dl(rows: [string, Child][]) {
  return h("dl", {}, ...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}
type Child = Node | string | number | null | undefined;

async function functionView(name: string) {
  const [fn, versions, aliases, concurrency] = await Promise.all([
    api.getFunction(name), api.listVersions(name), api.listAliases(name), api.getConcurrency(name).catch(() => ({} as { ReservedConcurrentExecutions?: number })),
  ]);
  const c = fn.Configuration;
  const env = Object.entries(c.Environment?.Variables ?? {});
  const config = h("section", { class: "card" }, h("h2", {}, "Configuration"), dl([
    ["ARN", h("code", {}, c.FunctionArn)],
    ["State", `${c.State ?? ""} (last update ${c.LastUpdateStatus ?? "–"})`],
    ["Runtime", c.Runtime ?? ""], ["Handler", c.Handler ?? ""],
    ["Memory", `${c.MemorySize} MB`], ["Timeout", `${c.Timeout} s`],
    ["Code", `${c.CodeSize} bytes, sha256 ${c.CodeSha256}`],
    ["Last modified", c.LastModified],
    ["Reserved concurrency", concurrency.ReservedConcurrentExecutions ?? "unreserved (account pool)"],
    ["Environment", env.length ? h("ul", {}, ...env.map(([k, v]) => h("li", {}, h("code", {}, `${k}=${v}`)))) : "none"],
  ]));
  const vers = h("section", { class: "card" }, h("h2", {}, "Versions and aliases"),
    h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Version"), h("th", {}, "Description"), h("th", {}, "Code sha256"))),
      h("tbody", {}, ...versions.Versions.map((v) => h("tr", {}, h("td", {}, v.Version), h("td", {}, v.Description ?? ""), h("td", {}, h("code", {}, v.CodeSha256.slice(0, 12))))))),
    aliases.Aliases.length
      ? h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Alias"), h("th", {}, "Version"), h("th", {}, "Routing"))),
        h("tbody", {}, ...aliases.Aliases.map((a) => h("tr", {}, h("td", {}, a.Name), h("td", {}, a.FunctionVersion),
          h("td", {}, Object.entries(a.RoutingConfig?.AdditionalVersionWeights ?? {}).map(([v, w]) => `${v}: ${Math.round(w * 100)}%`).join(", ") || "–")))))
      : h("p", { class: "hint" }, "No aliases."));

  // Test invoke.
  const payload = h("textarea", { id: "payload", rows: 6, spellcheck: "false" }) as HTMLTextAreaElement;
  payload.value = "{\n  \"name\": \"console\"\n}";
  const result = h("div", { id: "invoke-result" });
  const invokeBtn = h("button", {
    id: "invoke",
    onclick: async () => {
      result.replaceChildren(h("p", { class: "hint" }, "Invoking…"));
      try {
        JSON.parse(payload.value);
      } catch (e) {
        result.replaceChildren(errorBox(`The payload is not JSON: ${e instanceof Error ? e.message : e}`));
        return;
      }
      try {
        const r = await api.invoke(name, payload.value);
        const billed = /Duration: ([\d.]+) ms/.exec(r.log)?.[1];
        result.replaceChildren(
          h("p", { class: r.functionError ? "status error" : "status ok" },
            r.functionError ? `Function error (${r.functionError})` : "Succeeded",
            ` · duration ${billed ?? "?"} ms · round trip ${r.wallMs.toFixed(0)} ms`),
          h("h3", {}, "Response"), h("pre", { class: "response" }, r.payload),
          h("h3", {}, "Log tail"), h("pre", { class: "log" }, r.log));
      } catch (e) {
        result.replaceChildren(errorBox(e));
      }
    },
  }, "Invoke");
  const test = h("section", { class: "card" }, h("h2", {}, "Test invoke"), payload, h("div", {}, invokeBtn), result);

  // Metrics.
  const charts = h("div", { class: "charts" });
  const drawCharts = () => {
    const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
    const last = (v: number[]) => (v.length ? Math.round(v[v.length - 1] * 100) / 100 : 0);
    const box = (title: string, series: { values: number[]; cls: string }[], summary: string) =>
      h("figure", {}, chart(series, 260, 70, title), h("figcaption", {}, `${title}: ${summary}`));
    const inv = metrics.deltas(name, (s) => s.invocations), errs = metrics.deltas(name, (s) => s.errors);
    const cold = metrics.deltas(name, (s) => s.coldStarts), conc = metrics.samples(name).map((s) => s.concurrency);
    const p50 = metrics.quantiles(name, 0.5), p99 = metrics.quantiles(name, 0.99);
    charts.replaceChildren(
      box("Invocations", [{ values: inv, cls: "inv" }], `${sum(inv)}`),
      box("Errors", [{ values: errs, cls: "err" }], `${sum(errs)}`),
      box("Duration p50 (blue) / p99 (orange)", [{ values: p50, cls: "inv" }, { values: p99, cls: "p99" }], `${last(p50)} / ${last(p99)} ms`),
      box("Concurrent executions", [{ values: conc, cls: "inv" }], `${last(conc)} now`),
      box("Cold starts", [{ values: cold, cls: "p99" }], `${sum(cold)}`),
    );
  };
  drawCharts();
  onLeave(metrics.onSample(drawCharts));
  const metricsCard = h("section", { class: "card" }, h("h2", {}, "Metrics"), h("p", { class: "hint" }, "Per 2 s, sampled from /metrics while the console is open (last 5 minutes); totals over that window."), charts);

  // Live logs: FilterLogEvents polled every 2 s from the last event seen.
  const logBox = h("pre", { id: "logs", class: "log" });
  const seen = new Set<string>();
  let since = Date.now() - 15 * 60 * 1000;
  const poll = async () => {
    try {
      const events = await api.filterLogEvents(`/aws/lambda/${name}`, since);
      for (const e of events) {
        if (seen.has(e.eventId)) continue;
        seen.add(e.eventId);
        since = Math.max(since, e.timestamp);
        logBox.append(`${time(e.timestamp)} ${e.message.replace(/\n$/, "")}\n`);
      }
      if (events.length) logBox.scrollTop = logBox.scrollHeight;
    } catch (e) {
      if (!(e instanceof api.ApiError && e.code === "ResourceNotFoundException")) throw e;
    }
  };
  await poll();
  every(2000, () => void poll());
  const logsCard = h("section", { class: "card" }, h("h2", {}, "Live logs ", h("small", {}, `/aws/lambda/${name}`)), logBox);

  show(h("h1", {}, h("a", { href: "#/" }, "Functions"), " / ", name), h("div", { class: "grid" }, config, test), metricsCard, logsCard, vers);
}

async function usageView() {
  const u = await api.usage();
  const row = (l: api.UsageLine, cls = "") => h("tr", { class: cls }, h("td", {}, l.function),
    h("td", { class: "num" }, l.requests), h("td", { class: "num" }, l.billed_ms), h("td", { class: "num" }, l.gb_seconds.toFixed(6)), h("td", { class: "num" }, `$${l.cost_usd.toFixed(8)}`));
  show(h("h1", {}, "Usage and cost"),
    h("p", { class: "hint" }, "Metered since the data directory was created, priced with the server's --price-gb-second and --price-per-million-requests."),
    h("table", { class: "usage" },
      h("thead", {}, h("tr", {}, ...["Function", "Requests", "Billed ms", "GB-seconds", "Cost (USD)"].map((t) => h("th", {}, t)))),
      h("tbody", {}, ...u.functions.map((l) => row(l)), row({ ...u.totals, function: "Total" }, "total"))));
}

window.addEventListener("hashchange", () => void route());
window.addEventListener("gust:signed-out", () => void route());
void route();
