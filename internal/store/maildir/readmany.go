package maildir

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/mailsync/mailsync/internal/store"
)

// readResult is a message file read by readMisses.
type readResult struct {
	m   store.Message
	err error
}

// minParallelReads is the number of files below which readMisses reads
// them one after the other.
const minParallelReads = 64

// readMisses reads the files of fs at the indexes miss, those the header
// cache cannot describe (missing, or with a W= size the cache disagrees
// with), a few at a time (one per processor, at most 4): a cold listing
// spends its time opening and reading files. It returns them by index in
// fs.
func (b *Box) readMisses(ctx context.Context, fs []file, miss []int) map[int]readResult {
	res := make([]readResult, len(miss))
	workers := min(runtime.GOMAXPROCS(0), 4)
	if len(miss) < minParallelReads {
		workers = 1
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1)) - 1
				if k >= len(miss) || ctx.Err() != nil {
					return
				}
				f := fs[miss[k]]
				res[k].m, res[k].err = readMessage(b.path(f), f)
			}
		}()
	}
	wg.Wait()
	out := make(map[int]readResult, len(miss))
	for k, i := range miss {
		out[i] = res[k]
	}
	return out
}
