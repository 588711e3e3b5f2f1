package main

import (
	"fmt"
	"runtime"
)

// A goroutine busy in a select/default loop that never blocks still loses
// the CPU when its time slice ends, so another goroutine runs, even with
// one P.
func init() {
	cases["preempt_busy_select_loop"] = func() {
		runtime.GOMAXPROCS(1)
		other := make(chan bool)
		go func() { close(other) }()
		spins := 0
		for {
			select {
			case <-other:
				fmt.Println("the other goroutine ran while we spun:", spins > 0)
				return
			default:
				spins++
			}
		}
	}
}
