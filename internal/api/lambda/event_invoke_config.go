package lambda

import (
	"gust/internal/control"
)

// destination is one side of a DestinationConfig: {} when unset, as AWS
// sends it (clients read a present Destination as set).
type destination struct {
	Destination string `json:",omitempty"`
}

type destinationConfig struct {
	OnSuccess destination
	OnFailure destination
}

// functionEventInvokeConfig is FunctionEventInvokeConfig; LastModified is
// a rest-json timestamp: epoch seconds.
type functionEventInvokeConfig struct {
	LastModified             float64
	FunctionArn              string
	MaximumRetryAttempts     *int `json:",omitempty"`
	MaximumEventAgeInSeconds *int `json:",omitempty"`
	DestinationConfig        destinationConfig
}

func (a *API) eventInvokeConfig(c control.EventInvokeConfig) functionEventInvokeConfig {
	return functionEventInvokeConfig{
		LastModified:             float64(c.LastModified.UnixMilli()) / 1000,
		FunctionArn:              a.control.FunctionARN(c.Function) + ":" + c.Qualifier,
		MaximumRetryAttempts:     c.MaximumRetryAttempts,
		MaximumEventAgeInSeconds: c.MaximumEventAgeInSeconds,
		DestinationConfig:        destinationConfig{OnSuccess: destination{c.OnSuccess}, OnFailure: destination{c.OnFailure}},
	}
}
