// Package output copies a sandboxed process's output from a pipe to the
// caller's writer. A slow or stuck writer never blocks the process: output
// waits in a bounded buffer and what does not fit is dropped and counted.
package output

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// DefaultBuffer is how much output may wait for a slow writer.
const DefaultBuffer = 1 << 20

// Pump reads a pipe until EOF and writes what it read to a writer. Its two
// goroutines end after Close.
type Pump struct {
	r     *os.File
	w     io.Writer
	limit int

	mu      sync.Mutex
	cond    *sync.Cond
	pending []byte
	spare   []byte
	dropped int64
	eof     bool

	readerDone chan struct{}
	writerDone chan struct{}
}

// Start begins copying r to w, buffering at most limit bytes.
func Start(r *os.File, w io.Writer, limit int) *Pump {
	p := &Pump{r: r, w: w, limit: limit, readerDone: make(chan struct{}), writerDone: make(chan struct{})}
	p.cond = sync.NewCond(&p.mu)
	go p.read()
	go p.write()
	return p
}

func (p *Pump) read() {
	defer close(p.readerDone)
	chunk := make([]byte, 32<<10)
	for {
		n, err := p.r.Read(chunk)
		if n > 0 {
			p.mu.Lock()
			if len(p.pending)+n <= p.limit {
				p.pending = append(p.pending, chunk[:n]...)
			} else {
				p.dropped += int64(n)
			}
			p.cond.Signal()
			p.mu.Unlock()
		}
		if err != nil {
			break
		}
	}
	p.mu.Lock()
	p.eof = true
	p.cond.Signal()
	p.mu.Unlock()
}

func (p *Pump) write() {
	defer close(p.writerDone)
	broken := false // after a write error, keep draining so the process never blocks
	for {
		p.mu.Lock()
		for len(p.pending) == 0 && p.dropped == 0 && !p.eof {
			p.cond.Wait()
		}
		data, dropped, eof := p.pending, p.dropped, p.eof
		p.pending, p.spare, p.dropped = p.spare[:0], nil, 0
		p.mu.Unlock()

		if !broken && len(data) > 0 {
			_, err := p.w.Write(data)
			broken = err != nil
		}
		if !broken && dropped > 0 {
			_, err := fmt.Fprintf(p.w, "\n[gust: %d bytes of output dropped: the log writer fell behind]\n", dropped)
			broken = err != nil
		}
		p.mu.Lock()
		if p.spare == nil {
			p.spare = data[:0]
		}
		done := eof && len(p.pending) == 0 && p.dropped == 0
		p.mu.Unlock()
		if done {
			return
		}
	}
}

// Close waits up to grace for the pipe's writers to go away (they should
// be dead already), then for everything read to reach the writer, and
// closes the pipe.
func (p *Pump) Close(grace time.Duration) {
	_ = p.r.SetReadDeadline(time.Now().Add(grace))
	<-p.readerDone
	<-p.writerDone
	_ = p.r.Close()
}
