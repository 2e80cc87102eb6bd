package control

import (
	"cmp"
	"encoding/base64"
	"slices"

	"gust/internal/apierror"
)

// MaxListItems is the most items one List page returns.
const MaxListItems = 50

// paginate returns the page of items after marker and the marker of the
// next page ("" on the last). items must be sorted by order. The marker is
// the last item a page held, so items added or removed between pages are
// neither skipped nor repeated.
func paginate(items []string, marker string, maxItems int, order func(a, b string) int) ([]string, string, error) {
	if maxItems <= 0 || maxItems > MaxListItems {
		maxItems = MaxListItems
	}
	start := 0
	if marker != "" {
		b, err := base64.RawURLEncoding.DecodeString(marker)
		if err != nil {
			return nil, "", apierror.InvalidParameter("Invalid marker: %s", marker)
		}
		after := string(b)
		i, found := slices.BinarySearchFunc(items, after, order)
		if found {
			i++
		}
		start = i
	}
	end := min(start+maxItems, len(items))
	page := items[start:end]
	if end < len(items) {
		return page, base64.RawURLEncoding.EncodeToString([]byte(page[len(page)-1])), nil
	}
	return page, "", nil
}

// byName orders names as strings.
func byName(a, b string) int { return cmp.Compare(a, b) }
