// Gust's runtime for Lambda's nodejs identifiers.
//
// Gust runs it as `node /var/runtime/bootstrap.cjs` in every Node.js
// execution environment (CommonJS: Node loads it faster than an ES module,
// and it imports ES module handlers all the same). It loads the handler named by _HANDLER once (CommonJS or ES
// module), then serves events from the Lambda Runtime API at
// AWS_LAMBDA_RUNTIME_API until the environment is destroyed, with Lambda's
// programming model: async and callback handlers,
// context.callbackWaitsForEmptyEventLoop, the context object, error shapes,
// console format and fault types. Node.js core modules only.

'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const util = require('node:util');

const API_PREFIX = '/2018-06-01/runtime';

// ------------------------------------------------------------------ Errors

class RuntimeError extends Error {}
const ImportModuleError = runtimeError('ImportModuleError');
const HandlerNotFound = runtimeError('HandlerNotFound');
const MalformedHandlerName = runtimeError('MalformedHandlerName');
const UserCodeSyntaxError = runtimeError('UserCodeSyntaxError');
const UnhandledPromiseRejection = runtimeError('UnhandledPromiseRejection');

function runtimeError(name) {
  const cls = class extends RuntimeError {};
  Object.defineProperty(cls, 'name', { value: name });
  cls.prototype.name = `Runtime.${name}`;
  return cls;
}

function isErrorLike(e) {
  return Boolean(e) && typeof e.name === 'string' && typeof e.message === 'string' && typeof e.stack === 'string';
}

// errorDocument is the body Lambda returns for a failed invocation.
function errorDocument(err) {
  try {
    if (util.types.isNativeError(err) || isErrorLike(err)) {
      return { errorType: err.name, errorMessage: err.message, trace: err.stack.split('\n') };
    }
    return { errorType: typeof err, errorMessage: String(err), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

// formatted is how errors appear in the log: a tab, then JSON with the
// error's own and enumerable properties.
// logError logs an error the runtime caught: in the Text format after
// msg, as a JSON document; in the JSON format as the error's own line.
function logError(msg, err) {
  if (jsonLogs()) console.error(err instanceof Error ? err : new Error(typeof err === 'string' ? err : formatted(err).trim()));
  else console.error(msg, formatted(err));
}

function formatted(err) {
  const replacer = (_key, v) => {
    if (!(v instanceof Error)) return v;
    const out = Object.assign({ errorType: v.name, errorMessage: v.message, code: v.code }, v);
    if (typeof v.stack === 'string') out.stack = v.stack.split('\n');
    return out;
  };
  try {
    return '\t' + JSON.stringify(err, replacer);
  } catch {
    return '\t' + JSON.stringify(errorDocument(err));
  }
}

// ----------------------------------------------------------------- Logging

const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');

const jsonLogs = () => (process.env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';

// errorFields is how an Error appears in a JSON log line.
const errorFields = (err) => ({
  errorType: err?.constructor?.name ?? 'UnknownError',
  errorMessage: err.message,
  stackTrace: typeof err.stack === 'string' ? err.stack.split('\n') : err.stack,
});

// jsonLine is Lambda's JSON application log line: a single argument is
// the message as it is (an Error as its fields), several are formatted
// into one string, with the first Error's fields beside it.
function jsonLine(level, args) {
  const line = { timestamp: new Date().toISOString(), level, requestId: globalThis[REQUEST_ID] };
  if (args.length === 1) {
    line.message = args[0];
    try {
      return JSON.stringify(line, (_k, v) => (v instanceof Error ? Object.assign(errorFields(v), v) : v));
    } catch {
      line.message = util.format(args[0]);
      return JSON.stringify(line);
    }
  }
  line.message = util.format(...args);
  const err = args.find((a) => a instanceof Error);
  if (err) Object.assign(line, errorFields(err), { stackTrace: typeof err.stack === 'string' ? err.stack.split('\n') : [] });
  return JSON.stringify(line);
}

function patchConsole() {
  const levels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
  const min = Math.max(0, levels.indexOf((process.env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()));
  const json = jsonLogs();
  const logger = (level) => {
    if (levels.indexOf(level) < min) return () => {};
    // One write per record: stdout is a pipe, written synchronously.
    if (json) return (...args) => process.stdout.write(jsonLine(level, args) + '\n');
    return (...args) => {
      process.stdout.write(`${new Date().toISOString()}\t${globalThis[REQUEST_ID]}\t${level}\t${util.format(...args)}\n`);
    };
  };
  console.trace = logger('TRACE');
  console.debug = logger('DEBUG');
  console.info = logger('INFO');
  console.log = console.info;
  console.warn = logger('WARN');
  console.error = logger('ERROR');
  console.fatal = logger('FATAL');
}

// -------------------------------------------------------------- Runtime API

const [apiHost, apiPort] = splitAddress(process.env.AWS_LAMBDA_RUNTIME_API || '127.0.0.1:9001');
// Free keep-alive sockets are unreferenced, so they never keep the event
// loop (and callbackWaitsForEmptyEventLoop) waiting.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1, noDelay: true });

function splitAddress(address) {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i), Number(address.slice(i + 1))];
}

function request(method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const attempt = (mayRetry) => {
      const h = { ...headers };
      if (body !== undefined) h['Content-Length'] = Buffer.byteLength(body);
      const req = http.request({ host: apiHost, port: apiPort, path: API_PREFIX + urlPath, method, headers: h, agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', (err) => {
        // A kept-alive socket the server had closed: go again on a new one.
        if (mayRetry && req.reusedSocket && err.code === 'ECONNRESET') attempt(false);
        else reject(err);
      });
      req.end(body);
    };
    attempt(true);
  });
}

async function post(urlPath, body, headers) {
  const res = await request('POST', urlPath, body, { 'Content-Type': 'application/json', ...headers });
  if (res.status >= 300) {
    process.stderr.write(`gust runtime: POST ${urlPath} answered ${res.status}: ${res.body}\n`);
  }
}

function postError(urlPath, err) {
  const doc = errorDocument(err);
  return post(urlPath, JSON.stringify(doc), { 'Lambda-Runtime-Function-Error-Type': doc.errorType });
}

// ---------------------------------------------------------------- Handlers

function taskRoot() {
  // LAMBDA_TASK_ROOT is /var/task in a sandbox; without isolation the
  // code is the working directory instead.
  const root = process.env.LAMBDA_TASK_ROOT || '/var/task';
  try {
    if (fs.statSync(root).isDirectory()) return root;
  } catch {}
  return process.cwd();
}

async function loadHandler(appRoot, full) {
  if (full.includes('..')) {
    throw new MalformedHandlerName(`'${full}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const base = path.basename(full);
  const moduleRoot = full.substring(0, full.indexOf(base));
  const match = base.match(/^([^.]*)\.(.*)$/);
  if (!match) throw new MalformedHandlerName('Bad handler');
  const [, moduleName, handlerPath] = match;
  const app = await loadModule(appRoot, moduleRoot, moduleName);
  const fn = handlerPath.split('.').reduce((obj, key) => obj && obj[key], app);
  if (!fn) throw new HandlerNotFound(`${full} is undefined or not exported`);
  if (typeof fn !== 'function') throw new HandlerNotFound(`${full} is not a function`);
  return fn;
}

async function loadModule(appRoot, moduleRoot, name) {
  try {
    return await importModule(appRoot, moduleRoot, name);
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserCodeSyntaxError(e);
    if (e && (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND')) throw new ImportModuleError(e);
    throw e;
  }
}

// importModule loads the module as Lambda does: the file itself, .js
// (an ES module where the nearest package.json says "type": "module"),
// .mjs, .cjs, and last a package of that name on the module path.
async function importModule(appRoot, moduleRoot, name) {
  const file = path.resolve(appRoot, moduleRoot, name);
  const exists = (p) => fs.existsSync(p);
  if (exists(file)) return require(file);
  const esm = typeModule(path.dirname(file));
  if (exists(file + '.js')) return esm ? import(pathToFileURL(file + '.js').href) : require(file + '.js');
  if (exists(file + '.mjs')) return import(pathToFileURL(file + '.mjs').href);
  if (exists(file + '.cjs')) return require(file + '.cjs');
  return require(require.resolve(name, { paths: [appRoot, moduleRoot] }));
}

// typeModule reports whether the nearest package.json above dir says
// "type": "module"; a node_modules folder ends the search.
function typeModule(dir) {
  for (;;) {
    if (dir.endsWith('/node_modules')) return false;
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        return JSON.parse(fs.readFileSync(pj, 'utf8')).type === 'module';
      } catch (e) {
        console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
        return false;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

function parseHeaderJSON(value, what) {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (e) {
    throw new Error(`Cannot parse ${what} as JSON: ${e.message}`);
  }
}

// ------------------------------------------------------------- The loop

// onEmptyEventLoop runs once when the event loop has nothing left to do.
let onEmptyEventLoop = null;
process.on('beforeExit', () => {
  const f = onEmptyEventLoop;
  onEmptyEventLoop = null;
  if (f) f();
});

// current is the invocation being handled, until its result is posted.
let current = null;

function fatal(err) {
  logError('Unexpected Top Level Error', err);
  process.exit(1);
}

function scheduleNext() {
  setImmediate(() => next().catch(fatal));
}

async function next() {
  const res = await request('GET', '/invocation/next');
  if (res.status !== 200) throw new Error(`GET /invocation/next answered ${res.status}: ${res.body}`);
  invoke(res.headers, res.body.toString('utf8'));
}

function invoke(headers, body) {
  const id = headers['lambda-runtime-aws-request-id'];
  const deadline = Number(headers['lambda-runtime-deadline-ms'] || 0);
  globalThis[REQUEST_ID] = id;
  if (headers['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = headers['lambda-runtime-trace-id'];
  else delete process.env._X_AMZN_TRACE_ID;

  const inv = { id, done: false };
  current = inv;
  // Posts the outcome once; later calls only complain, as on Lambda.
  const finish = (post) => {
    if (inv.done) {
      console.error('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
      return;
    }
    inv.done = true;
    current = null;
    post().then(scheduleNext, fatal);
  };
  const succeed = (result) => {
    onEmptyEventLoop = null;
    let json;
    try {
      json = JSON.stringify(result === undefined ? null : result);
    } catch (e) {
      fail(new Error(`Unable to stringify response body: ${e.message}`));
      return;
    }
    finish(() => post(`/invocation/${id}/response`, json === undefined ? 'null' : json));
  };
  const fail = (err) => {
    onEmptyEventLoop = null;
    if (err === undefined || err === null) err = 'handled';
    logError('Invoke Error', err);
    finish(() => postError(`/invocation/${id}/error`, err));
  };
  let waitForEmptyEventLoop = true;
  const callback = (err, result) => {
    if (err !== undefined && err !== null) return fail(err);
    if (!waitForEmptyEventLoop) return succeed(result);
    // The response goes when everything the handler started is done.
    onEmptyEventLoop = () => setImmediate(() => succeed(result));
  };
  // A handler that neither returns a promise nor calls back answers null
  // once its work is done.
  onEmptyEventLoop = () => succeed(null);

  try {
    const context = {
      get callbackWaitsForEmptyEventLoop() {
        return waitForEmptyEventLoop;
      },
      set callbackWaitsForEmptyEventLoop(v) {
        waitForEmptyEventLoop = v;
      },
      succeed,
      fail,
      done: (err, result) => (err !== undefined && err !== null ? fail(err) : succeed(result)),
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      clientContext: parseHeaderJSON(headers['lambda-runtime-client-context'], 'client context'),
      identity: parseHeaderJSON(headers['lambda-runtime-cognito-identity'], 'cognito identity'),
      invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
      awsRequestId: id,
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
    const result = handler(JSON.parse(body), context, callback);
    if (result && typeof result.then === 'function') result.then(succeed, fail);
  } catch (err) {
    callback(err);
  }
}

// ------------------------------------------------------------------ Start

let initializing = true;
let handler;

// failAndExit reports an error nothing caught, then ends the runtime:
// its state is unknown, so Lambda starts afresh.
function failAndExit(err, code) {
  let report = Promise.resolve();
  if (initializing) report = postError('/init/error', err);
  else if (current && !current.done) report = postError(`/invocation/${current.id}/error`, err);
  report.catch(() => {}).then(() => process.exit(code));
}

// specialize: a pooled runtime, started before any function was chosen for
// it, waits here until Gust gives it to one, then takes on that function's
// environment. Its code is at /var/task by then.
async function specialize() {
  // Node.js makes its stdio streams on first use, loading the net module
  // for a pipe: done here, before any function waits for it.
  void process.stdout;
  void process.stderr;
  // A post, so that the first response's post finds that path warm.
  const res = await request('POST', '/gust/specialize', '{}', { 'Content-Type': 'application/json' });
  if (res.status !== 200) process.exit(1);
  const spec = JSON.parse(res.body.toString('utf8'));
  for (const k of Object.keys(process.env)) if (!(k in spec.env)) delete process.env[k];
  Object.assign(process.env, spec.env);
  process.chdir('/var/task');
  require('module').Module._initPaths(); // NODE_PATH may have changed
}

async function main() {
  if (process.env._GUST_POOLED === '1') await specialize();
  patchConsole();
  process.on('uncaughtException', (err) => {
    logError('Uncaught Exception', err);
    failAndExit(err, 129);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const err = new UnhandledPromiseRejection(reason?.toString(), promise);
    logError('Unhandled Promise Rejection', err);
    failAndExit(err, 128);
  });
  try {
    handler = await loadHandler(taskRoot(), process.env._HANDLER || '');
  } catch (err) {
    logError('Uncaught Exception', err);
    failAndExit(err, 129);
    return;
  }
  initializing = false;
  scheduleNext();
}

// /var/runtime is on NODE_PATH: requiring this file must not start a
// second runtime.
if (require.main === module) main();
