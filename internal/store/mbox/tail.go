package mbox

import (
	"bytes"
	"errors"
	"io"
)

// A message appended to an mbox is only read as a message of its own when
// its From_ line starts a line after the end of the last message's header.
// A file may end without a line end, or inside a header (a last message
// without a blank line, often one cut short): then the appended message
// would be read as part of the last one, and lost from view.

// tail is what a Box knows about the end of its file after its own last
// append: the file was size bytes long, ended with a line end, and its last
// message's header was still open (no blank line yet) when hdrOpen.
type tail struct {
	known   bool
	size    int64
	hdrOpen bool
}

// endLastMessage returns what must be written at the end of the file (of
// size bytes) before a new message: a line end if the file lacks a final
// one, and a blank line if the last message's header has not ended.
// Unless the file is as this Box's last append left it, it is scanned.
func (b *Box) endLastMessage(size int64) ([]byte, error) {
	if b.tail.known && b.tail.size == size {
		if b.tail.hdrOpen {
			return []byte{'\n'}, nil
		}
		return nil, nil
	}
	if err := b.rescan(nil); err != nil {
		return nil, err
	}
	if len(b.msgs) == 0 || size == 0 {
		return nil, nil
	}
	var fix []byte
	last := make([]byte, 1)
	if _, err := b.f.ReadAt(last, size-1); err != nil {
		return nil, err
	}
	if last[0] != '\n' {
		if from, err := b.endsInFromLine(size); err != nil || from {
			if err == nil {
				err = errFromAtEnd
			}
			return nil, err
		}
		fix = append(fix, '\n')
	}
	if b.msgs[len(b.msgs)-1].hdrOpen {
		fix = append(fix, '\n')
	}
	return fix, nil
}

// blankWatch passes writes on and notes whether they contain a blank line
// ("\n\n"; appended text has no CR): in an appended message, the first one
// ends the header.
type blankWatch struct {
	w     io.Writer
	prev  byte
	blank bool
}

func (bw *blankWatch) Write(p []byte) (int, error) {
	if !bw.blank && len(p) > 0 {
		bw.blank = (bw.prev == '\n' && p[0] == '\n') || bytes.Contains(p, []byte("\n\n"))
	}
	n, err := bw.w.Write(p)
	if n > 0 {
		bw.prev = p[n-1]
	}
	return n, err
}

// errFromAtEnd refuses an append that would turn the file's unfinished
// last line into a From_ line (and so the end of its last message into a
// message of its own).
var errFromAtEnd = errors.New("the file ends with a line without line end that would read as a From_ line once ended; add a line end by hand")

// maxFromLine bounds the unfinished last line endsInFromLine reads whole.
const maxFromLine = 1 << 20

// endsInFromLine reports whether the file's last line, which has no line
// end, would be a valid From_ line once ended: ending it would then start
// a new message. A "From " line too long to check counts as one.
func (b *Box) endsInFromLine(size int64) (bool, error) {
	start := size
	buf := make([]byte, 4096)
	for start > 0 { // find the start of the last line
		n := min(int64(len(buf)), start)
		if _, err := b.f.ReadAt(buf[:n], start-n); err != nil {
			return false, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			start = start - n + int64(i) + 1
			break
		}
		start -= n
	}
	if size-start < 5 {
		return false, nil
	}
	head := make([]byte, 5)
	if _, err := b.f.ReadAt(head, start); err != nil || string(head) != "From " {
		return false, err
	}
	if size-start > maxFromLine {
		return true, nil
	}
	line := make([]byte, size-start+1)
	if _, err := b.f.ReadAt(line[:size-start], start); err != nil {
		return false, err
	}
	line[len(line)-1] = '\n'
	return validFrom(line).ok, nil
}
