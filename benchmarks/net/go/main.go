// The Go side of benchmarks/net: Go's own net and net/http, for net_bench
// to compare the runtime and the HTTP core with.
//
//	netbench_go echo   prints "ready", waits for a line "go N" on stdin,
//	                   then does N one-byte round trips over loopback TCP
//	                   between two goroutines and prints "done"
//	netbench_go http   serves "Hello, World!" with net/http on
//	                   127.0.0.1:0 and prints the address; runs until killed
package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"os"
)

func echo() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() {
		c, err := l.Accept()
		if err != nil {
			panic(err)
		}
		b := make([]byte, 1)
		for {
			if _, err := c.Read(b); err != nil {
				return
			}
			if _, err := c.Write(b); err != nil {
				return
			}
		}
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		panic(err)
	}
	in := bufio.NewReader(os.Stdin)
	fmt.Println("ready")
	var n int
	if _, err := fmt.Fscanf(in, "go %d\n", &n); err != nil {
		panic(err)
	}
	b := []byte{'x'}
	for i := 0; i < n; i++ {
		if _, err := c.Write(b); err != nil {
			panic(err)
		}
		if _, err := c.Read(b); err != nil {
			panic(err)
		}
	}
	fmt.Println("done")
}

func serve() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Println(l.Addr().String())
	hello := []byte("Hello, World!")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(hello)
	})
	panic(http.Serve(l, h))
}

func main() {
	if len(os.Args) == 2 && os.Args[1] == "echo" {
		echo()
	} else if len(os.Args) == 2 && os.Args[1] == "http" {
		serve()
	} else {
		fmt.Fprintln(os.Stderr, "usage: netbench_go echo|http")
		os.Exit(2)
	}
}
