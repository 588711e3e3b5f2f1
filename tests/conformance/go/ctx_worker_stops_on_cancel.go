package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Workers select on a context and their work; canceling stops them all.
func init() {
	cases["ctx_worker_stops_on_cancel"] = func() {
		ctx, cancel := context.WithCancel(context.Background())
		jobs := make(chan int)
		var wg sync.WaitGroup
		var mu sync.Mutex
		done := 0
		stopped := 0
		for w := 0; w < 3; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-ctx.Done():
						mu.Lock()
						stopped++
						mu.Unlock()
						return
					case <-jobs:
						time.Sleep(time.Millisecond)
						mu.Lock()
						done++
						mu.Unlock()
					}
				}
			}()
		}
		for j := 0; j < 10; j++ {
			jobs <- j
		}
		cancel()
		wg.Wait()
		fmt.Println("jobs done:", done, "workers stopped:", stopped)
	}
}
