"""Gust's runtime for Lambda's python3.x identifiers.

Gust runs it as `python3.X -u /var/runtime/bootstrap.py` in every Python
execution environment. It imports the handler named by _HANDLER once, then
serves events from the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API until the
environment is destroyed, with Lambda's programming model: the context
object, error documents, log format and fault types. Standard library only,
and it runs on Python 3.9 and later.
"""

import importlib
import json
import logging
import os
import socket
import sys
import time

API_PREFIX = "/2018-06-01/runtime"
THIS_FILE = os.path.abspath(__file__)


class Fault(Exception):
    """A failure Lambda reports with one of its own error types."""

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace or []


# ---------------------------------------------------------------- Runtime API


class Invocation:
    def __init__(self, headers, body):
        self.request_id = headers.get("lambda-runtime-aws-request-id", "")
        self.deadline_ms = int(headers.get("lambda-runtime-deadline-ms") or 0)
        self.invoked_arn = headers.get("lambda-runtime-invoked-function-arn")
        self.trace_id = headers.get("lambda-runtime-trace-id")
        self.client_context = headers.get("lambda-runtime-client-context")
        self.cognito_identity = headers.get("lambda-runtime-cognito-identity")
        self.body = body


class ConnectionClosed(Exception):
    pass


class RuntimeClient:
    """Speaks HTTP/1.1 to the Runtime API over one keep-alive connection.

    Written on a bare socket because http.client (with ssl and the email
    package) would add tens of milliseconds to every cold start.
    """

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.address = (host, int(port))
        self.sock = None
        self.rfile = None

    def connect(self):
        self.sock = socket.create_connection(self.address)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rfile = self.sock.makefile("rb")

    def close(self):
        if self.sock is not None:
            self.rfile.close()
            self.sock.close()
            self.sock = self.rfile = None

    def request(self, method, path, body=None, headers=None):
        """Returns (status, headers with lower-case names, body)."""
        lines = ["%s %s%s HTTP/1.1" % (method, API_PREFIX, path), "Host: %s:%d" % self.address]
        for name, value in (headers or {}).items():
            lines.append("%s: %s" % (name, value))
        if body is not None:
            lines.append("Content-Length: %d" % len(body))
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + (body or b"")
        # GET /next on a kept-alive connection the server has closed fails
        # at once, and goes again on a new one. Posts are not repeated.
        for attempt in range(2):
            reused = self.sock is not None
            if not reused:
                self.connect()
            try:
                self.sock.sendall(data)
                return self.read_response()
            except (OSError, ConnectionClosed, ValueError):
                self.close()
                if not reused or method != "GET" or attempt > 0:
                    raise
        raise RuntimeError("unreachable")

    def read_line(self):
        line = self.rfile.readline(65537)
        if not line.endswith(b"\n"):
            raise ConnectionClosed()
        return line

    def read_response(self):
        status = int(self.read_line().split(None, 2)[1])
        headers = {}
        while True:
            line = self.read_line()
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("utf-8", "replace").partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.read_line().split(b";")[0], 16)
                if size == 0:
                    while self.read_line() not in (b"\r\n", b"\n"):
                        pass
                    break
                chunks.append(self.read_exactly(size))
                self.read_line()
            body = b"".join(chunks)
        else:
            body = self.read_exactly(int(headers.get("content-length") or 0))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def read_exactly(self, n):
        data = self.rfile.read(n)
        if len(data) < n:
            raise ConnectionClosed()
        return data

    def next(self):
        status, headers, body = self.request("GET", "/invocation/next")
        if status != 200:
            raise RuntimeError("GET /invocation/next answered %d: %r" % (status, body))
        return Invocation(headers, body)

    def post(self, path, body, headers):
        status, _, data = self.request("POST", path, body=body, headers=headers)
        if status >= 300:
            sys.stderr.write("gust runtime: POST %s answered %d: %s\n" % (path, status, data.decode("utf-8", "replace")))

    def respond(self, request_id, body, content_type):
        self.post("/invocation/%s/response" % request_id, body, {"Content-Type": content_type})

    def fail(self, request_id, error):
        self.post("/invocation/%s/error" % request_id, to_json(error).encode(), error_headers(error))

    def init_failed(self, error):
        self.post("/init/error", to_json(error).encode(), error_headers(error))


def error_headers(error):
    return {
        "Content-Type": "application/json",
        "Lambda-Runtime-Function-Error-Type": error["errorType"],
    }


# -------------------------------------------------------------- Context object


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __init__(self, doc=None):
        doc = doc or {}
        self.cognito_identity_id = doc.get("cognitoIdentityId")
        self.cognito_identity_pool_id = doc.get("cognitoIdentityPoolId")

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id=%s,cognito_identity_pool_id=%s])" % (
            self.cognito_identity_id,
            self.cognito_identity_pool_id,
        )


class Client:
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]

    def __init__(self, doc):
        for name in self.__slots__:
            setattr(self, name, doc.get(name))


class ClientContext:
    __slots__ = ["custom", "env", "client"]

    def __init__(self, doc):
        self.custom = doc.get("custom")
        self.env = doc.get("env")
        client = doc.get("client")
        self.client = Client(client) if isinstance(client, dict) else None

    def __repr__(self):
        return "ClientContext([custom=%s,env=%s,client=%s])" % (self.custom, self.env, self.client)


def parse_header_json(value, what):
    try:
        doc = json.loads(value)
    except ValueError as e:
        raise Fault("Runtime.LambdaContextUnmarshalError", "Unable to parse %s JSON: %s" % (what, e))
    return doc if isinstance(doc, dict) else {}


class LambdaContext:
    """The context object handlers receive, as on Lambda."""

    def __init__(self, inv):
        self.aws_request_id = inv.request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = inv.invoked_arn
        self.client_context = None
        if inv.client_context:
            self.client_context = ClientContext(parse_header_json(inv.client_context, "Client Context"))
        self.identity = CognitoIdentity()
        if inv.cognito_identity:
            self.identity = CognitoIdentity(parse_header_json(inv.cognito_identity, "Cognito Identity"))
        self._deadline_ms = inv.deadline_ms

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(round(time.time() * 1000)), 0)

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,function_name=%s,"
            "memory_limit_in_mb=%s,function_version=%s,invoked_function_arn=%s,client_context=%s,identity=%s])"
            % (
                self.aws_request_id,
                self.log_group_name,
                self.log_stream_name,
                self.function_name,
                self.memory_limit_in_mb,
                self.function_version,
                self.invoked_function_arn,
                self.client_context,
                self.identity,
            )
        )


# ---------------------------------------------------------------- Marshalling


def _json_default(obj):
    # Only code that imported decimal can return a Decimal.
    decimal = sys.modules.get("decimal")
    if decimal is not None and isinstance(obj, decimal.Decimal):
        return float(obj)  # as Lambda's runtime does
    raise TypeError("Object of type %s is not JSON serializable" % type(obj).__name__)


def to_json(obj):
    return json.dumps(obj, default=_json_default)


def marshal(result):
    """The response body and its content type; bytes go out as they are."""
    if isinstance(result, (bytes, bytearray)):
        return bytes(result), "application/unknown"
    try:
        return to_json(result).encode("utf-8"), "application/json"
    except (TypeError, ValueError) as e:
        raise Fault("Runtime.MarshalError", "Unable to marshal response: %s" % e)


# --------------------------------------------------------------------- Errors


def error_document(error_type, message, trace, request_id=""):
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id or "",
        "stackTrace": trace or [],
    }


def exception_document(exc, request_id=""):
    """Lambda's error document for an exception the user's code raised:
    the class name as errorType and the stack without the bootstrap's own
    frames."""
    if isinstance(exc, Fault):
        return error_document(exc.error_type, exc.message, exc.trace, request_id)
    import traceback  # only failures pay for it

    frames = traceback.extract_tb(exc.__traceback__)
    while frames and frames[0].filename == THIS_FILE:
        frames = frames[1:]
    return error_document(type(exc).__name__, str(exc), traceback.format_list(frames), request_id)


def log_error(doc):
    """Writes an error as Lambda does: "[ERROR] Type: message", then the
    traceback, in one write so the lines stay together; with the JSON log
    format, the error document as one JSON line at level ERROR."""
    if json_logs():
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        sys.stdout.write(to_json({"timestamp": stamp, "level": "ERROR", **doc}) + "\n")
        return
    line = "[ERROR]"
    if doc.get("errorType"):
        line += " " + doc["errorType"]
    if doc.get("errorMessage"):
        line += (":" if doc.get("errorType") else "") + " " + doc["errorMessage"]
    lines = [line, "Traceback (most recent call last):"]
    for entry in doc.get("stackTrace") or []:
        lines.extend(entry.splitlines())
    sys.stdout.write("\n".join(lines) + "\n")


# -------------------------------------------------------------------- Logging

_request_id = ""


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _request_id
        return True


class StdoutHandler(logging.Handler):
    """Writes each record to stdout in Lambda's text format."""

    def emit(self, record):
        try:
            sys.stdout.write(self.format(record))
        except Exception:
            self.handleError(record)


def json_logs():
    return os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON"


# Attributes every LogRecord has; any other is the caller's (extra=...)
# and goes into the JSON line.
_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "aws_request_id"}


class JsonFormatter(logging.Formatter):
    """Lambda's JSON application log line: timestamp, level, message,
    logger, requestId, and for exceptions errorType, errorMessage,
    stackTrace and location; extra attributes are added as they are."""

    def format(self, record):
        level = min(50, max(0, record.levelno)) // 10 * 10
        created = time.gmtime(record.created)
        line = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", created) + ".%03dZ" % record.msecs,
            "level": logging.getLevelName(level),
            "message": record.getMessage(),
            "logger": record.name,
            "requestId": getattr(record, "aws_request_id", None) or None,
        }
        if record.exc_info:
            import traceback  # only failures pay for it

            etype, value, tb = record.exc_info
            line.update(
                stackTrace=traceback.format_tb(tb),
                errorType=etype.__name__,
                errorMessage=str(value),
                location="%s:%s:%s" % (record.pathname, record.funcName, record.lineno),
            )
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and key not in line:
                line[key] = value
        line = {k: v for k, v in line.items() if v is not None}
        return json.dumps(line, ensure_ascii=False, default=str) + "\n"


def setup_logging():
    logging.Formatter.converter = time.gmtime
    handler = StdoutHandler()
    if json_logs():
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter(
                "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                "%Y-%m-%dT%H:%M:%S",
            )
        )
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    # Lambda's levels; TRACE is Python's DEBUG.
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper().replace("TRACE", "DEBUG").replace("FATAL", "CRITICAL")
    if level in logging._nameToLevel:
        root.setLevel(level)
    root.addHandler(handler)


# ------------------------------------------------------------------- Handlers


def task_root():
    # LAMBDA_TASK_ROOT is /var/task in a sandbox; without isolation the
    # code is the working directory instead.
    root = os.environ.get("LAMBDA_TASK_ROOT", "/var/task")
    return root if os.path.isdir(root) else os.getcwd()


def setup_path():
    """sys.path as on Lambda: the function, then layers, then the runtime,
    then the interpreter's own (which holds the host's boto3, if any)."""
    runtime_dir = os.path.dirname(THIS_FILE)
    version = "python%d.%d" % sys.version_info[:2]
    rest = [p for p in sys.path if p != runtime_dir]
    sys.path[:] = [task_root(), "/opt/python/lib/%s/site-packages" % version, "/opt/python", runtime_dir] + rest


def load_handler(spec):
    try:
        module_name, function_name = spec.rsplit(".", 1)
    except ValueError as e:
        raise Fault("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (spec, e))
    if module_name.split(".")[0] in sys.builtin_module_names:
        raise Fault(
            "Runtime.BuiltInModuleConflict",
            "Cannot use built-in module %s as a handler module" % module_name,
        )
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as e:
        raise Fault("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise Fault("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, e), trace)
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise Fault("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_name))


def handle(client, handler, inv):
    global _request_id
    _request_id = inv.request_id
    if inv.trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = inv.trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    try:
        context = LambdaContext(inv)
        event = json.loads(inv.body) if inv.body else None
        body, content_type = marshal(handler(event, context))
    except Exception as e:
        doc = exception_document(e, inv.request_id)
        log_error(doc)
        client.fail(inv.request_id, doc)
        return
    client.respond(inv.request_id, body, content_type)


def specialize(client):
    """A pooled runtime: started before any function was chosen for it,
    it waits here until Gust gives it to one, then takes on that
    function's environment. Its code is at /var/task by then."""
    # A post, so that the first response's post finds that path warm.
    status, _, body = client.request("POST", "/gust/specialize", b"{}", {"Content-Type": "application/json"})
    if status != 200:
        sys.exit(1)
    spec = json.loads(body)
    os.environ.clear()
    os.environ.update(spec["env"])
    time.tzset()
    os.chdir("/var/task")


def main():
    for stream in (sys.stdout, sys.stderr):
        if (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8", errors="backslashreplace", write_through=True)
    client = RuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    if os.environ.get("_GUST_POOLED") == "1":
        specialize(client)
    setup_logging()
    setup_path()
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Exception as e:
        doc = exception_document(e)
        log_error(doc)
        client.init_failed(doc)
        sys.exit(1)
    while True:
        handle(client, handler, client.next())


if __name__ == "__main__":
    main()
