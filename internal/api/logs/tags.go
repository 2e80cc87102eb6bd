package logs

import (
	"context"
	"maps"
	"regexp"
	"strings"

	"gust/internal/telemetry/logstore"
)

// Tags of log groups: TagResource/UntagResource/ListTagsForResource by ARN,
// and the older TagLogGroup/UntagLogGroup/ListTagsLogGroup by name; both
// families read and write the same tags.

var tagKeyPattern = regexp.MustCompile(`^([\p{L}\p{Z}\p{N}_.:/=+\-@]+)$`)

func validTags(tags map[string]string) error {
	if len(tags) > 50 {
		return invalid("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50")
	}
	for k, v := range tags {
		if len(k) < 1 || len(k) > 128 || !tagKeyPattern.MatchString(k) || strings.HasPrefix(k, "aws:") {
			return invalid("1 validation error detected: Value '%s' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$]", k)
		}
		if len(v) > 256 {
			return invalid("1 validation error detected: Value '%s' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256]", v)
		}
	}
	return nil
}

// groupOfARN is the log group an ARN names (with or without ":*").
func (a *API) groupOfARN(arn string) (string, error) {
	prefix := "arn:aws:logs:" + a.region + ":" + a.accountID + ":log-group:"
	name, ok := strings.CutPrefix(arn, prefix)
	if !ok {
		return "", invalid("Invalid resource ARN %s", arn)
	}
	name = strings.TrimSuffix(name, ":*")
	return name, validGroupName("resourceArn", name)
}

func (a *API) tag(ctx context.Context, group string, tags map[string]string) error {
	if err := validTags(tags); err != nil {
		return err
	}
	return storeError(a.store.ChangeGroup(ctx, group, func(g *logstore.Group) {
		if g.Tags == nil {
			g.Tags = map[string]string{}
		}
		maps.Copy(g.Tags, tags)
	}))
}

func (a *API) untag(ctx context.Context, group string, keys []string) error {
	return storeError(a.store.ChangeGroup(ctx, group, func(g *logstore.Group) {
		for _, k := range keys {
			delete(g.Tags, k)
		}
	}))
}

func (a *API) tagsOf(ctx context.Context, group string) (map[string]string, error) {
	groups, err := a.store.Groups(ctx)
	if err != nil {
		return nil, storeError(err)
	}
	for _, g := range groups {
		if g.Name == group {
			if g.Tags == nil {
				return map[string]string{}, nil
			}
			return g.Tags, nil
		}
	}
	return nil, storeError(logstore.ErrGroupNotFound)
}

type tagsOutput struct {
	Tags map[string]string `json:"tags"`
}

type tagResourceInput struct {
	ResourceArn string            `json:"resourceArn"`
	Tags        map[string]string `json:"tags"`
}

func (a *API) tagResource(ctx context.Context, in *tagResourceInput) (*empty, error) {
	group, err := a.groupOfARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return &empty{}, a.tag(ctx, group, in.Tags)
}

type untagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

func (a *API) untagResource(ctx context.Context, in *untagResourceInput) (*empty, error) {
	group, err := a.groupOfARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return &empty{}, a.untag(ctx, group, in.TagKeys)
}

type listTagsForResourceInput struct {
	ResourceArn string `json:"resourceArn"`
}

func (a *API) listTagsForResource(ctx context.Context, in *listTagsForResourceInput) (*tagsOutput, error) {
	group, err := a.groupOfARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	tags, err := a.tagsOf(ctx, group)
	return &tagsOutput{Tags: tags}, err
}

type tagLogGroupInput struct {
	LogGroupName string            `json:"logGroupName"`
	Tags         map[string]string `json:"tags"`
}

func (a *API) tagLogGroup(ctx context.Context, in *tagLogGroupInput) (*empty, error) {
	if err := validGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	return &empty{}, a.tag(ctx, in.LogGroupName, in.Tags)
}

type untagLogGroupInput struct {
	LogGroupName string   `json:"logGroupName"`
	Tags         []string `json:"tags"`
}

func (a *API) untagLogGroup(ctx context.Context, in *untagLogGroupInput) (*empty, error) {
	if err := validGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	return &empty{}, a.untag(ctx, in.LogGroupName, in.Tags)
}

type listTagsLogGroupInput struct {
	LogGroupName string `json:"logGroupName"`
}

func (a *API) listTagsLogGroup(ctx context.Context, in *listTagsLogGroupInput) (*tagsOutput, error) {
	if err := validGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	tags, err := a.tagsOf(ctx, in.LogGroupName)
	return &tagsOutput{Tags: tags}, err
}
