// waitgroup.go — the Go original of the leak lab's waitgroup demo: Add(4)
// for three goroutines, so Wait never returns.
package main

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
)

func handle(addEach bool) {
	var wg sync.WaitGroup
	if !addEach {
		wg.Add(4) // four, for three goroutines
	}
	for i := 1; i <= 3; i++ {
		if addEach {
			wg.Add(1)
		}
		go func() { wg.Done() }() // access table i
	}
	wg.Wait()
	fmt.Println("  handle: all tables read")
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
	fmt.Println("A WaitGroup that never reaches zero")
	fmt.Println("\n▸ wg.Add(4); three goroutines each wg.Done(); wg.Wait()")
	go handle(false)
	report()
	fmt.Println("\n▸ The fix: wg.Add(1) right before each go statement")
	go handle(true)
	report()
}
