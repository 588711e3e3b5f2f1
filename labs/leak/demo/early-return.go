// early-return.go — the Go original of the leak lab's early-return demo:
// the channel's other end comes after an error check that fails.
package main

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"
)

func sender(ch chan int) {
	data := 42 // networkCall()
	ch <- data
}

func worker(ch chan []int) {
	if records, ok := <-ch; ok {
		fmt.Println("  worker: got", len(records), "records")
	} else {
		fmt.Println("  worker: the channel was closed: done")
	}
}

func handlerReceivesLate() error {
	ch := make(chan int)
	go sender(ch)
	fmt.Println("  handler: validation failed, returns before <-ch")
	if err := errors.New("data is invalid"); err != nil {
		return err
	}
	<-ch
	return nil
}

func handlerSendsLate(closeOnReturn bool) error {
	ch := make(chan []int)
	if closeOnReturn {
		defer close(ch)
	}
	go worker(ch)
	time.Sleep(time.Millisecond) // getFromDB()
	fmt.Println("  handler: the database failed, returns before ch <- records")
	if err := errors.New("database error"); err != nil {
		return err
	}
	ch <- []int{1, 2, 3}
	return nil
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
	fmt.Println("The other end of the channel comes after an error check")
	fmt.Println("\n▸ go sender(ch); if err != nil { return err }; data := <-ch")
	handlerReceivesLate()
	report()
	fmt.Println("\n▸ go worker(ch); if err != nil { return err }; ch <- records")
	handlerSendsLate(false)
	report()
	fmt.Println("\n▸ The fix: defer close(ch) in the handler")
	handlerSendsLate(true)
	report()
}
