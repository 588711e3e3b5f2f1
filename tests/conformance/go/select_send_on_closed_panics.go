package main

import "fmt"

// A select that picks a send on a closed channel panics.
func init() {
	cases["select_send_on_closed_panics"] = func() {
		ch := make(chan int)
		close(ch)
		never := make(chan int)
		fmt.Println("selecting")
		select {
		case ch <- 1:
		case <-never:
		}
	}
}
