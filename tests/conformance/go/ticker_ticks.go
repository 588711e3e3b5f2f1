package main

import (
	"fmt"
	"time"
)

// A Ticker ticks every period; Reset changes the period.
func init() {
	cases["ticker_ticks"] = func() {
		start := time.Now()
		t := time.NewTicker(10 * time.Millisecond)
		for i := 0; i < 3; i++ {
			<-t.C
		}
		fmt.Println("three ticks took >= 30ms:", time.Since(start) >= 30*time.Millisecond)
		t.Reset(40 * time.Millisecond)
		mid := time.Now()
		<-t.C
		fmt.Println("after Reset(40ms) the next tick took >= 40ms:", time.Since(mid) >= 40*time.Millisecond)
		t.Stop()
		select {
		case <-t.C:
			fmt.Println("ticked after Stop")
		case <-time.After(50 * time.Millisecond):
			fmt.Println("no tick after Stop")
		}
	}
}
