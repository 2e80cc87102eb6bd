package events

import (
	"context"
	"time"

	"gust/internal/buses"
)

// busShape is the EventBus and DescribeEventBusResponse shape.
type busShape struct {
	Name             string
	Arn              string
	Description      string   `json:",omitempty"`
	CreationTime     *float64 `json:",omitempty"`
	LastModifiedTime *float64 `json:",omitempty"`
}

func (a *API) busShape(b buses.Bus) busShape {
	out := busShape{Name: b.Name, Arn: a.o.Buses.BusARN(b.Name), Description: b.Description}
	if !b.Created.IsZero() {
		c, m := epoch(b.Created), epoch(b.Modified)
		out.CreationTime, out.LastModifiedTime = &c, &m
	}
	return out
}

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func (a *API) describeEventBus(ctx context.Context, in *busNameInput) (*busShape, error) {
	name, err := a.bus(ctx, in.Name)
	if err != nil {
		return nil, err
	}
	b, err := a.o.Buses.DescribeBus(ctx, name)
	if err != nil {
		return nil, err
	}
	out := a.busShape(b)
	return &out, nil
}
