// pipeline.go — the Go original of the cache lab's pipeline demo, with
// redigo (Debian's golang-github-gomodule-redigo-dev): Send queues,
// Flush writes, Receive reads the replies in order; WRONGTYPE comes back
// as a redis.Error value among them; a server killed while a BLPOP blocks
// turns the replies still owed into errors. It starts its own
// redis-server on a free loopback port.
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"

	"github.com/gomodule/redigo/redis"
)

func startRedis() (*exec.Cmd, string, string) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	port := fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	dir, _ := os.MkdirTemp("", "redis-demo-")
	cmd := exec.Command("/usr/bin/redis-server", "--port", port, "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		fmt.Println("redis-server (Debian's redis-server package):", err)
		os.Exit(1)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() && !strings.Contains(sc.Text(), "Ready to accept connections") {
	}
	go func() {
		for sc.Scan() {
		}
	}()
	return cmd, "127.0.0.1:" + port, dir
}

func show(v interface{}, err error) string {
	if e, ok := err.(redis.Error); ok { // a server error: a value, the connection goes on
		return "(error) " + e.Error()
	}
	switch x := v.(type) {
	case redis.Error:
		return "(error) " + x.Error()
	case []byte:
		return fmt.Sprintf("%q", x)
	case int64:
		return fmt.Sprintf("(integer) %d", x)
	case string:
		return x
	case nil:
		if err != nil {
			return "error: " + err.Error()
		}
		return "(nil)"
	}
	return fmt.Sprint(v)
}

func main() {
	cmd, addr, dir := startRedis()
	defer os.RemoveAll(dir)
	c, err := redis.Dial("tcp", addr)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	fmt.Println("Pipelining: one write, the replies in order")
	fmt.Println("\n▸ Four commands in one write; the replies in order")
	cmds := [][]interface{}{{"SET", "greeting", "hello"}, {"LPUSH", "greeting", "x"}, {"GET", "greeting"}, {"INCR", "visits"}}
	for _, a := range cmds {
		c.Send(a[0].(string), a[1:]...)
	}
	c.Flush()
	for _, a := range cmds {
		v, err := c.Receive()
		fmt.Printf("%-6s %-9s → %s\n", a[0], a[1], show(v, err))
	}
	fmt.Println("The error is the second reply, a value: the connection goes on.")

	fmt.Println("\n▸ The server killed with replies owed")
	c.Send("SET", "a", "1")
	c.Send("BLPOP", "never", 0)
	c.Send("GET", "a")
	c.Flush()
	v, err := c.Receive()
	fmt.Printf("SET    a         → %s\n", show(v, err))
	cmd.Process.Kill()
	cmd.Wait()
	fmt.Println("(redis-server killed: SIGKILL)")
	v, err = c.Receive()
	fmt.Printf("BLPOP  never 0   → %s\n", show(v, err))
	v, err = c.Receive()
	fmt.Printf("GET    a         → %s\n", show(v, err))
}
