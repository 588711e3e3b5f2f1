package main

import (
	"context"
	"fmt"
	"time"
)

// A child of a canceled parent starts canceled; a timeout already past
// starts expired.
func init() {
	cases["ctx_canceled_parent"] = func() {
		parent, cancel := context.WithCancel(context.Background())
		cancel()
		child, cancelChild := context.WithCancel(parent)
		defer cancelChild()
		select {
		case <-child.Done():
			fmt.Println("child done at once:", child.Err())
		default:
			fmt.Println("child live")
		}
		past, cancelPast := context.WithTimeout(context.Background(), 0)
		defer cancelPast()
		fmt.Println("zero timeout:", past.Err())
		_, ok := context.Background().Deadline()
		fmt.Println("background has a deadline:", ok, "done is nil:", context.Background().Done() == nil)
		_ = time.Second
	}
}
