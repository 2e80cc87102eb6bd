package lambda

import (
	"net/http"

	"gust/internal/control"
)

type accountLimit struct {
	TotalCodeSize                  int64
	CodeSizeUnzipped               int64
	CodeSizeZipped                 int64
	ConcurrentExecutions           int
	UnreservedConcurrentExecutions int
}

type accountUsage struct {
	TotalCodeSize int64
	FunctionCount int64
}

type accountSettings struct {
	AccountLimit accountLimit
	AccountUsage accountUsage
}

func (a *API) getAccountSettings(w http.ResponseWriter, r *http.Request, _ []byte) error {
	u, err := a.control.Usage(r.Context())
	if err != nil {
		return err
	}
	res, err := a.control.Reservations(r.Context())
	if err != nil {
		return err
	}
	limit := a.control.AccountConcurrency()
	writeJSON(w, http.StatusOK, accountSettings{
		AccountLimit: accountLimit{
			TotalCodeSize:                  control.TotalCodeStorageBytes,
			CodeSizeUnzipped:               control.MaxUnzippedBytes,
			CodeSizeZipped:                 control.MaxZipBytes,
			ConcurrentExecutions:           limit,
			UnreservedConcurrentExecutions: limit - res.Total(),
		},
		AccountUsage: accountUsage{TotalCodeSize: u.TotalCodeSize, FunctionCount: u.FunctionCount},
	})
	return nil
}
