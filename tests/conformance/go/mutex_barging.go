package main

import (
	"fmt"
	"runtime"
	"sync"
)

// Normal mode: Unlock wakes a waiter but does not hand it the lock, so a
// goroutine that is already running takes the lock first (barging); the
// woken waiter gets it later.
func init() {
	cases["mutex_barging"] = func() {
		runtime.GOMAXPROCS(1)
		var mu sync.Mutex
		done := make(chan bool)
		mu.Lock()
		go func() {
			mu.Lock()
			fmt.Println("waiter got the lock")
			mu.Unlock()
			done <- true
		}()
		runtime.Gosched() // the waiter queues on the lock
		mu.Unlock()
		fmt.Println("main relocked before the woken waiter ran:", mu.TryLock())
		mu.Unlock()
		<-done
	}
}
