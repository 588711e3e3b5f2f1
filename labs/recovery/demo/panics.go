// panics.go — the Go original of the recovery lab's panics demo: defers
// run last-in first-out, recover stops a panic only from the deferred
// function itself, a panic in a deferred call replaces the older one, and
// a re-panic nobody recovers ends the process with both in the report.
package main

import "fmt"

func lifo() {
	for i := 1; i <= 3; i++ {
		defer fmt.Printf("  deferred %d runs\n", i)
	}
	fmt.Println("  lifo's body returns")
}

func recovers() {
	defer func() { fmt.Printf("  recover() = %v\n", recover()) }()
	panic("boom")
}

func helper() { fmt.Printf("  recover() in a helper = %v\n", recover()) }

func indirect() {
	defer func() {
		helper()
		fmt.Printf("  recover() in the deferred function = %v\n", recover())
	}()
	panic("boom")
}

func replaced() {
	defer func() { fmt.Printf("  recover() = %v\n", recover()) }()
	defer func() { panic("B") }()
	panic("A")
}

func repanic() {
	defer func() {
		r := recover()
		fmt.Printf("  recovered %v, panicking again with it\n", r)
		panic(r)
	}()
	panic("A")
}

func main() {
	fmt.Println("1. Deferred calls run last-in first-out when the function returns")
	lifo()
	fmt.Println("2. A panic runs the deferred calls; recover stops it and the caller goes on")
	recovers()
	fmt.Println("  recovers() returned normally")
	fmt.Println("3. recover works only when the deferred function calls it itself")
	indirect()
	fmt.Println("4. A panic inside a deferred call while panicking replaces the older one")
	replaced()
	fmt.Println("5. A re-panic nobody recovers: the report names both, exit status 2")
	repanic()
}
