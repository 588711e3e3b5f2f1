package main

import (
	"context"
	"fmt"
)

// Cancel reaches every descendant, not the parent or siblings.
func init() {
	cases["ctx_cancel_propagates"] = func() {
		root, cancelRoot := context.WithCancel(context.Background())
		a, cancelA := context.WithCancel(root)
		b, cancelB := context.WithCancel(root)
		a1, cancelA1 := context.WithCancel(a)
		defer cancelRoot()
		defer cancelB()
		defer cancelA1()
		done := make(chan bool)
		go func() {
			<-a1.Done()
			done <- true
		}()
		cancelA()
		<-done
		fmt.Println("root:", root.Err())
		fmt.Println("a:", a.Err())
		fmt.Println("b:", b.Err())
		fmt.Println("a1:", a1.Err())
	}
}
