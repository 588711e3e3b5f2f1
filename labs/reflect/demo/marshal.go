// marshal.go — the Go original of the reflect lab's marshal demo: the same
// struct through encoding/json.
package main

import (
	"encoding/json"
	"fmt"
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

func show(v interface{}) {
	b, err := json.Marshal(v)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(b))
}

func main() {
	fmt.Println("json.Marshal and json.Unmarshal, by reflection")
	p := Person{Address: Address{City: "Zürich"}, Name: "Ada", Password: "hunter2", Score: 1e21,
		Tags: []string{"admin", "<ops> & dev"}, Langs: map[string]int64{"go": 9, "c": 10, "asm": 2},
		ID: 42, secret: 7}
	fmt.Println("\n▸ json.Marshal(p)")
	show(p)
	fmt.Println("\n▸ p.Tags = nil, then p.Tags = []string{}")
	p.Tags, p.Langs = nil, nil
	show(p)
	p.Tags = []string{}
	show(p)
	fmt.Println("\n▸ floats: 0.1, 100, 1e-7, 123456789.0, float32(0.1)")
	for _, f := range []float64{0.1, 100, 1e-7, 123456789.0} {
		show(f)
	}
	show(float32(0.1))
	fmt.Println("\n▸ json.Unmarshal({\"NAME\":\"Bob\",\"age\":\"x\",\"city\":\"Paris\",\"extra\":1}, &q)")
	var q Person
	err := json.Unmarshal([]byte(`{"NAME":"Bob","age":"x","city":"Paris","extra":1}`), &q)
	fmt.Printf("error: %v\n", err)
	show(q)
}
