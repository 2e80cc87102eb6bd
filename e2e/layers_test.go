package e2e

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
)

// TestLayers publishes layers with the four kinds of client, runs Python
// and Node.js functions that import from them and run a tool from
// /opt/bin, checks the order in which layers override one another, and
// Lambda's limits and errors.
func TestLayers(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	ctx := gusttest.Context(t)
	dir := t.TempDir()
	writeZip := func(name string, files ...zipFile) string {
		path := filepath.Join(dir, name+".zip")
		if err := os.WriteFile(path, makeZip(t, files...), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}

	// A Python dependency, published with Debian's CLI v2.
	pyDeps := writeZip("pydeps",
		zipFile{Name: "python/greeting.py", Body: []byte("def hello(n):\n    return 'hello ' + n\n")},
		zipFile{Name: "python/lib/python3.11/site-packages/sitepkg/__init__.py", Body: []byte("WHERE = 'site-packages'\n")})
	pub := mustAWSCLI(t, srv, cliV2, "lambda", "publish-layer-version", "--layer-name", "pydeps",
		"--zip-file", "fileb://"+pyDeps, "--compatible-runtimes", "python3.11", "python3.12",
		"--compatible-architectures", "x86_64", "--description", "python deps", "--license-info", "MIT")
	pyDepsARN, _ := pub["LayerVersionArn"].(string)
	if pyDepsARN != "arn:aws:lambda:us-east-1:000000000000:layer:pydeps:1" || pub["Version"] != 1.0 ||
		pub["LayerArn"] != "arn:aws:lambda:us-east-1:000000000000:layer:pydeps" || pub["Description"] != "python deps" || pub["LicenseInfo"] != "MIT" {
		t.Fatalf("publish-layer-version answered %v", pub)
	}
	content, _ := pub["Content"].(map[string]any)
	zipBytes, _ := os.ReadFile(pyDeps)
	sum := sha256.Sum256(zipBytes)
	if content["CodeSha256"] != base64.StdEncoding.EncodeToString(sum[:]) || content["CodeSize"] != float64(len(zipBytes)) {
		t.Errorf("Content = %v", content)
	}
	// Content.Location is a presigned URL that serves the package.
	res, err := http.Get(content["Location"].(string))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || sha256.Sum256(got) != sum {
		t.Errorf("downloading Content.Location: %d, %d bytes", res.StatusCode, len(got))
	}

	// A Node.js module, published with the pyenv CLI v1.
	nodeMod := writeZip("nodemod", zipFile{Name: "nodejs/node_modules/shout/index.js", Body: []byte("module.exports = (s) => s.toUpperCase() + '!';\n")})
	nodeARN := mustAWSCLI(t, srv, cliV1, "lambda", "publish-layer-version", "--layer-name", "nodemod", "--zip-file", "fileb://"+nodeMod, "--compatible-runtimes", "nodejs20.x")["LayerVersionArn"].(string)

	// A tool in /opt/bin and two layers with the same module, published
	// with aws-sdk-go-v2.
	publish := func(name string, files ...zipFile) string {
		t.Helper()
		out, err := c.PublishLayerVersion(ctx, &lambda.PublishLayerVersionInput{LayerName: aws.String(name), Content: &types.LayerVersionContentInput{ZipFile: makeZip(t, files...)}})
		if err != nil {
			t.Fatalf("PublishLayerVersion %s: %v", name, err)
		}
		return aws.ToString(out.LayerVersionArn)
	}
	toolARN := publish("tool", zipFile{Name: "bin/tool", Body: []byte("#!/bin/sh\necho tool says $1\n"), Mode: 0o755})
	firstARN := publish("first", zipFile{Name: "python/override.py", Body: []byte("VALUE = 'first'\n")})
	secondARN := publish("second", zipFile{Name: "python/override.py", Body: []byte("VALUE = 'second'\n")})

	pyCode := makeZip(t, zipFile{Name: "app.py", Body: []byte(`
import subprocess, greeting, sitepkg, override

def handler(event, context):
    try:
        open("/opt/python/written", "w")
        writable = True
    except OSError:
        writable = False
    return {
        "greeting": greeting.hello(event["name"]),
        "site": sitepkg.WHERE,
        "override": override.VALUE,
        "tool": subprocess.run(["tool", "x"], capture_output=True, text=True).stdout.strip(),
        "optWritable": writable,
    }
`)})
	rt := pythonRuntime(t)
	createRuntimeFunction(t, c, "layered-py", rt, "app.handler", pyCode, func(in *lambda.CreateFunctionInput) {
		in.Layers = []string{pyDepsARN, toolARN, firstARN, secondARN}
	})
	var out struct {
		Greeting, Site, Override, Tool string
		OptWritable                    bool
	}
	invokeJSON(t, c, "layered-py", map[string]string{"name": "gust"}, &out)
	if out.Greeting != "hello gust" || out.Site != "site-packages" || out.Tool != "tool says x" || out.Override != "second" || out.OptWritable {
		t.Errorf("function with layers answered %+v", out)
	}
	cfg, err := c.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("layered-py")})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Layers) != 4 || aws.ToString(cfg.Layers[0].Arn) != pyDepsARN || cfg.Layers[0].CodeSize != int64(len(zipBytes)) {
		t.Errorf("configuration's Layers = %+v", cfg.Layers)
	}

	// Reordering the layers changes which one wins, in new environments.
	if _, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("layered-py"), Layers: []string{pyDepsARN, toolARN, secondARN, firstARN}}); err != nil {
		t.Fatal(err)
	}
	waitUpdated(t, c, "layered-py")
	invokeJSON(t, c, "layered-py", map[string]string{"name": "again"}, &out)
	if out.Override != "first" {
		t.Errorf("after reordering, override = %q, want first", out.Override)
	}

	// A Node.js function requiring a module from a layer.
	nodeCode := makeZip(t, zipFile{Name: "index.js", Body: []byte("const shout = require('shout');\nexports.handler = async (e) => ({said: shout(e.word)});\n")})
	createRuntimeFunction(t, c, "layered-node", nodeRuntime(t), "index.handler", nodeCode, func(in *lambda.CreateFunctionInput) {
		in.Layers = []string{nodeARN}
	})
	var said struct{ Said string }
	invokeJSON(t, c, "layered-node", map[string]string{"word": "hi"}, &said)
	if said.Said != "HI!" {
		t.Errorf("node function with a layer said %q", said.Said)
	}

	// Listing and finding, with Debian's boto3.
	listed := runPython(t, srv, pythonDebian, `
import boto3, json, os, sys
c = boto3.client("lambda", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
py = c.list_layers(CompatibleRuntime="python3.11")["Layers"]
versions = c.list_layer_versions(LayerName="pydeps")["LayerVersions"]
found = c.get_layer_version_by_arn(Arn=sys.argv[1])
print(json.dumps({"py": [l["LayerName"] for l in py], "versions": [v["Version"] for v in versions], "found": found["LayerVersionArn"]}))
`, pyDepsARN)
	var l struct {
		Py       []string
		Versions []int
		Found    string
	}
	if err := json.Unmarshal([]byte(listed), &l); err != nil {
		t.Fatalf("%v: %s", err, listed)
	}
	if strings.Join(l.Py, ",") != "pydeps" || len(l.Versions) != 1 || l.Versions[0] != 1 || l.Found != pyDepsARN {
		t.Errorf("listing with Debian's boto3: %+v", l)
	}

	// Permissions, with the new boto3.
	policy := runPython(t, srv, pythonNew, `
import boto3, json
c = boto3.client("lambda")
c.add_layer_version_permission(LayerName="pydeps", VersionNumber=1, StatementId="everyone", Action="lambda:GetLayerVersion", Principal="*")
p = c.get_layer_version_policy(LayerName="pydeps", VersionNumber=1)
c.remove_layer_version_permission(LayerName="pydeps", VersionNumber=1, StatementId="everyone")
try:
    c.get_layer_version_policy(LayerName="pydeps", VersionNumber=1)
    gone = "still there"
except c.exceptions.ResourceNotFoundException:
    gone = "gone"
print(json.dumps({"policy": json.loads(p["Policy"]), "gone": gone}))
`)
	if !strings.Contains(policy, `"Principal": "*"`) || !strings.Contains(policy, `"gone": "gone"`) || !strings.Contains(policy, `"Action": "lambda:GetLayerVersion"`) {
		t.Errorf("layer version policy: %s", policy)
	}

	// Lambda's rules.
	sixth := publish("sixth", zipFile{Name: "f", Body: []byte("6")})
	again := publish("first", zipFile{Name: "python/override.py", Body: []byte("VALUE = 'first v2'\n")})
	big := makeZip(t, zipFile{Name: "zeros", Body: make([]byte, 130<<20)})
	bigARN, err := c.PublishLayerVersion(ctx, &lambda.PublishLayerVersionInput{LayerName: aws.String("big"), Content: &types.LayerVersionContentInput{ZipFile: big}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		layers []string
		code   []byte
		want   string
	}{
		{"six layers", []string{pyDepsARN, toolARN, firstARN, secondARN, nodeARN, sixth}, pyCode, "Cannot reference more than 5 layers."},
		{"one layer twice", []string{firstARN, again}, pyCode, "Two different versions of the same layer are not allowed"},
		{"missing version", []string{"arn:aws:lambda:us-east-1:000000000000:layer:pydeps:9"}, pyCode, "does not exist"},
		{"too big together", []string{aws.ToString(bigARN.LayerVersionArn)}, big, "Function code combined with layers exceeds the maximum allowed size of 262144000 bytes"},
	} {
		_, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("refused"), Runtime: types.Runtime(rt), Handler: aws.String("app.handler"),
			Role: aws.String(testRole), Code: &types.FunctionCode{ZipFile: tc.code}, Layers: tc.layers})
		if apiErrorCode(err) != "InvalidParameterValueException" || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if _, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("refused")}); apiErrorCode(err) != "ResourceNotFoundException" {
		t.Errorf("a refused function exists: %v", err)
	}
	if _, err := c.GetLayerVersion(ctx, &lambda.GetLayerVersionInput{LayerName: aws.String("pydeps"), VersionNumber: aws.Int64(7)}); apiErrorCode(err) != "ResourceNotFoundException" {
		t.Errorf("GetLayerVersion of a missing version: %v", err)
	}

	// Deleting a layer version leaves the functions that use it running.
	if _, err := c.DeleteLayerVersion(ctx, &lambda.DeleteLayerVersionInput{LayerName: aws.String("pydeps"), VersionNumber: aws.Int64(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteLayerVersion(ctx, &lambda.DeleteLayerVersionInput{LayerName: aws.String("pydeps"), VersionNumber: aws.Int64(1)}); err != nil {
		t.Errorf("deleting a deleted version: %v", err)
	}
	srv.Restart() // new environments: the function's copy of the layer must be its own
	c = srv.Lambda()
	invokeJSON(t, c, "layered-py", map[string]string{"name": "after"}, &out)
	if out.Greeting != "hello after" {
		t.Errorf("after deleting its layer version, the function answered %+v", out)
	}
}

// waitUpdated waits, as AWS's clients do, for an update to settle.
func waitUpdated(t testing.TB, c *lambda.Client, name string) {
	t.Helper()
	if err := lambda.NewFunctionUpdatedV2Waiter(c).Wait(gusttest.Context(t), &lambda.GetFunctionInput{FunctionName: aws.String(name)}, 60e9); err != nil {
		t.Fatalf("waiting for %s to update: %v", name, err)
	}
}
