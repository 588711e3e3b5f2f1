// slowloris.go — the same scenario against Go's net/http: 200 clients
// dribble a header byte every 100 ms; ReadHeaderTimeout closes each while
// a normal client's latency is measured.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

func main() {
	const clients = 200
	rht := time.Second
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := &http.Server{ReadHeaderTimeout: rht, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello\n")
	})}
	go srv.Serve(ln)
	addr := ln.Addr().String()
	fmt.Printf("slowloris: %d clients dribbling a header byte every 100 ms\n", clients)
	var mu sync.Mutex
	var wg sync.WaitGroup
	closed, minD, maxD := 0, time.Duration(-1), time.Duration(0)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				return
			}
			start := time.Now()
			c.Write([]byte("GET / HTTP/1.1\r\nX-"))
			buf := make([]byte, 64)
			for {
				c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
				_, err := c.Read(buf)
				if ne, ok := err.(net.Error); ok && ne.Timeout() {
					if _, err := c.Write([]byte("a")); err == nil {
						continue
					}
				}
				break
			}
			d := time.Since(start)
			mu.Lock()
			closed++
			if minD < 0 || d < minD {
				minD = d
			}
			if d > maxD {
				maxD = d
			}
			mu.Unlock()
			c.Close()
		}()
	}
	time.Sleep(200 * time.Millisecond)
	tr := &http.Transport{DisableKeepAlives: true}
	cl := &http.Client{Transport: tr}
	n, sum, max := 0, time.Duration(0), time.Duration(0)
	for i := 0; i < 40; i++ {
		t := time.Now()
		resp, err := cl.Get("http://" + addr + "/")
		if err == nil {
			io.ReadAll(resp.Body)
			resp.Body.Close()
			l := time.Since(t)
			n, sum = n+1, sum+l
			if l > max {
				max = l
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	wg.Wait()
	fmt.Printf("  %d of %d closed by the server, after %.0f..%.0f ms (ReadHeaderTimeout %d ms)\n",
		closed, clients, float64(minD)/1e6, float64(maxD)/1e6, rht.Milliseconds())
	fmt.Printf("  %d requests answered, latency mean %.3f ms, max %.3f ms\n", n,
		float64(sum)/1e6/float64(n), float64(max)/1e6)
}
