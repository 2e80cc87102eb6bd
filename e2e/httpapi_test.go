package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	agtypes "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"

	"gust/internal/gusttest"
)

// apiEvent is what the apigwfn fixture answers: the event as aws-lambda-go
// decoded it (typed) and as it arrived (raw).
type apiEvent struct {
	Typed map[string]any
	Raw   map[string]any
}

func decodeAPIEvent(t *testing.T, b []byte) apiEvent {
	t.Helper()
	var e apiEvent
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
	return e
}

// field walks a decoded JSON value by keys.
func field(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

func TestHTTPAPIs(t *testing.T) {
	s := gusttest.Start(t, gusttest.Options{})
	ctx := gusttest.Context(t)
	fn := createFunction(t, s.Lambda(), "apigw", makeZip(t, zipFile{Name: "bootstrap", Body: goBinary(t, "./e2e/fixtures/apigwfn"), Mode: 0o755}))
	fnARN := aws.ToString(fn.FunctionArn)
	gw := apigatewayv2.New(apigatewayv2.Options{Region: gusttest.Region, BaseEndpoint: aws.String(s.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(gusttest.AccessKeyID, gusttest.SecretAccessKey, ""), RetryMaxAttempts: 1})
	hc := urlClient(s)
	port := s.Endpoint[strings.LastIndex(s.Endpoint, ":")+1:]

	// An API with routes to three integrations, on a named stage that
	// deploys itself.
	api, err := gw.CreateApi(ctx, &apigatewayv2.CreateApiInput{Name: aws.String("items"), ProtocolType: agtypes.ProtocolTypeHttp,
		Tags: map[string]string{"team": "a"}})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(api.ApiId)
	if len(id) != 10 || aws.ToString(api.ApiEndpoint) != s.Endpoint+"/gust/v1/execute-api/"+id || aws.ToString(api.RouteSelectionExpression) != "$request.method $request.path" || api.CreatedDate == nil {
		t.Fatalf("CreateApi: %+v", api)
	}
	integration := func(version string, uri string, timeout int32) string {
		t.Helper()
		in := &apigatewayv2.CreateIntegrationInput{ApiId: api.ApiId, IntegrationType: agtypes.IntegrationTypeAwsProxy, IntegrationUri: aws.String(uri),
			PayloadFormatVersion: aws.String(version)}
		if timeout > 0 {
			in.TimeoutInMillis = aws.Int32(timeout)
		}
		out, err := gw.CreateIntegration(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return "integrations/" + aws.ToString(out.IntegrationId)
	}
	v2 := integration("2.0", fnARN, 0)
	v1 := integration("1.0", "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"+fnARN+"/invocations", 0)
	short := integration("2.0", fnARN, 500)
	for key, target := range map[string]string{
		"GET /items/{id}": v2, "GET /items/special": v2, "ANY /files/{proxy+}": v2, "POST /v1/items": v1, "GET /v1/malformed": v1,
		"GET /slow/sleep": short, "GET /bad/malformed": v2, "POST /bin/binary": v2,
	} {
		if _, err := gw.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: api.ApiId, RouteKey: aws.String(key), Target: aws.String(target)}); err != nil {
			t.Fatalf("CreateRoute %s: %v", key, err)
		}
	}
	stage, err := gw.CreateStage(ctx, &apigatewayv2.CreateStageInput{ApiId: api.ApiId, StageName: aws.String("prod"), AutoDeploy: aws.Bool(true),
		StageVariables: map[string]string{"color": "blue"}})
	if err != nil || aws.ToString(stage.DeploymentId) == "" || !aws.ToBool(stage.AutoDeploy) {
		t.Fatalf("CreateStage: %+v %v", stage, err)
	}
	host := "http://" + id + ".execute-api.us-east-1.localhost:" + port + "/prod"

	t.Run("payload 2.0 with path parameters, repeated query keys and cookies", func(t *testing.T) {
		res, b := do(t, hc, "GET", host+"/items/4%202?a=1&a=2&b=x", nil, "Cookie", "c1=v1; c2=v2", "X-Twice", "one", "X-Twice", "two")
		if res.StatusCode != 200 || res.Header.Get("X-Route") != "GET /items/{id}" {
			t.Fatalf("%d %v %s", res.StatusCode, res.Header, b)
		}
		if cookies := res.Header.Values("Set-Cookie"); len(cookies) != 2 || cookies[1] != "n=c1=v1|c2=v2" {
			t.Errorf("Set-Cookie %q", cookies)
		}
		e := decodeAPIEvent(t, b)
		for _, c := range []struct {
			path []string
			want any
		}{
			{[]string{"version"}, "2.0"}, {[]string{"routeKey"}, "GET /items/{id}"}, {[]string{"rawPath"}, "/prod/items/4%202"},
			{[]string{"rawQueryString"}, "a=1&a=2&b=x"}, {[]string{"pathParameters", "id"}, "4 2"},
			{[]string{"queryStringParameters", "a"}, "1,2"}, {[]string{"queryStringParameters", "b"}, "x"},
			{[]string{"headers", "x-twice"}, "one,two"}, {[]string{"stageVariables", "color"}, "blue"},
			{[]string{"requestContext", "stage"}, "prod"}, {[]string{"requestContext", "apiId"}, id},
			{[]string{"requestContext", "domainPrefix"}, id}, {[]string{"requestContext", "routeKey"}, "GET /items/{id}"},
			{[]string{"requestContext", "http", "method"}, "GET"}, {[]string{"requestContext", "http", "path"}, "/prod/items/4%202"},
			{[]string{"requestContext", "http", "sourceIp"}, "127.0.0.1"}, {[]string{"isBase64Encoded"}, false},
		} {
			if got := field(e.Typed, c.path...); got != c.want {
				t.Errorf("typed %v = %v, want %v", c.path, got, c.want)
			}
			if got := field(e.Raw, c.path...); got != c.want {
				t.Errorf("raw %v = %v, want %v", c.path, got, c.want)
			}
		}
		if cookies, _ := field(e.Raw, "cookies").([]any); len(cookies) != 2 || cookies[0] != "c1=v1" {
			t.Errorf("cookies %v", cookies)
		}
		if _, ok := e.Raw["headers"].(map[string]any)["cookie"]; ok {
			t.Error("2.0 headers carry the cookie header")
		}
		if _, ok := e.Raw["body"]; ok {
			t.Error("2.0 event without a body has a body field")
		}
	})

	t.Run("most specific route and greedy paths", func(t *testing.T) {
		res, b := do(t, hc, "GET", host+"/items/special", nil)
		if res.StatusCode != 200 || res.Header.Get("X-Route") != "GET /items/special" {
			t.Errorf("%d %s", res.StatusCode, res.Header.Get("X-Route"))
		}
		res, b = do(t, hc, "DELETE", host+"/files/a/b/c.txt", nil)
		e := decodeAPIEvent(t, b)
		if res.StatusCode != 200 || field(e.Typed, "pathParameters", "proxy") != "a/b/c.txt" || field(e.Raw, "routeKey") != "ANY /files/{proxy+}" {
			t.Errorf("greedy: %d %s", res.StatusCode, b)
		}
	})

	t.Run("payload 1.0", func(t *testing.T) {
		res, b := do(t, hc, "POST", host+"/v1/items?k=1&k=2", []byte(`{"name":"x"}`), "Content-Type", "application/json", "X-Twice", "one", "X-Twice", "two")
		if res.StatusCode != 202 || !slices.Equal(res.Header.Values("X-Multi"), []string{"a", "b"}) {
			t.Fatalf("%d %v %s", res.StatusCode, res.Header, b)
		}
		e := decodeAPIEvent(t, b)
		for _, c := range []struct {
			path []string
			want any
		}{
			{[]string{"resource"}, "/v1/items"}, {[]string{"path"}, "/prod/v1/items"}, {[]string{"httpMethod"}, "POST"},
			{[]string{"body"}, `{"name":"x"}`}, {[]string{"queryStringParameters", "k"}, "2"},
			{[]string{"stageVariables", "color"}, "blue"}, {[]string{"requestContext", "stage"}, "prod"},
			{[]string{"requestContext", "identity", "sourceIp"}, "127.0.0.1"}, {[]string{"requestContext", "httpMethod"}, "POST"},
			{[]string{"requestContext", "resourcePath"}, "/v1/items"},
		} {
			if got := field(e.Typed, c.path...); got != c.want {
				t.Errorf("typed %v = %v, want %v", c.path, got, c.want)
			}
		}
		if mv, _ := field(e.Typed, "multiValueQueryStringParameters", "k").([]any); len(mv) != 2 || mv[0] != "1" {
			t.Errorf("multiValueQueryStringParameters %v", mv)
		}
		if mv, _ := field(e.Typed, "multiValueHeaders", "x-twice").([]any); len(mv) != 2 || mv[1] != "two" {
			t.Errorf("multiValueHeaders %v", mv)
		}
		if v, ok := e.Raw["isBase64Encoded"]; !ok || v != false {
			t.Errorf("1.0 isBase64Encoded %v %v", v, ok)
		}
		if v, ok := e.Raw["pathParameters"]; !ok || v != nil {
			t.Errorf("1.0 pathParameters %v %v, want null", v, ok)
		}
	})

	t.Run("binary bodies both ways", func(t *testing.T) {
		in := []byte{0, 1, 2, 0xfe, 0xff, 'a'}
		res, b := do(t, hc, "POST", host+"/bin/binary", in, "Content-Type", "application/octet-stream")
		want := make([]byte, len(in))
		for i := range in {
			want[i] = in[i] ^ 0xff
		}
		if res.StatusCode != 200 || !bytes.Equal(b, want) || res.Header.Get("Content-Type") != "application/octet-stream" {
			t.Errorf("%d %q", res.StatusCode, b)
		}
	})

	t.Run("API Gateway's own errors", func(t *testing.T) {
		for _, c := range []struct {
			method, url string
			status      int
			body        string
		}{
			{"GET", host + "/nothing", 404, `{"message":"Not Found"}`},
			{"POST", host + "/items/1", 404, `{"message":"Not Found"}`},
			{"GET", "http://" + id + ".execute-api.us-east-1.localhost:" + port + "/staging/items/1", 404, `{"message":"Not Found"}`},
			{"GET", "http://abcdefghij.execute-api.us-east-1.localhost:" + port + "/prod/items/1", 404, `{"message":"Not Found"}`},
			{"GET", host + "/bad/malformed", 500, `{"message":"Internal Server Error"}`},
			{"GET", host + "/v1/malformed", 500, `{"message":"Internal Server Error"}`},
		} {
			res, b := do(t, hc, c.method, c.url, nil)
			if res.StatusCode != c.status || string(b) != c.body || res.Header.Get("Apigw-Requestid") == "" {
				t.Errorf("%s %s: %d %s, want %d %s", c.method, c.url, res.StatusCode, b, c.status, c.body)
			}
		}
	})

	t.Run("path form with curl, refused on the console's origin", func(t *testing.T) {
		out, err := exec.Command("curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "--cookie", "k=v", s.Endpoint+"/gust/v1/execute-api/"+id+"/prod/items/9?q=1&q=2").Output()
		if err != nil {
			t.Fatal(err)
		}
		body, code, _ := strings.Cut(string(out), "\n")
		e := decodeAPIEvent(t, []byte(body))
		if code != "200" || field(e.Raw, "pathParameters", "id") != "9" || field(e.Raw, "queryStringParameters", "q") != "1,2" || field(e.Raw, "rawPath") != "/prod/items/9" {
			t.Errorf("curl: %s %s", code, body)
		}
		res, b := do(t, hc, "GET", "http://localhost:"+port+"/gust/v1/execute-api/"+id+"/prod/items/9", nil)
		if res.StatusCode != http.StatusMisdirectedRequest || !strings.Contains(string(b), "console") {
			t.Errorf("console origin: %d %s", res.StatusCode, b)
		}
	})

	t.Run("bad input gets API Gateway's errors and stores nothing", func(t *testing.T) {
		for _, key := range []string{"GET items", "FETCH /items", "GET /a/{p+}/b", "GET /a//b", ""} {
			_, err := gw.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: api.ApiId, RouteKey: aws.String(key), Target: aws.String(v2)})
			if apiErrorCode(err) != "BadRequestException" {
				t.Errorf("route key %q: %v", key, err)
			}
		}
		if _, err := gw.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: api.ApiId, RouteKey: aws.String("GET /x"), Target: aws.String("integrations/nope123")}); apiErrorCode(err) != "BadRequestException" {
			t.Errorf("unknown target: %v", err)
		}
		if _, err := gw.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: api.ApiId, RouteKey: aws.String("GET /items/{id}"), Target: aws.String(v2)}); apiErrorCode(err) != "ConflictException" {
			t.Errorf("duplicate route: %v", err)
		}
		for _, uri := range []string{"arn:aws:s3:::bucket", "not-an-arn", "arn:aws:lambda:us-east-1:123:function:x"} {
			_, err := gw.CreateIntegration(ctx, &apigatewayv2.CreateIntegrationInput{ApiId: api.ApiId, IntegrationType: agtypes.IntegrationTypeAwsProxy,
				IntegrationUri: aws.String(uri), PayloadFormatVersion: aws.String("2.0")})
			if apiErrorCode(err) != "BadRequestException" {
				t.Errorf("integration URI %q: %v", uri, err)
			}
		}
		if _, err := gw.CreateIntegration(ctx, &apigatewayv2.CreateIntegrationInput{ApiId: api.ApiId, IntegrationType: agtypes.IntegrationTypeAwsProxy,
			IntegrationUri: aws.String(fnARN), PayloadFormatVersion: aws.String("3.0")}); apiErrorCode(err) != "BadRequestException" {
			t.Errorf("payload version 3.0: %v", err)
		}
		if _, err := gw.GetApi(ctx, &apigatewayv2.GetApiInput{ApiId: aws.String("nope123456")}); apiErrorCode(err) != "NotFoundException" {
			t.Errorf("GetApi unknown: %v", err)
		}
		routes, err := gw.GetRoutes(ctx, &apigatewayv2.GetRoutesInput{ApiId: api.ApiId})
		if err != nil || len(routes.Items) != 8 {
			t.Errorf("routes after bad input: %d %v", len(routes.Items), err)
		}
		integrations, err := gw.GetIntegrations(ctx, &apigatewayv2.GetIntegrationsInput{ApiId: api.ApiId})
		if err != nil || len(integrations.Items) != 3 {
			t.Errorf("integrations after bad input: %d %v", len(integrations.Items), err)
		}
	})

	t.Run("quick create, tags and deletion with the AWS CLI v1 and v2", func(t *testing.T) {
		for _, cli := range []string{cliV1, cliV2} {
			created := mustAWSCLI(t, s, cli, "apigatewayv2", "create-api", "--name", "quick", "--protocol-type", "HTTP", "--target", fnARN)
			qid, _ := created["ApiId"].(string)
			endpoint, _ := created["ApiEndpoint"].(string)
			res, b := do(t, hc, "PUT", endpoint+"/any/path?x=1", []byte("hi"), "Content-Type", "text/plain")
			e := decodeAPIEvent(t, b)
			if res.StatusCode != 200 || field(e.Raw, "routeKey") != "$default" || field(e.Raw, "requestContext", "stage") != "$default" || field(e.Raw, "rawPath") != "/any/path" || field(e.Raw, "body") != "hi" {
				t.Errorf("%s quick create: %d %s", cli, res.StatusCode, b)
			}
			stages := mustAWSCLI(t, s, cli, "apigatewayv2", "get-stages", "--api-id", qid)
			if items, _ := stages["Items"].([]any); len(items) != 1 || field(items[0], "StageName") != "$default" || field(items[0], "AutoDeploy") != true {
				t.Errorf("%s stages %v", cli, stages)
			}
			arn := "arn:aws:apigateway:us-east-1::/apis/" + qid
			mustAWSCLI(t, s, cli, "apigatewayv2", "tag-resource", "--resource-arn", arn, "--tags", "k=v")
			if tags := mustAWSCLI(t, s, cli, "apigatewayv2", "get-tags", "--resource-arn", arn); field(tags, "Tags", "k") != "v" {
				t.Errorf("%s tags %v", cli, tags)
			}
			if _, err := awsCLI(t, s, cli, "apigatewayv2", "create-route", "--api-id", qid, "--route-key", "GET items"); err == nil || !strings.Contains(err.Error(), "BadRequestException") {
				t.Errorf("%s bad route key: %v", cli, err)
			}
			mustAWSCLI(t, s, cli, "apigatewayv2", "delete-api", "--api-id", qid)
			if _, err := awsCLI(t, s, cli, "apigatewayv2", "get-api", "--api-id", qid); err == nil || !strings.Contains(err.Error(), "NotFoundException") {
				t.Errorf("%s get deleted: %v", cli, err)
			}
			if res, _ := do(t, hc, "GET", endpoint+"/x", nil); res.StatusCode != 404 {
				t.Errorf("%s deleted API serves: %d", cli, res.StatusCode)
			}
		}
	})

	t.Run("boto3 new and Debian's", func(t *testing.T) {
		script := `
import boto3, os, sys
c = boto3.client("apigatewayv2", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
a = c.create_api(Name="py", ProtocolType="HTTP")
i = c.create_integration(ApiId=a["ApiId"], IntegrationType="AWS_PROXY", IntegrationUri=sys.argv[1], PayloadFormatVersion="1.0", TimeoutInMillis=10000)
r = c.create_route(ApiId=a["ApiId"], RouteKey="GET /hello/{name}", Target="integrations/" + i["IntegrationId"])
c.create_stage(ApiId=a["ApiId"], StageName="$default")
d = c.create_deployment(ApiId=a["ApiId"], StageName="$default", Description="first")
assert d["DeploymentStatus"] == "DEPLOYED", d
assert c.get_integration(ApiId=a["ApiId"], IntegrationId=i["IntegrationId"])["TimeoutInMillis"] == 10000
assert [x["RouteKey"] for x in c.get_routes(ApiId=a["ApiId"])["Items"]] == ["GET /hello/{name}"]
try:
    c.get_route(ApiId=a["ApiId"], RouteId="nope")
    raise SystemExit("no error")
except c.exceptions.NotFoundException as e:
    assert e.response["Error"]["Message"], e.response
print(a["ApiEndpoint"])
`
		for _, py := range []string{pythonNew, pythonDebian} {
			endpoint := strings.TrimSpace(runPython(t, s, py, script, fnARN))
			res, b := do(t, hc, "GET", endpoint+"/hello/ann", nil)
			e := decodeAPIEvent(t, b)
			if res.StatusCode != 202 || field(e.Typed, "pathParameters", "name") != "ann" || field(e.Typed, "resource") != "/hello/{name}" {
				t.Errorf("%s: %d %s", py, res.StatusCode, b)
			}
		}
	})

	// The abandoned invocation costs its environment: the next request must
	// still be served.
	t.Run("integration timeout gives 504, and the next request is served", func(t *testing.T) {
		began := time.Now()
		res, b := do(t, hc, "GET", host+"/slow/sleep", nil)
		if res.StatusCode != 504 || string(b) != `{"message":"Service Unavailable"}` {
			t.Errorf("%d %s", res.StatusCode, b)
		}
		t.Logf("504 after %v", time.Since(began))
		began = time.Now()
		res, b = do(t, hc, "GET", host+"/items/1", nil)
		if res.StatusCode != 200 {
			t.Errorf("after the timeout: %d %s", res.StatusCode, b)
		}
		t.Logf("next request after %v", time.Since(began))
	})

	t.Run("Lambda authorizer with simple responses and caching", func(t *testing.T) {
		au, err := gw.CreateAuthorizer(ctx, &apigatewayv2.CreateAuthorizerInput{ApiId: api.ApiId, Name: aws.String("gate"),
			AuthorizerType: agtypes.AuthorizerTypeRequest, AuthorizerUri: aws.String(fnARN), AuthorizerPayloadFormatVersion: aws.String("2.0"),
			EnableSimpleResponses: aws.Bool(true), IdentitySource: []string{"$request.header.Authorization"}, AuthorizerResultTtlInSeconds: aws.Int32(300)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := gw.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: api.ApiId, RouteKey: aws.String("GET /private/{id}"), Target: aws.String(v2),
			AuthorizationType: agtypes.AuthorizationTypeCustom, AuthorizerId: aws.String("nope12")}); apiErrorCode(err) != "BadRequestException" {
			t.Errorf("unknown authorizer: %v", err)
		}
		if _, err := gw.CreateRoute(ctx, &apigatewayv2.CreateRouteInput{ApiId: api.ApiId, RouteKey: aws.String("GET /private/{id}"), Target: aws.String(v2),
			AuthorizationType: agtypes.AuthorizationTypeCustom, AuthorizerId: au.AuthorizerId}); err != nil {
			t.Fatal(err)
		}
		if res, b := do(t, hc, "GET", host+"/private/1", nil); res.StatusCode != 401 || string(b) != `{"message":"Unauthorized"}` {
			t.Errorf("no identity: %d %s", res.StatusCode, b)
		}
		if res, b := do(t, hc, "GET", host+"/private/1", nil, "Authorization", "wrong"); res.StatusCode != 403 || string(b) != `{"message":"Forbidden"}` {
			t.Errorf("denied: %d %s", res.StatusCode, b)
		}
		var calls []any
		for i := 0; i < 2; i++ {
			res, b := do(t, hc, "GET", host+"/private/1", nil, "Authorization", "let-me-in")
			e := decodeAPIEvent(t, b)
			if res.StatusCode != 200 || field(e.Raw, "requestContext", "authorizer", "lambda", "user") != "ann" ||
				field(e.Typed, "requestContext", "authorizer", "lambda", "routeArn") != "arn:aws:execute-api:us-east-1:"+strings.Split(fnARN, ":")[4]+":"+id+"/prod/GET/private/1" {
				t.Fatalf("allowed: %d %s", res.StatusCode, b)
			}
			calls = append(calls, field(e.Raw, "requestContext", "authorizer", "lambda", "calls"))
		}
		if calls[0] != calls[1] {
			t.Errorf("the cached verdict was not used: calls %v", calls)
		}
	})
}
