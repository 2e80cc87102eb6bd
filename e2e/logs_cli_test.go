package e2e

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"gust/internal/gusttest"
)

// TestLogsAWSCLI reads function logs with `aws logs` as a user would.
func TestLogsAWSCLI(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	lc := srv.Lambda()
	cw := logsClient(srv)
	const group = "/aws/lambda/cli-logs"
	createFunction(t, lc, "cli-logs", goFunctionZip(t))
	invokeJSON(t, lc, "cli-logs", map[string]any{"action": "print", "arg": "cli line"}, nil)
	invokeJSON(t, lc, "cli-logs", map[string]any{"action": "lines", "n": 12, "arg": "cli-paged"}, nil)
	waitForEvents(t, cw, group, "REPORT", 2)

	groups := runAWS(t, srv, "logs", "describe-log-groups", "--output", "json")
	if lg := groups["logGroups"].([]any); len(lg) != 1 || lg[0].(map[string]any)["logGroupName"] != group {
		t.Fatalf("describe-log-groups: %v", groups)
	}
	phrase := runAWS(t, srv, "logs", "filter-log-events", "--log-group-name", group, "--filter-pattern", `"cli line"`, "--output", "json")
	if ev := phrase["events"].([]any); len(ev) != 2 || ev[0].(map[string]any)["message"] != "cli line" {
		t.Errorf("filter-log-events with a phrase: %v", phrase)
	}
	// The CLI follows nextToken itself; pages of 5 make it do so.
	paged := runAWS(t, srv, "logs", "filter-log-events", "--log-group-name", group, "--filter-pattern", "cli-paged", "--page-size", "5", "--output", "json")
	ev := paged["events"].([]any)
	if len(ev) != 12 {
		t.Fatalf("filter-log-events in pages of 5: %d events", len(ev))
	}
	for i, e := range ev {
		if msg := e.(map[string]any)["message"]; msg != fmt.Sprintf("line %d cli-paged", i) {
			t.Errorf("event %d = %v", i, msg)
		}
	}
	streams := runAWS(t, srv, "logs", "describe-log-streams", "--log-group-name", group, "--output", "json")
	ls := streams["logStreams"].([]any)
	if len(ls) != 1 {
		t.Fatalf("describe-log-streams: %v", streams)
	}
	name := ls[0].(map[string]any)["logStreamName"].(string)
	events := runAWS(t, srv, "logs", "get-log-events", "--log-group-name", group, "--log-stream-name", name, "--start-from-head", "--output", "json")
	got := events["events"].([]any)
	if first := got[0].(map[string]any)["message"].(string); !strings.HasPrefix(first, "INIT_START ") || len(got) != 1+5+15 {
		t.Errorf("get-log-events: %d events, first %q", len(got), first)
	}
	runAWS(t, srv, "logs", "put-retention-policy", "--log-group-name", group, "--retention-in-days", "14")
	groups = runAWS(t, srv, "logs", "describe-log-groups", "--output", "json")
	if days := groups["logGroups"].([]any)[0].(map[string]any)["retentionInDays"]; days != float64(14) {
		t.Errorf("retentionInDays = %v", days)
	}

	// `aws logs tail` exists only in AWS CLI v2; TestLogsTailFollowBoto3
	// makes the calls it makes.
	version, _ := exec.Command("aws", "--version").CombinedOutput()
	if strings.HasPrefix(string(version), "aws-cli/1.") {
		t.Logf("%s has no `aws logs tail`", strings.TrimSpace(string(version)))
		return
	}
	cmd := exec.Command("aws", "logs", "tail", group, "--since", "1h", "--format", "short")
	cmd.Env = awsEnv(srv)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "cli line") || !strings.Contains(string(out), "line 11 cli-paged") {
		t.Errorf("aws logs tail: %v\n%s", err, out)
	}
}

// tailScript does what `aws logs tail --follow` (AWS CLI v2,
// awscli/customizations/logs/tail.py) does: poll FilterLogEvents with
// interleaved=True from a start time, follow nextToken, then poll again
// from the newest timestamp seen and skip the event IDs already shown at
// that timestamp. Between polls it invokes the function, so the follow
// must pick up new lines exactly once.
const tailScript = `
import json, sys, time
import boto3
logs, lam = boto3.client("logs"), boto3.client("lambda")
fn, group = sys.argv[1], sys.argv[2]
kwargs = {"logGroupName": group, "interleaved": True, "startTime": int((time.time() - 600) * 1000), "logStreamNamePrefix": "20"}
seen, shown = {}, []

def poll_once():
    global seen
    while True:
        try:
            resp = logs.filter_log_events(**kwargs)
        except logs.exceptions.ResourceNotFoundException:
            # The group appears with its first stored line, a few ms
            # after the first invoke returns: nothing to show yet.
            return
        for e in resp["events"]:
            ids = seen.setdefault(e["timestamp"], set())
            if e["eventId"] not in ids:
                ids.add(e["eventId"])
                shown.append(e["message"])
        if seen:
            newest = max(seen)
            seen = {newest: seen[newest]}
        if "nextToken" in resp:
            kwargs["nextToken"] = resp["nextToken"]
            continue
        kwargs.pop("nextToken", None)
        if seen:
            kwargs["startTime"] = max(seen)
        return

def follow_until(line):
    deadline = time.time() + 20
    while line not in shown:
        if time.time() > deadline:
            raise SystemExit("never saw %r; shown: %r" % (line, shown))
        poll_once()
        time.sleep(0.05)

for i in range(3):
    lam.invoke(FunctionName=fn, Payload=json.dumps({"action": "print", "arg": "tail-%d" % i}))
    follow_until("stderr:tail-%d" % i)
    poll_once()  # an idle poll shows nothing twice

for i in range(3):
    assert shown.count("tail-%d" % i) == 1, shown
reports = [m for m in shown if m.startswith("REPORT ")]
assert len(reports) == 3, shown
assert len(shown) == len(set(shown)), shown

# The paginators botocore builds from the service model.
pages = list(logs.get_paginator("filter_log_events").paginate(logGroupName=group, filterPattern="tail", PaginationConfig={"PageSize": 2}))
msgs = [e["message"] for p in pages for e in p["events"]]
assert msgs == ["tail-0", "stderr:tail-0", "tail-1", "stderr:tail-1", "tail-2", "stderr:tail-2"], msgs
assert len(pages) >= 3, pages
streams = [s["logStreamName"] for p in logs.get_paginator("describe_log_streams").paginate(logGroupName=group) for s in p["logStreams"]]
assert len(streams) == 1, streams
try:
    logs.filter_log_events(logGroupName="/aws/lambda/missing")
    raise SystemExit("missing group found")
except logs.exceptions.ResourceNotFoundException:
    pass
try:
    logs.put_retention_policy(logGroupName=group, retentionInDays=4)
    raise SystemExit("4 days accepted")
except logs.exceptions.InvalidParameterException:
    pass
print("tail ok")
`

func TestLogsTailFollowBoto3(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	createFunction(t, srv.Lambda(), "tailfn", goFunctionZip(t))
	cmd := exec.Command("python3", "-c", tailScript, "tailfn", "/aws/lambda/tailfn")
	cmd.Env = awsEnv(srv)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "tail ok") {
		t.Fatalf("boto3 tail script: %v\n%s", err, out)
	}
}
