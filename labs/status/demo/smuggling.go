// smuggling.go — the Go original of the status lab's smuggling demo: the
// same bytes sent to a net/http server on loopback, one connection each,
// and the status line it answers with.
package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

var reqs = []struct{ name, req string }{
	{"plain GET", "GET / HTTP/1.1\r\nHost: a\r\n\r\n"},
	{"CL.TE: both framings", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n" +
		"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nG"},
	{"two Content-Lengths", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n" +
		"Content-Length: 2\r\n\r\nab"},
	{"Content-Length: +1", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\na"},
	{"space before the colon", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n" +
		"\r\n0\r\n\r\n"},
	{"obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n  folded\r\n\r\n"},
	{"bare LF line ends", "GET / HTTP/1.1\nHost: a\n\n"},
	{"chunked, then gzip", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"},
	{"gzip, then chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"},
	{"chunked in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
	{"no Host", "GET / HTTP/1.1\r\n\r\n"},
	{"two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"},
	{"HTTP/2.0 on HTTP/1", "GET / HTTP/2.0\r\nHost: a\r\n\r\n"},
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // read the body as the lab's parser does
	})}
	go srv.Serve(ln)
	fmt.Println("The same heads sent to Go's net/http, and the status it answers with")
	for _, r := range reqs {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			panic(err)
		}
		c.SetDeadline(time.Now().Add(2 * time.Second))
		io.WriteString(c, r.req)
		line, err := bufio.NewReader(c).ReadString('\n')
		status := strings.TrimSpace(line)
		if i := strings.IndexByte(status, ' '); strings.HasPrefix(status, "HTTP/") && i > 0 {
			status = status[i+1:] // the status, whichever version Go answered in
		}
		if err != nil && line == "" {
			status = "no answer (" + err.Error() + ")"
		}
		fmt.Printf("  %-26s %s\n", r.name, status)
		c.Close()
	}
}
