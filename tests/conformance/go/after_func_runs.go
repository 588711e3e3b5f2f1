package main

import (
	"fmt"
	"time"
)

// AfterFunc runs its function in its own goroutine at the deadline; Stop
// after that reports false, Stop before prevents the call.
func init() {
	cases["after_func_runs"] = func() {
		fired := make(chan string)
		start := time.Now()
		t := time.AfterFunc(20*time.Millisecond, func() { fired <- "fired" })
		fmt.Println(<-fired, "after >= 20ms:", time.Since(start) >= 20*time.Millisecond)
		fmt.Println("stop after firing:", t.Stop())
		t2 := time.AfterFunc(20*time.Millisecond, func() { fired <- "second fired" })
		fmt.Println("stop before firing:", t2.Stop())
		select {
		case s := <-fired:
			fmt.Println(s)
		case <-time.After(50 * time.Millisecond):
			fmt.Println("second never fired")
		}
	}
}
