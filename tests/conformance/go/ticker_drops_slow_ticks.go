package main

import (
	"fmt"
	"time"
)

// A Ticker's channel holds one tick: a receiver that falls behind finds
// one waiting, not all it missed.
func init() {
	cases["ticker_drops_slow_ticks"] = func() {
		t := time.NewTicker(10 * time.Millisecond)
		time.Sleep(55 * time.Millisecond)
		fmt.Println("ticks waiting after five periods:", len(t.C))
		t.Stop()
	}
}
