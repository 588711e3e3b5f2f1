// groups.go — the Go original of the middleware lab's groups demo, on Gin:
// chains composed in Use order across nested groups, and a Use that reaches
// only the routes registered after it. Served in memory (httptest).
package main

import (
	"fmt"
	"net/http/httptest"

	"github.com/gin-gonic/gin"
)

func mw(name string) gin.HandlerFunc {
	return func(c *gin.Context) {
		fmt.Printf(" %s>", name)
		c.Next()
		fmt.Printf(" <%s", name)
	}
}

func handler(name string) gin.HandlerFunc {
	return func(c *gin.Context) {
		fmt.Printf(" [%s]", name)
		c.String(200, name)
	}
}

func main() {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	fmt.Println("r.Use(A); v1 := r.Group(\"/v1\", B); admin := v1.Group(\"/admin\", C)")
	r.Use(mw("A"))
	v1 := r.Group("/v1", mw("B"))
	admin := v1.Group("/admin", mw("C"))
	admin.GET("/stats", handler("stats"))
	v1.GET("/ping", handler("ping"))
	v1.Use(mw("D"))
	v1.GET("/pong", handler("pong"))
	fmt.Println("admin.GET(\"/stats\"); v1.GET(\"/ping\"); v1.Use(D); v1.GET(\"/pong\")")
	for _, p := range []string{"/v1/admin/stats", "/v1/ping", "/v1/pong"} {
		fmt.Printf("\n▸ GET %s\n ", p)
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("GET", p, nil))
		fmt.Printf("\n  => %d\n", w.Code)
	}
}
