package codezip

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io/fs"
	"testing"
	"time"
)

// zent is one entry of a test zip.
type zent struct {
	name string
	body string
	mode fs.FileMode // 0: no Unix mode (as written by Windows tools)
	link bool        // symlink to body
}

func file(name, body string, mode fs.FileMode) zent { return zent{name: name, body: body, mode: mode} }
func dir(name string) zent                          { return zent{name: name, mode: fs.ModeDir | 0o755} }
func link(name, target string) zent                 { return zent{name: name, body: target, link: true} }

const (
	fsModeDevice    = fs.ModeDevice
	fsModeNamedPipe = fs.ModeNamedPipe
)

var testTime = time.Date(2024, 5, 6, 7, 8, 10, 0, time.UTC)

func buildZip(tb testing.TB, entries ...zent) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: testTime}
		switch {
		case e.link:
			h.SetMode(fs.ModeSymlink | 0o777)
		case e.mode != 0:
			h.SetMode(e.mode)
		}
		fw, err := w.CreateHeader(h)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := fw.Write([]byte(e.body)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// lyingZip holds one entry whose headers claim claimed bytes but whose
// deflate stream inflates to real bytes of zeros.
func lyingZip(tb testing.TB, claimed uint64, real int) []byte {
	tb.Helper()
	data := make([]byte, real)
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(data)
	fw.Close()

	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	h := &zip.FileHeader{
		Name:               "bomb",
		Method:             zip.Deflate,
		CRC32:              crc32.ChecksumIEEE(data),
		CompressedSize64:   uint64(comp.Len()),
		UncompressedSize64: claimed,
	}
	h.SetMode(0o644)
	rw, err := w.CreateRaw(h)
	if err != nil {
		tb.Fatal(err)
	}
	rw.Write(comp.Bytes())
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
