package objects

import (
	"context"
	"encoding/hex"
	"strings"
)

// ListInput is a ListObjects(V2) request.
type ListInput struct {
	Bucket, Prefix, Delimiter string
	// After lists keys strictly after it (StartAfter, Marker, or a
	// continuation token's key).
	After   string
	MaxKeys int
}

// ListOutput is one page of a listing.
type ListOutput struct {
	Objects        []Object
	CommonPrefixes []string
	Truncated      bool
	// Last is the last key or common prefix returned: where the next page
	// starts.
	Last string
}

// List lists a bucket's keys in byte order, rolling keys that share a
// prefix up to the delimiter into one common prefix.
func (s *Service) List(ctx context.Context, in ListInput) (ListOutput, error) {
	if _, _, err := s.bucket(ctx, in.Bucket); err != nil {
		return ListOutput{}, err
	}
	var out ListOutput
	if in.MaxKeys == 0 {
		return out, nil
	}
	tableKeys, err := s.o.Objects.Keys(ctx, in.Bucket+"/"+hex.EncodeToString([]byte(in.Prefix)))
	if err != nil {
		return out, err
	}
	n := 0
	for _, tk := range tableKeys {
		_, hx, _ := strings.Cut(tk, "/")
		raw, err := hex.DecodeString(hx)
		if err != nil {
			continue
		}
		key := string(raw)
		if key <= in.After || !strings.HasPrefix(key, in.Prefix) {
			continue
		}
		if in.Delimiter != "" {
			if i := strings.Index(key[len(in.Prefix):], in.Delimiter); i >= 0 {
				cp := key[:len(in.Prefix)+i+len(in.Delimiter)]
				if len(out.CommonPrefixes) > 0 && out.CommonPrefixes[len(out.CommonPrefixes)-1] == cp {
					continue
				}
				if in.After != "" && strings.HasPrefix(in.After, cp) {
					continue // the previous page ended inside this prefix
				}
				if n == in.MaxKeys {
					out.Truncated = true
					break
				}
				out.CommonPrefixes = append(out.CommonPrefixes, cp)
				out.Last = cp
				n++
				continue
			}
		}
		if n == in.MaxKeys {
			out.Truncated = true
			break
		}
		o, err := s.Current(ctx, in.Bucket, key)
		if err != nil {
			continue // deleted meanwhile
		}
		out.Objects = append(out.Objects, o)
		out.Last = key
		n++
	}
	return out, nil
}
