package envs

import (
	"bytes"
	"errors"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// LogSink receives every line an environment prints, attributed to its log
// group and stream. It must not block: a slow sink must drop, not stall a
// function.
type LogSink interface {
	Line(group, stream string, at time.Time, line string)
}

// logPipe reads an environment's stdout and stderr (one pipe for both, as
// Lambda interleaves them) line by line, and collects the lines of the
// current invocation for X-Amz-Log-Result.
type logPipe struct {
	r  *os.File
	rc syscall.RawConn
	fd int      // r's descriptor, valid until close
	w  *os.File // given to the sandbox; closed by us once the bootstrap has it

	mu sync.Mutex
	// sink, group and stream are set at creation, or for a pooled
	// environment when it is given to a function (attribute).
	sink   LogSink
	group  string
	stream string
	tail   *tailBuffer // nil between invocations
	done   chan struct{}
	// waiting is true while the reader is parked in Read with every byte
	// it read before handed on.
	waiting atomic.Bool
}

func newLogPipe(sink LogSink, group, stream string) (*logPipe, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	p := &logPipe{r: r, w: w, sink: sink, group: group, stream: stream, done: make(chan struct{})}
	// The raw descriptor, for drain's ioctl: r.Fd() would switch the
	// pipe to blocking mode.
	if p.rc, err = r.SyscallConn(); err == nil {
		err = p.rc.Control(func(fd uintptr) { p.fd = int(fd) })
	}
	if err != nil {
		_ = r.Close()
		_ = w.Close()
		return nil, err
	}
	go p.read()
	return p, nil
}

// readChunk reads what the pipe holds, parking until it holds something.
// waiting is cleared before the read syscall takes any byte out of the
// pipe and set again only when the pipe was found empty, so that drain
// never sees an empty pipe and a parked reader while bytes are in flight.
func (p *logPipe) readChunk(buf []byte) (int, error) {
	var n int
	var rerr error
	err := p.rc.Read(func(fd uintptr) bool {
		p.waiting.Store(false)
		n, rerr = unix.Read(int(fd), buf)
		if errors.Is(rerr, unix.EAGAIN) {
			p.waiting.Store(true)
			return false
		}
		return true
	})
	switch {
	case err != nil:
		return 0, err
	case rerr != nil:
		return 0, rerr
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

const maxLineBytes = 256 * 1024 // CloudWatch's event limit

// read splits the pipe into lines. waiting is true exactly while the
// goroutine is parked with every earlier byte handed on, which is what
// drain needs to know.
func (p *logPipe) read() {
	defer close(p.done)
	buf := make([]byte, 64*1024)
	var partial []byte
	for {
		n, err := p.readChunk(buf)
		chunk := buf[:n]
		for len(chunk) > 0 {
			i := bytes.IndexByte(chunk, '\n')
			if i < 0 {
				partial = append(partial, chunk...)
				if len(partial) >= maxLineBytes {
					p.emit(string(partial))
					partial = partial[:0]
				}
				break
			}
			line := chunk[:i]
			if len(partial) > 0 {
				line = append(partial, line...)
				partial = partial[:0]
			}
			p.emit(string(trimCR(line)))
			chunk = chunk[i+1:]
		}
		if err != nil {
			if len(partial) > 0 {
				p.emit(string(partial))
			}
			return
		}
	}
}

func (p *logPipe) emit(line string) {
	now := time.Now()
	p.mu.Lock()
	if p.tail != nil {
		p.tail.add(line)
	}
	sink, group, stream := p.sink, p.group, p.stream
	p.mu.Unlock()
	if sink != nil {
		sink.Line(group, stream, now, line)
	}
}

// attribute sends the lines from now on to sink under group and stream.
func (p *logPipe) attribute(sink LogSink, group, stream string) {
	p.mu.Lock()
	p.sink, p.group, p.stream = sink, group, stream
	p.mu.Unlock()
}

// platform writes one of Lambda's own lines (START, END, REPORT) into the
// same stream.
func (p *logPipe) platform(line string) { p.emit(line) }

// beginInvocation starts collecting lines for one invocation.
func (p *logPipe) beginInvocation() {
	p.mu.Lock()
	p.tail = &tailBuffer{}
	p.mu.Unlock()
}

// endInvocation stops collecting and returns the invocation's lines; call
// drain first.
func (p *logPipe) endInvocation() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.tail
	p.tail = nil
	if t == nil {
		return nil
	}
	return t.bytes()
}

// drain waits until every byte written to the pipe so far has been handed
// on as a line (or max passes). A runtime writes its output before it posts
// its response, so after drain the invocation's lines are all collected. A
// partial last line without its newline stays pending, as in Lambda.
func (p *logPipe) drain(max time.Duration) {
	deadline := time.Now().Add(max)
	for {
		n, err := unix.IoctlGetInt(p.fd, unix.TIOCINQ)
		if err != nil || (n == 0 && p.waiting.Load()) {
			return
		}
		if time.Now().After(deadline) {
			return
		}
		runtime.Gosched()
	}
}

// close releases the pipe once the environment is gone and waits for the
// reader to finish.
func (p *logPipe) close() {
	_ = p.w.Close()
	<-p.done
	_ = p.r.Close()
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}

// TailBytes is how much of an invocation's log X-Amz-Log-Result carries.
const TailBytes = 4096

// tailBuffer keeps the last TailBytes of an invocation's log.
type tailBuffer struct {
	buf []byte
}

func (t *tailBuffer) add(line string) {
	t.buf = append(t.buf, line...)
	t.buf = append(t.buf, '\n')
	if len(t.buf) > 2*TailBytes {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-TailBytes:]...)
	}
}

func (t *tailBuffer) bytes() []byte {
	if len(t.buf) > TailBytes {
		return t.buf[len(t.buf)-TailBytes:]
	}
	return t.buf
}
