// exam.go — the exam's deadlock example, as Go runs it: two goroutines,
// each waiting to receive what only the other would send, and main in
// select {}. Go ends the program with "all goroutines are asleep".
package main

import "fmt"

func main() {
	fmt.Println("go { <-ch1; ch2 <- 1 }; go { <-ch2; ch1 <- 1 }; select {}")
	ch1 := make(chan int)
	ch2 := make(chan int)
	go func() {
		<-ch1
		ch2 <- 1
	}()
	go func() {
		<-ch2
		ch1 <- 1
	}()
	select {}
}
