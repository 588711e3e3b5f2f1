package main

import (
	"context"
	"fmt"
	"time"
)

// Cancel before the deadline: the error is Canceled, and it stays so
// after the deadline passes.
func init() {
	cases["ctx_cancel_before_deadline"] = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		cancel()
		<-ctx.Done()
		fmt.Println(ctx.Err())
		time.Sleep(40 * time.Millisecond)
		fmt.Println(ctx.Err())
	}
}
