package events

import (
	"context"

	"gust/internal/rules"
)

func (a *API) disableRule(ctx context.Context, in *ruleNameInput) (*empty, error) {
	return a.setState(ctx, in, rules.Disabled, "DisableRule")
}
