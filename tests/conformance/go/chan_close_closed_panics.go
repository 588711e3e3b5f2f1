package main

import "fmt"

// Closing a channel twice panics.
func init() {
	cases["chan_close_closed_panics"] = func() {
		ch := make(chan int)
		close(ch)
		fmt.Println("closed once")
		close(ch)
	}
}
