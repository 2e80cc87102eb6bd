package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
)

// urlClient reaches any host at the server's listener, as a client whose
// resolver does not know *.localhost does.
func urlClient(s *gusttest.Server) *http.Client {
	addr := strings.TrimPrefix(s.Endpoint, "http://")
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}}
}

type urlEvent struct {
	Version               string
	RouteKey              string
	RawPath               string
	RawQueryString        string
	Cookies               []string
	Headers               map[string]string
	QueryStringParameters map[string]string
	Body                  string
	IsBase64Encoded       bool
	RequestContext        struct {
		AccountID    string
		APIID        string
		DomainName   string
		DomainPrefix string
		RequestID    string
		RouteKey     string
		Stage        string
		Time         string
		TimeEpoch    int64
		HTTP         struct{ Method, Path, Protocol, SourceIP, UserAgent string }
	}
}

func do(t *testing.T, c *http.Client, method, u string, body []byte, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(gusttest.Context(t), method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func TestFunctionURLs(t *testing.T) {
	rt := pythonRuntime(t)
	s := gusttest.Start(t, gusttest.Options{})
	c := s.Lambda()
	ctx := gusttest.Context(t)
	createRuntimeFunction(t, c, "web", rt, "app.handler", fixtureZip(t, "urlfn"))

	created, err := c.CreateFunctionUrlConfig(ctx, &lambda.CreateFunctionUrlConfigInput{FunctionName: aws.String("web"), AuthType: types.FunctionUrlAuthTypeNone})
	if err != nil {
		t.Fatal(err)
	}
	// Without --public-url, FunctionUrl is the path form on the listen
	// address (which every resolver knows); the host form is served too.
	functionURL := aws.ToString(created.FunctionUrl)
	id := urlID(t, functionURL)
	if len(id) != 32 || functionURL != s.Endpoint+"/gust/v1/url/"+id+"/" {
		t.Fatalf("FunctionUrl %q", functionURL)
	}
	port := s.Endpoint[strings.LastIndex(s.Endpoint, ":")+1:]
	fu := "http://" + id + ".lambda-url.us-east-1.localhost:" + port + "/"
	u, err := url.Parse(fu)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateFunctionUrlConfig(ctx, &lambda.CreateFunctionUrlConfigInput{FunctionName: aws.String("web"), AuthType: types.FunctionUrlAuthTypeNone}); apiErrorCode(err) != "ResourceConflictException" {
		t.Fatalf("second create: %v", err)
	}
	got, err := c.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String("web")})
	if err != nil || aws.ToString(got.FunctionUrl) != functionURL || got.AuthType != types.FunctionUrlAuthTypeNone || aws.ToString(got.LastModifiedTime) == "" {
		t.Fatalf("get: %+v %v", got, err)
	}
	list, err := c.ListFunctionUrlConfigs(ctx, &lambda.ListFunctionUrlConfigsInput{FunctionName: aws.String("web")})
	if err != nil || len(list.FunctionUrlConfigs) != 1 {
		t.Fatalf("list: %+v %v", list, err)
	}
	hc := urlClient(s)
	pathBase := s.Endpoint + "/gust/v1/url/" + id
	// AuthType NONE serves only once the policy grants public access, as
	// on AWS; the permissions are the two AWS's console adds.
	if res, _ := do(t, hc, "GET", fu+"string", nil); res.StatusCode != 403 {
		t.Fatalf("NONE URL without a public policy: %d, want 403", res.StatusCode)
	}
	allowPublicURL(t, c, "web", "")

	t.Run("path form refused on the console's origin", func(t *testing.T) {
		res, b := do(t, hc, "GET", "http://localhost:"+port+"/gust/v1/url/"+id+"/string", nil)
		if res.StatusCode != http.StatusMisdirectedRequest || !strings.Contains(string(b), "console") {
			t.Errorf("%d %s", res.StatusCode, b)
		}
	})

	t.Run("json result and event", func(t *testing.T) {
		body := []byte(`{"k":"v"}`)
		res, b := do(t, hc, "POST", fu+"json?a=1&b=x%20y&a=2", body,
			"Content-Type", "application/json", "X-Multi", "one", "X-Multi", "two", "Cookie", "c1=v1; c2=v2", "User-Agent", "gust-test")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("status %d %s: %s", res.StatusCode, res.Header.Get("Content-Type"), b)
		}
		var out struct{ Event urlEvent }
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err, string(b))
		}
		e := out.Event
		if e.Version != "2.0" || e.RouteKey != "$default" || e.RawPath != "/json" || e.RawQueryString != "a=1&b=x%20y&a=2" {
			t.Errorf("event: %+v", e)
		}
		if e.QueryStringParameters["a"] != "1,2" || e.QueryStringParameters["b"] != "x y" {
			t.Errorf("query: %v", e.QueryStringParameters)
		}
		if len(e.Cookies) != 2 || e.Cookies[0] != "c1=v1" || e.Cookies[1] != "c2=v2" {
			t.Errorf("cookies: %v", e.Cookies)
		}
		if !strings.HasPrefix(e.Headers["x-amzn-trace-id"], "Root=1-") || e.Headers["x-forwarded-proto"] != "http" || e.Headers["x-forwarded-for"] != "127.0.0.1" || e.Headers["x-forwarded-port"] != u.Port() {
			t.Errorf("added headers: %v", e.Headers)
		}
		if e.Headers["x-multi"] != "one,two" || e.Headers["content-type"] != "application/json" || e.Headers["cookie"] != "" || e.Headers["host"] != u.Host {
			t.Errorf("headers: %v", e.Headers)
		}
		if e.Body != `{"k":"v"}` || e.IsBase64Encoded {
			t.Errorf("body %q base64 %v", e.Body, e.IsBase64Encoded)
		}
		rc := e.RequestContext
		if rc.APIID != id || rc.DomainPrefix != id || rc.DomainName != u.Hostname() || rc.RouteKey != "$default" || rc.Stage != "$default" ||
			rc.HTTP.Method != "POST" || rc.HTTP.Path != "/json" || rc.HTTP.Protocol != "HTTP/1.1" || rc.HTTP.SourceIP != "127.0.0.1" || rc.HTTP.UserAgent != "gust-test" ||
			rc.AccountID != "anonymous" || rc.RequestID == "" || rc.TimeEpoch == 0 {
			t.Errorf("requestContext: %+v", rc)
		}
		if _, err := time.Parse("02/Jan/2006:15:04:05 -0700", rc.Time); err != nil {
			t.Errorf("time %q: %v", rc.Time, err)
		}
	})

	t.Run("binary request body", func(t *testing.T) {
		body := []byte{0, 1, 2, 0xff, 0xfe}
		res, b := do(t, hc, "PUT", pathBase+"/json", body, "Content-Type", "application/octet-stream")
		var out struct{ Event urlEvent }
		if err := json.Unmarshal(b, &out); err != nil || res.StatusCode != 200 {
			t.Fatal(res.StatusCode, err, string(b))
		}
		if !out.Event.IsBase64Encoded || out.Event.Body != base64.StdEncoding.EncodeToString(body) || out.Event.RawPath != "/json" {
			t.Errorf("binary body: %+v", out.Event)
		}
	})

	t.Run("string result", func(t *testing.T) {
		res, b := do(t, hc, "GET", pathBase+"/string", nil)
		if res.StatusCode != 200 || string(b) != "plain text" || res.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%d %q %s", res.StatusCode, b, res.Header.Get("Content-Type"))
		}
	})

	t.Run("structured response", func(t *testing.T) {
		res, b := do(t, hc, "GET", fu+"structured", nil)
		if res.StatusCode != 201 || string(b) != "created" || res.Header.Get("X-Custom") != "yes" || res.Header.Get("Content-Type") != "text/plain" {
			t.Errorf("%d %q %v", res.StatusCode, b, res.Header)
		}
		if got := res.Header.Values("Set-Cookie"); len(got) != 2 || got[0] != "a=1; Path=/" || got[1] != "b=2; HttpOnly" {
			t.Errorf("Set-Cookie %v", got)
		}
		if got := res.Header.Values("X-Multi"); len(got) != 2 {
			t.Errorf("X-Multi %v", got)
		}
	})

	t.Run("base64 response", func(t *testing.T) {
		res, b := do(t, hc, "GET", fu+"binary", nil)
		want := make([]byte, 256)
		for i := range want {
			want[i] = byte(i)
		}
		if res.StatusCode != 200 || !bytes.Equal(b, want) || res.Header.Get("Content-Type") != "application/octet-stream" {
			t.Errorf("%d %x", res.StatusCode, b)
		}
	})

	t.Run("function error is 502", func(t *testing.T) {
		res, b := do(t, hc, "GET", fu+"error", nil)
		if res.StatusCode != 502 {
			t.Errorf("%d %s", res.StatusCode, b)
		}
	})

	t.Run("unknown url id is 403", func(t *testing.T) {
		res, _ := do(t, hc, "GET", s.Endpoint+"/gust/v1/url/"+strings.Repeat("a", 32)+"/json", nil)
		if res.StatusCode != 403 {
			t.Errorf("status %d", res.StatusCode)
		}
	})

	t.Run("curl resolves the localhost host form", func(t *testing.T) {
		if _, err := exec.LookPath("curl"); err != nil {
			t.Skip("no curl")
		}
		out, err := exec.Command("curl", "-sS", fu+"string").CombinedOutput()
		if err != nil || string(out) != "plain text" {
			t.Errorf("curl %s: %v %s", fu, err, out)
		}
	})

	t.Run("cors", func(t *testing.T) {
		_, err := c.UpdateFunctionUrlConfig(ctx, &lambda.UpdateFunctionUrlConfigInput{FunctionName: aws.String("web"), Cors: &types.Cors{
			AllowOrigins: []string{"https://app.example"}, AllowMethods: []string{"GET", "POST"}, AllowHeaders: []string{"x-token"},
			ExposeHeaders: []string{"x-custom"}, MaxAge: aws.Int32(300),
		}})
		if err != nil {
			t.Fatal(err)
		}
		res, b := do(t, hc, "OPTIONS", fu+"structured", nil, "Origin", "https://app.example", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "x-token")
		h := res.Header
		if res.StatusCode != 200 || h.Get("Access-Control-Allow-Origin") != "https://app.example" || h.Get("Access-Control-Allow-Methods") != "GET,POST" ||
			h.Get("Access-Control-Allow-Headers") != "x-token" || h.Get("Access-Control-Max-Age") != "300" || len(b) != 0 {
			t.Errorf("preflight %d %v %q", res.StatusCode, h, b)
		}
		res, _ = do(t, hc, "OPTIONS", fu+"structured", nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
		if res.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("foreign origin allowed: %v", res.Header)
		}
		res, _ = do(t, hc, "GET", fu+"structured", nil, "Origin", "https://app.example")
		if res.StatusCode != 201 || res.Header.Get("Access-Control-Allow-Origin") != "https://app.example" || res.Header.Get("Access-Control-Expose-Headers") != "x-custom" {
			t.Errorf("cors response %d %v", res.StatusCode, res.Header)
		}
	})

	t.Run("aws_iam", func(t *testing.T) {
		if _, err := c.UpdateFunctionUrlConfig(ctx, &lambda.UpdateFunctionUrlConfigInput{FunctionName: aws.String("web"), AuthType: types.FunctionUrlAuthTypeAwsIam}); err != nil {
			t.Fatal(err)
		}
		res, _ := do(t, hc, "GET", fu+"string", nil)
		if res.StatusCode != 403 {
			t.Fatalf("unsigned: %d", res.StatusCode)
		}
		for _, base := range []string{fu, pathBase + "/"} {
			body := []byte(`{"signed":true}`)
			req, _ := http.NewRequestWithContext(ctx, "POST", base+"json?q=1", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			sum := sha256.Sum256(body)
			err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: gusttest.AccessKeyID, SecretAccessKey: gusttest.SecretAccessKey},
				req, hex.EncodeToString(sum[:]), "lambda", gusttest.Region, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			res, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			var out struct{ Event urlEvent }
			if res.StatusCode != 200 || json.Unmarshal(b, &out) != nil || out.Event.RequestContext.AccountID != "000000000000" {
				t.Errorf("signed %s: %d %s", base, res.StatusCode, b)
			}
		}
	})

	if _, err := c.DeleteFunctionUrlConfig(ctx, &lambda.DeleteFunctionUrlConfigInput{FunctionName: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String("web")}); apiErrorCode(err) != "ResourceNotFoundException" {
		t.Fatalf("get after delete: %v", err)
	}

	// Deleting a function deletes its URLs: a new function of the same name
	// starts without one.
	if _, err := c.CreateFunctionUrlConfig(ctx, &lambda.CreateFunctionUrlConfigInput{FunctionName: aws.String("web"), AuthType: types.FunctionUrlAuthTypeNone}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
	if res, _ := do(t, hc, "GET", pathBase+"/string", nil); res.StatusCode != 403 {
		t.Errorf("URL of a deleted function: %d", res.StatusCode)
	}
	createRuntimeFunction(t, c, "web", rt, "app.handler", fixtureZip(t, "urlfn"))
	if _, err := c.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String("web")}); apiErrorCode(err) != "ResourceNotFoundException" {
		t.Fatalf("URL survived its function: %v", err)
	}
}

// TestFunctionURLPublicBase: behind a proxy for a real domain, FunctionUrl
// names that domain, and the proxied Host reaches the URL.
func TestFunctionURLPublicBase(t *testing.T) {
	s := gusttest.Start(t, gusttest.Options{Args: []string{"--public-url", "https://lambda.example.com"}})
	c := s.Lambda()
	createRuntimeFunction(t, c, "web", pythonRuntime(t), "app.handler", fixtureZip(t, "urlfn"))
	created, err := c.CreateFunctionUrlConfig(gusttest.Context(t), &lambda.CreateFunctionUrlConfigInput{FunctionName: aws.String("web"), AuthType: types.FunctionUrlAuthTypeNone})
	if err != nil {
		t.Fatal(err)
	}
	allowPublicURL(t, c, "web", "")
	u, err := url.Parse(aws.ToString(created.FunctionUrl))
	if err != nil || u.Scheme != "https" || u.Port() != "" || !strings.HasSuffix(u.Host, ".lambda-url.us-east-1.lambda.example.com") {
		t.Fatalf("FunctionUrl %q", aws.ToString(created.FunctionUrl))
	}
	req, _ := http.NewRequestWithContext(gusttest.Context(t), "GET", s.Endpoint+"/string", nil)
	req.Host = u.Host // as the TLS proxy forwards it
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || string(b) != "plain text" {
		t.Errorf("%d %s", res.StatusCode, b)
	}
	// The console defaults to the public URL's origin: the path form is
	// not served there.
	id := urlID(t, aws.ToString(created.FunctionUrl))
	req, _ = http.NewRequestWithContext(gusttest.Context(t), "GET", s.Endpoint+"/gust/v1/url/"+id+"/string", nil)
	req.Host = "lambda.example.com"
	res2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res2.Body.Close()
	if res2.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("path form on the console's origin: %d", res2.StatusCode)
	}
}

// TestFunctionURLOnAlias: an alias has a URL of its own; versions have none.
func TestFunctionURLOnAlias(t *testing.T) {
	s := gusttest.Start(t, gusttest.Options{})
	c := s.Lambda()
	ctx := gusttest.Context(t)
	createRuntimeFunction(t, c, "web", pythonRuntime(t), "app.handler", fixtureZip(t, "urlfn"))
	v, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateAlias(ctx, &lambda.CreateAliasInput{FunctionName: aws.String("web"), Name: aws.String("live"), FunctionVersion: v.Version}); err != nil {
		t.Fatal(err)
	}
	none := types.FunctionUrlAuthTypeNone
	if _, err := c.CreateFunctionUrlConfig(ctx, &lambda.CreateFunctionUrlConfigInput{FunctionName: aws.String("web"), Qualifier: v.Version, AuthType: none}); apiErrorCode(err) != "InvalidParameterValueException" {
		t.Errorf("URL on a version: %v", err)
	}
	plain, err := c.CreateFunctionUrlConfig(ctx, &lambda.CreateFunctionUrlConfigInput{FunctionName: aws.String("web"), AuthType: none})
	if err != nil {
		t.Fatal(err)
	}
	live, err := c.CreateFunctionUrlConfig(ctx, &lambda.CreateFunctionUrlConfigInput{FunctionName: aws.String("web"), Qualifier: aws.String("live"), AuthType: none})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(live.FunctionUrl) == aws.ToString(plain.FunctionUrl) || !strings.HasSuffix(aws.ToString(live.FunctionArn), ":web:live") {
		t.Errorf("alias URL %s %s", aws.ToString(live.FunctionUrl), aws.ToString(live.FunctionArn))
	}
	list, err := c.ListFunctionUrlConfigs(ctx, &lambda.ListFunctionUrlConfigsInput{FunctionName: aws.String("web")})
	if err != nil || len(list.FunctionUrlConfigs) != 2 {
		t.Fatalf("list: %+v %v", list, err)
	}
	// The alias's policy is its own: the function's does not open it.
	allowPublicURL(t, c, "web", "")
	if res, _ := do(t, urlClient(s), "GET", aws.ToString(live.FunctionUrl)+"string", nil); res.StatusCode != 403 {
		t.Errorf("alias URL without a policy of its own: %d, want 403", res.StatusCode)
	}
	allowPublicURL(t, c, "web", "live")
	res, b := do(t, urlClient(s), "GET", aws.ToString(live.FunctionUrl)+"string", nil)
	if res.StatusCode != 200 || string(b) != "plain text" {
		t.Errorf("alias URL: %d %s", res.StatusCode, b)
	}
	if _, err := c.DeleteAlias(ctx, &lambda.DeleteAliasInput{FunctionName: aws.String("web"), Name: aws.String("live")}); err != nil {
		t.Fatal(err)
	}
	if list, _ := c.ListFunctionUrlConfigs(ctx, &lambda.ListFunctionUrlConfigsInput{FunctionName: aws.String("web")}); len(list.FunctionUrlConfigs) != 1 {
		t.Errorf("after deleting the alias: %+v", list.FunctionUrlConfigs)
	}
}

// urlID is the URL id in a FunctionUrl of either form: the host form's
// first label or the path form's segment after /gust/v1/url/.
func urlID(t testing.TB, functionURL string) string {
	t.Helper()
	u, err := url.Parse(functionURL)
	if err != nil {
		t.Fatalf("FunctionUrl %q: %v", functionURL, err)
	}
	if rest, ok := strings.CutPrefix(u.Path, "/gust/v1/url/"); ok {
		id, _, _ := strings.Cut(rest, "/")
		return id
	}
	id, _, _ := strings.Cut(u.Hostname(), ".")
	return id
}

// TestFunctionURLFromScripts: the FunctionUrl a default server returns is
// reachable as is by ordinary clients on a stock Linux machine — Node.js
// fetch and Python's urllib, whose resolvers do not know *.localhost.
func TestFunctionURLFromScripts(t *testing.T) {
	s := gusttest.Start(t, gusttest.Options{})
	c := s.Lambda()
	createRuntimeFunction(t, c, "web", pythonRuntime(t), "app.handler", fixtureZip(t, "urlfn"))
	created, err := c.CreateFunctionUrlConfig(gusttest.Context(t), &lambda.CreateFunctionUrlConfigInput{FunctionName: aws.String("web"), AuthType: types.FunctionUrlAuthTypeNone})
	if err != nil {
		t.Fatal(err)
	}
	allowPublicURL(t, c, "web", "")
	fu := aws.ToString(created.FunctionUrl)
	for _, client := range []struct {
		name string
		argv []string
	}{
		{"node fetch", []string{"node", "-e", `fetch(process.argv[1] + "string?from=node").then(async (r) => console.log(r.status, await r.text())).catch((e) => { console.error(e.cause ?? e); process.exit(1); })`, fu}},
		{"python urllib", []string{"python3", "-c", `import sys, urllib.request
r = urllib.request.urlopen(sys.argv[1] + "string?from=python")
print(r.status, r.read().decode())`, fu}},
	} {
		t.Run(client.name, func(t *testing.T) {
			out, err := exec.Command(client.argv[0], client.argv[1:]...).CombinedOutput()
			if err != nil || strings.TrimSpace(string(out)) != "200 plain text" {
				t.Fatalf("%s %s: %v\n%s", client.name, fu, err, out)
			}
		})
	}
}

// allowPublicURL grants anyone access to the function URL (AuthType NONE)
// of name or of its alias, with the two statements AWS's console adds:
// lambda:InvokeFunctionUrl, and lambda:InvokeFunction through the URL.
func allowPublicURL(t *testing.T, c *lambda.Client, name, alias string) {
	t.Helper()
	var qualifier *string
	if alias != "" {
		qualifier = aws.String(alias)
	}
	for _, in := range []*lambda.AddPermissionInput{
		{StatementId: aws.String("FunctionURLAllowPublicAccess"), Action: aws.String("lambda:InvokeFunctionUrl"), FunctionUrlAuthType: types.FunctionUrlAuthTypeNone},
		{StatementId: aws.String("FunctionURLAllowInvokeAction"), Action: aws.String("lambda:InvokeFunction"), InvokedViaFunctionUrl: aws.Bool(true)},
	} {
		in.FunctionName, in.Qualifier, in.Principal = aws.String(name), qualifier, aws.String("*")
		if _, err := c.AddPermission(gusttest.Context(t), in); err != nil && apiErrorCode(err) != "ResourceConflictException" {
			t.Fatalf("AddPermission %s: %v", aws.ToString(in.StatementId), err)
		}
	}
}
