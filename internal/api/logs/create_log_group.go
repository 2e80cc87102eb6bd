package logs

import (
	"context"

	"gust/internal/telemetry/logstore"
)

type createLogGroupInput struct {
	LogGroupName              string            `json:"logGroupName"`
	KmsKeyID                  string            `json:"kmsKeyId"`
	Tags                      map[string]string `json:"tags"`
	LogGroupClass             string            `json:"logGroupClass"`
	DeletionProtectionEnabled bool              `json:"deletionProtectionEnabled"`
}

// createLogGroup creates an empty group. KmsKeyId and the class are kept
// and returned; events are stored the same way whatever they say.
func (a *API) createLogGroup(ctx context.Context, in *createLogGroupInput) (*empty, error) {
	if len(in.LogGroupName) > 512 {
		return nil, invalid("Invalid LogGroup or LogStream, both must have length less than or equal to 512.")
	}
	if err := validGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	switch in.LogGroupClass {
	case "", "STANDARD", "INFREQUENT_ACCESS", "DELIVERY":
	default:
		return nil, invalid("1 validation error detected: Value '%s' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]", in.LogGroupClass)
	}
	if in.KmsKeyID != "" && len(in.KmsKeyID) > 256 {
		return nil, invalid("1 validation error detected: Value '%s' at 'kmsKeyId' failed to satisfy constraint: Member must have length less than or equal to 256", in.KmsKeyID)
	}
	if err := validTags(in.Tags); err != nil {
		return nil, err
	}
	if in.DeletionProtectionEnabled {
		return nil, invalid("Deletion protection is not supported by Gust.")
	}
	err := a.store.CreateGroup(ctx, in.LogGroupName, logstore.GroupSettings{Tags: in.Tags, KmsKeyID: in.KmsKeyID, Class: in.LogGroupClass})
	if err != nil {
		return nil, storeError(err)
	}
	return &empty{}, nil
}
