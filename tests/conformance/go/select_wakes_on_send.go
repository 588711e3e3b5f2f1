package main

import "fmt"

// A select blocked on several channels completes exactly one case: the
// one another goroutine makes ready.
func init() {
	cases["select_wakes_on_send"] = func() {
		a, b, out := make(chan int), make(chan int), make(chan string)
		go func() {
			select {
			case v := <-a:
				out <- fmt.Sprint("a ", v)
			case v := <-b:
				out <- fmt.Sprint("b ", v)
			}
		}()
		b <- 7
		fmt.Println(<-out)
		select {
		case a <- 1:
			fmt.Println("a still had a receiver")
		default:
			fmt.Println("a has no receiver left")
		}
	}
}
