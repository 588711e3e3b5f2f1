package main

import (
	"fmt"
	"runtime"
	"sync/atomic"
)

// A loop that spins on a flag without a single call is preempted (since
// Go 1.14, by a signal), so the goroutine that sets the flag gets to run,
// even with one P.
func init() {
	cases["preempt_spin_on_flag"] = func() {
		runtime.GOMAXPROCS(1)
		var flag atomic.Bool
		go func() { flag.Store(true) }()
		for !flag.Load() {
		}
		fmt.Println("the spinner saw the flag")
	}
}
