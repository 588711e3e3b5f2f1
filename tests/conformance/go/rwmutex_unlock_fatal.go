package main

import (
	"fmt"
	"sync"
)

// Unlock of a sync.RWMutex that is not so held is a fatal error, which
// recover cannot stop: the program ends with "fatal error: sync: Unlock of unlocked RWMutex".
func init() {
	cases["rwmutex_unlock_fatal"] = func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		var mu sync.RWMutex
		fmt.Println("about to misuse")
		mu.Unlock()
		fmt.Println("not reached")
	}
}
