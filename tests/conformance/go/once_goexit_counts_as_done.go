package main

import (
	"fmt"
	"runtime"
	"sync"
)

// A Once whose function ends its goroutine (runtime.Goexit) still counts
// as done: later callers neither run theirs nor wait forever.
func init() {
	cases["once_goexit_counts_as_done"] = func() {
		var once sync.Once
		exited := make(chan bool)
		go func() {
			defer close(exited)
			once.Do(func() {
				fmt.Println("first function exits its goroutine")
				runtime.Goexit()
			})
			fmt.Println("not reached")
		}()
		<-exited
		ran := false
		once.Do(func() { ran = true })
		fmt.Println("second function ran:", ran)
	}
}
