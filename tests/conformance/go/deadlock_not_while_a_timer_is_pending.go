package main

import (
	"fmt"
	"time"
)

// Everyone blocked but a sleeper: not a deadlock, the sleeper wakes.
func init() {
	cases["deadlock_not_while_a_timer_is_pending"] = func() {
		ch := make(chan string)
		go func() {
			time.Sleep(30 * time.Millisecond)
			ch <- "the sleeper woke and sent"
		}()
		fmt.Println(<-ch)
	}
}
