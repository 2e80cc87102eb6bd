package envs

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"
)

// The platform's own lines in an environment's log. With the function's
// LogFormat Text (the default) they are Lambda's INIT_START, START, END,
// REPORT and INIT_REPORT lines; with JSON they are Lambda's JSON system
// log events (platform.initStart, platform.start, platform.runtimeDone,
// platform.report, platform.initReport), written when the function's
// SystemLogLevel lets them through: DEBUG writes every event, INFO (the
// default) all but platform.runtimeDone, WARN only the reports of
// invocations and inits that did not succeed.

// System log levels, lowest first.
const (
	systemDebug = iota
	systemInfo
	systemWarn
)

func systemLevel(name string) int {
	switch name {
	case "DEBUG":
		return systemDebug
	case "WARN":
		return systemWarn
	}
	return systemInfo
}

// platformEvent is one JSON system log event.
type platformEvent struct {
	Time   string `json:"time"`
	Type   string `json:"type"`
	Record any    `json:"record"`
}

// emitEvent writes a JSON system event of level; Text-format functions
// get text instead, so it is only called for JSON.
func (e *Environment) emitEvent(level int, typ string, record any) {
	if level < systemLevel(e.cfg.SystemLogLevel) {
		return
	}
	line, err := json.Marshal(platformEvent{Time: time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), Type: typ, Record: record})
	if err != nil {
		return // every record here is plain data
	}
	e.logs.platform(string(line))
}

func (e *Environment) jsonLogs() bool { return e.cfg.LogFormat == "JSON" }

func ms(d time.Duration) float64 { return math.Round(float64(d)/float64(time.Microsecond)) / 1000 }

// logInitStart opens an init.
func (e *Environment) logInitStart() {
	cfg := e.cfg
	if !e.jsonLogs() {
		e.logs.platformUntailed(fmt.Sprintf("INIT_START Runtime Version: gust.%s\tRuntime Version ARN: arn:aws:lambda:%s::runtime:gust-%s", cfg.Runtime, cfg.Region, cfg.Runtime))
		return
	}
	e.emitEvent(systemInfo, "platform.initStart", map[string]any{
		"initializationType": cfg.initType(),
		"phase":              "init",
		"runtimeVersion":     "gust." + cfg.Runtime,
		"runtimeVersionArn":  fmt.Sprintf("arn:aws:lambda:%s::runtime:gust-%s", cfg.Region, cfg.Runtime),
		"functionName":       cfg.Function,
		"functionVersion":    cfg.Version,
	})
}

// logInitError reports an init that failed with errType after took.
func (e *Environment) logInitError(took time.Duration, errType string) {
	if !e.jsonLogs() {
		e.logs.platform(fmt.Sprintf("INIT_REPORT Init Duration: %.2f ms\tPhase: init\tStatus: error\tError Type: %s", ms(took), errType))
		return
	}
	e.emitEvent(systemWarn, "platform.initReport", map[string]any{
		"initializationType": e.cfg.initType(),
		"phase":              "init",
		"status":             "error",
		"errorType":          errType,
		"metrics":            map[string]any{"durationMs": ms(took)},
	})
}

// logStart opens an invocation.
func (e *Environment) logStart(requestID string) {
	if !e.jsonLogs() {
		e.logs.platform(fmt.Sprintf("START RequestId: %s Version: %s", requestID, e.cfg.Version))
		return
	}
	e.emitEvent(systemInfo, "platform.start", map[string]any{"requestId": requestID, "version": e.cfg.Version})
}

// logTimedOut notes a timeout where the Text format has a line of its
// own; in JSON the report's status says it.
func (e *Environment) logTimedOut(requestID string) {
	if !e.jsonLogs() {
		e.logs.platform(fmt.Sprintf("%s %s Task timed out after %.2f seconds", time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), requestID, e.cfg.Timeout.Seconds()))
	}
}

// logEnd closes an invocation with its report.
func (e *Environment) logEnd(requestID string, res *Result) {
	if !e.jsonLogs() {
		report := fmt.Sprintf("REPORT RequestId: %s\tDuration: %.2f ms\tBilled Duration: %d ms\tMemory Size: %d MB\tMax Memory Used: %d MB\t",
			requestID, ms(res.Duration), res.BilledMs, e.cfg.MemoryMB, res.MaxMemoryMB)
		if res.InitDuration > 0 {
			report += fmt.Sprintf("Init Duration: %.2f ms\t", ms(res.InitDuration))
		}
		if res.Err != nil && !res.Reusable {
			report += "Status: " + statusWord(res.Err)
		}
		e.logs.platform("END RequestId: " + requestID)
		e.logs.platform(report)
		return
	}
	status, level := "success", systemInfo
	switch {
	case res.Err != nil && errors.Is(res.Err, ErrTimedOut):
		status, level = "timeout", systemWarn
	case res.Err != nil:
		status, level = "error", systemWarn
	}
	done := map[string]any{"requestId": requestID, "status": status,
		"metrics": map[string]any{"durationMs": ms(res.Duration), "producedBytes": len(res.Payload)}}
	metrics := map[string]any{"durationMs": ms(res.Duration), "billedDurationMs": res.BilledMs,
		"memorySizeMB": e.cfg.MemoryMB, "maxMemoryUsedMB": res.MaxMemoryMB}
	if res.InitDuration > 0 {
		metrics["initDurationMs"] = ms(res.InitDuration)
	}
	report := map[string]any{"requestId": requestID, "metrics": metrics, "status": status}
	if res.Err != nil {
		done["errorType"], report["errorType"] = res.Err.Type, res.Err.Type
	}
	e.emitEvent(systemDebug, "platform.runtimeDone", done)
	e.emitEvent(level, "platform.report", report)
}

func statusWord(err *FunctionError) string {
	if errors.Is(err, ErrTimedOut) {
		return "timeout"
	}
	return "error\tError Type: " + err.Type
}
