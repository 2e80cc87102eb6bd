// A few lines of DOM building instead of a framework: the console has five
// views and no shared state beyond the current route.

type Child = Node | string | number | null | undefined | false;

export function h(tag: string, attrs: Record<string, unknown> = {}, ...children: (Child | Child[])[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v as EventListener);
    else if (k === "value") (el as HTMLInputElement).value = String(v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

const svgNS = "http://www.w3.org/2000/svg";

/** A line chart of one or more series, as inline SVG. */
export function chart(series: { values: number[]; cls: string }[], width = 120, height = 28, title = ""): SVGSVGElement {
  const svg = document.createElementNS(svgNS, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));
  svg.setAttribute("class", "chart");
  if (title) {
    const t = document.createElementNS(svgNS, "title");
    t.textContent = title;
    svg.append(t);
  }
  const max = Math.max(1e-9, ...series.flatMap((s) => s.values));
  for (const s of series) {
    // One interval is drawn as a flat line so that it shows at all.
    const values = s.values.length === 1 ? [s.values[0], s.values[0]] : s.values;
    const n = values.length;
    if (n === 0) continue;
    const pts = values.map((v, i) => `${(i / (n - 1)) * width},${height - 2 - (v / max) * (height - 4)}`);
    const pl = document.createElementNS(svgNS, "polyline");
    pl.setAttribute("points", pts.join(" "));
    pl.setAttribute("class", s.cls);
    svg.append(pl);
  }
  return svg;
}

export function ago(ms: number | null): string {
  if (ms === null) return "never";
  const s = Math.round((Date.now() - ms) / 1000);
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return new Date(ms).toLocaleString();
}

export function time(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}
