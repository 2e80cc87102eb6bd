package lambda

import (
	"context"

	"gust/internal/control"
)

// provisionedConcurrencyConfig is Get/PutProvisionedConcurrencyConfig's
// response and a ListProvisionedConcurrencyConfigs item.
type provisionedConcurrencyConfig struct {
	FunctionArn                              string `json:",omitempty"`
	RequestedProvisionedConcurrentExecutions int
	AvailableProvisionedConcurrentExecutions int
	AllocatedProvisionedConcurrentExecutions int
	Status                                   string
	StatusReason                             string `json:",omitempty"`
	LastModified                             string
}

// provisionedStatus reports a config with what is allocated right now:
// IN_PROGRESS until every requested environment is initialised, READY
// after.
func (a *API) provisionedStatus(ctx context.Context, c control.ProvisionedConfig) provisionedConcurrencyConfig {
	allocated := min(a.invoker.ProvisionedAllocated(ctx, c), c.Requested)
	status := "IN_PROGRESS"
	if allocated >= c.Requested {
		status = "READY"
	}
	return provisionedConcurrencyConfig{
		RequestedProvisionedConcurrentExecutions: c.Requested,
		AvailableProvisionedConcurrentExecutions: allocated,
		AllocatedProvisionedConcurrentExecutions: allocated,
		Status:                                   status,
		LastModified:                             c.LastModified.UTC().Format("2006-01-02T15:04:05+0000"),
	}
}
