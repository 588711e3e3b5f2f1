package main

import "fmt"

// A buffered channel takes cap values without a receiver, in FIFO order;
// a blocked sender's value goes in behind them.
func init() {
	cases["chan_buffered_fifo"] = func() {
		ch := make(chan int, 3)
		for i := 1; i <= 3; i++ {
			ch <- i
		}
		fmt.Println("len", len(ch), "cap", cap(ch))
		done := make(chan bool)
		go func() {
			ch <- 4 // blocks: the buffer is full
			done <- true
		}()
		for i := 0; i < 4; i++ {
			fmt.Println("got", <-ch)
		}
		<-done
		fmt.Println("len", len(ch))
	}
}
