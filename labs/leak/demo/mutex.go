// mutex.go — the Go original of the leak lab's mutex demo: two goroutines
// lock, add, and forget to unlock.
package main

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
)

func handler(unlock bool) *int {
	total := 0
	var mu sync.Mutex
	for i := 0; i < 2; i++ {
		go func() {
			mu.Lock()
			if unlock {
				defer mu.Unlock()
			}
			total += 1
		}()
	}
	time.Sleep(100 * time.Millisecond)
	fmt.Println("  total:", total)
	return &total
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
	fmt.Println("A mutex locked and never unlocked")
	fmt.Println("\n▸ two goroutines: mu.Lock(); total += 1   (no Unlock)")
	handler(false)
	report()
	fmt.Println("\n▸ The fix: mu.Lock(); defer mu.Unlock()")
	handler(true)
	report()
}
