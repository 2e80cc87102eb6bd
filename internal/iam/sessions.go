package iam

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"time"

	"gust/internal/api/sigv4"
	"gust/internal/apierror"
	"gust/internal/authz"
	"gust/internal/policy"
)

// Credentials are temporary credentials of a role session.
type Credentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	Expiration                                 time.Time
}

// session is what a session token carries.
type session struct {
	RoleARN string `json:"r"`
	RoleID  string `json:"i,omitempty"` // empty: the role did not exist (AnyRole)
	Name    string `json:"s"`           // RoleSessionName
	// Function is set on a function's execution-role credentials.
	Function string `json:"f,omitempty"`
	// Account marks a function session of a role that did not exist
	// under AnyRole: it acts with the account's permissions.
	Account bool `json:"a,omitempty"`
	// Policy is the session policy AssumeRole was given: the session may
	// do only what both it and the role's policies allow.
	Policy  string `json:"p,omitempty"`
	Expires int64  `json:"e"`
	Nonce   string `json:"n"`
}

func (s session) roleName() string { return s.RoleARN[strings.LastIndexByte(s.RoleARN, '/')+1:] }

func (s session) arn(account string) string {
	return "arn:aws:sts::" + account + ":assumed-role/" + s.roleName() + "/" + s.Name
}

// sessionKeys are the keys tokens are sealed and derived with.
type sessionKeys struct{ seal, id, secret []byte }

func newSessionKeys(secret string) sessionKeys {
	derive := func(purpose string) []byte {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte("gust-iam-session\x00" + purpose))
		return m.Sum(nil)
	}
	return sessionKeys{seal: derive("seal"), id: derive("id"), secret: derive("secret")}
}

func mac(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

const tokenPrefix = "IQoJb3JpZ2luX2Vj" // what AWS's tokens start with; clients do not care

// mint seals s into credentials.
func (k sessionKeys) mint(s session) Credentials {
	if s.Nonce == "" {
		b := make([]byte, 9)
		_, _ = rand.Read(b)
		s.Nonce = base64.RawURLEncoding.EncodeToString(b)
	}
	payload, _ := json.Marshal(s)
	body := base64.RawURLEncoding.EncodeToString(payload)
	token := tokenPrefix + body + "." + base64.RawURLEncoding.EncodeToString(mac(k.seal, body))
	return Credentials{
		AccessKeyID:     k.accessKeyID(token),
		SecretAccessKey: base64.StdEncoding.EncodeToString(mac(k.secret, token))[:40],
		SessionToken:    token,
		Expiration:      time.Unix(s.Expires, 0).UTC(),
	}
}

func (k sessionKeys) accessKeyID(token string) string {
	return "ASIA" + base32.StdEncoding.EncodeToString(mac(k.id, token))[:16]
}

// open checks a token's seal and that it belongs to accessKeyID.
func (k sessionKeys) open(accessKeyID, token string) (session, Credentials, bool) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok {
		return session{}, Credentials{}, false
	}
	body, sig, ok := strings.Cut(rest, ".")
	if !ok {
		return session{}, Credentials{}, false
	}
	want := base64.RawURLEncoding.EncodeToString(mac(k.seal, body))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return session{}, Credentials{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return session{}, Credentials{}, false
	}
	var s session
	if json.Unmarshal(payload, &s) != nil {
		return session{}, Credentials{}, false
	}
	c := Credentials{AccessKeyID: k.accessKeyID(token), SecretAccessKey: base64.StdEncoding.EncodeToString(mac(k.secret, token))[:40], SessionToken: token}
	if !hmac.Equal([]byte(c.AccessKeyID), []byte(accessKeyID)) {
		return session{}, Credentials{}, false
	}
	return s, c, true
}

// SessionSecret is sigv4's SessionLookup: the secret of a session's
// access key, once its token is proven genuine, current, and its role (and
// function) still exist.
func (s *Service) SessionSecret(accessKeyID, token string) (string, error) {
	sess, c, ok := s.sessions.open(accessKeyID, token)
	if !ok {
		return "", sigv4.ErrTokenInvalid
	}
	if s.o.Now().Unix() >= sess.Expires {
		return "", sigv4.ErrTokenExpired
	}
	if err := s.sessionAlive(context.Background(), sess); err != nil {
		return "", err
	}
	return c.SecretAccessKey, nil
}

// sessionAlive refuses a session whose role was deleted (or replaced) or
// whose function was deleted.
func (s *Service) sessionAlive(ctx context.Context, sess session) error {
	role, found, err := getEntity(ctx, s.tables.Roles, sess.roleName())
	if err != nil {
		return err
	}
	switch {
	case sess.RoleID == "" && !sess.Account:
		return sigv4.ErrTokenInvalid
	case sess.RoleID != "" && (!found || role.ID != sess.RoleID):
		return sigv4.ErrTokenInvalid
	}
	if sess.Function != "" && s.o.Functions != nil {
		ok, err := s.o.Functions(ctx, sess.Function)
		if err != nil {
			return err
		}
		if !ok {
			return sigv4.ErrTokenInvalid
		}
	}
	return nil
}

// Lifetimes of execution-role credentials: minted for 12 hours (AWS's
// longest), handed to new environments while at least 6 hours remain.
// Environments retire before theirs expire (package envs).
const (
	FunctionCredentialsLifetime = 12 * time.Hour
	functionCredentialsReuse    = 6 * time.Hour
)

var roleARNPattern = regexp.MustCompile(`^arn:aws[a-zA-Z-]*:iam::(\d{12}):role/?([a-zA-Z_0-9+=,.@\-_/]+)$`)

// FunctionCredentials are the temporary credentials of function's
// execution role, for its environments; principal
// arn:aws:sts::<account>:assumed-role/<role>/<function>.
func (s *Service) FunctionCredentials(ctx context.Context, function, roleARN string) (Credentials, error) {
	cacheKey := function + "\x00" + roleARN
	now := s.o.Now()
	s.mu.Lock()
	c, ok := s.fnCreds[cacheKey]
	s.mu.Unlock()
	if ok && c.Expiration.Sub(now) > functionCredentialsReuse {
		return c, nil
	}
	sess := session{RoleARN: roleARN, Name: function, Function: function, Expires: now.Add(FunctionCredentialsLifetime).Unix()}
	m := roleARNPattern.FindStringSubmatch(roleARN)
	if m != nil {
		role, found, err := getEntity(ctx, s.tables.Roles, m[2][strings.LastIndexByte(m[2], '/')+1:])
		if err != nil {
			return Credentials{}, err
		}
		if found {
			sess.RoleID = role.ID
		} else {
			sess.Account = s.o.AnyRole
		}
	}
	c = s.sessions.mint(sess)
	s.mu.Lock()
	s.fnCreds[cacheKey] = c
	s.mu.Unlock()
	return c, nil
}

// CheckExecutionRole is CreateFunction's check of Role: the role must
// exist and trust lambda.amazonaws.com, unless AnyRole.
func (s *Service) CheckExecutionRole(ctx context.Context, roleARN string) error {
	if s.o.AnyRole {
		return nil
	}
	m := roleARNPattern.FindStringSubmatch(roleARN)
	if m == nil || m[1] != s.o.AccountID {
		return errCannotAssume
	}
	role, found, err := getEntity(ctx, s.tables.Roles, m[2][strings.LastIndexByte(m[2], '/')+1:])
	if err != nil {
		return err
	}
	if !found || role.ARN != roleARN {
		return errCannotAssume
	}
	trust, err := s.trustPolicy(role)
	if err != nil {
		return err
	}
	if !trust.Trusts("Service", "lambda.amazonaws.com", s.o.AccountID, "sts:AssumeRole", nil) {
		return errCannotAssume
	}
	return nil
}

// ErrCannotAssume is CheckExecutionRole's refusal; Lambda answers it as
// InvalidParameterValueException with this message.
var errCannotAssume = &RoleError{Message: "The role defined for the function cannot be assumed by Lambda."}

// RoleError is a role Lambda cannot assume.
type RoleError struct{ Message string }

func (e *RoleError) Error() string { return e.Message }

// AssumeRoleInput is STS AssumeRole's request.
type AssumeRoleInput struct {
	RoleARN, RoleSessionName string
	DurationSeconds          int // 0: an hour
	// Policy is an optional session policy (an identity policy document
	// of at most 2,048 characters) that narrows the session.
	Policy string
}

// AssumedRole is AssumeRole's result.
type AssumedRole struct {
	Credentials   Credentials
	AssumedRoleID string
	ARN           string
}

var sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]*$`)

// AssumeRole gives caller temporary credentials for a role that trusts it
// and that its own policies let it assume.
func (s *Service) AssumeRole(ctx context.Context, caller sigv4.Principal, in AssumeRoleInput) (AssumedRole, error) {
	switch {
	case in.RoleARN == "":
		return AssumedRole{}, validation(nil, "roleArn", "Member must not be null")
	case len(in.RoleARN) < 20:
		return AssumedRole{}, validation(in.RoleARN, "roleArn", "Member must have length greater than or equal to 20")
	case len(in.RoleARN) > 2048:
		return AssumedRole{}, validation(in.RoleARN, "roleArn", "Member must have length less than or equal to 2048")
	case in.RoleSessionName == "":
		return AssumedRole{}, validation(nil, "roleSessionName", "Member must not be null")
	case len(in.RoleSessionName) < 2 || len(in.RoleSessionName) > 64:
		return AssumedRole{}, validation(in.RoleSessionName, "roleSessionName", "Member must have length between 2 and 64")
	case !sessionNamePattern.MatchString(in.RoleSessionName):
		return AssumedRole{}, validation(in.RoleSessionName, "roleSessionName", `Member must satisfy regular expression pattern: [\w+=,.@-]*`)
	}
	if in.Policy != "" {
		if len(in.Policy) > 2048 {
			return AssumedRole{}, apierror.New("PackedPolicyTooLarge", "Packed size of the session policy exceeds 2048 characters.").WithStatus(http.StatusBadRequest)
		}
		if _, err := parseDocument(in.Policy, policy.Identity, 0, "policy"); err != nil {
			return AssumedRole{}, err
		}
	}
	duration := in.DurationSeconds
	if duration == 0 {
		duration = 3600
	}
	if duration < 900 || duration > 43200 {
		return AssumedRole{}, validation(duration, "durationSeconds", "Member must have value between 900 and 43200")
	}
	m := roleARNPattern.FindStringSubmatch(in.RoleARN)
	if m == nil {
		return AssumedRole{}, validation(in.RoleARN, "roleArn", "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+")
	}
	id, err := s.identify(ctx, caller)
	if err != nil {
		return AssumedRole{}, err
	}
	denied := func() error {
		return &authz.Denied{Principal: id.arn, Action: "sts:AssumeRole", Resource: in.RoleARN}
	}
	if err := s.authorizeIdentity(id, "sts:AssumeRole", []string{in.RoleARN}, nil); err != nil {
		return AssumedRole{}, err
	}
	role, found, err := getEntity(ctx, s.tables.Roles, m[2][strings.LastIndexByte(m[2], '/')+1:])
	if err != nil {
		return AssumedRole{}, err
	}
	if !found || role.ARN != in.RoleARN || m[1] != s.o.AccountID {
		return AssumedRole{}, denied()
	}
	trust, err := s.trustPolicy(role)
	if err != nil {
		return AssumedRole{}, err
	}
	if !trust.Trusts("AWS", id.arn, s.o.AccountID, "sts:AssumeRole", nil) {
		return AssumedRole{}, denied()
	}
	if id.session && duration > 3600 {
		return AssumedRole{}, validation(duration, "durationSeconds", "Member must have value less than or equal to 3600")
	}
	if duration > role.MaxSessionDuration {
		return AssumedRole{}, apierror.New("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.").WithStatus(http.StatusBadRequest)
	}
	sess := session{RoleARN: role.ARN, RoleID: role.ID, Name: in.RoleSessionName, Policy: in.Policy, Expires: s.o.Now().Add(time.Duration(duration) * time.Second).Unix()}
	return AssumedRole{Credentials: s.sessions.mint(sess), AssumedRoleID: role.ID + ":" + in.RoleSessionName, ARN: sess.arn(s.o.AccountID)}, nil
}

// CallerIdentity is GetCallerIdentity's answer.
type CallerIdentity struct{ UserID, Account, ARN string }

// GetCallerIdentity says who signed.
func (s *Service) GetCallerIdentity(ctx context.Context, caller sigv4.Principal) (CallerIdentity, error) {
	id, err := s.identify(ctx, caller)
	if err != nil {
		return CallerIdentity{}, err
	}
	return CallerIdentity{UserID: id.userID, Account: s.o.AccountID, ARN: id.arn}, nil
}

// SealSession mints credentials for a session of a role with an explicit
// expiry, sealed with secret (the server's secret access key), exactly as
// AssumeRole does. Tools holding the server's secret use it; the end-to-end
// tests present expired tokens with it, which cannot be had otherwise
// without waiting out the shortest session.
func SealSession(secret, roleARN, roleID, sessionName string, expires time.Time) Credentials {
	return newSessionKeys(secret).mint(session{RoleARN: roleARN, RoleID: roleID, Name: sessionName, Expires: expires.Unix()})
}
