package main

import (
	"fmt"
	"runtime"
	"sync"
)

// Once runs its function once; every caller returns after it has run.
func init() {
	cases["once_runs_once"] = func() {
		var once sync.Once
		var wg sync.WaitGroup
		var mu sync.Mutex
		runs, sawDone := 0, 0
		initialized := false
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				once.Do(func() {
					runtime.Gosched()
					runs++
					initialized = true
				})
				mu.Lock()
				if initialized {
					sawDone++
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		fmt.Println("runs", runs, "callers that saw it done", sawDone)
	}
}
