package iam

import (
	"strconv"
	"time"

	"gust/internal/api/awsquery"
	"gust/internal/apierror"
	"gust/internal/iam"
)

// The XML shapes of IAM's responses, as botocore's model names them.

type tagXML struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

func tagsXML(ts []iam.Tag) []tagXML {
	out := make([]tagXML, 0, len(ts))
	for _, t := range ts {
		out = append(out, tagXML{t.Key, t.Value})
	}
	return out
}

// tagList is an optional Tags member: left out when there are none, as
// AWS does (encoding/xml writes an empty <Tags></Tags> for a
// "Tags>member" field even when it is empty).
type tagList struct {
	Members []tagXML `xml:"member"`
}

func optionalTags(ts []iam.Tag) *tagList {
	if len(ts) == 0 {
		return nil
	}
	return &tagList{tagsXML(ts)}
}

type roleXML struct {
	Path                     string    `xml:"Path"`
	RoleName                 string    `xml:"RoleName"`
	RoleID                   string    `xml:"RoleId"`
	Arn                      string    `xml:"Arn"`
	CreateDate               time.Time `xml:"CreateDate"`
	AssumeRolePolicyDocument string    `xml:"AssumeRolePolicyDocument,omitempty"`
	Description              string    `xml:"Description,omitempty"`
	MaxSessionDuration       int       `xml:"MaxSessionDuration,omitempty"`
	Tags                     *tagList  `xml:"Tags,omitempty"`
	RoleLastUsed             *struct{} `xml:"RoleLastUsed"`
}

func roleShape(r iam.Role) roleXML {
	return roleXML{Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: r.ARN, CreateDate: r.CreateDate,
		AssumeRolePolicyDocument: encodeDocument(r.AssumeRolePolicyDocument), Description: r.Description,
		MaxSessionDuration: r.MaxSessionDuration, Tags: optionalTags(r.Tags)}
}

type userXML struct {
	Path       string    `xml:"Path"`
	UserName   string    `xml:"UserName"`
	UserID     string    `xml:"UserId"`
	Arn        string    `xml:"Arn"`
	CreateDate time.Time `xml:"CreateDate"`
	Tags       *tagList  `xml:"Tags,omitempty"`
}

func userShape(u iam.User) userXML {
	return userXML{Path: u.Path, UserName: u.Name, UserID: u.ID, Arn: u.ARN, CreateDate: u.CreateDate, Tags: optionalTags(u.Tags)}
}

type policyXML struct {
	PolicyName                    string    `xml:"PolicyName"`
	PolicyID                      string    `xml:"PolicyId"`
	Arn                           string    `xml:"Arn"`
	Path                          string    `xml:"Path"`
	DefaultVersionID              string    `xml:"DefaultVersionId"`
	AttachmentCount               int       `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int       `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool      `xml:"IsAttachable"`
	Description                   string    `xml:"Description,omitempty"`
	CreateDate                    time.Time `xml:"CreateDate"`
	UpdateDate                    time.Time `xml:"UpdateDate"`
	Tags                          *tagList  `xml:"Tags,omitempty"`
}

func policyShape(p iam.Policy) policyXML {
	return policyXML{PolicyName: p.Name, PolicyID: p.ID, Arn: p.ARN, Path: p.Path, DefaultVersionID: p.VersionID,
		AttachmentCount: p.AttachmentCount, IsAttachable: true, Description: p.Description,
		CreateDate: p.CreateDate, UpdateDate: p.UpdateDate, Tags: optionalTags(p.Tags)}
}

type attachedXML struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

// page is the Marker/MaxItems pagination of IAM's list operations.
type page struct {
	IsTruncated bool   `xml:"IsTruncated"`
	Marker      string `xml:"Marker,omitempty"`
}

// paginate cuts items by the request's Marker and MaxItems.
func paginate[T any](p awsquery.Params, items []T) ([]T, page, error) {
	max := 100
	if v := p.Get("MaxItems"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return nil, page{}, apierror.New("ValidationError",
				"1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", v).WithStatus(400)
		}
		max = n
	}
	out, next, err := iam.Page(items, p.Get("Marker"), max)
	return out, page{IsTruncated: next != "", Marker: next}, err
}

func boolParam(p awsquery.Params, name string) bool { return p.Get(name) == "true" }

func intParam(p awsquery.Params, name string) (int, error) {
	v := p.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, apierror.New("ValidationError", "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must be a number", v, name).WithStatus(400)
	}
	return n, nil
}

// attachedList is the answer of ListAttached{Role,User}Policies.
func attachedList(p awsquery.Params, list []iam.AttachedPolicy) (any, error) {
	list, pg, err := paginate(p, list)
	if err != nil {
		return nil, err
	}
	out := struct {
		AttachedPolicies []attachedXML `xml:"AttachedPolicies>member"`
		page
	}{AttachedPolicies: []attachedXML{}, page: pg}
	for _, a := range list {
		out.AttachedPolicies = append(out.AttachedPolicies, attachedXML{a.Name, a.ARN})
	}
	return out, nil
}
