package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

// net.Pipe's deadlines: a deadline moved into the past fails a pending read
// and every later one, even with a writer waiting; clearing it makes reads
// work; a timed-out write says how much the reader took; close fails the
// closer's calls and gives the peer end of stream.
func init() {
	cases["net_pipe_deadlines"] = func() {
		a, b := net.Pipe()
		errs := make(chan error)
		go func() {
			buf := make([]byte, 1)
			_, err := b.Read(buf)
			errs <- err
		}()
		time.Sleep(time.Millisecond)
		b.SetReadDeadline(time.Unix(1, 0))
		err := <-errs
		fmt.Println("pending read timed out:", errors.Is(err, os.ErrDeadlineExceeded), err.(net.Error).Timeout())
		go func() {
			_, err := a.Write([]byte("xy"))
			errs <- err
		}()
		time.Sleep(time.Millisecond)
		buf := make([]byte, 2)
		_, err = b.Read(buf)
		fmt.Println("later read timed out, a writer waiting:", errors.Is(err, os.ErrDeadlineExceeded))
		b.SetReadDeadline(time.Time{})
		n, _ := b.Read(buf)
		fmt.Println("cleared: read", n, string(buf[:n]), "writer:", <-errs)
		ns := make(chan int)
		go func() {
			small := make([]byte, 3)
			n, _ := b.Read(small)
			ns <- n
		}()
		a.SetWriteDeadline(time.Now().Add(5 * time.Millisecond))
		n, err = a.Write(make([]byte, 10))
		fmt.Println("timed-out write wrote", n, "of 10:", errors.Is(err, os.ErrDeadlineExceeded), "reader took", <-ns)
		a.SetWriteDeadline(time.Time{})
		b.Close()
		_, err = b.Read(buf)
		fmt.Println("read after close fails:", errors.Is(err, io.ErrClosedPipe))
		fmt.Println("deadline after close fails:", b.SetDeadline(time.Time{}) != nil)
		_, err = a.Read(buf)
		fmt.Println("peer reads end of stream:", err == io.EOF)
		_, err = a.Write([]byte("z"))
		fmt.Println("peer write fails:", err != nil)
		a.Close()
	}
}
