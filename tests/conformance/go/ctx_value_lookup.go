package main

import (
	"context"
	"fmt"
)

type ctxKey int

// Values are found through the parents, nearest first; canceling a child
// leaves them readable.
func init() {
	cases["ctx_value_lookup"] = func() {
		const user, trace, missing = ctxKey(1), ctxKey(2), ctxKey(3)
		a := context.WithValue(context.Background(), user, "alice")
		b := context.WithValue(a, trace, "t-1")
		c, cancel := context.WithCancel(b)
		shadow := context.WithValue(c, user, "bob")
		fmt.Println(c.Value(user), c.Value(trace), c.Value(missing))
		fmt.Println(shadow.Value(user), a.Value(trace))
		cancel()
		fmt.Println(c.Value(user), c.Err(), shadow.Err(), b.Err())
	}
}
