package main

import (
	"fmt"
	"sync"
)

// A Cond nobody signals and a WaitGroup nobody finishes: both asleep.
func init() {
	cases["deadlock_cond_and_waitgroup"] = func() {
		var mu sync.Mutex
		c := sync.NewCond(&mu)
		go func() {
			mu.Lock()
			c.Wait()
		}()
		var wg sync.WaitGroup
		wg.Add(1)
		fmt.Println("waiting")
		wg.Wait()
	}
}
