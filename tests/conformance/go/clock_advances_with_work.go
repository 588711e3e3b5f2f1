package main

import (
	"fmt"
	"time"
)

// Channel operations take time: the clock moves while a goroutine works
// without sleeping, and a timer it started fires in the middle of it.
func init() {
	cases["clock_advances_with_work"] = func() {
		start := time.Now()
		ch := make(chan int, 1)
		t := time.NewTimer(5 * time.Millisecond)
		ops := 0
		for {
			ch <- ops
			<-ch
			ops++
			select {
			case <-t.C:
				fmt.Println("the timer fired while we worked:", ops > 1)
				fmt.Println("time passed:", time.Since(start) >= 5*time.Millisecond)
				return
			default:
			}
		}
	}
}
