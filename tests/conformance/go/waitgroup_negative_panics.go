package main

import (
	"fmt"
	"sync"
)

// A WaitGroup counter below zero panics (a panic, not a fatal error).
func init() {
	cases["waitgroup_negative_panics"] = func() {
		var wg sync.WaitGroup
		wg.Add(1)
		wg.Done()
		fmt.Println("one Done too many")
		wg.Done()
	}
}
