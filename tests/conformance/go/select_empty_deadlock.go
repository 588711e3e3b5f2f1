package main

import "fmt"

// select {} blocks forever: alone, that is a deadlock.
func init() {
	cases["select_empty_deadlock"] = func() {
		fmt.Println("select {}")
		select {}
	}
}
