package main

import (
	"fmt"
	"runtime"
	"time"
)

// Goexit in main does not end the program: the others run on, and when
// none is left Go reports that main called Goexit.
func init() {
	cases["deadlock_goexit_main"] = func() {
		go func() {
			time.Sleep(10 * time.Millisecond)
			fmt.Println("the other goroutine still ran")
		}()
		fmt.Println("main calls Goexit")
		runtime.Goexit()
	}
}
