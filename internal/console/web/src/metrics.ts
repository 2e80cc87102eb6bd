// Samples GET /metrics (Prometheus text, unauthenticated) every few seconds
// and keeps a short history per function in memory, from which the charts
// and sparklines draw rates and duration percentiles.

export interface Sample {
  t: number;
  invocations: number;
  errors: number;
  coldStarts: number;
  concurrency: number;
  buckets: [number, number][]; // [le seconds, cumulative count]
}

const history = new Map<string, Sample[]>();
const listeners = new Set<() => void>();
const keep = 150; // 5 minutes
export const intervalMs = 2000;

function parse(text: string): Map<string, Sample> {
  const now = Date.now();
  const out = new Map<string, Sample>();
  const get = (f: string) => {
    let s = out.get(f);
    if (!s) out.set(f, (s = { t: now, invocations: 0, errors: 0, coldStarts: 0, concurrency: 0, buckets: [] }));
    return s;
  };
  for (const line of text.split("\n")) {
    if (!line.startsWith("gust_function_")) continue;
    const m = /^(\w+)\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    const f = labels.function;
    if (!f) continue;
    const v = Number(m[3]);
    switch (m[1]) {
      case "gust_function_invocations_total": get(f).invocations = v; break;
      case "gust_function_errors_total": get(f).errors = v; break;
      case "gust_function_cold_starts_total": get(f).coldStarts = v; break;
      case "gust_function_concurrent_executions": get(f).concurrency = v; break;
      case "gust_function_duration_seconds_bucket": get(f).buckets.push([labels.le === "+Inf" ? Infinity : Number(labels.le), v]); break;
    }
  }
  return out;
}

export async function sample(): Promise<void> {
  const r = await fetch("/metrics");
  if (!r.ok) return;
  for (const [f, s] of parse(await r.text())) {
    const h = history.get(f) ?? [];
    h.push(s);
    if (h.length > keep) h.shift();
    history.set(f, h);
  }
  listeners.forEach((l) => l());
}

let timer: number | undefined;
export function start(): void {
  if (timer !== undefined) return;
  void sample();
  timer = window.setInterval(() => void sample(), intervalMs);
}

export function onSample(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function samples(fn: string): Sample[] {
  return history.get(fn) ?? [];
}

/** Per-interval increases of a counter. */
export function deltas(fn: string, pick: (s: Sample) => number): number[] {
  const h = samples(fn);
  const out: number[] = [];
  for (let i = 1; i < h.length; i++) out.push(Math.max(0, pick(h[i]) - pick(h[i - 1])));
  return out;
}

/** Duration quantile (ms) of the invocations in each interval, from histogram buckets. */
export function quantiles(fn: string, q: number): number[] {
  const h = samples(fn);
  const out: number[] = [];
  for (let i = 1; i < h.length; i++) {
    const cur = h[i].buckets, prev = h[i - 1].buckets;
    const d = cur.map(([le, c], j) => [le, c - (prev[j]?.[1] ?? 0)] as [number, number]);
    const total = d.length ? d[d.length - 1][1] : 0;
    if (total <= 0) { out.push(0); continue; }
    const rank = q * total;
    const hit = d.find(([, c]) => c >= rank);
    out.push(hit && isFinite(hit[0]) ? hit[0] * 1000 : (d[d.length - 2]?.[0] ?? 0) * 1000);
  }
  return out;
}

/** Totals since the server started (the latest sample). */
export function latest(fn: string): Sample | undefined {
  const h = samples(fn);
  return h[h.length - 1];
}
