package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

// Starvation mode: a waiter that has waited more than 1 ms and still lost
// the lock to a barging goroutine switches the Mutex to starvation mode;
// the next Unlock hands the lock straight to it and lets it run at once.
func init() {
	cases["mutex_starvation"] = func() {
		runtime.GOMAXPROCS(1)
		var mu sync.Mutex
		got := make(chan bool)
		mu.Lock()
		go func() {
			mu.Lock()
			fmt.Println("starved waiter got the lock")
			mu.Unlock()
			got <- true
		}()
		runtime.Gosched()                // the waiter queues
		time.Sleep(2 * time.Millisecond) // and waits more than 1 ms
		mu.Unlock()                      // wakes it: normal mode
		fmt.Println("main barged:", mu.TryLock())
		runtime.Gosched() // the waiter runs, loses, starves
		mu.Unlock()       // hands off to the waiter, which runs first
		fmt.Println("main after the handing unlock")
		<-got
		fmt.Println("after the handoff, free again:", mu.TryLock())
		mu.Unlock()
	}
}
