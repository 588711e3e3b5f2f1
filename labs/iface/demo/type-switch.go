// type-switch.go — the Go original of the iface lab's type-switch demo: the
// first matching case wins, and the two forms of a type assertion.
package main

import "fmt"

type Speaker interface{ Speak() string }
type Dog struct{ name string }
type Cat struct{ name string }

func (Dog) Speak() string { return "Woof" }
func (Cat) Speak() string { return "Meow" }

func classify(what string, x any) {
	fmt.Printf("  %-22s -> ", what)
	switch v := x.(type) {
	case nil:
		fmt.Println("case nil")
	case Cat:
		fmt.Println("case Cat")
	case Speaker:
		fmt.Printf("case Speaker: v.Speak() = %s\n", v.Speak())
	case int:
		fmt.Println("case int")
	default:
		fmt.Println("default")
	}
}

func mustCat(x any) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprintf("panic: %v", r)
		}
	}()
	_ = x.(Cat)
	return "no panic"
}

func main() {
	fmt.Println("switch v := x.(type) { case nil | Cat | Speaker | int | default }")
	fmt.Println("\n▸ Five values through the same switch")
	classify("x = nil", nil)
	classify(`x = Cat{"Tom"}`, Cat{"Tom"})
	classify(`x = Dog{"Rex"}`, Dog{"Rex"})
	classify("x = 42", 42)
	classify(`x = "hello"`, "hello")

	fmt.Println("\n▸ Assertions: x.(Cat) on x = Dog{\"Rex\"}")
	var x any = Dog{"Rex"}
	c, ok := x.(Cat)
	fmt.Printf("  c, ok := x.(Cat)   -> ok = %v, c is the zero value (%+v)\n", ok, c)
	fmt.Printf("  c := x.(Cat)       -> %s\n", mustCat(x))
	fmt.Printf("  on x = nil         -> %s\n", mustCat(nil))
}
