package codezip

import (
	"fmt"
	"io"
)

// Limits bounds a package. A zero field means the DefaultLimits value.
type Limits struct {
	MaxZipBytes      int64 // the zip itself
	MaxUnzippedBytes int64 // sum of the extracted files' sizes
}

// DefaultLimits are AWS Lambda's: 50 MB zipped, 250 MB unzipped. Callers
// that count layers against the unzipped limit, as AWS does, pass a smaller
// MaxUnzippedBytes.
var DefaultLimits = Limits{
	MaxZipBytes:      50 * 1024 * 1024,  // 52428800
	MaxUnzippedBytes: 250 * 1024 * 1024, // 262144000
}

func (l Limits) withDefaults() Limits {
	if l.MaxZipBytes <= 0 {
		l.MaxZipBytes = DefaultLimits.MaxZipBytes
	}
	if l.MaxUnzippedBytes <= 0 {
		l.MaxUnzippedBytes = DefaultLimits.MaxUnzippedBytes
	}
	return l
}

// Kind tells the API layer which AWS exception an Error becomes.
type Kind int

const (
	// KindInvalid is InvalidParameterValueException: not a zip, corrupt,
	// unsafe entries, or too big once unzipped.
	KindInvalid Kind = iota
	// KindTooLarge is RequestEntityTooLargeException: the zip itself is
	// over MaxZipBytes.
	KindTooLarge
)

func (k Kind) String() string {
	switch k {
	case KindInvalid:
		return "InvalidParameterValueException"
	case KindTooLarge:
		return "RequestEntityTooLargeException"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Error is a problem with the package itself. Message is what the client
// sees; Detail says which entry and why, for logs only.
type Error struct {
	Kind    Kind
	Message string
	Detail  string
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return e.Message
	}
	return e.Message + " (" + e.Detail + ")"
}

// msgUnzip is AWS's text for any package it cannot unpack.
const msgUnzip = "Could not unzip uploaded file. Please check your file, then try to upload again."

func errUnzip(format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Message: msgUnzip, Detail: fmt.Sprintf(format, args...)}
}

func errUnzippedSize(l Limits) *Error {
	return &Error{
		Kind:    KindInvalid,
		Message: fmt.Sprintf("Unzipped size must be smaller than %d bytes", l.MaxUnzippedBytes),
	}
}

func errZipSize(l Limits, size int) *Error {
	return &Error{
		Kind:    KindTooLarge,
		Message: fmt.Sprintf("Zipped size must be smaller than %d bytes", l.MaxZipBytes),
		Detail:  fmt.Sprintf("zip is %d bytes", size),
	}
}

// Info describes a valid package.
type Info struct {
	// UnzippedBytes is the total size of the files (and symlink targets),
	// counted from the decompressed data.
	UnzippedBytes int64
	// Files counts regular files and symlinks (not directories).
	Files int
}

// Inspect validates a package without writing anything: structure, paths,
// symlinks, and every entry's content (checksums and real sizes).
func Inspect(data []byte, l Limits) (Info, error) {
	l = l.withDefaults()
	p, err := scan(data, l)
	if err != nil {
		return Info{}, err
	}
	var total int64
	for _, e := range p.entries {
		switch e.kind {
		case kindSymlink:
			if total += int64(len(e.target)); total > l.MaxUnzippedBytes {
				return Info{}, errUnzippedSize(l)
			}
		case kindFile:
			n, err := copyLimited(io.Discard, e, l.MaxUnzippedBytes-total, l)
			total += n
			if err != nil {
				return Info{}, err
			}
		}
	}
	return p.info(total), nil
}
