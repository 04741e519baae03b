package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
)

// fromLine matches the start of an mbox From_ line: sender, weekday, month,
// day and time (RFC 4155 / c-client's VALID test, loosely).
var fromLine = regexp.MustCompile(`^From \S+ +[A-Z][a-z][a-z] [A-Z][a-z][a-z] [ 0-9]?[0-9] [0-9][0-9]:[0-9][0-9]`)

const pseudoSubject = "DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA"

// Mbox is what ScanMbox found in a file.
type Mbox struct {
	// IDs holds the Message-ID value of each message in file order ("" for a
	// message without one); c-client's pseudo message is not included.
	IDs []string
	// Pseudo reports that the file starts with c-client's pseudo message.
	Pseudo bool
}

// ScanMbox reads the mbox file at path. A From_ line starts a message when it
// is the first line or follows an empty line.
func ScanMbox(path string) (Mbox, error) {
	f, err := os.Open(path)
	if err != nil {
		return Mbox{}, err
	}
	defer f.Close()
	m, err := scanMbox(f)
	if err != nil {
		return m, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func scanMbox(r io.Reader) (Mbox, error) {
	var (
		m         Mbox
		br        = bufio.NewReaderSize(r, 64<<10)
		prevEmpty = true
		inHeader  bool
		field     []byte // the header field being unfolded
		id        string
		isPseudo  bool
		started   bool
		first     = true
	)
	endHeaderField := func() {
		name, value, ok := bytes.Cut(field, []byte(":"))
		if ok {
			value = bytes.TrimSpace(value)
			switch {
			case bytes.EqualFold(name, []byte("Message-ID")) && id == "":
				id = string(value)
			case bytes.EqualFold(name, []byte("Subject")) && string(value) == pseudoSubject:
				isPseudo = true
			}
		}
		field = field[:0]
	}
	endMessage := func() {
		if !started {
			return
		}
		if isPseudo && first {
			m.Pseudo = true
		} else {
			m.IDs = append(m.IDs, id)
		}
		first = false
	}
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// A very long line: the rest does not matter for ids.
			line = append([]byte(nil), line...)
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
		}
		if len(line) == 0 && err != nil {
			if err == io.EOF {
				break
			}
			return m, err
		}
		text := bytes.TrimRight(line, "\r\n")
		switch {
		case prevEmpty && bytes.HasPrefix(text, []byte("From ")) && fromLine.Match(text):
			if inHeader {
				endHeaderField()
			}
			endMessage()
			started, inHeader, id, isPseudo = true, true, "", false
		case !started:
			return m, fmt.Errorf("not an mbox: first line %q", text)
		case inHeader && len(text) == 0:
			endHeaderField()
			inHeader = false
		case inHeader && (text[0] == ' ' || text[0] == '\t'):
			field = append(field, text...)
		case inHeader:
			endHeaderField()
			field = append(field, text...)
		}
		prevEmpty = len(text) == 0
		if err == io.EOF {
			break
		}
	}
	if inHeader {
		endHeaderField()
	}
	endMessage()
	return m, nil
}
