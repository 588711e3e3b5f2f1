package main

import (
	"fmt"
	"time"
)

// time.After in a select is a timeout: it fires when nothing else does,
// and not before its time.
func init() {
	cases["select_timeout_after"] = func() {
		never := make(chan int)
		start := time.Now()
		select {
		case <-never:
			fmt.Println("never")
		case <-time.After(50 * time.Millisecond):
			fmt.Println("timeout after >= 50ms:", time.Since(start) >= 50*time.Millisecond)
		}
	}
}
