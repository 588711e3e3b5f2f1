package main

import (
	"fmt"
	"sync"
)

// RUnlock of a sync.RWMutex that is not so held is a fatal error, which
// recover cannot stop: the program ends with "fatal error: sync: RUnlock of unlocked RWMutex".
func init() {
	cases["rwmutex_runlock_fatal"] = func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		var mu sync.RWMutex
		fmt.Println("about to misuse")
		mu.RUnlock()
		fmt.Println("not reached")
	}
}
