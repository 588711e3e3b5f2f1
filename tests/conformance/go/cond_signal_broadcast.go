package main

import (
	"fmt"
	"sync"
	"time"
)

// Signal wakes one waiter, Broadcast wakes the rest.
func init() {
	cases["cond_signal_broadcast"] = func() {
		var mu sync.Mutex
		c := sync.NewCond(&mu)
		waiting := 0
		woke := make(chan int, 3)
		for i := 0; i < 3; i++ {
			go func(i int) {
				mu.Lock()
				waiting++
				c.Wait()
				mu.Unlock()
				woke <- i
			}(i)
		}
		for {
			mu.Lock()
			n := waiting
			mu.Unlock()
			if n == 3 {
				break
			}
			time.Sleep(time.Millisecond)
		}
		mu.Lock()
		c.Signal()
		mu.Unlock()
		<-woke
		time.Sleep(20 * time.Millisecond)
		fmt.Println("after Signal, woken:", 1+len(woke))
		mu.Lock()
		c.Broadcast()
		mu.Unlock()
		<-woke
		<-woke
		fmt.Println("after Broadcast, woken: 3")
	}
}
