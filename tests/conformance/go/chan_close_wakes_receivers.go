package main

import (
	"fmt"
	"sync"
)

// Closing a channel wakes every receiver waiting on it, each with ok false.
func init() {
	cases["chan_close_wakes_receivers"] = func() {
		ch := make(chan int)
		var wg sync.WaitGroup
		var mu sync.Mutex
		closed := 0
		for i := 0; i < 5; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, ok := <-ch; !ok {
					mu.Lock()
					closed++
					mu.Unlock()
				}
			}()
		}
		close(ch)
		wg.Wait()
		fmt.Println("receivers that saw the close:", closed)
	}
}
