package main

import (
	"fmt"
	"runtime"
	"sync"
)

// A Mutex makes a read-modify-write atomic, even when the holder yields
// in the middle of it.
func init() {
	cases["mutex_counter"] = func() {
		var mu sync.Mutex
		var wg sync.WaitGroup
		counter := 0
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 100; i++ {
					mu.Lock()
					v := counter
					runtime.Gosched()
					counter = v + 1
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		fmt.Println("counter", counter)
	}
}
