package e2e

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"gust/internal/gusttest"
)

func TestFunctionLifecycle(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	ctx := gusttest.Context(t)
	code := makeZip(t, zipFile{Name: "bootstrap", Body: []byte("#!/bin/sh\necho hi\n"), Mode: 0o755})
	sum := sha256.Sum256(code)

	created := createFunction(t, c, "life", code, func(in *lambda.CreateFunctionInput) {
		in.MemorySize = aws.Int32(256)
		in.Timeout = aws.Int32(30)
		in.Description = aws.String("a test function")
		in.Environment = &types.Environment{Variables: map[string]string{"GREETING": "hello"}}
		in.Tags = map[string]string{"team": "gust"}
		in.EphemeralStorage = &types.EphemeralStorage{Size: aws.Int32(1024)}
	})
	if got, want := aws.ToString(created.FunctionArn), "arn:aws:lambda:us-east-1:000000000000:function:life"; got != want {
		t.Errorf("FunctionArn = %s, want %s", got, want)
	}
	if got, want := aws.ToString(created.CodeSha256), base64.StdEncoding.EncodeToString(sum[:]); got != want {
		t.Errorf("CodeSha256 = %s, want %s", got, want)
	}
	if created.CodeSize != int64(len(code)) {
		t.Errorf("CodeSize = %d, want %d", created.CodeSize, len(code))
	}
	if created.State != types.StateActive || created.LastUpdateStatus != types.LastUpdateStatusSuccessful {
		t.Errorf("State/LastUpdateStatus = %s/%s", created.State, created.LastUpdateStatus)
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$`).MatchString(aws.ToString(created.LastModified)) {
		t.Errorf("LastModified %q is not in AWS's format", aws.ToString(created.LastModified))
	}
	if aws.ToInt32(created.MemorySize) != 256 || aws.ToInt32(created.Timeout) != 30 || aws.ToInt32(created.EphemeralStorage.Size) != 1024 {
		t.Errorf("memory/timeout/storage = %d/%d/%d", aws.ToInt32(created.MemorySize), aws.ToInt32(created.Timeout), aws.ToInt32(created.EphemeralStorage.Size))
	}
	if created.PackageType != types.PackageTypeZip || len(created.Architectures) != 1 || aws.ToString(created.Version) != "$LATEST" {
		t.Errorf("PackageType/Architectures/Version = %s/%v/%s", created.PackageType, created.Architectures, aws.ToString(created.Version))
	}
	if created.LoggingConfig == nil || aws.ToString(created.LoggingConfig.LogGroup) != "/aws/lambda/life" || created.LoggingConfig.LogFormat != types.LogFormatText {
		t.Errorf("LoggingConfig = %+v", created.LoggingConfig)
	}
	if created.Environment == nil || created.Environment.Variables["GREETING"] != "hello" {
		t.Errorf("Environment = %+v", created.Environment)
	}

	got, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("life")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Configuration.RevisionId) != aws.ToString(created.RevisionId) || got.Tags["team"] != "gust" {
		t.Errorf("GetFunction = %+v", got.Configuration)
	}
	// Code.Location downloads the exact package, without other credentials.
	resp, err := http.Get(aws.ToString(got.Code.Location))
	if err != nil {
		t.Fatal(err)
	}
	downloaded, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(downloaded, code) {
		t.Errorf("Code.Location answered %d with %d bytes, want the %d-byte package", resp.StatusCode, len(downloaded), len(code))
	}
	// Tampering with the signed URL is refused.
	tampered := strings.Replace(aws.ToString(got.Code.Location), "/life?", "/other?", 1)
	if resp, err := http.Get(tampered); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("tampered Code.Location answered %v %v, want 403", resp.StatusCode, err)
	}

	// GetFunctionConfiguration by full ARN and by partial ARN.
	for _, ref := range []string{"arn:aws:lambda:us-east-1:000000000000:function:life", "000000000000:function:life", "life:$LATEST"} {
		cfg, err := c.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(ref)})
		if err != nil || aws.ToString(cfg.FunctionName) != "life" {
			t.Errorf("GetFunctionConfiguration(%s) = %v, %v", ref, cfg, err)
		}
	}

	// UpdateFunctionConfiguration with the current RevisionId succeeds, a stale one fails.
	upd, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("life"), MemorySize: aws.Int32(512), RevisionId: created.RevisionId,
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(upd.MemorySize) != 512 || aws.ToString(upd.RevisionId) == aws.ToString(created.RevisionId) || aws.ToInt32(upd.Timeout) != 30 {
		t.Errorf("after update: memory %d, timeout %d, revision %s", aws.ToInt32(upd.MemorySize), aws.ToInt32(upd.Timeout), aws.ToString(upd.RevisionId))
	}
	// The update answers InProgress; when it is Successful the RevisionId
	// changes again, as on AWS, and the SDK's waiter polls for that.
	if upd.LastUpdateStatus != types.LastUpdateStatusInProgress || upd.LastUpdateStatusReasonCode != "Creating" { // AWS sends "Creating"; the SDK's enum lacks it
		t.Errorf("update answered %s/%s, want InProgress/Creating", upd.LastUpdateStatus, upd.LastUpdateStatusReasonCode)
	}
	done, err := lambda.NewFunctionUpdatedV2Waiter(c).WaitForOutput(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("life")}, time.Minute)
	if err != nil || aws.ToString(done.Configuration.RevisionId) == aws.ToString(upd.RevisionId) {
		t.Fatalf("waiting for the update: %v", err)
	}
	upd.RevisionId = done.Configuration.RevisionId
	_, err = c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("life"), Timeout: aws.Int32(5), RevisionId: created.RevisionId,
	})
	var pre *types.PreconditionFailedException
	if !errors.As(err, &pre) {
		t.Errorf("stale RevisionId: err = %v, want PreconditionFailedException", err)
	}

	// UpdateFunctionCode: DryRun changes nothing, a real update does.
	code2 := makeZip(t, zipFile{Name: "bootstrap", Body: []byte("#!/bin/sh\necho v2\n"), Mode: 0o755})
	dry, err := c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("life"), ZipFile: code2, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := c.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("life")})
	if aws.ToString(after.CodeSha256) != aws.ToString(created.CodeSha256) || aws.ToString(after.RevisionId) != aws.ToString(upd.RevisionId) {
		t.Errorf("DryRun changed the function: %s", aws.ToString(after.CodeSha256))
	}
	if aws.ToString(dry.CodeSha256) == aws.ToString(created.CodeSha256) {
		t.Errorf("DryRun did not report the new package's hash")
	}
	_, err = c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("life"), ZipFile: code2, RevisionId: created.RevisionId})
	if !errors.As(err, &pre) {
		t.Errorf("UpdateFunctionCode with stale RevisionId: %v", err)
	}
	newCode, err := c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("life"), ZipFile: code2, RevisionId: upd.RevisionId})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(newCode.CodeSha256) != aws.ToString(dry.CodeSha256) || newCode.CodeSize != int64(len(code2)) {
		t.Errorf("UpdateFunctionCode = %s/%d", aws.ToString(newCode.CodeSha256), newCode.CodeSize)
	}

	// Tags.
	arn := aws.ToString(created.FunctionArn)
	if _, err := c.TagResource(ctx, &lambda.TagResourceInput{Resource: aws.String(arn), Tags: map[string]string{"env": "test", "team": "core"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &lambda.UntagResourceInput{Resource: aws.String(arn), TagKeys: []string{"env"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTags(ctx, &lambda.ListTagsInput{Resource: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != 1 || tags.Tags["team"] != "core" {
		t.Errorf("tags = %v, want team=core only", tags.Tags)
	}

	settings, err := c.GetAccountSettings(ctx, &lambda.GetAccountSettingsInput{})
	if err != nil {
		t.Fatal(err)
	}
	limit := settings.AccountLimit.ConcurrentExecutions
	if settings.AccountUsage.FunctionCount != 1 || settings.AccountUsage.TotalCodeSize != int64(len(code2)) ||
		limit < 100 || limit > 1000 || aws.ToInt32(settings.AccountLimit.UnreservedConcurrentExecutions) != limit {
		t.Errorf("account settings = %+v %+v", settings.AccountUsage, settings.AccountLimit)
	}

	if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("life")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("life")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) || !strings.Contains(aws.ToString(nf.Message), "Function not found: arn:aws:lambda:us-east-1:000000000000:function:life") {
		t.Errorf("GetFunction after delete: %v", err)
	}
	if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("life")}); !errors.As(err, &nf) {
		t.Errorf("second DeleteFunction: %v", err)
	}
}

func TestListFunctionsPaginates(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	code := makeZip(t, zipFile{Name: "bootstrap", Body: []byte("#!/bin/sh\n"), Mode: 0o755})
	const n = 57
	for i := range n {
		createFunction(t, c, fmt.Sprintf("fn-%03d", i), code)
	}
	var names []string
	p := lambda.NewListFunctionsPaginator(c, &lambda.ListFunctionsInput{MaxItems: aws.Int32(10)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(gusttest.Context(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(page.Functions) > 10 {
			t.Fatalf("page of %d functions with MaxItems 10", len(page.Functions))
		}
		for _, f := range page.Functions {
			names = append(names, aws.ToString(f.FunctionName))
		}
	}
	if len(names) != n || pages != 6 {
		t.Fatalf("listed %d functions in %d pages, want %d in 6", len(names), pages, n)
	}
	for i, name := range names {
		if want := fmt.Sprintf("fn-%03d", i); name != want {
			t.Fatalf("function %d is %s, want %s", i, name, want)
		}
	}
	// Without MaxItems a page holds at most 50.
	page, err := c.ListFunctions(gusttest.Context(t), &lambda.ListFunctionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Functions) != 50 || page.NextMarker == nil {
		t.Fatalf("unbounded page has %d functions, NextMarker %v", len(page.Functions), page.NextMarker)
	}
}

func TestConcurrentUpdatesWithSameRevisionExactlyOneWins(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	fn := createFunction(t, c, "race", makeZip(t, zipFile{Name: "bootstrap", Body: []byte("x"), Mode: 0o755}))
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.UpdateFunctionConfiguration(gusttest.Context(t), &lambda.UpdateFunctionConfigurationInput{
				FunctionName: aws.String("race"), Description: aws.String(fmt.Sprint("writer ", i)), RevisionId: fn.RevisionId,
			})
		}()
	}
	wg.Wait()
	wins := 0
	winner := ""
	for i, err := range errs {
		var pre *types.PreconditionFailedException
		switch {
		case err == nil:
			wins++
			winner = fmt.Sprint("writer ", i)
		case !errors.As(err, &pre):
			t.Errorf("writer %d: %v, want PreconditionFailedException", i, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d writers won, want exactly 1", wins)
	}
	cfg, _ := c.GetFunctionConfiguration(gusttest.Context(t), &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("race")})
	if aws.ToString(cfg.Description) != winner {
		t.Fatalf("stored description %q, want the winner's %q", aws.ToString(cfg.Description), winner)
	}
}

func TestConcurrentUpdatesWithoutRevisionLoseNothing(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	createFunction(t, c, "merge", makeZip(t, zipFile{Name: "bootstrap", Body: []byte("x"), Mode: 0o755}))
	arn := "arn:aws:lambda:us-east-1:000000000000:function:merge"
	const n = 10
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.TagResource(gusttest.Context(t), &lambda.TagResourceInput{Resource: aws.String(arn), Tags: map[string]string{fmt.Sprint("k", i): "v"}})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	tags, err := c.ListTags(gusttest.Context(t), &lambda.ListTagsInput{Resource: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != n {
		t.Fatalf("%d tags survived %d concurrent TagResource calls: %v", len(tags.Tags), n, tags.Tags)
	}
}

func TestFunctionsSurviveRestart(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	code := makeZip(t, zipFile{Name: "bootstrap", Body: []byte("#!/bin/sh\necho persisted\n"), Mode: 0o755})
	created := createFunction(t, c, "durable", code, func(in *lambda.CreateFunctionInput) {
		in.Tags = map[string]string{"keep": "me"}
	})
	srv.Restart()
	c = srv.Lambda()
	got, err := c.GetFunction(gusttest.Context(t), &lambda.GetFunctionInput{FunctionName: aws.String("durable")})
	if err != nil {
		t.Fatalf("after restart: %v", err)
	}
	if aws.ToString(got.Configuration.RevisionId) != aws.ToString(created.RevisionId) || got.Tags["keep"] != "me" {
		t.Fatalf("after restart: revision %s tags %v", aws.ToString(got.Configuration.RevisionId), got.Tags)
	}
	resp, err := http.Get(aws.ToString(got.Code.Location))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(body, code) {
		t.Fatalf("code after restart differs (%d bytes)", len(body))
	}
}

func TestGeneratedCredentials(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{NoCredentials: true})
	out := srv.Stdout()
	id := regexp.MustCompile(`export AWS_ACCESS_KEY_ID=(\S+)`).FindStringSubmatch(out)
	secret := regexp.MustCompile(`export AWS_SECRET_ACCESS_KEY=(\S+)`).FindStringSubmatch(out)
	if id == nil || secret == nil {
		t.Fatalf("server printed no export lines:\n%s", out)
	}
	c := lambda.New(lambda.Options{
		Region: gusttest.Region, BaseEndpoint: aws.String(srv.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(id[1], secret[1], ""),
	})
	if _, err := c.ListFunctions(gusttest.Context(t), &lambda.ListFunctionsInput{}); err != nil {
		t.Fatalf("printed credentials rejected: %v", err)
	}
	// The same pair is used again after a restart.
	srv.Restart()
	if !strings.Contains(srv.Stdout(), id[1]) {
		t.Fatal("restart did not reuse the stored credentials")
	}
}

func TestAuthenticationErrors(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	ctx := gusttest.Context(t)
	client := func(id, secret string) *lambda.Client {
		return lambda.New(lambda.Options{
			Region: gusttest.Region, BaseEndpoint: aws.String(srv.Endpoint), RetryMaxAttempts: 1,
			Credentials: credentials.NewStaticCredentialsProvider(id, secret, ""),
		})
	}
	_, err := client("AKNOTAKEY", gusttest.SecretAccessKey).ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if code := apiErrorCode(err); code != "UnrecognizedClientException" {
		t.Errorf("unknown key: %v (code %q)", err, code)
	}
	_, err = client(gusttest.AccessKeyID, "wrong-secret").ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if code := apiErrorCode(err); code != "InvalidSignatureException" {
		t.Errorf("bad signature: %v (code %q)", err, code)
	}
	skewed := signedRequestAt(t, srv, http.MethodGet, "/2015-03-31/functions", nil, time.Now().Add(-time.Hour))
	if skewed.StatusCode != http.StatusForbidden || skewed.Header.Get("X-Amzn-ErrorType") != "InvalidSignatureException" {
		t.Errorf("skewed clock: %d %s", skewed.StatusCode, skewed.Header.Get("X-Amzn-ErrorType"))
	}
	if body, _ := io.ReadAll(skewed.Body); !strings.Contains(string(body), "Signature expired") {
		t.Errorf("skewed clock body: %s", body)
	}
	resp, err := http.Get(srv.Endpoint + "/2015-03-31/functions")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-Amzn-ErrorType") != "MissingAuthenticationTokenException" {
		t.Errorf("unsigned request: %d %s", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
	}
}

func TestValidationErrors(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	c := srv.Lambda()
	ctx := gusttest.Context(t)
	good := makeZip(t, zipFile{Name: "bootstrap", Body: []byte("#!/bin/sh\n"), Mode: 0o755})
	createFunction(t, c, "exists", good)

	zipWith := func(name string) []byte {
		return makeZip(t, zipFile{Name: name, Body: []byte("evil")})
	}
	symlinkZip := func(target string) []byte {
		var buf bytes.Buffer
		w := zip.NewWriter(&buf)
		h := &zip.FileHeader{Name: "link"}
		h.SetMode(0o777 | 1<<27) // os.ModeSymlink
		fw, _ := w.CreateHeader(h)
		fw.Write([]byte(target))
		w.Close()
		return buf.Bytes()
	}
	cases := []struct {
		name   string
		mutate func(*lambda.CreateFunctionInput)
		code   string
		msg    string
	}{
		{"unknown runtime", func(in *lambda.CreateFunctionInput) { in.Runtime = "cobol85" }, "InvalidParameterValueException", "python3.13"},
		{"bad name", func(in *lambda.CreateFunctionInput) { in.FunctionName = aws.String("has space") }, "ValidationException", "functionName"},
		{"long name", func(in *lambda.CreateFunctionInput) { in.FunctionName = aws.String(strings.Repeat("a", 65)) }, "InvalidParameterValueException", "64"}, // AWS checks the name's length as a parameter value
		{"existing name", func(in *lambda.CreateFunctionInput) { in.FunctionName = aws.String("exists") }, "ResourceConflictException", "already exist"},
		{"memory too small", func(in *lambda.CreateFunctionInput) { in.MemorySize = aws.Int32(64) }, "ValidationException", "memorySize"},
		{"memory too large", func(in *lambda.CreateFunctionInput) { in.MemorySize = aws.Int32(20000) }, "InvalidParameterValueException", "10240"},
		{"timeout too long", func(in *lambda.CreateFunctionInput) { in.Timeout = aws.Int32(901) }, "InvalidParameterValueException", "900"},
		{"timeout zero", func(in *lambda.CreateFunctionInput) { in.Timeout = aws.Int32(0) }, "ValidationException", "timeout"},
		{"ephemeral too small", func(in *lambda.CreateFunctionInput) {
			in.EphemeralStorage = &types.EphemeralStorage{Size: aws.Int32(100)}
		}, "ValidationException", "ephemeralStorage"},
		{"env too big", func(in *lambda.CreateFunctionInput) {
			in.Environment = &types.Environment{Variables: map[string]string{"BIG": strings.Repeat("v", 4100)}}
		}, "InvalidParameterValueException", "4KB"},
		{"reserved env", func(in *lambda.CreateFunctionInput) {
			in.Environment = &types.Environment{Variables: map[string]string{"AWS_REGION": "x"}}
		}, "InvalidParameterValueException", "AWS_REGION"},
		{"bad env name", func(in *lambda.CreateFunctionInput) {
			in.Environment = &types.Environment{Variables: map[string]string{"1BAD": "x"}}
		}, "ValidationException", "environment"},
		{"handler missing for python", func(in *lambda.CreateFunctionInput) { in.Runtime = types.RuntimePython312; in.Handler = nil }, "InvalidParameterValueException", "Handler"},
		{"bad role", func(in *lambda.CreateFunctionInput) { in.Role = aws.String("not-a-role") }, "ValidationException", "role"},
		{"corrupt zip", func(in *lambda.CreateFunctionInput) { in.Code.ZipFile = []byte("this is not a zip") }, "InvalidParameterValueException", "Could not unzip"},
		{"path traversal", func(in *lambda.CreateFunctionInput) { in.Code.ZipFile = zipWith("../../etc/evil") }, "InvalidParameterValueException", ""},
		{"absolute path", func(in *lambda.CreateFunctionInput) { in.Code.ZipFile = zipWith("/etc/evil") }, "InvalidParameterValueException", ""},
		{"symlink escape", func(in *lambda.CreateFunctionInput) { in.Code.ZipFile = symlinkZip("../../../etc/shadow") }, "InvalidParameterValueException", ""},
		{"no code", func(in *lambda.CreateFunctionInput) { in.Code = &types.FunctionCode{} }, "InvalidParameterValueException", "code"},
		{"s3 code", func(in *lambda.CreateFunctionInput) {
			in.Code = &types.FunctionCode{S3Bucket: aws.String("b"), S3Key: aws.String("k")}
		}, "InvalidParameterValueException", "S3"},
		{"missing layer", func(in *lambda.CreateFunctionInput) {
			in.Layers = []string{"arn:aws:lambda:us-east-1:000000000000:layer:x:1"}
		}, "InvalidParameterValueException", "does not exist"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := &lambda.CreateFunctionInput{
				FunctionName: aws.String("valid-" + strings.ReplaceAll(tc.name, " ", "-")),
				Runtime:      types.RuntimeProvidedal2023,
				Role:         aws.String(testRole),
				Handler:      aws.String("bootstrap"),
				Code:         &types.FunctionCode{ZipFile: good},
			}
			tc.mutate(in)
			_, err := c.CreateFunction(ctx, in)
			if code := apiErrorCode(err); code != tc.code {
				t.Fatalf("err = %v (code %q), want %s", err, code, tc.code)
			}
			if !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(tc.msg)) {
				t.Fatalf("message %q does not mention %q", err.Error(), tc.msg)
			}
		})
	}
	// Nothing was stored by the failed calls.
	list, err := c.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Functions) != 1 {
		t.Fatalf("%d functions after failed creates, want 1", len(list.Functions))
	}
	// A typed exception for a missing function on every operation.
	var nf *types.ResourceNotFoundException
	if _, err := c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("missing"), ZipFile: good}); !errors.As(err, &nf) {
		t.Errorf("UpdateFunctionCode(missing) = %v", err)
	}
	if _, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("missing"), Timeout: aws.Int32(5)}); !errors.As(err, &nf) {
		t.Errorf("UpdateFunctionConfiguration(missing) = %v", err)
	}
	if _, err := c.ListTags(ctx, &lambda.ListTagsInput{Resource: aws.String("arn:aws:lambda:us-east-1:000000000000:function:missing")}); !errors.As(err, &nf) {
		t.Errorf("ListTags(missing) = %v", err)
	}
	// An invalid update leaves the function as it was.
	before, _ := c.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("exists")})
	if _, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("exists"), MemorySize: aws.Int32(1), Timeout: aws.Int32(10)}); apiErrorCode(err) != "ValidationException" {
		t.Errorf("invalid update: %v", err)
	}
	after, _ := c.GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("exists")})
	if aws.ToString(after.RevisionId) != aws.ToString(before.RevisionId) || aws.ToInt32(after.Timeout) != 3 {
		t.Errorf("invalid update changed the function")
	}
	// A zip over 50 MB is RequestEntityTooLargeException.
	huge := make([]byte, 51*1024*1024)
	_, err = c.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("exists"), ZipFile: huge})
	var tooLarge *types.RequestTooLargeException
	if code := apiErrorCode(err); code != "RequestEntityTooLargeException" && !errors.As(err, &tooLarge) {
		t.Errorf("51 MB zip: %v", err)
	}
}

func TestMalformedJSONBody(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{})
	resp := signedRequest(t, srv, http.MethodPost, "/2015-03-31/functions", []byte(`{"FunctionName": "x", "MemorySize": "lots"`))
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("X-Amzn-ErrorType") != "InvalidRequestContentException" {
		t.Fatalf("malformed JSON: %d %s", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
	}
}
