// nil-channel.go — the Go original of the leak lab's nil-channel demo: a
// send and a receive on a channel that was never made.
package main

import (
	"fmt"
	"runtime"
	"strings"
	"time"
)

func handler() {
	var ch chan int // forgot ch = make(chan int)
	go func() { ch <- 1 }()
	go func() { <-ch }()
	fmt.Println("  handler: started a sender and a receiver on ch, which is nil; returns")
}

var seen = map[string]bool{}

// report prints the goroutine count and the stack of every goroutine not
// reported before (and not this one), as a goroutine dump shows them.
func report() {
	time.Sleep(200 * time.Millisecond)
	fmt.Printf("  goroutines alive 200 ms later: %d (runtime.NumGoroutine())\n", runtime.NumGoroutine())
	buf := make([]byte, 1<<16)
	stacks := strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n")
	for _, g := range stacks[1:] {
		id := strings.SplitN(g, " [", 2)[0]
		if seen[id] {
			fmt.Printf("  (%s, leaked above, is still blocked: it lives as long as the process)\n", id)
			continue
		}
		seen[id] = true
		fmt.Println(g)
	}
}

func main() {
	fmt.Println("A nil channel: var ch chan int, never made")
	fmt.Println("\n▸ go func() { ch <- 1 }(); go func() { <-ch }()")
	handler()
	report()
}
