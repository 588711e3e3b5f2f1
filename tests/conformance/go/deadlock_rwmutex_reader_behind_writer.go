package main

import (
	"fmt"
	"sync"
	"time"
)

// A reader that already holds a read lock and asks for another, behind a
// waiting writer, deadlocks with it: recursive read locking is not allowed.
func init() {
	cases["deadlock_rwmutex_reader_behind_writer"] = func() {
		var rw sync.RWMutex
		rw.RLock()
		go func() { rw.Lock() }()
		time.Sleep(20 * time.Millisecond) // the writer waits
		fmt.Println("read-locking again")
		rw.RLock()
	}
}
