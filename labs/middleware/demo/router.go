// router.go — the Go original of the middleware lab's router demo, on Gin
// 1.8.1: the same routes (the conflicting one panics at registration) and
// the same requests, served in memory. Gin 1.8.1 answers 405 without an
// Allow header; the lab sends it, as RFC 9110 asks (Gin does from 1.9).
package main

import (
	"fmt"
	"net/http/httptest"

	"github.com/gin-gonic/gin"
)

func main() {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	fmt.Println("one radix tree per method; HandleMethodNotAllowed = true")
	route := ""
	r.Use(func(c *gin.Context) { // records the match for the table below
		c.Next()
		if c.FullPath() != "" {
			route = "  route " + c.FullPath()
			for _, p := range c.Params {
				route += "  " + p.Key + "=" + p.Value
			}
		}
	})
	routes := [][2]string{
		{"GET", "/users/new"}, {"GET", "/users/:id"}, {"GET", "/users/:id/repos"},
		{"POST", "/users/:id"}, {"GET", "/static/*filepath"}, {"GET", "/docs/"},
		{"POST", "/upload/"}, {"GET", "/users/:name/stars"},
	}
	fmt.Println("\n▸ registering")
	for _, rt := range routes {
		func() {
			defer func() {
				if p := recover(); p != nil {
					fmt.Printf("  %-6s %-22s panic: %v\n", rt[0], rt[1], p)
				}
			}()
			r.Handle(rt[0], rt[1], func(c *gin.Context) {})
			fmt.Printf("  %-6s %-22s ok\n", rt[0], rt[1])
		}()
	}
	reqs := [][2]string{
		{"GET", "/users/new"}, {"GET", "/users/42"}, {"GET", "/users/new/repos"},
		{"GET", "/static/css/a.css"}, {"GET", "/users/42/"}, {"GET", "/docs"},
		{"POST", "/upload"}, {"PUT", "/users/42"}, {"GET", "/nothing"},
	}
	fmt.Println("\n▸ serving")
	for _, q := range reqs {
		route = ""
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(q[0], q[1], nil))
		fmt.Printf("  %-4s %-20s %d%s", q[0], q[1], w.Code, route)
		if l := w.Header().Get("Location"); l != "" {
			fmt.Printf("  Location: %s", l)
		}
		if a := w.Header().Get("Allow"); a != "" {
			fmt.Printf("  Allow: %s", a)
		}
		fmt.Println()
	}
}
