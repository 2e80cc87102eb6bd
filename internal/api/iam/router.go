package iam

import (
	"cmp"
	"context"
	"net/url"
	"strings"

	"gust/internal/api/awsquery"
	"gust/internal/apierror"
	"gust/internal/authz"
	"gust/internal/iam"
)

// Options wire the API.
type Options struct {
	IAM        *iam.Service
	Authorizer authz.Authorizer
}

// API is IAM's wire front.
type API struct {
	iam     *iam.Service
	auth    authz.Authorizer
	account string
}

// New returns the API.
func New(o Options) *API {
	return &API{iam: o.IAM, auth: o.Authorizer, account: o.IAM.AccountID()}
}

// operation is one IAM action: its resource (for authorization) and
// handler.
type operation struct {
	resource func(a *API, ctx context.Context, p awsquery.Params) string
	handle   func(a *API, ctx context.Context, p awsquery.Params) (any, error)
}

func roleResource(a *API, _ context.Context, p awsquery.Params) string {
	return "arn:aws:iam::" + a.account + ":role/" + p.Get("RoleName")
}

func userResource(a *API, ctx context.Context, p awsquery.Params) string {
	name := p.Get("UserName")
	if name == "" { // GetUser of the caller
		if c, ok := authz.CallerFrom(ctx); ok {
			if id, err := a.iam.GetCallerIdentity(ctx, c); err == nil {
				return id.ARN
			}
		}
	}
	return "arn:aws:iam::" + a.account + ":user/" + name
}

func policyResource(_ *API, _ context.Context, p awsquery.Params) string { return p.Get("PolicyArn") }

func newPolicyResource(a *API, _ context.Context, p awsquery.Params) string {
	return "arn:aws:iam::" + a.account + ":policy" + cmp.Or(p.Get("Path"), "/") + p.Get("PolicyName")
}

func anyResource(*API, context.Context, awsquery.Params) string { return "*" }

// operations lists every operation Gust serves.
var operations = map[string]operation{
	"CreateRole":               {roleResource, (*API).createRole},
	"GetRole":                  {roleResource, (*API).getRole},
	"DeleteRole":               {roleResource, (*API).deleteRole},
	"ListRoles":                {anyResource, (*API).listRoles},
	"UpdateAssumeRolePolicy":   {roleResource, (*API).updateAssumeRolePolicy},
	"TagRole":                  {roleResource, (*API).tagRole},
	"UntagRole":                {roleResource, (*API).untagRole},
	"ListRoleTags":             {roleResource, (*API).listRoleTags},
	"PutRolePolicy":            {roleResource, (*API).putRolePolicy},
	"GetRolePolicy":            {roleResource, (*API).getRolePolicy},
	"DeleteRolePolicy":         {roleResource, (*API).deleteRolePolicy},
	"ListRolePolicies":         {roleResource, (*API).listRolePolicies},
	"AttachRolePolicy":         {roleResource, (*API).attachRolePolicy},
	"DetachRolePolicy":         {roleResource, (*API).detachRolePolicy},
	"ListAttachedRolePolicies": {roleResource, (*API).listAttachedRolePolicies},
	"CreatePolicy":             {newPolicyResource, (*API).createPolicy},
	"GetPolicy":                {policyResource, (*API).getPolicy},
	"GetPolicyVersion":         {policyResource, (*API).getPolicyVersion},
	"DeletePolicy":             {policyResource, (*API).deletePolicy},
	"ListPolicies":             {anyResource, (*API).listPolicies},
	"CreateUser":               {userResource, (*API).createUser},
	"GetUser":                  {userResource, (*API).getUser},
	"DeleteUser":               {userResource, (*API).deleteUser},
	"ListUsers":                {anyResource, (*API).listUsers},
	"TagUser":                  {userResource, (*API).tagUser},
	"UntagUser":                {userResource, (*API).untagUser},
	"ListUserTags":             {userResource, (*API).listUserTags},
	"CreateAccessKey":          {userResource, (*API).createAccessKey},
	"ListAccessKeys":           {userResource, (*API).listAccessKeys},
	"DeleteAccessKey":          {userResource, (*API).deleteAccessKey},
	"PutUserPolicy":            {userResource, (*API).putUserPolicy},
	"GetUserPolicy":            {userResource, (*API).getUserPolicy},
	"DeleteUserPolicy":         {userResource, (*API).deleteUserPolicy},
	"ListUserPolicies":         {userResource, (*API).listUserPolicies},
	"AttachUserPolicy":         {userResource, (*API).attachUserPolicy},
	"DetachUserPolicy":         {userResource, (*API).detachUserPolicy},
	"ListAttachedUserPolicies": {userResource, (*API).listAttachedUserPolicies},
}

// Service is IAM for the query router.
func (a *API) Service() awsquery.Service {
	ops := map[string]awsquery.Handler{}
	for name, op := range operations {
		ops[name] = func(ctx context.Context, p awsquery.Params) (any, error) {
			if err := authorize(ctx, a.auth, "iam:"+name, op.resource(a, ctx, p)); err != nil {
				return nil, err
			}
			return op.handle(a, ctx, p)
		}
	}
	return awsquery.Service{SigningName: "iam", XMLNS: "https://iam.amazonaws.com/doc/2010-05-08/", Operations: ops}
}

// authorize asks auth about the verified caller, with aws:SourceIp.
func authorize(ctx context.Context, auth authz.Authorizer, action, resource string) error {
	caller, ok := authz.CallerFrom(ctx)
	if !ok {
		return apierror.New("MissingAuthenticationToken", "Missing Authentication Token").WithStatus(403)
	}
	return auth.Authorize(ctx, caller, authz.Request{Action: action, Resources: []string{resource},
		Context: map[string][]string{"aws:SourceIp": {awsquery.RequestFrom(ctx).SourceIP}}})
}

// encodeDocument URL-encodes a policy document as IAM returns them (spaces
// as %20: botocore unquotes without turning + into spaces).
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

func tags(p awsquery.Params) []iam.Tag {
	var out []iam.Tag
	for _, m := range p.Indexed("Tags") {
		out = append(out, iam.Tag{Key: m.Get("Key"), Value: m.Get("Value")})
	}
	return out
}

// userName is the request's UserName, or the calling user's own (access
// key operations default to the caller).
func (a *API) userName(ctx context.Context, p awsquery.Params) (string, error) {
	if name := p.Get("UserName"); name != "" {
		return name, nil
	}
	if c, ok := authz.CallerFrom(ctx); ok {
		id, err := a.iam.GetCallerIdentity(ctx, c)
		if err != nil {
			return "", err
		}
		if _, n, ok := strings.Cut(id.ARN, ":user/"); ok {
			return n[strings.LastIndexByte(n, '/')+1:], nil
		}
	}
	return "", apierror.New("ValidationError", "Must specify userName when calling with non-User credentials").WithStatus(400)
}
