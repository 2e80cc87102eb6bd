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
	writeJSON(w, http.StatusOK, accountSettings{
		AccountLimit: accountLimit{
			TotalCodeSize:                  control.TotalCodeStorageBytes,
			CodeSizeUnzipped:               control.MaxUnzippedBytes,
			CodeSizeZipped:                 control.MaxZipBytes,
			ConcurrentExecutions:           control.DefaultAccountConcurrency,
			UnreservedConcurrentExecutions: control.DefaultAccountConcurrency,
		},
		AccountUsage: accountUsage{TotalCodeSize: u.TotalCodeSize, FunctionCount: u.FunctionCount},
	})
	return nil
}
