package flagstate

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mailsync/mailsync/internal/store"
)

// kwsN are keyword records for stateN: inbox's first id with two, its
// second with none recorded, its third recorded empty; work has none.
var kwsN = KeywordRecords{
	"inbox":         {KeywordRecord(store.KeywordsOf("$Junk", "work")), "", KeywordRecord("")},
	"new \"box\" é": {KeywordRecord("$Label1")},
}

// TestKeywordRecordsSaveLoad: keyword records go into a version 2 file
// and come back for the boxes that have them; Load (flags only) reads
// the same file; the flag records are those of version 1.
func TestKeywordRecordsSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".msinfo.flags")
	g := gen(stateN, recsN)
	g.Keywords = kwsN
	if err := Save(path, "ch", g); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !bytes.HasPrefix(data, []byte("mailsync flag state 2\n")) {
		t.Fatalf("file with keyword records starts %q", data[:min(len(data), 30)])
	}
	recs, kws := LoadWithKeywords(path, "ch", DigestOf(stateN, false), stateN)
	if !reflect.DeepEqual(recs, recsN) || !reflect.DeepEqual(kws, kwsN) {
		t.Errorf("LoadWithKeywords:\n%v %q\nwant\n%v %q", recs, kws, recsN, kwsN)
	}
	if got := Load(path, "ch", DigestOf(stateN, false), stateN); !reflect.DeepEqual(got, recsN) {
		t.Errorf("Load of a version 2 file: %v", got)
	}
	// The same records without keywords: a version 1 file again, as
	// builds before keywords wrote and read it.
	if err := Save(path, "ch", gen(stateN, recsN)); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(path)
	if !bytes.HasPrefix(data, []byte(magic)) {
		t.Fatalf("file without keyword records starts %q", data[:min(len(data), 30)])
	}
	if _, kws := LoadWithKeywords(path, "ch", DigestOf(stateN, false), stateN); len(kws) != 0 {
		t.Errorf("keyword records from a version 1 file: %q", kws)
	}
}

// TestKeywordRecordsDamaged: a keyword block that does not parse (a
// wrong count, a keyword that is not one, not canonical) makes the file
// damaged: no records at all, so the next run takes the union.
func TestKeywordRecordsDamaged(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".msinfo.flags")
	g := gen(stateN, recsN)
	g.Keywords = kwsN
	if err := Save(path, "ch", g); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	body := good[:len(good)-4]
	for _, c := range []struct{ old, new string }{
		{"+$Junk work\n", "+work $Junk\n"}, // not canonical
		{"+$Junk work\n", "+$Ju(k work\n"}, // not a keyword
		{"+$Label1\n", "?$Label1\n"},       // neither "-" nor "+"
		{"keywords 16\n", "keywords 17\n"}, // a wrong size
	} {
		bad := bytes.Replace(body, []byte(c.old), []byte(c.new), 1)
		if bytes.Equal(bad, body) {
			t.Fatalf("%q not in the file:\n%s", c.old, body)
		}
		if err := os.WriteFile(path, encodeRaw(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if recs, kws := LoadWithKeywords(path, "ch", DigestOf(stateN, false), stateN); recs != nil || kws != nil {
			t.Errorf("%q made %q: records %v %q, want none", c.old, c.new, recs, kws)
		}
	}
}

// encodeRaw returns body with its checksum, as encode ends a file.
func encodeRaw(body []byte) []byte {
	return binary.BigEndian.AppendUint32(bytes.Clone(body), crc32.Checksum(body, crcTable))
}
