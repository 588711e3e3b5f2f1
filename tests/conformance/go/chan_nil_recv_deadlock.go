package main

import "fmt"

// A receive from a nil channel blocks forever: with nothing else to run,
// that is a deadlock.
func init() {
	cases["chan_nil_recv_deadlock"] = func() {
		var ch chan int
		fmt.Println("receiving from nil")
		<-ch
	}
}
