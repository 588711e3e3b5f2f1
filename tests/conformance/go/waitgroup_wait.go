package main

import (
	"fmt"
	"sync"
	"time"
)

// Wait returns once every Add has its Done, whatever order they come in.
func init() {
	cases["waitgroup_wait"] = func() {
		var wg sync.WaitGroup
		var mu sync.Mutex
		sum := 0
		for i := 1; i <= 5; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				time.Sleep(time.Duration(6-i) * time.Millisecond)
				mu.Lock()
				sum += i
				mu.Unlock()
			}(i)
		}
		wg.Wait()
		fmt.Println("sum", sum)
		wg.Wait() // zero: returns at once
		fmt.Println("second wait returned")
	}
}
