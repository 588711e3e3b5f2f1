// server.go — the Go original of the recovery lab's server demo: a Gin
// engine with gin.Recovery() turns a panicking handler into a 500 and
// serves the next request; a handler that already wrote keeps its 200;
// a plain net/http server without Recovery logs the panic and drops that
// connection, and still serves the next one.
package main

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

func get(addr, path string) {
	resp, err := http.Get("http://" + addr + path)
	if err != nil {
		fmt.Printf("  GET %-9s -> error: %s\n", path, strings.TrimPrefix(err.Error(), "Get \"http://"+addr+path+"\": "))
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Printf("  GET %-9s -> %d %q\n", path, resp.StatusCode, body)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func main() {
	gin.SetMode(gin.ReleaseMode)
	var ginLog bytes.Buffer
	gin.DefaultErrorWriter = &ginLog
	r := gin.New()
	r.Use(gin.Recovery())
	r.GET("/panic", func(c *gin.Context) { panic("handler bug") })
	r.GET("/partial", func(c *gin.Context) {
		c.Writer.WriteString("partial")
		panic("handler bug after writing")
	})
	r.GET("/ok", func(c *gin.Context) { c.String(200, "ok") })
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go http.Serve(ln, r)
	addr := ln.Addr().String()

	fmt.Println("1. Gin with Recovery: the panic becomes a 500 with an empty body")
	get(addr, "/panic")
	logged := ginLog.String()
	if i := strings.Index(logged, "panic recovered:\n"); i >= 0 {
		fmt.Println("  logged: [Recovery] panic recovered:", firstLine(logged[i+17:]), "+ the stack")
	}
	fmt.Println("2. The next request, on another connection, is served")
	get(addr, "/ok")
	fmt.Println("3. A handler that wrote before panicking keeps its status and body")
	get(addr, "/partial")

	fmt.Println("4. Plain net/http, no Recovery: the panic is logged, that connection dropped")
	var srvLog bytes.Buffer
	mux := http.NewServeMux()
	mux.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) { panic("handler bug") })
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	ln2, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := &http.Server{Handler: mux, ErrorLog: log.New(&srvLog, "", 0)}
	go srv.Serve(ln2)
	get(ln2.Addr().String(), "/panic")
	line := firstLine(srvLog.String())
	fmt.Println("  logged:", line[:strings.Index(line, "serving")+7], "ADDR"+line[strings.LastIndex(line, ":"):])
	get(ln2.Addr().String(), "/ok")
}
