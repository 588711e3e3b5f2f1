// timeout-handler.go — http.TimeoutHandler: in time the handler's answer
// goes out; past the limit the client gets 503 with the body, and the
// handler's later Write returns http.ErrHandlerTimeout.
package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"
)

func main() {
	var lateErr error
	work := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ms, _ := strconv.Atoi(r.URL.RawQuery)
		time.Sleep(time.Duration(ms) * time.Millisecond)
		if _, err := io.WriteString(w, "done\n"); err != nil {
			lateErr = err
		}
	})
	srv := httptest.NewServer(http.TimeoutHandler(work, 100*time.Millisecond, "too slow\n"))
	defer srv.Close()
	fmt.Println("TimeoutHandler(work, 100ms, \"too slow\")")
	for _, p := range []string{"/work?50", "/work?300"} {
		t := time.Now()
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			fmt.Println(err)
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("  GET %-10s → %d after %d ms: %s", p, resp.StatusCode, time.Since(t).Milliseconds(), body)
	}
	time.Sleep(500 * time.Millisecond)
	fmt.Printf("  the late handler's write after the 503: %v\n", lateErr)
}
