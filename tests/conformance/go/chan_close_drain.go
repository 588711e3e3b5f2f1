package main

import "fmt"

// A closed channel still delivers what it holds, then the zero value with
// ok false, forever.
func init() {
	cases["chan_close_drain"] = func() {
		ch := make(chan int, 4)
		ch <- 7
		ch <- 8
		close(ch)
		for v := range ch {
			fmt.Println("range", v)
		}
		for i := 0; i < 2; i++ {
			v, ok := <-ch
			fmt.Println("after close", v, ok)
		}
	}
}
