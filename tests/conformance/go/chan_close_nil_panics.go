package main

import "fmt"

// Closing a nil channel panics.
func init() {
	cases["chan_close_nil_panics"] = func() {
		var ch chan int
		fmt.Println("closing nil")
		close(ch)
	}
}
