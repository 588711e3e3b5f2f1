// onion.go — the Go original of the middleware lab's onion demo, on Gin
// (Debian's golang-github-gin-gonic-gin-dev): Logger → Auth → handler, one
// request with a token and one without, served in memory (httptest).
package main

import (
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"
)

func logger(c *gin.Context) {
	fmt.Printf("  logger: before Next (path %s)\n", c.Request.URL.RequestURI())
	c.Next()
	fmt.Printf("  logger: after Next, status %d, aborted %v\n", c.Writer.Status(), c.IsAborted())
}

func auth(c *gin.Context) {
	if c.Query("token") == "" {
		fmt.Println("  auth: no token, AbortWithStatus(401)")
		c.AbortWithStatus(401)
		fmt.Println("  auth: still running after Abort")
		return
	}
	fmt.Println("  auth: before Next")
	c.Set("user", "alice")
	c.Next()
	fmt.Println("  auth: after Next")
}

func main() {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	fmt.Println("r.Use(Logger, Auth); r.GET(\"/hello\", handler)")
	r.Use(logger, auth)
	r.GET("/hello", func(c *gin.Context) {
		fmt.Printf("  handler: hello %s\n", c.MustGet("user"))
		c.String(200, "hello")
	})
	for _, target := range []string{"/hello?token=abc", "/hello"} {
		fmt.Printf("\n▸ GET %s\n", target)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		fmt.Printf("  => %d %s\n", w.Code, strings.TrimSpace(w.Body.String()))
	}
}
