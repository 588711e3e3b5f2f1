// call-by-name.go — the Go original of the reflect lab's call-by-name demo:
// commands dispatched to methods found by name with reflect.
package main

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

type Calc struct{ Memory float64 }

func (c *Calc) Add(a, b float64) float64 { c.Memory = a + b; return c.Memory }
func (c *Calc) Scale(k int64) int64      { c.Memory *= float64(k); return int64(c.Memory) }
func (c *Calc) Hello(name string) string { return "hello, " + name }

func parse(t reflect.Type, word string) (reflect.Value, error) {
	switch t.Kind() {
	case reflect.Float64:
		f, err := strconv.ParseFloat(word, 64)
		return reflect.ValueOf(f), err
	case reflect.Int64:
		n, err := strconv.ParseInt(word, 10, 64)
		return reflect.ValueOf(n), err
	}
	return reflect.ValueOf(word), nil
}

// sig is the method's type without the "func" word, as the C demo prints it.
func sig(t reflect.Type) string { return strings.TrimPrefix(t.String(), "func") }

func dispatch(c *Calc, line string) {
	words := strings.Fields(line)
	m := reflect.ValueOf(c).MethodByName(words[0])
	if !m.IsValid() {
		fmt.Printf("no method %s on *main.Calc\n", words[0])
		return
	}
	t := m.Type()
	if len(words)-1 != t.NumIn() {
		fmt.Printf("%s is %s: %d argument(s) needed, %d given\n", words[0], t, t.NumIn(), len(words)-1)
		return
	}
	var args []reflect.Value
	for i, w := range words[1:] {
		v, err := parse(t.In(i), w)
		if err != nil {
			fmt.Printf("%s: argument %d: %s is not a %s\n", words[0], i+1, w, t.In(i))
			return
		}
		args = append(args, v)
	}
	out := m.Call(args)
	fmt.Printf("%s%s = %v\n", words[0], sig(t), out[0])
}

func main() {
	fmt.Println("Calling methods by name: MethodByName, then Call")
	fmt.Println("\n▸ the methods of *main.Calc, sorted by name")
	pt := reflect.TypeOf(&Calc{})
	for i := 0; i < pt.NumMethod(); i++ {
		m := pt.Method(i)
		t := reflect.ValueOf(&Calc{}).Method(i).Type()
		fmt.Printf("  %s %s\n", m.Name, t)
	}
	c := &Calc{}
	for _, cmd := range []string{"Add 2 3.5", "Scale 3", "Hello gopher", "Divide 1 2", "Add 1", "Scale x"} {
		fmt.Printf("\n▸ %s\n", cmd)
		dispatch(c, cmd)
	}
	fmt.Println("\n▸ the receiver kept its state")
	fmt.Printf("c.Memory = %v\n", c.Memory)
}
