package main

import "fmt"

// Sending on a closed channel panics.
func init() {
	cases["chan_send_on_closed_panics"] = func() {
		ch := make(chan int, 1)
		close(ch)
		fmt.Println("sending")
		ch <- 1
		fmt.Println("not reached")
	}
}
