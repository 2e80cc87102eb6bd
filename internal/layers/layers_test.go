package layers_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"gust/internal/apierror"
	"gust/internal/layers"
	"gust/internal/store/storetest"
)

func testZip(t *testing.T, name, body string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	fw, err := w.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(body))
	w.Close()
	return buf.Bytes()
}

func newService(t *testing.T) *layers.Service {
	t.Helper()
	st := storetest.Open(t)
	table, err := st.Table(storetest.Context(t), "layers")
	if err != nil {
		t.Fatal(err)
	}
	return layers.New(layers.Options{Table: table, Code: st, Region: "us-east-1", AccountID: "000000000000"})
}

func wantType(t *testing.T, err error, typ string) {
	t.Helper()
	if e := apierror.As(err); err == nil || e.Type != typ {
		t.Fatalf("err = %v, want %s", err, typ)
	}
}

func TestPublishNumbersNeverReused(t *testing.T) {
	s := newService(t)
	ctx := storetest.Context(t)
	in := layers.PublishInput{Content: &layers.Content{ZipFile: testZip(t, "python/a.py", "x=1")}, CompatibleRuntimes: []string{"python3.12"}}
	for want := int64(1); want <= 3; want++ {
		v, err := s.Publish(ctx, "deps", in)
		if err != nil || v.Number != want {
			t.Fatalf("publish %d: %+v %v", want, v, err)
		}
	}
	for n := int64(1); n <= 3; n++ {
		if err := s.Delete(ctx, "deps", n); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delete(ctx, "deps", 3); err != nil { // idempotent, as on AWS
		t.Fatalf("deleting again: %v", err)
	}
	v, err := s.Publish(ctx, "arn:aws:lambda:us-east-1:000000000000:layer:deps", in)
	if err != nil || v.Number != 4 {
		t.Fatalf("after deleting every version the next is %d (%v), want 4", v.Number, err)
	}
	if got := s.VersionARN(v); got != "arn:aws:lambda:us-east-1:000000000000:layer:deps:4" {
		t.Errorf("VersionARN = %s", got)
	}
	if _, err := s.Get(ctx, "deps", 1); !errors.Is(err, apierror.ResourceNotFoundException) {
		t.Errorf("deleted version: %v", err)
	}
}

func TestPublishRefusesAndStoresNothing(t *testing.T) {
	s := newService(t)
	ctx := storetest.Context(t)
	good := &layers.Content{ZipFile: testZip(t, "a", "b")}
	cases := map[string]struct {
		name string
		in   layers.PublishInput
		typ  string
	}{
		"bad name":         {"a b", layers.PublishInput{Content: good}, "ValidationException"},
		"other region arn": {"arn:aws:lambda:eu-west-1:000000000000:layer:x", layers.PublishInput{Content: good}, "ResourceNotFoundException"},
		"no content":       {"x", layers.PublishInput{}, "ValidationException"},
		"empty content":    {"x", layers.PublishInput{Content: &layers.Content{}}, "InvalidParameterValueException"},
		"not a zip":        {"x", layers.PublishInput{Content: &layers.Content{ZipFile: []byte("nope")}}, "InvalidParameterValueException"},
		"bad runtime":      {"x", layers.PublishInput{Content: good, CompatibleRuntimes: []string{"cobol"}}, "ValidationException"},
		"bad arch":         {"x", layers.PublishInput{Content: good, CompatibleArchitectures: []string{"mips"}}, "ValidationException"},
		"long description": {"x", layers.PublishInput{Content: good, Description: strings.Repeat("d", 257)}, "ValidationException"},
		"s3 and zip":       {"x", layers.PublishInput{Content: &layers.Content{ZipFile: good.ZipFile, S3Bucket: "b", S3Key: "k"}}, "InvalidParameterValueException"},
		"s3 unavailable":   {"x", layers.PublishInput{Content: &layers.Content{S3Bucket: "b", S3Key: "k"}}, "InvalidParameterValueException"},
	}
	for name, c := range cases {
		_, err := s.Publish(ctx, c.name, c.in)
		if e := apierror.As(err); err == nil || e.Type != c.typ {
			t.Errorf("%s: %v, want %s", name, err, c.typ)
		}
	}
	all, err := s.Latest(ctx, layers.Filter{})
	if err != nil || len(all) != 0 {
		t.Fatalf("refused publications stored %d versions (%v)", len(all), err)
	}
}

func TestListsFilterAndOrder(t *testing.T) {
	s := newService(t)
	ctx := storetest.Context(t)
	publish := func(name string, runtimes ...string) {
		t.Helper()
		if _, err := s.Publish(ctx, name, layers.PublishInput{Content: &layers.Content{ZipFile: testZip(t, "f", name)}, CompatibleRuntimes: runtimes}); err != nil {
			t.Fatal(err)
		}
	}
	publish("b", "python3.12")  // b:1
	publish("b", "nodejs20.x")  // b:2
	publish("a", "python3.12")  // a:1
	publish("ab", "python3.11") // ab:1: its key shares a's prefix

	versions, err := s.Versions(ctx, "a", layers.Filter{})
	if err != nil || len(versions) != 1 || versions[0].Name != "a" {
		t.Fatalf("versions of a: %+v %v", versions, err)
	}
	versions, _ = s.Versions(ctx, "b", layers.Filter{})
	if len(versions) != 2 || versions[0].Number != 2 || versions[1].Number != 1 {
		t.Fatalf("versions of b, newest first: %+v", versions)
	}
	latest, _ := s.Latest(ctx, layers.Filter{Runtime: "python3.12"})
	if len(latest) != 2 || latest[0].Name != "a" || latest[1].Name != "b" || latest[1].Number != 1 {
		t.Fatalf("latest matching python3.12: %+v", latest)
	}
	if _, err := s.Latest(ctx, layers.Filter{Runtime: "cobol"}); err == nil {
		t.Error("an unknown runtime filter was accepted")
	}
}

func TestPolicy(t *testing.T) {
	s := newService(t)
	ctx := storetest.Context(t)
	if _, err := s.Publish(ctx, "p", layers.PublishInput{Content: &layers.Content{ZipFile: testZip(t, "f", "x")}}); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.GetPolicy(ctx, "p", 1)
	wantType(t, err, "ResourceNotFoundException")

	statement, rev1, err := s.AddPermission(ctx, "p", 1, layers.PermissionInput{StatementId: "acct", Action: "lambda:GetLayerVersion", Principal: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal([]byte(statement), &st); err != nil {
		t.Fatal(err)
	}
	if st["Principal"].(map[string]any)["AWS"] != "arn:aws:iam::111122223333:root" || st["Resource"] != "arn:aws:lambda:us-east-1:000000000000:layer:p:1" || st["Effect"] != "Allow" {
		t.Errorf("statement = %s", statement)
	}
	_, _, err = s.AddPermission(ctx, "p", 1, layers.PermissionInput{StatementId: "acct", Action: "lambda:GetLayerVersion", Principal: "*"})
	wantType(t, err, "ResourceConflictException")
	_, _, err = s.AddPermission(ctx, "p", 1, layers.PermissionInput{StatementId: "org", Action: "lambda:GetLayerVersion", Principal: "*", OrganizationId: "o-abcdefghij", RevisionId: "stale"})
	wantType(t, err, "PreconditionFailedException")
	_, _, err = s.AddPermission(ctx, "p", 1, layers.PermissionInput{StatementId: "x", Action: "lambda:InvokeFunction", Principal: "*"})
	wantType(t, err, "ValidationException")
	_, rev2, err := s.AddPermission(ctx, "p", 1, layers.PermissionInput{StatementId: "org", Action: "lambda:GetLayerVersion", Principal: "*", OrganizationId: "o-abcdefghij", RevisionId: rev1})
	if err != nil || rev2 == rev1 {
		t.Fatalf("add with the current revision: %v (rev %s → %s)", err, rev1, rev2)
	}
	doc, rev, err := s.GetPolicy(ctx, "p", 1)
	if err != nil || rev != rev2 {
		t.Fatal(err, rev)
	}
	want := `{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"acct","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"lambda:GetLayerVersion","Resource":"arn:aws:lambda:us-east-1:000000000000:layer:p:1"},{"Sid":"org","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"arn:aws:lambda:us-east-1:000000000000:layer:p:1","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}]}`
	if doc != want {
		t.Errorf("policy =\n%s\nwant\n%s", doc, want)
	}
	wantType(t, s.RemovePermission(ctx, "p", 1, "nope", ""), "ResourceNotFoundException")
	if err := s.RemovePermission(ctx, "p", 1, "acct", ""); err != nil {
		t.Fatal(err)
	}
	if doc, _, _ := s.GetPolicy(ctx, "p", 1); strings.Contains(doc, "acct") {
		t.Errorf("removed statement still there: %s", doc)
	}
}

func TestResolve(t *testing.T) {
	s := newService(t)
	ctx := storetest.Context(t)
	var arns []string
	for _, name := range []string{"l1", "l2", "l3", "l4", "l5", "l6"} {
		v, err := s.Publish(ctx, name, layers.PublishInput{Content: &layers.Content{ZipFile: testZip(t, "f", name)}})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, s.VersionARN(v))
	}
	refs, err := s.Resolve(ctx, arns[:5])
	if err != nil || len(refs) != 5 || refs[0].ARN != arns[0] || refs[0].CodeSha256 == "" || refs[0].UnzippedSize != 2 {
		t.Fatalf("five layers: %+v %v", refs, err)
	}
	_, err = s.Resolve(ctx, arns)
	wantType(t, err, "InvalidParameterValueException")
	v2, _ := s.Publish(ctx, "l1", layers.PublishInput{Content: &layers.Content{ZipFile: testZip(t, "f", "again")}})
	_, err = s.Resolve(ctx, []string{arns[0], s.VersionARN(v2)})
	wantType(t, err, "InvalidParameterValueException")
	_, err = s.Resolve(ctx, []string{"arn:aws:lambda:us-east-1:000000000000:layer:l1:99"})
	wantType(t, err, "InvalidParameterValueException")
	_, err = s.Resolve(ctx, []string{"not-an-arn"})
	wantType(t, err, "ValidationException")
}
