package main

import (
	"fmt"
	"sync"
)

// Cond.Wait without holding its lock unlocks an unlocked Mutex: fatal.
func init() {
	cases["cond_wait_unlocked_fatal"] = func() {
		var mu sync.Mutex
		c := sync.NewCond(&mu)
		fmt.Println("waiting without the lock")
		c.Wait()
		fmt.Println("not reached")
	}
}
