// forgotten-sender.go — the Go original of the leak lab's forgotten-sender
// demo: the handler times out and returns; the sender blocks for ever.
package main

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"
)

func forgottenSender(ch chan int) {
	data := 3
	time.Sleep(50 * time.Millisecond) // the network call
	ch <- data                        // blocks: nobody receives any more
}

func handler(capacity int) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	ch := make(chan int, capacity)
	go forgottenSender(ch)
	select {
	case <-ch:
		fmt.Println("  handler: got the result")
		return nil
	case <-ctx.Done():
		fmt.Println("  handler: timed out after 10 ms, returns an error")
		return ctx.Err()
	}
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
	fmt.Println("The forgotten sender: a timeout returns, the result has no receiver")
	fmt.Println("\n▸ ch := make(chan int); go forgottenSender(ch); select { <-ch | timeout }")
	handler(0)
	report()
	fmt.Println("\n▸ The fix: ch := make(chan int, 1), room for the one result")
	handler(1)
	report()
}
