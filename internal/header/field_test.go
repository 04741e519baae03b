package header

import (
	"reflect"
	"testing"
)

func TestGet(t *testing.T) {
	tests := []struct {
		name, hdr, field, want string
		ok                     bool
	}{
		{"simple", "Subject: hi\n\n", "Subject", "hi", true},
		{"case-insensitive", "sUbJeCt: hi\n", "SUBJECT", "hi", true},
		{"missing", "From: a@b\n\n", "Subject", "", false},
		{"empty value", "Subject:\n", "Subject", "", true},
		{"leading spaces removed, trailing kept", "Subject:    a  b  \n", "Subject", "a  b  ", true},
		{"fold keeps the space", "Subject: a\n  b\n", "Subject", "a  b", true},
		{"fold with tab", "Subject: a\n\tb\n", "Subject", "a b", true},
		{"tab becomes space", "Subject: a\tb\n", "Subject", "a b", true},
		{"leading tab removed", "Subject:\ta\n", "Subject", "a", true},
		{"folded at start", "Message-ID:\n <fold@x>\n", "Message-ID", "<fold@x>", true},
		{"crlf", "Subject: a\r\n b\r\n\r\n", "Subject", "a b", true},
		{"lone cr dropped", "Subject: lone\rcr\n", "Subject", "lonecr", true},
		{"space before colon", "Subject : x\n", "Subject", "x", true},
		{"first occurrence", "Subject: 1\nSubject: 2\n", "Subject", "1", true},
		{"stops at empty line", "From: a\n\nSubject: body\n", "Subject", "", false},
		{"stops at crlf empty line", "From: a\r\n\r\nSubject: body\r\n", "Subject", "", false},
		{"no final newline", "Subject: end", "Subject", "end", true},
		{"nul ends the line", "Subject: a\x00Date: d\n", "Date", "d", true},
		{"line without colon ignored", "garbage\nSubject: s\n", "Subject", "s", true},
		{"prefix is not a match", "Subjects: x\n", "Subject", "", false},
		{"non-ASCII fold not a match", "Subjecſ: x\n", "Subject", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Get([]byte(tt.hdr), tt.field)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Get(%q, %q) = %q, %v; want %q, %v", tt.hdr, tt.field, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestGetAll(t *testing.T) {
	tests := []struct {
		hdr, field string
		want       []string
	}{
		{"From: a\nTo: x\nfrom: b\n c\n", "From", []string{"a", "b c"}},
		{"To: x\n", "From", nil},
		{"To: 1\r\nTo: 2\r\n\r\nTo: 3\r\n", "To", []string{"1", "2"}},
	}
	for _, tt := range tests {
		if got := GetAll([]byte(tt.hdr), tt.field); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("GetAll(%q, %q) = %q, want %q", tt.hdr, tt.field, got, tt.want)
		}
	}
}
