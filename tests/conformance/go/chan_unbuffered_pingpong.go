package main

import "fmt"

// An unbuffered channel is a rendezvous: each send meets its receive.
func init() {
	cases["chan_unbuffered_pingpong"] = func() {
		ping, pong := make(chan int), make(chan int)
		go func() {
			for v := range ping {
				pong <- v * 10
			}
			close(pong)
		}()
		for i := 1; i <= 5; i++ {
			ping <- i
			fmt.Println("pong", <-pong)
		}
		close(ping)
		_, ok := <-pong
		fmt.Println("pong closed:", !ok)
	}
}
