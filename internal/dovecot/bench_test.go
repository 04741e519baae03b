package dovecot

import (
	"context"
	"testing"
)

// BenchmarkLaunch measures Launch: from nothing to a server whose plain
// and TLS ports greet. Stop (about 1.1 s) is not timed.
func BenchmarkLaunch(b *testing.B) {
	for b.Loop() {
		s, err := Launch(context.Background(), Options{}, "")
		if err != nil {
			unavailable(b, err)
		}
		b.StopTimer()
		if err := s.Stop(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
