package lambda

import "gust/internal/control"

type routingConfig struct {
	AdditionalVersionWeights map[string]float64
}

type aliasConfiguration struct {
	AliasArn        string
	Name            string
	FunctionVersion string
	Description     string
	RoutingConfig   *routingConfig `json:",omitempty"`
	RevisionId      string
}

func (a *API) alias(al control.Alias) aliasConfiguration {
	c := aliasConfiguration{
		AliasArn:        a.control.AliasARN(al.Function, al.Name),
		Name:            al.Name,
		FunctionVersion: al.FunctionVersion,
		Description:     al.Description,
		RevisionId:      al.RevisionID,
	}
	if len(al.Weights) > 0 {
		c.RoutingConfig = &routingConfig{AdditionalVersionWeights: al.Weights}
	}
	return c
}
