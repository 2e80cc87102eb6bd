package iam

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gust/internal/api/sigv4"
	"gust/internal/authz"
	"gust/internal/gusttest"
	"gust/internal/store"
)

const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

type fixture struct {
	s       *Service
	now     atomic.Int64 // unix seconds
	deleted atomic.Bool  // the function "fn" is deleted
}

func newFixture(t testing.TB, anyRole bool) *fixture {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	st, err := store.Open(ctx, store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	tables, err := OpenTables(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{}
	f.now.Store(time.Now().Unix())
	f.s, err = New(ctx, Options{Tables: tables, AccountID: "000000000000", Region: "us-east-1", RootAccessKeyID: "AKROOT", Secret: "server-secret",
		AnyRole: anyRole, Now: func() time.Time { return time.Unix(f.now.Load(), 0) },
		Functions: func(_ context.Context, name string) (bool, error) { return !(name == "fn" && f.deleted.Load()), nil }})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) principal(t *testing.T, c Credentials) sigv4.Principal {
	t.Helper()
	secret, err := f.s.SessionSecret(c.AccessKeyID, c.SessionToken)
	if err != nil || secret != c.SecretAccessKey {
		t.Fatalf("SessionSecret: %q %v", secret, err)
	}
	return sigv4.Principal{AccessKeyID: c.AccessKeyID, SessionToken: c.SessionToken}
}

func TestFunctionSessions(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	role, err := f.s.CreateRole(ctx, CreateRoleInput{Name: "r", AssumeRolePolicyDocument: trust})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.PutRolePolicy(ctx, "r", "invoke", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:*:*:function:target"}}`); err != nil {
		t.Fatal(err)
	}
	c, err := f.s.FunctionCredentials(ctx, "fn", role.ARN)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.AccessKeyID, "ASIA") || c.Expiration.Sub(time.Unix(f.now.Load(), 0)) != FunctionCredentialsLifetime {
		t.Fatalf("credentials %+v", c)
	}
	again, _ := f.s.FunctionCredentials(ctx, "fn", role.ARN)
	if again != c {
		t.Error("credentials re-minted while fresh")
	}
	p := f.principal(t, c)
	target := authz.Request{Action: "lambda:InvokeFunction", Resources: []string{"arn:aws:lambda:us-east-1:000000000000:function:target"}}
	if err := f.s.Authorize(ctx, p, target); err != nil {
		t.Errorf("allowed call refused: %v", err)
	}
	var d *authz.Denied
	err = f.s.Authorize(ctx, p, authz.Request{Action: "lambda:DeleteFunction", Resources: []string{"arn:aws:lambda:us-east-1:000000000000:function:target"}})
	if !errors.As(err, &d) || d.Principal != "arn:aws:sts::000000000000:assumed-role/r/fn" || d.Explicit ||
		err.Error() != "User: arn:aws:sts::000000000000:assumed-role/r/fn is not authorized to perform: lambda:DeleteFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:target because no identity-based policy allows the lambda:DeleteFunction action" {
		t.Errorf("delete: %v", err)
	}

	// A new explicit deny applies at once (the cache follows the table).
	if err := f.s.PutRolePolicy(ctx, "r", "deny", `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"lambda:*","Resource":"*"}}`); err != nil {
		t.Fatal(err)
	}
	gusttest.WaitFor(t, 5*time.Second, "the deny", func() bool { return errors.As(f.s.Authorize(ctx, p, target), &d) && d.Explicit })
	if !strings.HasSuffix(d.Error(), "with an explicit deny in an identity-based policy") {
		t.Errorf("explicit deny message: %v", d)
	}

	// Tampered tokens, keys of other tokens, expiry, a deleted function and a
	// deleted role are refused.
	tampered := c.SessionToken[:len(c.SessionToken)-2] + "AA"
	if _, err := f.s.SessionSecret(c.AccessKeyID, tampered); !errors.Is(err, sigv4.ErrTokenInvalid) {
		t.Errorf("tampered token: %v", err)
	}
	other := SealSession("server-secret", role.ARN, role.ID, "x", time.Unix(f.now.Load(), 0).Add(time.Hour))
	if _, err := f.s.SessionSecret(c.AccessKeyID, other.SessionToken); !errors.Is(err, sigv4.ErrTokenInvalid) {
		t.Errorf("another session's token with this key: %v", err)
	}
	f.now.Add(int64(FunctionCredentialsLifetime / time.Second))
	if _, err := f.s.SessionSecret(c.AccessKeyID, c.SessionToken); !errors.Is(err, sigv4.ErrTokenExpired) {
		t.Errorf("expired: %v", err)
	}
	fresh, _ := f.s.FunctionCredentials(ctx, "fn", role.ARN)
	if fresh == c {
		t.Fatal("expired credentials handed out again")
	}
	f.principal(t, fresh)
	f.deleted.Store(true)
	if _, err := f.s.SessionSecret(fresh.AccessKeyID, fresh.SessionToken); !errors.Is(err, sigv4.ErrTokenInvalid) {
		t.Errorf("deleted function: %v", err)
	}
	f.deleted.Store(false)
	_ = f.s.DeleteRolePolicy(ctx, "r", "deny")
	_ = f.s.DeleteRolePolicy(ctx, "r", "invoke")
	if err := f.s.DeleteRole(ctx, "r"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SessionSecret(fresh.AccessKeyID, fresh.SessionToken); !errors.Is(err, sigv4.ErrTokenInvalid) {
		t.Errorf("deleted role: %v", err)
	}
	// A new role of the same name does not revive the old sessions.
	if _, err := f.s.CreateRole(ctx, CreateRoleInput{Name: "r", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SessionSecret(fresh.AccessKeyID, fresh.SessionToken); !errors.Is(err, sigv4.ErrTokenInvalid) {
		t.Errorf("recreated role: %v", err)
	}
}

func TestExecutionRoleChecks(t *testing.T) {
	ctx := context.Background()
	strict := newFixture(t, false)
	if _, err := strict.s.CreateRole(ctx, CreateRoleInput{Name: "events", AssumeRolePolicyDocument: strings.ReplaceAll(trust, "lambda", "events")}); err != nil {
		t.Fatal(err)
	}
	if _, err := strict.s.CreateRole(ctx, CreateRoleInput{Name: "ok", Path: "/app/", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	for arn, want := range map[string]bool{
		"arn:aws:iam::000000000000:role/missing": false,
		"arn:aws:iam::000000000000:role/events":  false,
		"arn:aws:iam::111111111111:role/app/ok":  false,
		"arn:aws:iam::000000000000:role/ok":      false, // the path is part of the ARN
		"arn:aws:iam::000000000000:role/app/ok":  true,
	} {
		err := strict.s.CheckExecutionRole(ctx, arn)
		var re *RoleError
		if got := err == nil; got != want || (!want && !errors.As(err, &re)) {
			t.Errorf("CheckExecutionRole(%s) = %v", arn, err)
		}
	}

	// --any-role: any ARN; a function of a missing role acts as the
	// account, one of an existing role as the role.
	loose := newFixture(t, true)
	if err := loose.s.CheckExecutionRole(ctx, "arn:aws:iam::000000000000:role/missing"); err != nil {
		t.Errorf("any-role refused: %v", err)
	}
	c, err := loose.s.FunctionCredentials(ctx, "fn", "arn:aws:iam::000000000000:role/missing")
	if err != nil {
		t.Fatal(err)
	}
	if err := loose.s.Authorize(ctx, loose.principal(t, c), authz.Request{Action: "lambda:DeleteFunction"}); err != nil {
		t.Errorf("any-role function of a missing role: %v", err)
	}
	if _, err := loose.s.CreateRole(ctx, CreateRoleInput{Name: "real", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	c, _ = loose.s.FunctionCredentials(ctx, "fn2", "arn:aws:iam::000000000000:role/real")
	if err := loose.s.Authorize(ctx, loose.principal(t, c), authz.Request{Action: "lambda:DeleteFunction"}); err == nil {
		t.Error("any-role function of an existing role without policies allowed")
	}
}

func TestUsersKeysAndManagedPolicies(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	if _, err := f.s.CreateUser(ctx, "ana", "", nil); err != nil {
		t.Fatal(err)
	}
	k, err := f.s.CreateAccessKey(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if secret, ok := f.s.Lookup(k.AccessKeyID); !ok || secret != k.SecretAccessKey {
		t.Fatal("the new key is not recognised")
	}
	p := sigv4.Principal{AccessKeyID: k.AccessKeyID}
	read := authz.Request{Action: "lambda:GetFunction", Resources: []string{"arn:aws:lambda:us-east-1:000000000000:function:x"}}
	if err := f.s.Authorize(ctx, p, read); err == nil {
		t.Error("a user without policies allowed")
	}
	if err := f.s.AttachUserPolicy(ctx, "ana", "arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess"); err != nil {
		t.Fatal(err)
	}
	gusttest.WaitFor(t, 5*time.Second, "the attached policy", func() bool { return f.s.Authorize(ctx, p, read) == nil })
	if err := f.s.Authorize(ctx, p, authz.Request{Action: "lambda:DeleteFunction"}); err == nil {
		t.Error("read-only user may delete")
	}
	id, _ := f.s.GetCallerIdentity(ctx, p)
	if id.ARN != "arn:aws:iam::000000000000:user/ana" || !strings.HasPrefix(id.UserID, "AIDA") {
		t.Errorf("caller identity %+v", id)
	}
	for i := 0; i < 2; i++ {
		_, err = f.s.CreateAccessKey(ctx, "ana")
	}
	if err == nil || !strings.Contains(err.Error(), "AccessKeysPerUser: 2") {
		t.Errorf("third key: %v", err)
	}
	if err := f.s.DeleteAccessKey(ctx, "ana", k.AccessKeyID); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.s.Lookup(k.AccessKeyID); ok {
		t.Error("deleted key still recognised")
	}
	// Every embedded AWS policy parses and is listed with its path.
	list, err := f.s.ListPolicies(ctx, ListPoliciesInput{Scope: "AWS", PathPrefix: "/service-role/"})
	if err != nil || len(list) != 4 {
		t.Errorf("service-role policies: %d %v", len(list), err)
	}
	if _, err := f.s.GetPolicy(ctx, "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"); err != nil {
		t.Error(err)
	}
}

func TestCountChars(t *testing.T) {
	for doc, want := range map[string]int{
		`{"a": "b c"}`:      11,
		"{\n  \"a\" : 1\n}": 7,
		`{"a":"\" x"}`:      12,
	} {
		if got := countChars(doc); got != want {
			t.Errorf("countChars(%q) = %d, want %d", doc, got, want)
		}
	}
}

// BenchmarkAuthorizeWarmInvoke is what a warm invoke by a user with a
// 20-statement policy costs beyond the root's: the key lookup (sigv4) and
// Authorize, both served from the caches.
func BenchmarkAuthorizeWarmInvoke(b *testing.B) {
	f := newFixture(b, false)
	ctx := context.Background()
	if _, err := f.s.CreateUser(ctx, "bench", "", nil); err != nil {
		b.Fatal(err)
	}
	var st []string
	for i := 0; i < 19; i++ {
		st = append(st, `{"Effect":"Allow","Action":["sqs:SendMessage","logs:Get*"],"Resource":"arn:aws:sqs:*:*:queue-`+strconv.Itoa(i)+`"}`)
	}
	st = append(st, `{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:*:*:function:warm"}`)
	pol, err := f.s.CreatePolicy(ctx, CreatePolicyInput{Name: "twenty", Document: `{"Version":"2012-10-17","Statement":[` + strings.Join(st, ",") + `]}`})
	if err != nil {
		b.Fatal(err)
	}
	if err := f.s.AttachUserPolicy(ctx, "bench", pol.ARN); err != nil {
		b.Fatal(err)
	}
	k, err := f.s.CreateAccessKey(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	p := sigv4.Principal{AccessKeyID: k.AccessKeyID}
	req := authz.Request{Action: "lambda:InvokeFunction", Resources: []string{"arn:aws:lambda:us-east-1:000000000000:function:warm"},
		Context: map[string][]string{"aws:SourceIp": {"127.0.0.1"}}}
	time.Sleep(100 * time.Millisecond) // let the watch deliver the writes above, so the caches stay warm
	b.ResetTimer()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, ok := f.s.Lookup(k.AccessKeyID); !ok {
			b.Fatal("key unknown")
		}
		if err := f.s.Authorize(ctx, p, req); err != nil {
			b.Fatal(err)
		}
	}
}

// A session policy narrows an assumed role: both must allow.
func TestAssumeRoleSessionPolicy(t *testing.T) {
	f := newFixture(t, false)
	ctx := context.Background()
	role, err := f.s.CreateRole(ctx, CreateRoleInput{Name: "ops",
		AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.PutRolePolicy(ctx, "ops", "all", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"lambda:*","Resource":"*"}}`); err != nil {
		t.Fatal(err)
	}
	root := sigv4.Principal{AccessKeyID: "AKROOT"}
	if _, err := f.s.AssumeRole(ctx, root, AssumeRoleInput{RoleARN: role.ARN, RoleSessionName: "ana", Policy: `{"Statement":`}); err == nil ||
		!strings.Contains(err.Error(), "MalformedPolicyDocument") {
		t.Errorf("malformed session policy: %v", err)
	}
	r, err := f.s.AssumeRole(ctx, root, AssumeRoleInput{RoleARN: role.ARN, RoleSessionName: "ana",
		Policy: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["lambda:Get*","s3:*"],"Resource":"*"}}`})
	if err != nil {
		t.Fatal(err)
	}
	p := f.principal(t, r.Credentials)
	if err := f.s.Authorize(ctx, p, authz.Request{Action: "lambda:GetFunction"}); err != nil {
		t.Errorf("allowed by both: %v", err)
	}
	err = f.s.Authorize(ctx, p, authz.Request{Action: "lambda:DeleteFunction"})
	if err == nil || !strings.HasSuffix(err.Error(), "because no session policy allows the lambda:DeleteFunction action") {
		t.Errorf("allowed by the role only: %v", err)
	}
	if err := f.s.Authorize(ctx, p, authz.Request{Action: "s3:GetObject"}); err == nil {
		t.Error("allowed by the session policy only")
	}
}
