// Calls to the console facade. The session cookie is HttpOnly: this code
// never sees a key after sign-in, and nothing is written to storage.

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string) {
    super(message);
  }
}

const aws = "/console/api/aws";

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const init: RequestInit = { method, headers: { "X-Gust-Console": "1", ...headers }, credentials: "same-origin" };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["Content-Type"] ??= "application/json";
  }
  const r = await fetch(path, init);
  if (r.status === 401) {
    window.dispatchEvent(new Event("gust:signed-out"));
  }
  if (!r.ok) {
    let code = r.headers.get("X-Amzn-ErrorType") ?? "", msg = r.statusText;
    try {
      const j = await r.json();
      msg = j.message ?? j.Message ?? msg;
      code = code || j.__type || "";
    } catch { /* not JSON */ }
    throw new ApiError(r.status, code.split(":")[0], msg);
  }
  return r;
}

async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
  const r = await call(method, aws + path, body);
  const text = await r.text();
  return (text ? JSON.parse(text) : {}) as T;
}

export async function signIn(accessKeyId: string, secretAccessKey: string): Promise<void> {
  const r = await fetch("/console/api/session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ accessKeyId, secretAccessKey }),
  });
  if (!r.ok) {
    const j = await r.json().catch(() => ({}));
    throw new Error(j.message ?? "sign-in failed");
  }
}

// session is the signed-in access key id, or null when signed out.
export async function session(): Promise<string | null> {
  const r = await fetch("/console/api/session");
  if (!r.ok) return null;
  const j = await r.json().catch(() => ({}));
  return typeof j.accessKeyId === "string" ? j.accessKeyId : "";
}

export async function signOut(): Promise<void> {
  await fetch("/console/api/session", { method: "DELETE" });
}

export interface FunctionConfig {
  FunctionName: string;
  FunctionArn: string;
  Runtime?: string;
  Handler?: string;
  MemorySize: number;
  Timeout: number;
  State?: string;
  LastUpdateStatus?: string;
  LastModified: string;
  CodeSize: number;
  CodeSha256: string;
  Version: string;
  Description?: string;
  Architectures?: string[];
  Environment?: { Variables?: Record<string, string> };
}

const fn = (name: string) => `/2015-03-31/functions/${encodeURIComponent(name)}`;

export async function listFunctions(): Promise<FunctionConfig[]> {
  const out: FunctionConfig[] = [];
  let marker = "";
  do {
    const page = await json<{ Functions: FunctionConfig[]; NextMarker?: string }>("GET", `/2015-03-31/functions/?MaxItems=50${marker ? "&Marker=" + encodeURIComponent(marker) : ""}`);
    out.push(...(page.Functions ?? []));
    marker = page.NextMarker ?? "";
  } while (marker);
  return out;
}

export const getFunction = (name: string) =>
  json<{ Configuration: FunctionConfig; Concurrency?: { ReservedConcurrentExecutions?: number } }>("GET", fn(name));
export const listVersions = (name: string) => json<{ Versions: FunctionConfig[] }>("GET", fn(name) + "/versions");
export const listAliases = (name: string) =>
  json<{ Aliases: { Name: string; FunctionVersion: string; Description?: string; RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> } }[] }>("GET", fn(name) + "/aliases");
export const getConcurrency = (name: string) => json<{ ReservedConcurrentExecutions?: number }>("GET", `/2019-09-30/functions/${encodeURIComponent(name)}/concurrency`);
export const deleteFunction = (name: string) => json<unknown>("DELETE", fn(name));

export interface InvokeResult {
  status: number;
  payload: string;
  functionError: string | null;
  log: string;
  wallMs: number;
}

export async function invoke(name: string, payload: string): Promise<InvokeResult> {
  const start = performance.now();
  const r = await call("POST", aws + fn(name) + "/invocations", payload, { "X-Amz-Log-Type": "Tail", "Content-Type": "application/json" });
  const text = await r.text();
  const b64 = r.headers.get("X-Amz-Log-Result") ?? "";
  const log = b64 ? new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))) : "";
  return { status: r.status, payload: text, functionError: r.headers.get("X-Amz-Function-Error"), log, wallMs: performance.now() - start };
}

async function logs<T>(op: string, body: unknown): Promise<T> {
  const r = await call("POST", aws + "/", body, { "X-Amz-Target": "Logs_20140328." + op, "Content-Type": "application/x-amz-json-1.1" });
  return (await r.json()) as T;
}

export interface LogEvent { timestamp: number; message: string; eventId: string; logStreamName: string }

export async function filterLogEvents(group: string, startTime: number): Promise<LogEvent[]> {
  const out: LogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs<{ events: LogEvent[]; nextToken?: string }>("FilterLogEvents", { logGroupName: group, startTime, nextToken });
    out.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken && out.length < 5000);
  return out;
}

export async function lastEventTime(group: string): Promise<number | null> {
  try {
    const r = await logs<{ logStreams: { lastEventTimestamp?: number }[] }>("DescribeLogStreams", { logGroupName: group, orderBy: "LastEventTime", descending: true, limit: 1 });
    return r.logStreams?.[0]?.lastEventTimestamp ?? null;
  } catch (e) {
    if (e instanceof ApiError && e.code === "ResourceNotFoundException") return null;
    throw e;
  }
}

export interface UsageLine { function: string; requests: number; billed_ms: number; gb_seconds: number; cost_usd: number }

export const usage = () => json<{ functions: UsageLine[]; totals: UsageLine }>("GET", "/gust/v1/usage");
