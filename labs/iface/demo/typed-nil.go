// typed-nil.go — the Go original of the iface lab's typed-nil demo: a nil
// *MyErr returned as an error is not a nil error.
package main

import "fmt"

type MyErr struct{ msg string }

// Error copes with a nil receiver, as a method on a pointer may.
func (e *MyErr) Error() string {
	if e == nil {
		return "<nil *MyErr>"
	}
	return e.msg
}

func find(fail bool) error {
	var p *MyErr
	if fail {
		p = &MyErr{"not found"}
	}
	return p // the conversion sets the interface's type word: *MyErr
}

func findFixed(fail bool) error {
	if fail {
		return &MyErr{"not found"}
	}
	return nil
}

func show(expr string, err error) {
	fmt.Printf("%s == nil: %v\n", expr, err == nil)
	fmt.Printf("  dynamic type %T, value %v\n", err, err)
	func() {
		defer func() {
			if r := recover(); r != nil {
				fmt.Printf("  %s.Error(): panic: %v\n", expr, r)
			}
		}()
		fmt.Printf("  %s.Error() = %q\n", expr, err.Error())
	}()
}

func main() {
	fmt.Println("A nil *MyErr returned as an error is not a nil error")
	fmt.Println("\n▸ err := find(false)   // returns p, a nil *MyErr, as an error")
	show("err", find(false))
	fmt.Println("\n▸ err := findFixed(false)   // returns the literal nil")
	show("err", findFixed(false))
	fmt.Println("\n▸ err := find(true)   // a real error")
	show("err", find(true))
}
