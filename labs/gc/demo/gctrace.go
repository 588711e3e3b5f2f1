// gctrace.go — the Go original of the gc lab's gctrace demo: 2 MB kept
// alive, 25 MB of garbage, GOGC=100, and Go's own trace of every cycle.
//
// GODEBUG is read when a program starts, so the program runs itself again
// with GODEBUG=gctrace=1 and passes the trace (on stderr) through.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
)

type node struct {
	next *node
	pad  [7]int64
}

var sink *node

func main() {
	if os.Getenv("GODEBUG") == "" {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1", "GOGC=100")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stdout
		if err := cmd.Run(); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		return
	}
	fmt.Println("GOGC=100: 2 MB kept alive, 25 MB of garbage")
	var live *node
	for i := 0; i < 32768; i++ {
		live = &node{next: live}
	}
	for i := 0; i < 400000; i++ {
		sink = &node{} // dropped at the next iteration
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("\n%d cycles; heap now %d MB, %d MB held from the system\n",
		ms.NumGC, ms.HeapAlloc>>20, ms.HeapSys>>20)
	runtime.KeepAlive(live)
}
