// inspect.go — the Go original of the reflect lab's inspect demo:
// reflect.TypeOf and reflect.ValueOf on one struct.
package main

import (
	"fmt"
	"reflect"
)

type Address struct {
	City string `json:"city"`
	Zip  string `json:"zip,omitempty"`
}

type Person struct {
	Address
	Name     string           `json:"name"`
	Age      int64            `json:"age,omitempty"`
	Password string           `json:"-"`
	Score    float64          `json:"score"`
	Tags     []string         `json:"tags"`
	Langs    map[string]int64 `json:"langs"`
	ID       int64            `json:"id,string"`
	secret   int64
}

func main() {
	fmt.Println("reflect.TypeOf and reflect.ValueOf on a struct")
	p := Person{Name: "Ada", Age: 36}
	t := reflect.TypeOf(p)
	fmt.Println("\n▸ t := reflect.TypeOf(p)")
	fmt.Printf("%s: kind %s, size %d, align %d, %d fields\n", t, t.Kind(), t.Size(), t.Align(), t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		emb := ""
		if f.Anonymous {
			emb = " embedded"
		}
		fmt.Printf("  %-9s %-17s offset %2d size %2d%s  `%s`\n", f.Name, f.Type, f.Offset, f.Type.Size(), emb, f.Tag)
	}
	fmt.Printf("t.Field(2).Tag.Get(\"json\") = %q\n", t.Field(2).Tag.Get("json"))
	city, _ := t.FieldByName("City")
	fmt.Printf("t.FieldByName(\"City\"): index %v, type %s\n", city.Index, city.Type)

	fmt.Println("\n▸ who may set what")
	fmt.Printf("reflect.ValueOf(p).Field(Age).CanSet()        = %v\n", reflect.ValueOf(p).FieldByName("Age").CanSet())
	v := reflect.ValueOf(&p).Elem().FieldByName("Age")
	fmt.Printf("reflect.ValueOf(&p).Elem().Field(Age).CanSet() = %v\n", v.CanSet())
	fmt.Printf("reflect.ValueOf(&p).Elem().Field(secret).CanSet() = %v\n", reflect.ValueOf(&p).Elem().FieldByName("secret").CanSet())

	fmt.Println("\n▸ v.SetInt(42), then v.SetString(\"x\") on the same int64 field")
	v.SetInt(42)
	fmt.Printf("p.Age = %d\n", p.Age)
	defer func() {
		fmt.Printf("panic: %v (p.Age still %d)\n", recover(), p.Age)
	}()
	v.SetString("x")
}
