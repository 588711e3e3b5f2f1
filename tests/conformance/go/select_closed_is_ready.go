package main

import "fmt"

// A closed channel's receive case is always ready, with the zero value.
func init() {
	cases["select_closed_is_ready"] = func() {
		closed := make(chan int)
		close(closed)
		never := make(chan int)
		for i := 0; i < 3; i++ {
			select {
			case v, ok := <-closed:
				fmt.Println("closed case:", v, ok)
			case <-never:
				fmt.Println("never")
			}
		}
	}
}
