// lock-order.go — the Go original of the deadlock lab's lock-order demo:
// two functions take two mutexes in opposite orders. One after the other,
// nothing happens and Go says nothing; overlapping, they hang, and Go
// ends the program with "all goroutines are asleep".
package main

import (
	"fmt"
	"sync"
	"time"
)

var acctMu, ledgerMu sync.Mutex

func takeTwo(first, second *sync.Mutex, overlap bool, wg *sync.WaitGroup) {
	defer wg.Done()
	first.Lock()
	if overlap {
		time.Sleep(time.Millisecond) // long enough for the other to take its first
	}
	second.Lock()
	second.Unlock()
	first.Unlock()
}

func run(overlap bool) {
	var wg sync.WaitGroup
	wg.Add(2)
	go takeTwo(&acctMu, &ledgerMu, overlap, &wg) // transfer
	if !overlap {
		time.Sleep(10 * time.Millisecond) // transfer runs to the end first
	}
	go takeTwo(&ledgerMu, &acctMu, overlap, &wg) // audit
	wg.Wait()
	fmt.Println("  both finished")
}

func main() {
	fmt.Println("transfer(): acct.mu then ledger.mu; audit(): ledger.mu then acct.mu")
	fmt.Println("\n▸ Run 1: transfer, then audit, one after the other")
	run(false)
	fmt.Println("  (Go reports nothing: the order bug is still there)")
	fmt.Println("\n▸ Run 2: the same two functions, overlapping")
	run(true)
}
