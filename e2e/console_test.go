package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
)

// runChromium runs one of the console's Chromium scripts
// (internal/console/web/e2e/<script>, driving Debian's headless Chromium
// with playwright-core) with env added to PATH and HOME, and returns what
// it printed. The test fails if the script fails.
func runChromium(t *testing.T, script string, env ...string) string {
	t.Helper()
	chromium := "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("%s is missing: ./test.sh installs Debian's chromium package", chromium)
	}
	web := filepath.Join(gusttest.ModuleRoot(t), "internal", "console", "web")
	if _, err := os.Stat(filepath.Join(web, "node_modules", "playwright-core")); err != nil {
		t.Fatalf("playwright-core is not installed: run `npm ci` in %s (./test.sh does)", web)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join("e2e", script))
	cmd.Dir = web
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "CHROMIUM=" + chromium}, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s in Chromium: %v\n%s", script, err, out.String())
	}
	t.Logf("%s", out.String())
	return out.String()
}

// screenshots is where the Chromium tests keep theirs:
// test-artifacts/console/ at the module root.
func screenshots(t *testing.T) string {
	shots := filepath.Join(gusttest.ModuleRoot(t), "test-artifacts", "console")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	return shots
}

// TestConsoleInChromium signs in to the web console in Debian's headless
// Chromium (see internal/console/web/e2e/console.mjs), sees the function
// deployed here, test-invokes it and sees the result and the logs.
// Screenshots are kept in test-artifacts/console/ at the module root.
func TestConsoleInChromium(t *testing.T) {
	shots := screenshots(t)
	srv := gusttest.Start(t, gusttest.Options{})
	dir := filepath.Join(t.TempDir(), "console-fn")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writePythonApp(t, dir, 1)
	mustGust(t, srv, "deploy", dir, "--runtime", pythonRuntime(t), "--handler", "app.handler")
	mustGust(t, srv, "invoke", "console-fn", "--payload", `{"name":"warm-up"}`)

	runChromium(t, "console.mjs",
		"GUST_CONSOLE_URL="+srv.Endpoint+"/console/",
		"GUST_ACCESS_KEY_ID="+gusttest.AccessKeyID,
		"GUST_SECRET_ACCESS_KEY="+gusttest.SecretAccessKey,
		"GUST_FUNCTION=console-fn",
		"GUST_MARKER=chromium-"+time.Now().Format("150405"),
		"GUST_SCREENSHOTS="+shots,
	)
	t.Logf("console screenshots: %s", shots)
}

// TestConsoleTakeover is the attack of issue 13: while a user is signed in
// to the console, Chromium opens a page served by a hostile function URL
// (e2e/fixtures/attackfn) in every form Gust serves it — the FunctionUrl,
// the path form on the API endpoint and the path form on the console's own
// origin — and the page's script calls the console's facade with the
// user's cookies to delete one function and rewrite another's environment.
// Both functions must come out untouched, and the page must have run
// somewhere (or the test would prove nothing).
func TestConsoleTakeover(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	ctx := gusttest.Context(t)
	rt := pythonRuntime(t)
	for _, name := range []string{"victim", "victim-env"} {
		createRuntimeFunction(t, c, name, rt, "app.handler", fixtureZip(t, "urlfn"), func(in *lambda.CreateFunctionInput) {
			in.Environment = &types.Environment{Variables: map[string]string{"KEEP": "me"}}
		})
	}
	createRuntimeFunction(t, c, "attacker", rt, "app.handler", fixtureZip(t, "attackfn"))
	created, err := c.CreateFunctionUrlConfig(ctx, &lambda.CreateFunctionUrlConfigInput{FunctionName: aws.String("attacker"), AuthType: types.FunctionUrlAuthTypeNone})
	if err != nil {
		t.Fatal(err)
	}
	allowPublicURL(t, c, "attacker", "")
	id := urlID(t, aws.ToString(created.FunctionUrl))
	port := srv.Endpoint[strings.LastIndex(srv.Endpoint, ":")+1:]
	hostForm := "http://" + id + ".lambda-url.us-east-1.localhost:" + port + "/" // Chromium resolves *.localhost

	out := runChromium(t, "takeover.mjs",
		"GUST_CONSOLE_URL="+srv.Endpoint+"/console/",
		"GUST_ACCESS_KEY_ID="+gusttest.AccessKeyID,
		"GUST_SECRET_ACCESS_KEY="+gusttest.SecretAccessKey,
		"GUST_URL_ID="+id,
		"GUST_ATTACK_URLS="+strings.Join([]string{aws.ToString(created.FunctionUrl), srv.Endpoint + "/gust/v1/url/" + id + "/", hostForm}, " "),
	)

	ran, consoleOrigin := 0, ""
	for _, line := range strings.Split(out, "\n") {
		if o, ok := strings.CutPrefix(line, "console origin: "); ok {
			consoleOrigin = o
		}
		rest, ok := strings.CutPrefix(line, "attack: ")
		if !ok {
			continue
		}
		var a struct {
			URL     string
			Status  int
			Results []struct {
				Origin, Method, Error string
				Status                int
			}
		}
		if err := json.Unmarshal([]byte(rest), &a); err != nil {
			t.Fatalf("attack line %q: %v", rest, err)
		}
		if a.Status == 200 && len(a.Results) > 0 {
			ran++
		}
		for _, r := range a.Results {
			// The page's calls to its own origin reach the console only if
			// that origin is the console's; elsewhere the function itself
			// may answer them.
			if r.Origin == consoleOrigin && r.Error == "" && r.Status < 400 {
				t.Errorf("page %s: %s on %s answered %d", a.URL, r.Method, r.Origin, r.Status)
			}
		}
	}
	if ran == 0 {
		t.Fatalf("the attack page ran nowhere: the test proves nothing\n%s", out)
	}
	if _, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("victim")}); err != nil {
		t.Errorf("victim: %v", err)
	}
	cfg, err := c.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("victim-env")})
	if err != nil || cfg.Environment == nil || len(cfg.Environment.Variables) != 1 || cfg.Environment.Variables["KEEP"] != "me" {
		t.Errorf("victim-env environment: %+v %v", cfg.Environment, err)
	}
}

// TestConsoleSecondKey: an IAM user's key pair with AWS's
// AWSLambda_ReadOnlyAccess signs in to the console in Chromium: it sees the
// functions (the nav and the session name its key, the server's log the
// sign-in), and the console refuses its test-invoke and a delete with
// IAM's message, because the console signs each call with that key.
func TestConsoleSecondKey(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	createRuntimeFunction(t, c, "readable", pythonRuntime(t), "app.handler", fixtureZip(t, "pyfn"))
	mustAWSCLI(t, srv, cliV1, "iam", "create-user", "--user-name", "reader")
	mustAWSCLI(t, srv, cliV1, "iam", "attach-user-policy", "--user-name", "reader", "--policy-arn", "arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess")
	key := mustAWSCLI(t, srv, cliV1, "iam", "create-access-key", "--user-name", "reader")["AccessKey"].(map[string]any)
	id, secret := key["AccessKeyId"].(string), key["SecretAccessKey"].(string)
	runChromium(t, "secondkey.mjs",
		"GUST_SCREENSHOTS="+screenshots(t),
		"GUST_CONSOLE_URL="+srv.Endpoint+"/console/",
		"GUST_ACCESS_KEY_ID="+id,
		"GUST_SECRET_ACCESS_KEY="+secret,
		"GUST_FUNCTION=readable",
		"GUST_EXPECT_DENIED=1",
	)
	if !strings.Contains(srv.Logs(), `msg="console sign-in" source=127.0.0.1 access_key_id=`+id) {
		t.Errorf("the sign-in is not in the server's log")
	}
	if _, err := c.GetFunction(gusttest.Context(t), &lambda.GetFunctionInput{FunctionName: aws.String("readable")}); err != nil {
		t.Errorf("the function after the read-only user's attempts: %v", err)
	}

	// Deleting the access key ends the sessions it signed in.
	port := srv.Endpoint[strings.LastIndex(srv.Endpoint, ":")+1:]
	call := func(method, path, body, cookie string) (*http.Response, string) {
		req, _ := http.NewRequest(method, srv.Endpoint+path, strings.NewReader(body))
		req.Host = "localhost:" + port // the console's origin
		req.Header.Set("X-Gust-Console", "1")
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	res, body := call("POST", "/console/api/session", `{"accessKeyId":"`+id+`","secretAccessKey":"`+secret+`"}`, "")
	if res.StatusCode != 200 || len(res.Cookies()) != 1 {
		t.Fatalf("sign-in: %d %s", res.StatusCode, body)
	}
	cookie := res.Cookies()[0].Name + "=" + res.Cookies()[0].Value
	if res, body := call("GET", "/console/api/aws/2015-03-31/functions/", "", cookie); res.StatusCode != 200 {
		t.Fatalf("list with the session: %d %s", res.StatusCode, body)
	}
	mustAWSCLI(t, srv, cliV1, "iam", "delete-access-key", "--user-name", "reader", "--access-key-id", id)
	if res, body := call("GET", "/console/api/aws/2015-03-31/functions/", "", cookie); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("list after the key was deleted: %d %s", res.StatusCode, body)
	}
}
