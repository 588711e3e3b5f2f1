// partial.go — the Go original of the deadlock lab's partial demo: two
// goroutines wait on each other's channel while main serves. Go's deadlock
// detection needs every goroutine blocked, so it never fires.
package main

import (
	"fmt"
	"runtime"
	"time"
)

func main() {
	fmt.Println("go { <-ch1; ch2 <- 1 }; go { <-ch2; ch1 <- 1 }; main keeps serving")
	start := time.Now()
	ch1, ch2 := make(chan int), make(chan int)
	go func() { <-ch1; ch2 <- 1 }()
	go func() { <-ch2; ch1 <- 1 }()
	for i := 1; i <= 3; i++ {
		time.Sleep(100 * time.Millisecond) // serving requests
		fmt.Printf("[%.3f s] main: served request %d\n", time.Since(start).Seconds(), i)
	}
	fmt.Printf("[%.3f s] main: shutting down; runtime.NumGoroutine() = %d\n",
		time.Since(start).Seconds(), runtime.NumGoroutine())
	fmt.Println("  (Go never reported the two stuck goroutines)")
}
