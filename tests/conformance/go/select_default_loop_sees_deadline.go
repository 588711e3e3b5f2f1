package main

import (
	"context"
	"fmt"
	"time"
)

// Go's most common loop: poll a context with select/default while working.
// Time passes while it works, so the deadline arrives and ends the loop.
func init() {
	cases["select_default_loop_sees_deadline"] = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		work := 0
		for {
			select {
			case <-ctx.Done():
				fmt.Println("stopped:", ctx.Err())
				fmt.Println("did some work:", work > 0)
				return
			default:
				work++
			}
		}
	}
}
