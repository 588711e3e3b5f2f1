package main

import (
	"context"
	"fmt"
	"time"
)

// WithTimeout cancels with DeadlineExceeded when its time is up; a child
// asking for more time gets its parent's deadline.
func init() {
	cases["ctx_timeout"] = func() {
		start := time.Now()
		parent, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		child, cancelChild := context.WithTimeout(parent, time.Hour)
		defer cancelChild()
		pd, _ := parent.Deadline()
		cd, _ := child.Deadline()
		fmt.Println("child deadline capped by the parent's:", cd.Equal(pd))
		<-child.Done()
		fmt.Println("child:", child.Err())
		fmt.Println("parent:", parent.Err())
		fmt.Println("after >= 30ms:", time.Since(start) >= 30*time.Millisecond)
	}
}
