package main

import (
	"fmt"
	"time"
)

// Sleep lasts at least its duration; Sleep(0) and negative durations
// return at once.
func init() {
	cases["sleep_elapsed"] = func() {
		start := time.Now()
		time.Sleep(30 * time.Millisecond)
		fmt.Println("slept >= 30ms:", time.Since(start) >= 30*time.Millisecond)
		start = time.Now()
		time.Sleep(0)
		time.Sleep(-time.Second)
		fmt.Println("zero and negative sleeps took < 30ms:", time.Since(start) < 30*time.Millisecond)
	}
}
