package main

import (
	"fmt"
	"time"
)

// Timers fire in deadline order, whatever order they were started in.
func init() {
	cases["timer_deadline_order"] = func() {
		names := []string{"150ms", "50ms", "100ms"}
		ds := []time.Duration{150, 50, 100}
		var ts []*time.Timer
		for _, d := range ds {
			ts = append(ts, time.NewTimer(d*time.Millisecond))
		}
		for k := 0; k < 3; k++ {
			select {
			case <-ts[0].C:
				fmt.Println("fired", names[0])
			case <-ts[1].C:
				fmt.Println("fired", names[1])
			case <-ts[2].C:
				fmt.Println("fired", names[2])
			}
		}
	}
}
