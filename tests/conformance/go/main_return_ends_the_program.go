package main

import (
	"fmt"
	"sync"
)

// Returning from main ends the program with status 0, goroutines still
// blocked or not.
func init() {
	cases["main_return_ends_the_program"] = func() {
		never := make(chan int)
		var mu sync.Mutex
		mu.Lock()
		for i := 0; i < 3; i++ {
			go func() { <-never }()
		}
		go func() { mu.Lock() }()
		fmt.Println("main returns")
	}
}
