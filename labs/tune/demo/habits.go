// habits.go — the three habits of habits.c in Go: s += piece against a
// strings.Builder; an os.File.Write per piece against a bufio.Writer; a
// sync.Mutex per item against a local count merged once.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

const pieces = 20000
const items = 2000000

func main() {
	t0 := time.Now()
	s := ""
	for i := 0; i < pieces; i++ {
		s += "piece, "
	}
	slow := time.Since(t0)
	t0 = time.Now()
	var b strings.Builder
	for i := 0; i < pieces; i++ {
		b.WriteString("piece, ")
	}
	fast := time.Since(t0)
	fmt.Printf("a %d-piece string: += %v, strings.Builder %v (%d, %d bytes)\n", pieces, slow, fast, len(s), b.Len())

	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		panic(err)
	}
	t0 = time.Now()
	for i := 0; i < pieces; i++ {
		f.Write([]byte("piece, ")) // one write(2) each
	}
	slow = time.Since(t0)
	t0 = time.Now()
	w := bufio.NewWriterSize(f, 64<<10)
	for i := 0; i < pieces; i++ {
		w.WriteString("piece, ")
	}
	w.Flush() // forget this and the tail never reaches the file
	fast = time.Since(t0)
	fmt.Printf("%d pieces: unbuffered %v, bufio %v\n", pieces, slow, fast)

	var mu sync.Mutex
	var shared int
	run := func(fn func()) time.Duration {
		var wg sync.WaitGroup
		t0 := time.Now()
		for g := 0; g < 2; g++ {
			wg.Add(1)
			go func() { defer wg.Done(); fn() }()
		}
		wg.Wait()
		return time.Since(t0)
	}
	slow = run(func() {
		for i := 0; i < items; i++ {
			mu.Lock()
			shared++
			mu.Unlock()
		}
	})
	fast = run(func() {
		local := 0
		for i := 0; i < items; i++ {
			local++
		}
		mu.Lock()
		shared += local
		mu.Unlock()
	})
	fmt.Printf("two goroutines, %d items each: lock per item %v, one merge %v (total %d)\n", items, slow, fast, shared)
}
