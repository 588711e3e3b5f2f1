package main

import "fmt"

// With no case ready, select takes its default; once one is, it takes it.
func init() {
	cases["select_default"] = func() {
		ch := make(chan int, 1)
		select {
		case v := <-ch:
			fmt.Println("got", v)
		default:
			fmt.Println("default: nothing ready")
		}
		ch <- 5
		select {
		case v := <-ch:
			fmt.Println("got", v)
		default:
			fmt.Println("default")
		}
		full := make(chan int, 1)
		full <- 1
		select {
		case full <- 2:
			fmt.Println("sent")
		default:
			fmt.Println("default: buffer full")
		}
	}
}
