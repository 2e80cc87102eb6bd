package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
)

// Functions whose LoggingConfig says JSON log in JSON: the platform's
// events (platform.initStart, .start, .runtimeDone, .report) and the
// runtimes' application lines, filtered by the two log levels; what a
// function prints stays as it is.

const jsonLogPython = `import logging, os
log = logging.getLogger("jsontest")
def handler(event, context):
    print("printed " + event["arg"])
    log.debug("debug %s", event["arg"])
    log.warning("warn %s", event["arg"], extra={"orderId": 7})
    try:
        raise KeyError("k")
    except KeyError:
        log.exception("caught %s", event["arg"])
    if event.get("fail"):
        raise ValueError("bad " + event["arg"])
    return {"format": os.environ.get("AWS_LAMBDA_LOG_FORMAT"), "level": os.environ.get("AWS_LAMBDA_LOG_LEVEL")}
`

const jsonLogNode = `exports.handler = async (event) => {
  console.log('info %s', event.arg);
  console.warn('warn', event.arg);
  console.error(new RangeError('range ' + event.arg));
  console.warn({ orderId: 7, arg: event.arg });
  if (event.fail) throw new TypeError('bad ' + event.arg);
  return { format: process.env.AWS_LAMBDA_LOG_FORMAT, level: process.env.AWS_LAMBDA_LOG_LEVEL };
};
`

// jsonLog splits a log tail into its JSON objects and its other lines.
func jsonLog(t *testing.T, tail string) (objects []map[string]any, plain []string) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimRight(tail, "\n"), "\n") {
		var o map[string]any
		if strings.HasPrefix(line, "{") && json.Unmarshal([]byte(line), &o) == nil {
			objects = append(objects, o)
		} else {
			plain = append(plain, line)
		}
	}
	return objects, plain
}

// events returns the platform events of objects by type, in order.
func events(objects []map[string]any) (types []string, byType map[string]map[string]any) {
	byType = map[string]map[string]any{}
	for _, o := range objects {
		if typ, ok := o["type"].(string); ok && strings.HasPrefix(typ, "platform.") {
			types = append(types, typ)
			byType[typ], _ = o["record"].(map[string]any)
		}
	}
	return types, byType
}

// appLines returns the application's JSON lines (they carry a level).
func appLines(objects []map[string]any) []map[string]any {
	var out []map[string]any
	for _, o := range objects {
		if _, ok := o["level"]; ok {
			out = append(out, o)
		}
	}
	return out
}

func TestJSONLogFormat(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--pool-min", "0"}})
	c := srv.Lambda()
	logging := func(app, system types.SystemLogLevel) func(*lambda.CreateFunctionInput) {
		return func(in *lambda.CreateFunctionInput) {
			in.LoggingConfig = &types.LoggingConfig{LogFormat: types.LogFormatJson, ApplicationLogLevel: types.ApplicationLogLevel(app), SystemLogLevel: system}
		}
	}
	// firstInvoke invokes fn cold with {"arg":"m1"}; its handler returns
	// what the runtime was told (application level WARN) and its log
	// tail comes back split.
	firstInvoke := func(t *testing.T, fn string) (objects []map[string]any, plain []string, tail string) {
		t.Helper()
		var got struct{ Format, Level string }
		res := invokeJSON(t, c, fn, map[string]any{"arg": "m1"}, &got)
		if got.Format != "JSON" || got.Level != "WARN" {
			t.Errorf("AWS_LAMBDA_LOG_FORMAT %q, AWS_LAMBDA_LOG_LEVEL %q", got.Format, got.Level)
		}
		tail = logTail(t, res)
		objects, plain = jsonLog(t, tail)
		return objects, plain, tail
	}

	t.Run("python", func(t *testing.T) {
		createRuntimeFunction(t, c, "pyjson", pythonRuntime(t), "app.handler", makeZip(t, zipFile{Name: "app.py", Body: []byte(jsonLogPython)}), logging("WARN", types.SystemLogLevelDebug))
		objects, plain, tail := firstInvoke(t, "pyjson")
		order, records := events(objects)
		if strings.Join(order, ",") != "platform.initStart,platform.start,platform.runtimeDone,platform.report" {
			t.Fatalf("platform events %v (SystemLogLevel DEBUG), in\n%s", order, tail)
		}
		id, _ := records["platform.start"]["requestId"].(string)
		if id == "" || records["platform.report"]["requestId"] != id || records["platform.runtimeDone"]["requestId"] != id {
			t.Errorf("request ids differ: %v", records)
		}
		if records["platform.initStart"]["functionName"] != "pyjson" || records["platform.initStart"]["phase"] != "init" {
			t.Errorf("initStart %v", records["platform.initStart"])
		}
		metrics, _ := records["platform.report"]["metrics"].(map[string]any)
		if metrics["memorySizeMB"] != 128.0 || metrics["durationMs"] == nil || metrics["billedDurationMs"] == nil || metrics["maxMemoryUsedMB"] == nil || metrics["initDurationMs"] == nil || records["platform.report"]["status"] != "success" {
			t.Errorf("cold report %v", records["platform.report"])
		}
		if strings.Join(plain, "|") != "printed m1" {
			t.Errorf("plain lines %q, want only the print", plain)
		}
		app := appLines(objects)
		if len(app) != 2 {
			t.Fatalf("application lines %v, want the warning and the exception (DEBUG is under WARN)", app)
		}
		warn, caught := app[0], app[1]
		// Python's own level name, as Lambda's Python runtime writes it.
		if warn["level"] != "WARNING" || warn["message"] != "warn m1" || warn["logger"] != "jsontest" || warn["requestId"] != id || warn["orderId"] != 7.0 || warn["timestamp"] == nil {
			t.Errorf("warning line %v", warn)
		}
		if caught["level"] != "ERROR" || caught["message"] != "caught m1" || caught["errorType"] != "KeyError" || caught["errorMessage"] != "'k'" || caught["stackTrace"] == nil || caught["location"] == nil {
			t.Errorf("exception line %v", caught)
		}

		fe, tail := invokeFailing(t, c, "pyjson", `{"arg":"m2","fail":true}`)
		if fe.ErrorType != "ValueError" {
			t.Errorf("error document %+v", fe)
		}
		objects, _ = jsonLog(t, tail)
		order, records = events(objects)
		if strings.Join(order, ",") != "platform.start,platform.runtimeDone,platform.report" || records["platform.report"]["status"] != "error" {
			t.Errorf("warm failing invoke: events %v, report %v", order, records["platform.report"])
		}
		if m, _ := records["platform.report"]["metrics"].(map[string]any); m["initDurationMs"] != nil {
			t.Errorf("a warm report has an init duration: %v", m)
		}
		var errLine map[string]any
		for _, o := range appLines(objects) {
			if o["errorType"] == "ValueError" {
				errLine = o
			}
		}
		if errLine == nil || errLine["level"] != "ERROR" || errLine["errorMessage"] != "bad m2" || errLine["requestId"] == nil {
			t.Errorf("no JSON line for the handler's error in %v", appLines(objects))
		}
	})

	t.Run("node", func(t *testing.T) {
		createRuntimeFunction(t, c, "nodejson", nodeRuntime(t), "index.handler", makeZip(t, zipFile{Name: "index.js", Body: []byte(jsonLogNode)}), logging("WARN", ""))
		objects, _, _ := firstInvoke(t, "nodejson")
		order, records := events(objects)
		if strings.Join(order, ",") != "platform.initStart,platform.start,platform.report" {
			t.Errorf("platform events %v (SystemLogLevel INFO: no runtimeDone)", order)
		}
		id := records["platform.start"]["requestId"]
		app := appLines(objects)
		if len(app) != 3 {
			t.Fatalf("application lines %v, want warn, error and warn (console.log is under WARN)", app)
		}
		if app[0]["level"] != "WARN" || app[0]["message"] != "warn m1" || app[0]["requestId"] != id {
			t.Errorf("warn line %v", app[0])
		}
		msg, _ := app[1]["message"].(map[string]any)
		if app[1]["level"] != "ERROR" || msg["errorType"] != "RangeError" || msg["errorMessage"] != "range m1" || msg["stackTrace"] == nil {
			t.Errorf("error line %v", app[1])
		}
		if obj, _ := app[2]["message"].(map[string]any); obj["orderId"] != 7.0 || obj["arg"] != "m1" {
			t.Errorf("an object logged alone should be the message as it is: %v", app[2])
		}

		_, tail := invokeFailing(t, c, "nodejson", `{"arg":"m2","fail":true}`)
		objects, _ = jsonLog(t, tail)
		var thrown map[string]any
		for _, o := range appLines(objects) {
			if m, _ := o["message"].(map[string]any); m["errorType"] == "TypeError" {
				thrown = m
			}
		}
		if thrown == nil || thrown["errorMessage"] != "bad m2" {
			t.Errorf("no JSON line for the thrown error in %v", appLines(objects))
		}
		if _, records := events(objects); records["platform.report"]["status"] != "error" {
			t.Errorf("report of a failed invoke %v", records["platform.report"])
		}
	})

	t.Run("system WARN", func(t *testing.T) {
		createFunction(t, c, "gojson", goFunctionZip(t), logging("INFO", types.SystemLogLevelWarn))
		res := invokeJSON(t, c, "gojson", map[string]any{"action": "echo", "arg": "x"}, nil)
		objects, _ := jsonLog(t, logTail(t, res))
		if order, _ := events(objects); len(order) != 0 {
			t.Errorf("SystemLogLevel WARN logged %v for a successful invocation", order)
		}
		_, tail := invokeFailing(t, c, "gojson", `{"action":"exit","code":2}`)
		objects, _ = jsonLog(t, tail)
		if order, records := events(objects); strings.Join(order, ",") != "platform.report" || records["platform.report"]["status"] != "error" {
			t.Errorf("SystemLogLevel WARN, a crashed invocation: events %v %v", order, records)
		}
	})
}
