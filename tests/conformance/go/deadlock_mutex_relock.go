package main

import (
	"fmt"
	"sync"
)

// Mutex is not reentrant: locking it again waits forever.
func init() {
	cases["deadlock_mutex_relock"] = func() {
		var mu sync.Mutex
		mu.Lock()
		fmt.Println("locked once")
		mu.Lock()
	}
}
