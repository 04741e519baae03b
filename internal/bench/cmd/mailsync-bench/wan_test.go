package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/mailsync/mailsync/internal/bench"
	"github.com/mailsync/mailsync/internal/netrelay"
)

func TestParseWANCases(t *testing.T) {
	cases, err := parseWANCases(" 50ms:2000x50, 150ms:10x10 ")
	if err != nil || len(cases) != 2 || cases[0] != (wanCase{50 * time.Millisecond, 2000, 50}) || cases[1] != (wanCase{150 * time.Millisecond, 10, 10}) {
		t.Fatalf("parse: %v, %v", cases, err)
	}
	if cases, err := parseWANCases("none"); err != nil || cases != nil {
		t.Fatalf("none: %v, %v", cases, err)
	}
	for _, bad := range []string{"50ms", "50:20x2", "50ms:20", "50ms:5x10", "50ms:0x0", "-1s:10x1"} {
		if _, err := parseWANCases(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if got := wanFolders(3); strings.Join(got, ",") != "INBOX,f001,f002" {
		t.Errorf("wanFolders(3) = %v", got)
	}
}

func TestWANTableGoals(t *testing.T) {
	run := func(wall time.Duration, rts int64) measured {
		return measured{ran: true, res: bench.Result{Wall: wall}, link: netrelay.Stats{Connections: 1, Turns: rts - 1}}
	}
	s := time.Second
	ours := toolResult{tool: tool{label: "ours", bin: "x"},
		phase: [3]measured{run(2*s, 40), run(s/2, 10), run(s, 20)},
		noops: []measured{run(s, 30), run(s/2, 10), run(3*s/4, 12)}}
	mbsync := toolResult{tool: tool{label: "mbsync", bin: "y", maildir: true},
		phase: [3]measured{run(10*s, 100), run(6*s, 60), run(5*s, 50)},
		noops: []measured{run(6*s, 60), run(6*s, 60), run(6*s, 60)}}
	row := wanRow{c: wanCase{50 * time.Millisecond, 200, 10}, k: 2, bytes: 3e6,
		raw: run(s/4, 3), rawWarm: run(s/5, 3), tools: []toolResult{ours, mbsync}}
	var b bytes.Buffer
	printWANTable(&b, []wanRow{row}, 0)
	out := b.String()
	for _, want := range []string{
		"WAN, RTT 50ms (25ms each way, no bandwidth cap): 200 messages (3.0 MB) in 10 folders",
		"ours        mbox     2.00s 40 RT        1.00s 30 RT        0.50s 10 RT        1.00s 20 RT",
		"raw fetch   -        0.25s 3 RT",
		"ours/mbsync          0.2x               0.2x               0.1x               0.2x",
		"no-op after it <= 15 round trips             NOT MET      (ours 30, 2.0x the goal; mbsync 60)",
		"no-op again <= 15 round trips                met          (ours 10, 0.7x the goal; mbsync 60)",
		"no-op after it <= 15 RTT = 0.75s             NOT MET      (ours 1.00s, 1.3x the goal)",
		"no-op again <= 15 RTT = 0.75s                met",
		"no-op again <= 0.1x mbsync                   met          (ours/mbsync = 0.1x)",
		"initial <= 3x raw fetch + 20 RTT = 1.75s     NOT MET      (ours 2.00s, 1.1x the goal)",
		"initial <= 0.25x mbsync                      met          (ours/mbsync = 0.2x)",
		"1% re-sync <= 0.2x mbsync                    met          (ours/mbsync = 0.2x)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
