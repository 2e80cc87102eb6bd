package lambda

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"gust/internal/api/sigv4"
	"gust/internal/apierror"
	"gust/internal/control"
	"gust/internal/layers"
)

// Lambda layers: PublishLayerVersion, GetLayerVersion(ByArn),
// ListLayerVersions, ListLayers, DeleteLayerVersion and the layer version
// permissions. The operations live in package layers; these handlers only
// speak the wire.

// layerVersion is PublishLayerVersionResponse and GetLayerVersionResponse.
type layerVersion struct {
	Content                 layerContent
	LayerArn                string
	LayerVersionArn         string
	Description             string
	CreatedDate             string
	Version                 int64
	CompatibleRuntimes      []string `json:",omitempty"`
	LicenseInfo             string   `json:",omitempty"`
	CompatibleArchitectures []string `json:",omitempty"`
}

type layerContent struct {
	Location   string
	CodeSha256 string
	CodeSize   int64
}

// layerVersionsListItem is LayerVersionsListItem.
type layerVersionsListItem struct {
	LayerVersionArn         string
	Version                 int64
	Description             string
	CreatedDate             string
	CompatibleRuntimes      []string `json:",omitempty"`
	LicenseInfo             string   `json:",omitempty"`
	CompatibleArchitectures []string `json:",omitempty"`
}

func (a *API) layerListItem(v layers.Version) layerVersionsListItem {
	return layerVersionsListItem{
		LayerVersionArn: a.layers.VersionARN(v), Version: v.Number, Description: v.Description,
		CreatedDate: v.Created.UTC().Format(lastModifiedLayout), CompatibleRuntimes: v.CompatibleRuntimes,
		LicenseInfo: v.LicenseInfo, CompatibleArchitectures: v.CompatibleArchitectures,
	}
}

func (a *API) layerVersion(r *http.Request, v layers.Version) (layerVersion, error) {
	loc, err := a.layerLocation(r, v)
	if err != nil {
		return layerVersion{}, err
	}
	return layerVersion{
		Content:  layerContent{Location: loc, CodeSha256: control.CodeSha256Base64(v.CodeSha256), CodeSize: v.CodeSize},
		LayerArn: a.layers.LayerARN(v.Name), LayerVersionArn: a.layers.VersionARN(v), Description: v.Description,
		CreatedDate: v.Created.UTC().Format(lastModifiedLayout), Version: v.Number,
		CompatibleRuntimes: v.CompatibleRuntimes, LicenseInfo: v.LicenseInfo, CompatibleArchitectures: v.CompatibleArchitectures,
	}, nil
}

// layerLocation is a presigned URL on this server that serves the layer's
// package, as codeLocation is for a function's.
func (a *API) layerLocation(r *http.Request, v layers.Version) (string, error) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: r.Host, Path: "/gust/v1/layer-code/" + v.Name + "/" + strconv.FormatInt(v.Number, 10)}
	return sigv4.Presign(u.String(), a.keyID, a.secret, a.control.Region(), "lambda", codeURLLifetime, time.Now())
}

func (a *API) needLayers() error {
	if a.layers == nil {
		return apierror.New("ServiceException", "Layers are not available on this server.")
	}
	return nil
}

func (a *API) publishLayerVersion(w http.ResponseWriter, r *http.Request, body []byte) error {
	if err := a.needLayers(); err != nil {
		return err
	}
	var in layers.PublishInput
	if err := decode(body, &in); err != nil {
		return err
	}
	v, err := a.layers.Publish(r.Context(), r.PathValue("layer"), in)
	if err != nil {
		return err
	}
	out, err := a.layerVersion(r, v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (a *API) getLayerVersion(w http.ResponseWriter, r *http.Request, _ []byte) error {
	if err := a.needLayers(); err != nil {
		return err
	}
	n, err := layers.ParseNumber(r.PathValue("version"))
	if err != nil {
		return err
	}
	v, err := a.layers.Get(r.Context(), r.PathValue("layer"), n)
	if err != nil {
		return err
	}
	out, err := a.layerVersion(r, v)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) deleteLayerVersion(w http.ResponseWriter, r *http.Request, _ []byte) error {
	if err := a.needLayers(); err != nil {
		return err
	}
	n, err := layers.ParseNumber(r.PathValue("version"))
	if err != nil {
		return err
	}
	if err := a.layers.Delete(r.Context(), r.PathValue("layer"), n); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listOrFindLayers is GET /2018-10-31/layers: ListLayers, or
// GetLayerVersionByArn when ?find=LayerVersion.
func (a *API) listOrFindLayers(w http.ResponseWriter, r *http.Request, _ []byte) error {
	if err := a.needLayers(); err != nil {
		return err
	}
	q := r.URL.Query()
	if q.Get("find") == "LayerVersion" {
		v, err := a.layers.GetByARN(r.Context(), q.Get("Arn"))
		if err != nil {
			return err
		}
		out, err := a.layerVersion(r, v)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, out)
		return nil
	}
	maxItems, err := layerMaxItems(r)
	if err != nil {
		return err
	}
	latest, err := a.layers.Latest(r.Context(), layers.Filter{Runtime: q.Get("CompatibleRuntime"), Architecture: q.Get("CompatibleArchitecture")})
	if err != nil {
		return err
	}
	type item struct {
		LayerName             string
		LayerArn              string
		LatestMatchingVersion layerVersionsListItem
	}
	out := struct {
		NextMarker string `json:",omitempty"`
		Layers     []item
	}{Layers: []item{}}
	page, next, err := pageAfter(latest, q.Get("Marker"), maxItems, func(v layers.Version) string { return v.Name })
	if err != nil {
		return err
	}
	for _, v := range page {
		out.Layers = append(out.Layers, item{LayerName: v.Name, LayerArn: a.layers.LayerARN(v.Name), LatestMatchingVersion: a.layerListItem(v)})
	}
	out.NextMarker = next
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) listLayerVersions(w http.ResponseWriter, r *http.Request, _ []byte) error {
	if err := a.needLayers(); err != nil {
		return err
	}
	q := r.URL.Query()
	maxItems, err := layerMaxItems(r)
	if err != nil {
		return err
	}
	versions, err := a.layers.Versions(r.Context(), r.PathValue("layer"), layers.Filter{Runtime: q.Get("CompatibleRuntime"), Architecture: q.Get("CompatibleArchitecture")})
	if err != nil {
		return err
	}
	page, next, err := pageAfter(versions, q.Get("Marker"), maxItems, func(v layers.Version) string { return strconv.FormatInt(v.Number, 10) })
	if err != nil {
		return err
	}
	out := struct {
		NextMarker    string `json:",omitempty"`
		LayerVersions []layerVersionsListItem
	}{LayerVersions: []layerVersionsListItem{}, NextMarker: next}
	for _, v := range page {
		out.LayerVersions = append(out.LayerVersions, a.layerListItem(v))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// layerMaxItems reads MaxItems as the layer operations bound it (1–50).
func layerMaxItems(r *http.Request) (int, error) {
	s := r.URL.Query().Get("MaxItems")
	if s == "" {
		return 50, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 50 {
		return 0, apierror.Validation("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 50", s)
	}
	return n, nil
}

// pageAfter returns the items after the one whose key the marker holds,
// at most maxItems, and the next page's marker.
func pageAfter[T any](items []T, marker string, maxItems int, key func(T) string) ([]T, string, error) {
	start := 0
	if marker != "" {
		b, err := base64.RawURLEncoding.DecodeString(marker)
		if err != nil {
			return nil, "", apierror.InvalidParameter("Invalid marker: %s", marker)
		}
		start = len(items)
		for i, it := range items {
			if key(it) == string(b) {
				start = i + 1
				break
			}
		}
	}
	end := min(start+maxItems, len(items))
	page := items[start:end]
	if end < len(items) {
		return page, base64.RawURLEncoding.EncodeToString([]byte(key(page[len(page)-1]))), nil
	}
	return page, "", nil
}

func (a *API) addLayerVersionPermission(w http.ResponseWriter, r *http.Request, body []byte) error {
	if err := a.needLayers(); err != nil {
		return err
	}
	var in layers.PermissionInput
	if err := decode(body, &in); err != nil {
		return err
	}
	in.RevisionId = r.URL.Query().Get("RevisionId")
	n, err := layers.ParseNumber(r.PathValue("version"))
	if err != nil {
		return err
	}
	statement, revision, err := a.layers.AddPermission(r.Context(), r.PathValue("layer"), n, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, struct{ Statement, RevisionId string }{statement, revision})
	return nil
}

func (a *API) removeLayerVersionPermission(w http.ResponseWriter, r *http.Request, _ []byte) error {
	if err := a.needLayers(); err != nil {
		return err
	}
	n, err := layers.ParseNumber(r.PathValue("version"))
	if err != nil {
		return err
	}
	if err := a.layers.RemovePermission(r.Context(), r.PathValue("layer"), n, r.PathValue("sid"), r.URL.Query().Get("RevisionId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) getLayerVersionPolicy(w http.ResponseWriter, r *http.Request, _ []byte) error {
	if err := a.needLayers(); err != nil {
		return err
	}
	n, err := layers.ParseNumber(r.PathValue("version"))
	if err != nil {
		return err
	}
	policy, revision, err := a.layers.GetPolicy(r.Context(), r.PathValue("layer"), n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct{ Policy, RevisionId string }{policy, revision})
	return nil
}

// downloadLayer serves the package behind a layer version's
// Content.Location (a presigned URL).
func (a *API) downloadLayer(w http.ResponseWriter, r *http.Request, _ []byte) error {
	if err := a.needLayers(); err != nil {
		return err
	}
	n, err := layers.ParseNumber(r.PathValue("version"))
	if err != nil {
		return err
	}
	zip, err := a.layers.Code(r.Context(), r.PathValue("layer"), n)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Length", strconv.Itoa(len(zip)))
	_, _ = w.Write(zip)
	return nil
}

// The resources of the layer operations, for authorization.

// layerResource is the layer the path names.
func layerResource(a *API, r *http.Request, _ []byte) []string {
	if a.layers == nil {
		return nil
	}
	name, err := a.layers.ParseName(r.PathValue("layer"))
	if err != nil {
		return []string{r.PathValue("layer")}
	}
	return []string{a.layers.LayerARN(name)}
}

// layerVersionResource is the layer version the path names.
func layerVersionResource(a *API, r *http.Request, body []byte) []string {
	l := layerResource(a, r, body)
	if len(l) == 0 {
		return nil
	}
	return []string{l[0] + ":" + r.PathValue("version")}
}

// foundLayerVersion is GetLayerVersionByArn's ?Arn= (nothing for
// ListLayers, which names no resource).
func foundLayerVersion(_ *API, r *http.Request, _ []byte) []string {
	if arn := r.URL.Query().Get("Arn"); arn != "" {
		return []string{arn}
	}
	return nil
}
