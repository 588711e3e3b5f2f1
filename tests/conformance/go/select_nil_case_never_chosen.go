package main

import "fmt"

// A nil channel's case is never ready: select ignores it.
func init() {
	cases["select_nil_case_never_chosen"] = func() {
		var nilch chan int
		ready := make(chan int, 1)
		picked := map[string]int{}
		for i := 0; i < 1000; i++ {
			ready <- i
			select {
			case <-nilch:
				picked["nil"]++
			case nilch <- 1:
				picked["nil send"]++
			case <-ready:
				picked["ready"]++
			}
		}
		fmt.Println("nil:", picked["nil"], "nil send:", picked["nil send"], "ready:", picked["ready"])
	}
}
