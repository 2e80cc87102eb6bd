package e2e

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"gust/internal/gusttest"
)

// awsFails runs an aws CLI command that must fail and returns its output.
func awsFails(t *testing.T, srv *gusttest.Server, args ...string) string {
	t.Helper()
	cmd := exec.Command("aws", args...)
	cmd.Env = awsEnv(srv)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("aws %s succeeded: %s", strings.Join(args, " "), out)
	}
	return string(out)
}

// TestScheduledRules: a rate(1 minute) rule and a cron rule firing every
// minute, set up before a restart, each invoke the recorder with their
// Scheduled Event or their Input. The server's scheduler runs on a clock
// 60 times as fast as the wall clock (--schedule-speed), so a minute tick
// comes about every second. Next-fire arithmetic is unit-tested in package
// schedule; firing each tick once across nodes and the scaled clock in
// package rules.
func TestScheduledRules(t *testing.T) {
	srv, _, col := startAsyncServer(t, "--schedule-speed", "60")

	if out := awsFails(t, srv, "events", "put-rule", "--name", "bad", "--schedule-expression", "cron(0 10 * * * *)"); !strings.Contains(out, "ValidationException") {
		t.Errorf("bad cron: %s", out)
	}
	if out := awsFails(t, srv, "events", "put-rule", "--name", "bad", "--schedule-expression", "rate(1 minutes)"); !strings.Contains(out, "ValidationException") {
		t.Errorf("bad rate: %s", out)
	}
	rate := runAWS(t, srv, "events", "put-rule", "--name", "every-minute", "--schedule-expression", "rate(1 minute)", "--output", "json")
	if rate["RuleArn"] != "arn:aws:events:us-east-1:000000000000:rule/every-minute" {
		t.Fatalf("put-rule: %v", rate)
	}
	runAWS(t, srv, "events", "put-rule", "--name", "cron-minute", "--schedule-expression", "cron(* * * * ? *)", "--output", "json")
	runAWS(t, srv, "events", "put-rule", "--name", "disabled", "--schedule-expression", "rate(1 minute)", "--state", "DISABLED", "--output", "json")
	for rule, targets := range map[string]string{
		"every-minute": `[{"Id":"rec","Arn":"` + recorderARN + `"}]`,
		"cron-minute":  `[{"Id":"rec","Arn":"` + recorderARN + `","Input":"{\"from\":\"cron\"}"}]`,
		"disabled":     `[{"Id":"rec","Arn":"` + recorderARN + `","Input":"{\"from\":\"disabled\"}"}]`,
	} {
		res := runAWS(t, srv, "events", "put-targets", "--rule", rule, "--targets", targets, "--output", "json")
		if res["FailedEntryCount"] != float64(0) {
			t.Fatalf("put-targets %s: %v", rule, res)
		}
	}
	res := runAWS(t, srv, "events", "put-targets", "--rule", "disabled", "--targets", `[{"Id":"x","Arn":"arn:aws:states:us-east-1:000000000000:stateMachine:m"}]`, "--output", "json")
	if res["FailedEntryCount"] != float64(1) {
		t.Errorf("a target Gust cannot deliver to: %v", res)
	}
	desc := runAWS(t, srv, "events", "describe-rule", "--name", "cron-minute", "--output", "json")
	if desc["ScheduleExpression"] != "cron(* * * * ? *)" || desc["State"] != "ENABLED" || desc["EventBusName"] != "default" {
		t.Errorf("describe-rule: %v", desc)
	}
	if list := runAWS(t, srv, "events", "list-rules", "--output", "json"); len(list["Rules"].([]any)) != 3 {
		t.Errorf("list-rules: %v", list)
	}
	if tg := runAWS(t, srv, "events", "list-targets-by-rule", "--rule", "cron-minute", "--output", "json"); len(tg["Targets"].([]any)) != 1 {
		t.Errorf("list-targets-by-rule: %v", tg)
	}

	srv.Restart() // rules live in JetStream, not in the process
	start := time.Now()

	// The first tick of each rule is at most a scaled minute (a second)
	// away; allow for a loaded machine.
	var scheduled []map[string]any
	gusttest.WaitFor(t, 30*time.Second, "a Scheduled Event from the rate rule", func() bool {
		scheduled = col.matching(func(r map[string]any) bool { return r["detail-type"] == "Scheduled Event" })
		return len(scheduled) > 0
	})
	ev := scheduled[0]
	if ev["source"] != "aws.events" || ev["account"] != "000000000000" || ev["region"] != "us-east-1" || ev["version"] != "0" ||
		ev["resources"].([]any)[0] != rate["RuleArn"] || ev["id"] == "" {
		t.Errorf("scheduled event: %v", ev)
	}
	if tick, err := time.Parse(time.RFC3339, ev["time"].(string)); err != nil || tick.Second() != 0 {
		t.Errorf("event time %v: %v", ev["time"], err)
	}
	gusttest.WaitFor(t, 30*time.Second, "the cron rule's Input", func() bool {
		return len(col.matching(func(r map[string]any) bool { return r["from"] == "cron" })) > 0
	})

	// A rule that is disabled, and then deleted, no longer fires.
	runAWS(t, srv, "events", "disable-rule", "--name", "every-minute")
	if out := awsFails(t, srv, "events", "delete-rule", "--name", "cron-minute"); !strings.Contains(out, "has targets") {
		t.Errorf("delete-rule with targets: %s", out)
	}
	runAWS(t, srv, "events", "remove-targets", "--rule", "cron-minute", "--ids", "rec")
	runAWS(t, srv, "events", "delete-rule", "--name", "cron-minute")
	if out := awsFails(t, srv, "events", "describe-rule", "--name", "cron-minute"); !strings.Contains(out, "ResourceNotFoundException") {
		t.Errorf("describe deleted rule: %s", out)
	}
	if got := col.matching(func(r map[string]any) bool { return r["from"] == "disabled" }); len(got) != 0 {
		t.Errorf("disabled rule fired: %v", got)
	}
	t.Logf("first ticks arrived %v after the restart", time.Since(start).Round(time.Second))
}
