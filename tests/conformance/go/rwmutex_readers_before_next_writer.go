package main

import (
	"fmt"
	"sync"
	"time"
)

// When a writer unlocks, the readers that queued behind it go in before
// the next writer, even one that queued before them.
func init() {
	cases["rwmutex_readers_before_next_writer"] = func() {
		var rw sync.RWMutex
		var mu sync.Mutex
		var log []string
		note := func(s string) { mu.Lock(); log = append(log, s); mu.Unlock() }
		var wg sync.WaitGroup
		rw.Lock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			rw.Lock()
			note("writer 2")
			rw.Unlock()
		}()
		time.Sleep(20 * time.Millisecond) // writer 2 queues first
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rw.RLock()
				note("reader")
				rw.RUnlock()
			}()
		}
		time.Sleep(20 * time.Millisecond) // then the readers
		note("writer 1 unlocks")
		rw.Unlock()
		wg.Wait()
		for _, s := range log {
			fmt.Println(s)
		}
	}
}
