package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gust/internal/gusttest"
)

// awsEnv is the environment a user would set to point AWS tools at Gust.
func awsEnv(srv *gusttest.Server) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"AWS_ACCESS_KEY_ID=" + gusttest.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + gusttest.SecretAccessKey,
		"AWS_REGION=" + gusttest.Region,
		"AWS_DEFAULT_REGION=" + gusttest.Region,
		"AWS_ENDPOINT_URL=" + srv.Endpoint,
		"AWS_PAGER=",
		"AWS_MAX_ATTEMPTS=1",
	}
}

func runAWS(t *testing.T, srv *gusttest.Server, args ...string) map[string]any {
	t.Helper()
	cmd := exec.Command("aws", args...)
	cmd.Env = awsEnv(srv)
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("aws %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr)
	}
	var v map[string]any
	if len(strings.TrimSpace(string(out))) > 0 {
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatalf("aws %s printed non-JSON: %s", strings.Join(args, " "), out)
		}
	}
	return v
}

func TestAWSCLI(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "fn.zip")
	if err := os.WriteFile(zipPath, goFunctionZip(t), 0o644); err != nil {
		t.Fatal(err)
	}
	created := runAWS(t, srv, "lambda", "create-function", "--function-name", "cli-fn", "--runtime", "provided.al2023",
		"--role", testRole, "--handler", "bootstrap", "--zip-file", "fileb://"+zipPath, "--output", "json")
	if created["FunctionName"] != "cli-fn" || created["State"] != "Pending" {
		t.Fatalf("create-function: %v", created)
	}
	got := runAWS(t, srv, "lambda", "get-function", "--function-name", "cli-fn", "--output", "json")
	if got["Configuration"].(map[string]any)["CodeSha256"] != created["CodeSha256"] {
		t.Fatalf("get-function: %v", got)
	}
	list := runAWS(t, srv, "lambda", "list-functions", "--output", "json")
	if fns := list["Functions"].([]any); len(fns) != 1 {
		t.Fatalf("list-functions: %v", list)
	}
	upd := runAWS(t, srv, "lambda", "update-function-configuration", "--function-name", "cli-fn", "--timeout", "7", "--output", "json")
	if upd["Timeout"] != float64(7) {
		t.Fatalf("update-function-configuration: %v", upd)
	}
	outFile := filepath.Join(dir, "out.json")
	args := []string{"lambda", "invoke", "--function-name", "cli-fn", "--payload", `{"action":"echo","arg":"from the cli"}`, outFile, "--output", "json"}
	if version, _ := exec.Command("aws", "--version").CombinedOutput(); !strings.HasPrefix(string(version), "aws-cli/1.") {
		args = append(args, "--cli-binary-format", "raw-in-base64-out") // version 2 reads blobs as base64 otherwise
	}
	inv := runAWS(t, srv, args...)
	if inv["StatusCode"] != float64(200) {
		t.Fatalf("invoke: %v", inv)
	}
	result, _ := os.ReadFile(outFile)
	if !strings.Contains(string(result), "from the cli") {
		t.Fatalf("invoke output: %s", result)
	}
	runAWS(t, srv, "lambda", "delete-function", "--function-name", "cli-fn")
	cmd := exec.Command("aws", "lambda", "get-function", "--function-name", "cli-fn")
	cmd.Env = awsEnv(srv)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "ResourceNotFoundException") {
		t.Fatalf("get-function after delete: %v %s", err, out)
	}
}

const boto3Script = `
import io, json, os, sys, zipfile
import boto3, botocore
c = boto3.client("lambda")
code = open(sys.argv[1], "rb").read()
f = c.create_function(FunctionName="boto-fn", Runtime="provided.al2023", Role=sys.argv[2],
                      Handler="bootstrap", Code={"ZipFile": code}, MemorySize=256)
assert f["MemorySize"] == 256, f
assert f["State"] == "Pending", f
c.get_waiter("function_active_v2").wait(FunctionName="boto-fn")
g = c.get_function(FunctionName="boto-fn")
assert g["Configuration"]["State"] == "Active" and g["Configuration"]["RevisionId"] != f["RevisionId"], g
f = g["Configuration"]
names = [x["FunctionName"] for p in c.get_paginator("list_functions").paginate() for x in p["Functions"]]
assert names == ["boto-fn"], names
u = c.update_function_configuration(FunctionName="boto-fn", Environment={"Variables": {"A": "b"}}, RevisionId=f["RevisionId"])
try:
    c.update_function_configuration(FunctionName="boto-fn", Timeout=9, RevisionId=f["RevisionId"])
    raise SystemExit("stale revision accepted")
except c.exceptions.PreconditionFailedException:
    pass
r = c.invoke(FunctionName="boto-fn", Payload=json.dumps({"action": "context"}), LogType="Tail")
body = json.loads(r["Payload"].read())
assert body["env"]["A"] == "b", body["env"]
try:
    c.get_function(FunctionName="missing-fn")
    raise SystemExit("missing function found")
except c.exceptions.ResourceNotFoundException:
    pass
try:
    c.create_function(FunctionName="bad", Runtime="cobol", Role=sys.argv[2], Handler="x", Code={"ZipFile": code})
    raise SystemExit("bad runtime accepted")
except c.exceptions.InvalidParameterValueException:
    pass
c.delete_function(FunctionName="boto-fn")
print("boto3 ok")
`

func TestBoto3(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "fn.zip")
	if err := os.WriteFile(zipPath, goFunctionZip(t), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", "-c", boto3Script, zipPath, testRole)
	cmd.Env = awsEnv(srv)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "boto3 ok") {
		t.Fatalf("boto3 script: %v\n%s", err, out)
	}
}
