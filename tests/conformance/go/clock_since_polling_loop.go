package main

import (
	"fmt"
	"time"
)

// A loop that polls time.Since ends: time passes while code runs.
func init() {
	cases["clock_since_polling_loop"] = func() {
		start := time.Now()
		spins := 0
		for time.Since(start) < 20*time.Millisecond {
			spins++
		}
		fmt.Println("loop ended after spinning:", spins > 0)
	}
}
