package main

import (
	"fmt"
	"sync"
)

// TryLock takes a free Mutex and fails on a held one.
func init() {
	cases["mutex_trylock_free_and_held"] = func() {
		var mu sync.Mutex
		fmt.Println("free:", mu.TryLock())
		fmt.Println("held:", mu.TryLock())
		mu.Unlock()
		if mu.TryLock() {
			fmt.Println("after unlock: got it")
			mu.Unlock()
		}
	}
}
