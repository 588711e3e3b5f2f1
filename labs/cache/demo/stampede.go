// stampede.go — the Go original of the cache lab's stampede demo: a
// hundred goroutines miss one hot key in Redis (redigo, Debian's
// golang-github-gomodule-redigo-dev); without a guard each loads it from
// the "database", with golang.org/x/sync/singleflight (Debian's
// golang-golang-x-sync-dev) one loads and the others share its result.
// It starts its own redis-server on a free loopback port.
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gomodule/redigo/redis"
	"golang.org/x/sync/singleflight"
)

const readers = 100

// startRedis runs redis-server on a free port, persistence off, and waits
// for its "Ready to accept connections".
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

func main() {
	cmd, addr, dir := startRedis()
	defer os.RemoveAll(dir)
	defer cmd.Process.Kill()
	pool := &redis.Pool{MaxIdle: 8, Dial: func() (redis.Conn, error) { return redis.Dial("tcp", addr) }}
	var loads int64
	load := func(key string) (string, error) {
		atomic.AddInt64(&loads, 1)
		time.Sleep(50 * time.Millisecond) // the database takes 50 ms
		return "profile of " + key, nil
	}
	get := func(key string) (string, error) {
		c := pool.Get()
		defer c.Close()
		v, err := redis.String(c.Do("GET", key))
		if err == nil {
			return v, nil
		}
		return "", err
	}
	set := func(key, v string) {
		c := pool.Get()
		defer c.Close()
		c.Do("SET", key, v, "PX", 60000)
	}
	var g singleflight.Group
	run := func(guarded bool) {
		c := pool.Get()
		c.Do("DEL", "user:42") // the hot key has just expired
		c.Close()
		atomic.StoreInt64(&loads, 0)
		var wg sync.WaitGroup
		var ok int64
		for i := 0; i < readers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := get("user:42"); err == nil {
					atomic.AddInt64(&ok, 1)
					return
				}
				var err error
				if guarded {
					_, err, _ = g.Do("user:42", func() (interface{}, error) {
						v, err := load("user:42")
						if err == nil {
							set("user:42", v)
						}
						return v, err
					})
				} else {
					var v string
					if v, err = load("user:42"); err == nil {
						set("user:42", v)
					}
				}
				if err == nil {
					atomic.AddInt64(&ok, 1)
				}
			}()
		}
		wg.Wait()
		fmt.Printf("%d readers, %d got the value, %d load(s) from the database\n", readers, ok, loads)
	}
	fmt.Println("A cache stampede: 100 readers miss one hot key at once")
	fmt.Println("\n▸ Plain cache-aside: GET; on a miss, load and SET")
	run(false)
	fmt.Println("\n▸ With singleflight.Group.Do keyed by the cache key")
	run(true)
}
