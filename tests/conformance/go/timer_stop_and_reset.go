package main

import (
	"fmt"
	"time"
)

// Stop and Reset report whether the timer was active.
func init() {
	cases["timer_stop_and_reset"] = func() {
		t := time.NewTimer(time.Hour)
		fmt.Println("stop active:", t.Stop())
		fmt.Println("stop stopped:", t.Stop())
		fmt.Println("reset stopped:", t.Reset(10*time.Millisecond))
		fmt.Println("reset active:", t.Reset(10*time.Millisecond))
		<-t.C
		fmt.Println("stop fired:", t.Stop())
		fmt.Println("reset fired:", t.Reset(time.Hour))
		select {
		case <-t.C:
			fmt.Println("fired early")
		default:
			fmt.Println("nothing buffered")
		}
		t.Stop()
	}
}
