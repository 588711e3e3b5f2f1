// lock.go — the Go original of the cache lab's lock demo, with redigo
// (Debian's golang-github-gomodule-redigo-dev): SET NX PX takes the lock;
// after A's lock expires and B takes it, A's plain DEL deletes B's lock,
// while a Lua compare-and-delete (redis.NewScript) deletes only the
// owner's. It starts its own redis-server on a free loopback port.
package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
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

var unlock = redis.NewScript(1, `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`)

func token() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func main() {
	cmd, addr, dir := startRedis()
	defer os.RemoveAll(dir)
	defer cmd.Process.Kill()
	c, err := redis.Dial("tcp", addr)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	a, b := token(), token()
	holder := func() {
		v, err := redis.String(c.Do("GET", "lock:report"))
		who := "nobody"
		if err == nil && v == a {
			who = "A"
		} else if err == nil && v == b {
			who = "B"
		}
		fmt.Println("  the lock is held by:", who)
	}
	take := func() {
		r, _ := redis.String(c.Do("SET", "lock:report", a, "NX", "PX", 30000))
		fmt.Printf("A: SET lock:report %.8s… NX PX 30000 → %s\n", a, r)
		_, err := redis.String(c.Do("SET", "lock:report", b, "NX", "PX", 30000))
		fmt.Printf("B: SET lock:report … NX PX 30000 → %v: A holds it\n", err)
		c.Do("PEXPIREAT", "lock:report", 1)
		fmt.Println("A stalls past the TTL; the lock expires")
		r, _ = redis.String(c.Do("SET", "lock:report", b, "NX", "PX", 30000))
		fmt.Printf("B: SET lock:report %.8s… NX PX 30000 → %s\n", b, r)
	}
	fmt.Println("A Redis lock: SET NX PX to take it, compare-and-delete to release it")
	fmt.Println("\n▸ Released with a plain DEL")
	take()
	n, _ := redis.Int(c.Do("DEL", "lock:report"))
	fmt.Printf("A: DEL lock:report → %d (B's lock, deleted)\n", n)
	holder()
	fmt.Println("\n▸ Released with EVAL: if GET == token then DEL")
	take()
	n, _ = redis.Int(unlock.Do(c, "lock:report", a))
	fmt.Printf("A: EVAL unlock → %d: not the owner, nothing deleted\n", n)
	holder()
	n, _ = redis.Int(unlock.Do(c, "lock:report", b))
	fmt.Printf("B: EVAL unlock → %d: released\n", n)
	holder()
}
