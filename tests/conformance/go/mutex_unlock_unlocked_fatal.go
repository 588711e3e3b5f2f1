package main

import (
	"fmt"
	"sync"
)

// Unlock of a sync.Mutex that is not so held is a fatal error, which
// recover cannot stop: the program ends with "fatal error: sync: unlock of unlocked mutex".
func init() {
	cases["mutex_unlock_unlocked_fatal"] = func() {
		defer func() { fmt.Println("recovered:", recover()) }()
		var mu sync.Mutex
		fmt.Println("about to misuse")
		mu.Unlock()
		fmt.Println("not reached")
	}
}
