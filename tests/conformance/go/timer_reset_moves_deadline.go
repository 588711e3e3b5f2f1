package main

import (
	"fmt"
	"time"
)

// Reset moves a pending timer's deadline to d from now.
func init() {
	cases["timer_reset_moves_deadline"] = func() {
		start := time.Now()
		t := time.NewTimer(100 * time.Millisecond)
		time.Sleep(20 * time.Millisecond)
		fmt.Println("reset while pending:", t.Reset(100*time.Millisecond))
		<-t.C
		fmt.Println("fired >= 120ms after start:", time.Since(start) >= 120*time.Millisecond)
	}
}
