// ratelimit.go — the Go original of ratelimit.c: client-go's default
// controller rate limiter is max(ItemExponentialFailureRateLimiter(5ms,
// 1000s), BucketRateLimiter(rate.NewLimiter(10, 100))). The bucket here is
// golang.org/x/time/rate itself; the backoff is client-go's formula
// (client-go is not packaged for Debian), and the queue's rules are
// client-go's Type (dirty and processing sets), written out in a few lines.
// Time is passed explicitly, as the C demo's virtual clock.
package main

import (
	"fmt"
	"math"
	"time"

	"golang.org/x/time/rate"
)

type limiter struct {
	failures map[string]int
	bucket   *rate.Limiter
}

func (l *limiter) when(item string, now time.Time) time.Duration {
	exp := l.failures[item]
	l.failures[item] = exp + 1
	backoff := float64((5 * time.Millisecond).Nanoseconds()) * math.Pow(2, float64(exp))
	e := time.Duration(backoff)
	if backoff > float64(1000*time.Second) {
		e = 1000 * time.Second
	}
	b := l.bucket.ReserveN(now, 1).DelayFrom(now)
	if b > e {
		return b
	}
	return e
}

type queue struct {
	queue             []string
	dirty, processing map[string]bool
}

func (q *queue) add(k string) {
	if q.dirty[k] {
		return
	}
	q.dirty[k] = true
	if q.processing[k] {
		return
	}
	q.queue = append(q.queue, k)
}

func (q *queue) get() string {
	k := q.queue[0]
	q.queue = q.queue[1:]
	q.processing[k] = true
	delete(q.dirty, k)
	return k
}

func (q *queue) done(k string) {
	delete(q.processing, k)
	if q.dirty[k] {
		q.queue = append(q.queue, k)
	}
}

func main() {
	now := time.Unix(0, 0)
	l := &limiter{map[string]int{}, rate.NewLimiter(10, 100)}
	fmt.Println("one key failing again and again (one second apart)")
	for k := 0; k < 8; k++ {
		now = now.Add(time.Second)
		fmt.Printf("  failure %d: retry in %.3f s\n", k+1, l.when("default/front", now).Seconds())
	}
	delete(l.failures, "default/front")
	fmt.Printf("  after Forget: retry in %.3f s\n", l.when("default/front", now).Seconds())

	fmt.Println("105 different keys failing at one instant")
	now = now.Add(100 * time.Second)
	for k := 0; k < 105; k++ {
		w := l.when(fmt.Sprintf("ns/k%d", k), now)
		if k < 2 || k >= 98 {
			fmt.Printf("  key %3d: retry in %.3f s\n", k+1, w.Seconds())
		} else if k == 2 {
			fmt.Println("  ...")
		}
	}

	fmt.Println("the queue: Add, Get, Add while processing, Done")
	q := &queue{dirty: map[string]bool{}, processing: map[string]bool{}}
	q.add("a")
	q.add("a")
	fmt.Printf("  Add a, Add a            -> len %d\n", len(q.queue))
	k := q.get()
	fmt.Printf("  Get                     -> %s, len %d\n", k, len(q.queue))
	q.add("a")
	q.add("a")
	fmt.Printf("  Add a, Add a (held)     -> len %d\n", len(q.queue))
	q.done("a")
	fmt.Printf("  Done a                  -> len %d\n", len(q.queue))
}
