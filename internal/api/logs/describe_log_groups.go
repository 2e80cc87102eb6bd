package logs

import (
	"context"
	"slices"
	"strings"
)

type describeLogGroupsInput struct {
	LogGroupNamePrefix  string   `json:"logGroupNamePrefix"`
	LogGroupNamePattern string   `json:"logGroupNamePattern"`
	LogGroupIdentifiers []string `json:"logGroupIdentifiers"`
	NextToken           string   `json:"nextToken"`
	Limit               *int32   `json:"limit"`
	LogGroupClass       string   `json:"logGroupClass"`
}

type describeLogGroupsOutput struct {
	LogGroups []logGroup `json:"logGroups"`
	NextToken string     `json:"nextToken,omitempty"`
}

func (a *API) describeLogGroups(ctx context.Context, in *describeLogGroupsInput) (*describeLogGroupsOutput, error) {
	if in.LogGroupNamePrefix != "" && in.LogGroupNamePattern != "" {
		return nil, invalid("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
	}
	if in.LogGroupNamePrefix != "" {
		if err := validGroupName("logGroupNamePrefix", in.LogGroupNamePrefix); err != nil {
			return nil, err
		}
	}
	limit, err := checkLimit(in.Limit, 50)
	if err != nil {
		return nil, err
	}
	if limit == 0 {
		limit = 50
	}
	var only []string
	for _, id := range in.LogGroupIdentifiers {
		name, err := groupName("", id)
		if err != nil {
			return nil, err
		}
		only = append(only, name)
	}
	groups, err := a.store.Groups(ctx)
	if err != nil {
		return nil, storeError(err)
	}
	pattern := strings.ToLower(in.LogGroupNamePattern)
	out := &describeLogGroupsOutput{LogGroups: []logGroup{}}
	for _, g := range groups { // sorted by name; the token is the last name sent
		switch {
		case in.NextToken != "" && g.Name <= in.NextToken,
			!strings.HasPrefix(g.Name, in.LogGroupNamePrefix),
			!strings.Contains(strings.ToLower(g.Name), pattern),
			only != nil && !slices.Contains(only, g.Name),
			in.LogGroupClass != "" && in.LogGroupClass != g.Class:
			continue
		}
		if len(out.LogGroups) == limit {
			out.NextToken = out.LogGroups[limit-1].LogGroupName
			break
		}
		lg := logGroup{
			LogGroupName:  g.Name,
			CreationTime:  millis(g.Created),
			Arn:           a.groupARN(g.Name) + ":*",
			LogGroupArn:   a.groupARN(g.Name),
			StoredBytes:   g.StoredBytes,
			KmsKeyID:      g.KmsKeyID,
			LogGroupClass: g.Class,
		}
		if g.RetentionDays > 0 {
			lg.RetentionInDays = &g.RetentionDays
		}
		out.LogGroups = append(out.LogGroups, lg)
	}
	return out, nil
}
