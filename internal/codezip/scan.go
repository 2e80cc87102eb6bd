package codezip

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"math"
	"path"
	"slices"
	"strings"
	"time"
)

type kind int

const (
	kindDir kind = iota
	kindFile
	kindSymlink
)

func (k kind) String() string {
	return [...]string{"directory", "file", "symlink"}[k]
}

// entry is one path of the package after duplicates are resolved.
type entry struct {
	f      *zip.File
	name   string // clean, slash-separated, relative, never "."
	kind   kind
	perm   fs.FileMode // files only
	target string      // symlinks only
	mtime  time.Time
}

// plan is a validated package: its entries sorted by name.
type plan struct {
	entries []*entry
}

func (p *plan) info(total int64) Info {
	in := Info{UnzippedBytes: total}
	for _, e := range p.entries {
		if e.kind != kindDir {
			in.Files++
		}
	}
	return in
}

const (
	maxNameLen    = 4096 // PATH_MAX
	maxElemLen    = 255  // NAME_MAX
	maxLinkTarget = 4096
	maxLinkHops   = 40 // Linux's MAXSYMLINKS
)

// scan validates everything but file contents: the zip structure, names,
// kinds, the headers' claimed sizes, and symlink targets (which it reads).
func scan(data []byte, l Limits) (*plan, error) {
	if int64(len(data)) > l.MaxZipBytes {
		return nil, errZipSize(l, len(data))
	}
	r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // paths: our own rules below
		return nil, errUnzip("%v", err)
	}

	byName := map[string]*entry{}
	for _, f := range r.File {
		e, err := newEntry(f)
		if err != nil {
			return nil, err
		}
		if e == nil {
			continue // the root directory itself
		}
		// A repeated path replaces the earlier one, as unzip does, but
		// never changes what kind of thing the path is.
		if prev := byName[e.name]; prev != nil && prev.kind != e.kind {
			return nil, errUnzip("%q is both a %s and a %s", e.name, prev.kind, e.kind)
		}
		byName[e.name] = e
	}

	p := &plan{}
	var claimed uint64
	for _, e := range byName {
		p.entries = append(p.entries, e)
		// Nothing may live under a file or a symlink: writing there would
		// need to follow the symlink.
		for dir := path.Dir(e.name); dir != "."; dir = path.Dir(dir) {
			if x := byName[dir]; x != nil && x.kind != kindDir {
				return nil, errUnzip("%q is inside %s %q", e.name, x.kind, dir)
			}
		}
		if e.kind == kindFile {
			claimed += e.f.UncompressedSize64
			if claimed > math.MaxInt64 || int64(claimed) > l.MaxUnzippedBytes {
				return nil, errUnzippedSize(l)
			}
		}
	}
	slices.SortFunc(p.entries, func(a, b *entry) int { return strings.Compare(a.name, b.name) })

	for _, e := range p.entries {
		if e.kind == kindSymlink {
			if e.target, err = readLink(e); err != nil {
				return nil, err
			}
		}
	}
	for _, e := range p.entries {
		if e.kind == kindSymlink && !staysInside(byName, e.name, e.target) {
			return nil, errUnzip("symlink %q -> %q leaves the package root", e.name, e.target)
		}
	}
	return p, nil
}

// newEntry classifies f, or returns nil for the root directory.
func newEntry(f *zip.File) (*entry, error) {
	name, ok := localName(f.Name)
	if !ok {
		return nil, errUnzip("entry %q leaves the package root", f.Name)
	}
	e := &entry{f: f, name: name, mtime: f.Modified}
	mode := f.Mode()
	switch {
	case strings.HasSuffix(f.Name, "/") || mode.IsDir():
		e.kind = kindDir
	case mode&fs.ModeSymlink != 0:
		e.kind = kindSymlink
	case mode.IsRegular():
		e.kind = kindFile
	default:
		return nil, errUnzip("entry %q has unsupported type %v", f.Name, mode.Type())
	}
	if name == "." {
		if e.kind != kindDir {
			return nil, errUnzip("entry %q has no name", f.Name)
		}
		return nil, nil
	}
	if e.kind == kindFile {
		e.perm = filePerm(f)
	}
	return e, nil
}

// filePerm is the mode a file gets on disk: the zip's permission bits, made
// readable by everyone, executable by everyone if by anyone, and writable by
// no one but the owner. Without Unix bits in the zip, 0644.
func filePerm(f *zip.File) fs.FileMode {
	creator := f.CreatorVersion >> 8
	hasUnix := (creator == 3 || creator == 19) && f.ExternalAttrs>>16 != 0 // Unix, macOS
	if !hasUnix {
		return 0o644
	}
	p := f.Mode().Perm() | 0o444
	if p&0o111 != 0 {
		p |= 0o111
	}
	return p &^ 0o022
}

const dirPerm fs.FileMode = 0o755

// localName cleans a zip entry name and reports whether it stays inside the
// root. Backslashes are kept as part of names (as unzip on Linux does) but a
// name must also be safe when they are read as separators, so neither
// "..\x" nor "C:\x" passes.
func localName(name string) (string, bool) {
	if name == "" || len(name) > maxNameLen || strings.IndexByte(name, 0) >= 0 {
		return "", false
	}
	for _, n := range []string{name, strings.ReplaceAll(name, `\`, "/")} {
		if strings.HasPrefix(n, "/") || hasDrive(n) {
			return "", false
		}
		if c := path.Clean(n); c == ".." || strings.HasPrefix(c, "../") {
			return "", false
		}
	}
	clean := path.Clean(name)
	for elem := range strings.SplitSeq(clean, "/") {
		if len(elem) > maxElemLen {
			return "", false
		}
	}
	return clean, true
}

// hasDrive reports a leading Windows drive letter ("C:", "c:foo").
func hasDrive(n string) bool {
	if len(n) < 2 || n[1] != ':' {
		return false
	}
	c := n[0] | 0x20
	return c >= 'a' && c <= 'z'
}

// readLink reads a symlink entry's target.
func readLink(e *entry) (string, error) {
	rc, err := e.f.Open()
	if err != nil {
		return "", errUnzip("%s: %v", e.name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxLinkTarget+1))
	if err != nil {
		return "", errUnzip("%s: %v", e.name, err)
	}
	switch {
	case len(b) == 0:
		return "", errUnzip("symlink %q has an empty target", e.name)
	case len(b) > maxLinkTarget:
		return "", errUnzip("symlink %q has a target over %d bytes", e.name, maxLinkTarget)
	case bytes.IndexByte(b, 0) >= 0:
		return "", errUnzip("symlink %q has a NUL in its target", e.name)
	}
	return string(b), nil
}

// staysInside resolves link's target the way the kernel would, following
// the package's own symlinks, and reports whether it never climbs above the
// root. A purely lexical check is not enough: with "d" -> "." and
// "e" -> "d/..", "e" looks like "." but is the root's parent.
func staysInside(byName map[string]*entry, link, target string) bool {
	if strings.HasPrefix(target, "/") {
		return false
	}
	var todo []string
	if dir := path.Dir(link); dir != "." {
		todo = strings.Split(dir, "/")
	}
	todo = append(todo, strings.Split(target, "/")...)
	var at []string // resolved components below the root
	hops := 0
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(at) == 0 {
				return false
			}
			at = at[:len(at)-1]
			continue
		}
		if x := byName[path.Join(append(slices.Clone(at), c)...)]; x != nil && x.kind == kindSymlink {
			hops++
			if hops > maxLinkHops || strings.HasPrefix(x.target, "/") {
				return false
			}
			todo = append(strings.Split(x.target, "/"), todo...)
			continue
		}
		at = append(at, c)
	}
	return true
}

// copyLimited copies e's content to w, failing once more than remaining
// bytes (what is left of l's unzipped budget) have come out of the
// decompressor, whatever the header claimed. It
// returns the bytes copied. Errors reading the zip are *Error; errors writing
// to w are returned as they are.
func copyLimited(w io.Writer, e *entry, remaining int64, l Limits) (int64, error) {
	rc, err := e.f.Open()
	if err != nil {
		return 0, errUnzip("%s: %v", e.name, err)
	}
	defer rc.Close()
	buf := make([]byte, 64*1024)
	var n int64
	for {
		nr, rerr := rc.Read(buf)
		if nr > 0 {
			if int64(nr) > remaining-n {
				return n, errUnzippedSize(l)
			}
			if _, werr := w.Write(buf[:nr]); werr != nil {
				return n, werr
			}
			n += int64(nr)
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil { // includes zip.ErrChecksum and size mismatches
			return n, errUnzip("%s: %v", e.name, rerr)
		}
	}
}
