// unclosed-range.go — the Go original of the leak lab's unclosed-range
// demo: workers range over a channel that nobody closes.
package main

import (
	"fmt"
	"runtime"
	"strings"
	"time"
)

func abandonedWorker(id int, ch chan int) {
	done := 0
	for range ch {
		done++ // processData(data)
	}
	fmt.Printf("  worker %d: processed %d, the channel was closed: shutting down\n", id, done)
}

func handler(closeIt bool) {
	ch := make(chan int, 6)
	for i := 0; i < 6; i++ {
		ch <- i
	}
	for k := 1; k <= 2; k++ {
		go abandonedWorker(k, ch)
	}
	if closeIt {
		close(ch)
	}
	fmt.Println("  handler: 6 values queued, 2 workers started, returns")
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
	fmt.Println("Workers ranging over a channel that nobody closes")
	fmt.Println("\n▸ ch := make(chan int, 6); queue 6 values; go worker(ch) x2; return")
	handler(false)
	report()
	fmt.Println("\n▸ The fix: close(ch) once everything is queued")
	handler(true)
	report()
}
