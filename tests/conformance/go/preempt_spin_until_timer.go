package main

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

// A spin loop waiting for a timer's function ends: the loop is preempted
// and time passes while it spins.
func init() {
	cases["preempt_spin_until_timer"] = func() {
		runtime.GOMAXPROCS(1)
		var fired atomic.Bool
		time.AfterFunc(5*time.Millisecond, func() { fired.Store(true) })
		for !fired.Load() {
		}
		fmt.Println("the timer fired during the spin")
	}
}
