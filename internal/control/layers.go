package control

import (
	"context"
	"fmt"

	"gust/internal/apierror"
	"gust/internal/layers"
)

// LayerResolver turns a function's Layers (version ARNs) into what its
// record keeps of each (a *layers.Service).
type LayerResolver interface {
	Resolve(ctx context.Context, arns []string) ([]layers.Ref, error)
}

// resolveLayers checks a function's Layers; none gives nil.
func (s *Service) resolveLayers(ctx context.Context, arns []string) ([]layers.Ref, error) {
	if len(arns) == 0 {
		return nil, nil
	}
	if s.layers == nil {
		return nil, apierror.InvalidParameter("Layers are not available on this server.")
	}
	return s.layers.Resolve(ctx, arns)
}

// checkCombinedSize applies Lambda's limit on a function's code and its
// layers together, unzipped.
func checkCombinedSize(codeUnzipped int64, refs []layers.Ref) error {
	total := codeUnzipped
	for _, r := range refs {
		total += r.UnzippedSize
	}
	if total > MaxUnzippedBytes {
		return apierror.InvalidParameter("Function code combined with layers exceeds the maximum allowed size of %d bytes. The actual size is %d bytes.", MaxUnzippedBytes, total)
	}
	return nil
}

// checkFunctionSize is checkCombinedSize for function f's stored code with
// layers refs. Records stored before the unzipped size was kept have their
// package measured.
func (s *Service) checkFunctionSize(ctx context.Context, f Function, refs []layers.Ref) error {
	if len(refs) == 0 {
		return nil
	}
	unzipped := f.CodeUnzippedSize
	if unzipped == 0 && f.CodeSha256 != "" {
		zip, err := s.code.GetCode(ctx, f.CodeSha256)
		if err != nil {
			return fmt.Errorf("measuring the code of %s: %w", f.Name, err)
		}
		if unzipped, err = checkZip(zip); err != nil {
			return err
		}
	}
	return checkCombinedSize(unzipped, refs)
}
