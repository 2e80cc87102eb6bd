package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"gust/internal/gusttest"
)

// TestConsoleInChromium signs in to the web console in Debian's headless
// Chromium (driven by playwright-core, see
// internal/console/web/e2e/console.mjs), sees the function deployed here,
// test-invokes it and sees the result and the logs. Screenshots are kept
// in test-artifacts/console/ at the module root.
func TestConsoleInChromium(t *testing.T) {
	chromium := "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("%s is missing: ./test.sh installs Debian's chromium package", chromium)
	}
	root := gusttest.ModuleRoot(t)
	web := filepath.Join(root, "internal", "console", "web")
	if _, err := os.Stat(filepath.Join(web, "node_modules", "playwright-core")); err != nil {
		t.Fatalf("playwright-core is not installed: run `npm ci` in %s (./test.sh does)", web)
	}
	shots := filepath.Join(root, "test-artifacts", "console")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	srv := gusttest.Start(t, gusttest.Options{})
	dir := filepath.Join(t.TempDir(), "console-fn")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writePythonApp(t, dir, 1)
	mustGust(t, srv, "deploy", dir, "--runtime", pythonRuntime(t), "--handler", "app.handler")
	mustGust(t, srv, "invoke", "console-fn", "--payload", `{"name":"warm-up"}`)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", filepath.Join("e2e", "console.mjs"))
	cmd.Dir = web
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"GUST_CONSOLE_URL=" + srv.Endpoint + "/console/",
		"GUST_ACCESS_KEY_ID=" + gusttest.AccessKeyID,
		"GUST_SECRET_ACCESS_KEY=" + gusttest.SecretAccessKey,
		"GUST_FUNCTION=console-fn",
		"GUST_MARKER=chromium-" + time.Now().Format("150405"),
		"GUST_SCREENSHOTS=" + shots,
		"CHROMIUM=" + chromium,
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	t.Logf("console screenshots: %s", shots)
	if err != nil {
		t.Fatalf("console test in Chromium: %v\n%s", err, out.String())
	}
	t.Logf("%s", out.String())
}
