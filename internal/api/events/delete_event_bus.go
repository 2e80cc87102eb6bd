package events

import "context"

type busNameInput struct {
	Name string
}

func (a *API) deleteEventBus(ctx context.Context, in *busNameInput) (*empty, error) {
	if err := a.o.Buses.DeleteBus(ctx, in.Name); err != nil {
		return nil, err
	}
	return &empty{}, nil
}
