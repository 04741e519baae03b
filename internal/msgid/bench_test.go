package msgid

import "testing"

// cachedHeader is the header a cache keeps for a typical message: the
// fields message identity and -m need, in their original order.
var cachedHeader = []byte("From: Carol Tanaka <carol.tanaka@mail.example.org>\r\n" +
	"To: Victor Silva <victor.silva@example.net>\r\n" +
	"Subject: Re: Lunch on Friday? #0\r\n" +
	"Date: Mon, 02 Jan 2023 09:11:00 +0000\r\n" +
	"Message-ID: <20230102091100.000000.c6ae4e3b@mail.example.org>\r\n\r\n")

// BenchmarkCompute measures the id of a cached header, which a sync
// computes for every message of both sides of every box it reads.
func BenchmarkCompute(b *testing.B) {
	for _, alg := range []Algorithm{MsgID, MD5} {
		b.Run(map[Algorithm]string{MsgID: "msgid", MD5: "md5"}[alg], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Compute(alg, cachedHeader)
			}
		})
	}
}
