package lambda

import (
	"net/http"

	"gust/internal/control"
)

// codeSigningConfig is Lambda's CodeSigningConfig; LastModified is an
// ISO 8601 string, as AWS sends it.
type codeSigningConfig struct {
	CodeSigningConfigId  string
	CodeSigningConfigArn string
	Description          string
	AllowedPublishers    control.AllowedPublishers
	CodeSigningPolicies  control.CodeSigningPolicies
	LastModified         string
}

func codeSigningShape(c control.CodeSigningConfig) codeSigningConfig {
	return codeSigningConfig{
		CodeSigningConfigId: c.CodeSigningConfigId, CodeSigningConfigArn: c.CodeSigningConfigArn, Description: c.Description,
		AllowedPublishers: c.AllowedPublishers, CodeSigningPolicies: c.CodeSigningPolicies,
		LastModified: c.LastModified.UTC().Format(lastModifiedLayout),
	}
}

// writeCodeSigning answers {"CodeSigningConfig": ...}.
func writeCodeSigning(w http.ResponseWriter, status int, c control.CodeSigningConfig) {
	writeJSON(w, status, struct{ CodeSigningConfig codeSigningConfig }{codeSigningShape(c)})
}
