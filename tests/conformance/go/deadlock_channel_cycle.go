package main

import (
	"fmt"
	"sync"
)

// Two goroutines each wait for the other's send while main waits for
// both: all are asleep, and the report names each one's wait.
func init() {
	cases["deadlock_channel_cycle"] = func() {
		a, b := make(chan int), make(chan int)
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); <-a; b <- 1 }()
		go func() { defer wg.Done(); <-b; a <- 1 }()
		fmt.Println("waiting for both")
		wg.Wait()
	}
}
