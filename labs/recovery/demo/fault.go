// fault.go — the Go original of the recovery lab's fault demo: a nil
// pointer dereference and an integer division by zero are runtime error
// panics that recover stops; unrecovered, the nil dereference ends the
// process with the panic, the signal line and the stack, exit status 2.
package main

import "fmt"

type Point struct{ X, Y int }

var nowhere *Point
var divisor int

func readNil() { fmt.Println(nowhere.Y) }
func divide()  { fmt.Println(10 / divisor) }

func guarded(f func()) {
	defer func() { fmt.Printf("  recovered: %v\n", recover()) }()
	f()
}

func main() {
	fmt.Println("1. var p *Point; _ = p.Y   (a nil pointer dereference, recovered)")
	guarded(readNil)
	fmt.Println("2. 10 / zero   (an integer division by zero, recovered)")
	guarded(divide)
	fmt.Println("  the program goes on")
	fmt.Println("3. The same nil dereference, nobody recovering it")
	readNil()
}
