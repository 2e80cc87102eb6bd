package control_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"gust/internal/apierror"
	"gust/internal/control"
	"gust/internal/store"
	"gust/internal/store/storetest"
)

const role = "arn:aws:iam::000000000000:role/test"

// service is a control.Service on a real JetStream; functions is the raw
// table behind it, for tests that race it.
func service(t *testing.T, wrap ...func(control.Records) control.Records) (*control.Service, *store.Table) {
	t.Helper()
	st := storetest.Open(t)
	tbl := func(name string) *store.Table { return storetest.Table(t, st, name) }
	functions := tbl("functions")
	var records control.Records = functions
	for _, w := range wrap {
		records = w(records)
	}
	return control.New(control.Options{
		Functions: records, Versions: tbl("versions"), Aliases: tbl("aliases"), EventConfigs: tbl("eventconfigs"),
		Provisioned: tbl("provisioned"), Settings: tbl("settings"), Code: st,
		Region: "us-east-1", AccountID: "000000000000",
	}), functions
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, body := range files {
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = f.Write([]byte(body))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func create(t *testing.T, s *control.Service, name string) control.Function {
	t.Helper()
	f, err := s.Create(storetest.Context(t), control.CreateFunctionInput{
		FunctionName: name, Runtime: "provided.al2023", Role: role, Handler: "bootstrap",
		Code: &control.FunctionCode{ZipFile: zipOf(t, map[string]string{"bootstrap": "#!/bin/sh\n"})},
	})
	if err != nil {
		t.Fatalf("creating %s: %v", name, err)
	}
	return f
}

func ptr[T any](v T) *T { return &v }

// racing is a Records whose first Update loses a race: another writer
// changes the record between the service's read and its write.
type racing struct {
	control.Records
	table  *store.Table
	rival  func(ctx context.Context, tbl *store.Table) error
	raced  atomic.Bool
	writes atomic.Int32
}

func (r *racing) Update(ctx context.Context, key string, value []byte, rev uint64) (uint64, error) {
	r.writes.Add(1)
	if r.raced.CompareAndSwap(false, true) {
		if err := r.rival(ctx, r.table); err != nil {
			return 0, err
		}
	}
	return r.Records.Update(ctx, key, value, rev)
}

// A write that loses the compare-and-swap reloads the record and applies
// its change again: neither writer's change is lost.
func TestCompareAndSwapRetryKeepsBothChanges(t *testing.T) {
	var r *racing
	s, functions := service(t, func(rec control.Records) control.Records {
		r = &racing{Records: rec}
		return r
	})
	r.table = functions
	create(t, s, "fn")
	ctx := storetest.Context(t)
	// The rival tags the function through a second service on the same
	// tables, as another node would.
	r.rival = func(ctx context.Context, _ *store.Table) error {
		other := control.New(control.Options{Functions: functions, Region: "us-east-1", AccountID: "000000000000"})
		return other.Tag(ctx, "arn:aws:lambda:us-east-1:000000000000:function:fn", map[string]string{"rival": "1"})
	}
	if err := s.Tag(ctx, "arn:aws:lambda:us-east-1:000000000000:function:fn", map[string]string{"mine": "1"}); err != nil {
		t.Fatal(err)
	}
	if n := r.writes.Load(); n != 2 {
		t.Errorf("%d writes, want 2 (one lost race, one retry)", n)
	}
	tags, err := s.Tags(ctx, "arn:aws:lambda:us-east-1:000000000000:function:fn")
	if err != nil {
		t.Fatal(err)
	}
	if tags["mine"] != "1" || tags["rival"] != "1" {
		t.Errorf("tags %v: a change was lost", tags)
	}
}

// A RevisionId that no longer matches is refused, not retried.
func TestStaleRevisionIdIsRefused(t *testing.T) {
	s, _ := service(t)
	create(t, s, "fn")
	ctx := storetest.Context(t)
	// As AWS's clients wait for Active: the read settles the new function
	// under a new RevisionId.
	f, err := s.Get(ctx, "fn", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateConfig(ctx, control.UpdateFunctionConfigurationInput{FunctionName: "fn", ConfigPatch: control.ConfigPatch{Description: ptr("one")}, RevisionId: f.RevisionID}); err != nil {
		t.Fatal(err)
	}
	_, err = s.UpdateConfig(ctx, control.UpdateFunctionConfigurationInput{FunctionName: "fn", ConfigPatch: control.ConfigPatch{Description: ptr("two")}, RevisionId: f.RevisionID})
	if e := apierror.As(err); e.Type != "PreconditionFailedException" {
		t.Errorf("stale RevisionId: %v, want PreconditionFailedException", err)
	}
}

// Publishing an unchanged $LATEST returns the last version instead of a new
// one; any change to code or configuration makes a new version.
func TestPublishUnchangedReturnsTheLastVersion(t *testing.T) {
	s, _ := service(t)
	create(t, s, "fn")
	ctx := storetest.Context(t)
	v1, err := s.Publish(ctx, control.PublishVersionInput{FunctionName: "fn"})
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Publish(ctx, control.PublishVersionInput{FunctionName: "fn"})
	if err != nil {
		t.Fatal(err)
	}
	if v1.Version != "1" || again.Version != "1" || again.RevisionID != v1.RevisionID {
		t.Errorf("published %s then %s (revision %s, %s); want 1 twice, the same record", v1.Version, again.Version, v1.RevisionID, again.RevisionID)
	}
	if _, err := s.UpdateConfig(ctx, control.UpdateFunctionConfigurationInput{FunctionName: "fn", ConfigPatch: control.ConfigPatch{MemorySize: ptr(256)}}); err != nil {
		t.Fatal(err)
	}
	v2, err := s.Publish(ctx, control.PublishVersionInput{FunctionName: "fn"})
	if err != nil {
		t.Fatal(err)
	}
	if v2.Version != "2" || v2.MemorySize != 256 {
		t.Errorf("after a change: version %s with %d MB, want 2 with 256", v2.Version, v2.MemorySize)
	}
	// A tag is not configuration: no new version.
	if err := s.Tag(ctx, s.FunctionARN("fn"), map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Publish(ctx, control.PublishVersionInput{FunctionName: "fn"}); v.Version != "2" {
		t.Errorf("after tagging: version %s, want 2", v.Version)
	}
}

func TestQualifiers(t *testing.T) {
	s, _ := service(t)
	create(t, s, "fn")
	ctx := storetest.Context(t)
	if _, err := s.Publish(ctx, control.PublishVersionInput{FunctionName: "fn"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateConfig(ctx, control.UpdateFunctionConfigurationInput{FunctionName: "fn", ConfigPatch: control.ConfigPatch{Description: ptr("latest")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateAlias(ctx, control.AliasInput{FunctionName: "fn", Name: "live", FunctionVersion: ptr("1")}); err != nil {
		t.Fatal(err)
	}
	arn := s.FunctionARN("fn")
	for _, tc := range []struct {
		ref, qualifier string
		version        string // "" = an error of type errType
		errType        string
	}{
		{"fn", "", "$LATEST", ""},
		{"fn", "$LATEST", "$LATEST", ""},
		{"fn", "1", "1", ""},
		{"fn", "live", "1", ""},
		{arn + ":live", "", "1", ""},
		{arn + ":live", "live", "1", ""},
		{arn + ":1", "", "1", ""},
		{"fn:1", "", "1", ""},
		{arn + ":live", "1", "", "InvalidParameterValueException"},
		{"fn", "2", "", "ResourceNotFoundException"},
		{"fn", "dead", "", "ResourceNotFoundException"},
		{"fn", "a b", "", "ValidationException"},
		{"missing", "", "", "ResourceNotFoundException"},
		{"arn:aws:lambda:eu-west-1:000000000000:function:fn", "", "", "ResourceNotFoundException"},
	} {
		f, err := s.Get(ctx, tc.ref, tc.qualifier)
		switch {
		case tc.version != "" && err != nil:
			t.Errorf("Get(%s, %q): %v", tc.ref, tc.qualifier, err)
		case tc.version != "" && f.Version != tc.version:
			t.Errorf("Get(%s, %q) = version %s, want %s", tc.ref, tc.qualifier, f.Version, tc.version)
		case tc.version == "" && apierror.As(err).Type != tc.errType:
			t.Errorf("Get(%s, %q): %v, want %s", tc.ref, tc.qualifier, err, tc.errType)
		}
		target, err := s.ResolveInvoke(ctx, tc.ref, tc.qualifier)
		if tc.version != "" && (err != nil || target.Function.Version != tc.version) {
			t.Errorf("ResolveInvoke(%s, %q) = %s, %v; want version %s", tc.ref, tc.qualifier, target.Function.Version, err, tc.version)
		}
		if tc.version == "" && err == nil {
			t.Errorf("ResolveInvoke(%s, %q) succeeded", tc.ref, tc.qualifier)
		}
	}
	if f, _ := s.Get(ctx, "fn", "live"); f.Description == "latest" {
		t.Error("the alias resolved to $LATEST's configuration")
	}
}

func TestValidation(t *testing.T) {
	s, _ := service(t)
	ctx := storetest.Context(t)
	good := func() control.CreateFunctionInput {
		return control.CreateFunctionInput{FunctionName: "ok", Runtime: "provided.al2023", Role: role, Handler: "bootstrap",
			Code: &control.FunctionCode{ZipFile: zipOf(t, map[string]string{"bootstrap": "x"})}}
	}
	for _, tc := range []struct {
		name    string
		mutate  func(*control.CreateFunctionInput)
		errType string
		message string // a part of it
	}{
		{"bad name", func(in *control.CreateFunctionInput) { in.FunctionName = "a b" }, "ValidationException", "Member must satisfy regular expression pattern"},
		{"long name", func(in *control.CreateFunctionInput) { in.FunctionName = strings.Repeat("a", 65) }, "InvalidParameterValueException", "length less than or equal to 64"},
		{"no role", func(in *control.CreateFunctionInput) { in.Role = "" }, "ValidationException", "Member must not be null"},
		{"unknown runtime", func(in *control.CreateFunctionInput) { in.Runtime = "cobol1" }, "InvalidParameterValueException", "Member must satisfy enum value set"},
		{"tiny memory", func(in *control.CreateFunctionInput) { in.MemorySize = ptr(64) }, "", "memorySize"},
		{"long timeout", func(in *control.CreateFunctionInput) { in.Timeout = ptr(901) }, "", "900"},
		{"not a zip", func(in *control.CreateFunctionInput) { in.Code.ZipFile = []byte("not a zip") }, "InvalidParameterValueException", "Could not unzip"},
		{"image", func(in *control.CreateFunctionInput) { in.PackageType = "Image" }, "InvalidParameterValueException", "Container images"},
		{"no code", func(in *control.CreateFunctionInput) { in.Code = nil }, "ValidationException", "Member must not be null"},
	} {
		in := good()
		tc.mutate(&in)
		_, err := s.Create(ctx, in)
		e := apierror.As(err)
		if err == nil || (tc.errType != "" && e.Type != tc.errType) || !strings.Contains(e.Message, tc.message) {
			t.Errorf("%s: %v, want %s mentioning %q", tc.name, err, tc.errType, tc.message)
		}
		if errors.Is(err, apierror.ServiceException) {
			t.Errorf("%s: a server error for bad input: %v", tc.name, err)
		}
	}
	// Nothing refused was stored.
	if fns, _, err := s.List(ctx, "", 50); err != nil || len(fns) != 0 {
		t.Errorf("after refused creates: %d functions, %v", len(fns), err)
	}
	create(t, s, "ok")
	in := good()
	if _, err := s.Create(ctx, in); apierror.As(err).Type != "ResourceConflictException" {
		t.Errorf("second create: %v, want ResourceConflictException", err)
	}
}
