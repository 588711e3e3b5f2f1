// The timeout anchor: the lab's slowloris benchmark against Go's
// net/http. A server with ReadHeaderTimeout 30 s holds 200 clients that
// dribble a header byte every 100 ms; ns/op is one request of a normal
// keep-alive client. Prints one line in Go's benchmark format.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

const dribblers = 200

func dribble(addr string, stop chan struct{}) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	defer c.Close()
	c.Write([]byte("GET / HTTP/1.1\r\nX-"))
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if _, err := c.Write([]byte("a")); err != nil {
				return
			}
		}
	}
}

func bench(b *testing.B) {
	b.StopTimer()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{ReadHeaderTimeout: 30 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "hello\n")
		})}
	go srv.Serve(ln)
	stop := make(chan struct{})
	for i := 0; i < dribblers; i++ {
		go dribble(ln.Addr().String(), stop)
	}
	time.Sleep(50 * time.Millisecond)
	cl := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	url := "http://" + ln.Addr().String() + "/"
	b.ReportAllocs()
	b.StartTimer()
	for i := 0; i < b.N; i++ {
		resp, err := cl.Get(url)
		if err != nil || resp.StatusCode != 200 {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	b.StopTimer()
	close(stop)
	srv.Close()
}

func main() {
	benchtime := flag.Duration("benchtime", time.Second, "")
	flag.Parse()
	testing.Init()
	flag.Set("test.benchtime", benchtime.String())
	r := testing.Benchmark(bench)
	fmt.Printf("BenchmarkRequestUnderSlowloris/go\t%s\t%s\n", r.String(), r.MemString())
}
