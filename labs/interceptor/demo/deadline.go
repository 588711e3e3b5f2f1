// deadline.go — the Go original of deadline.c: a client's 250 ms timeout
// travels as grpc-timeout, the server's handler sees the same deadline in
// its context, and both give up at 250 ms. grpc-go 1.33 over bufconn, raw
// bytes as messages.
//
// Build offline: GO111MODULE=off GOPATH=/usr/share/gocode go run deadline.go
package main

import (
	"context"
	"fmt"
	"net"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
)

type raw struct{}

func (raw) Marshal(v interface{}) ([]byte, error) { return *(v.(*[]byte)), nil }
func (raw) Unmarshal(b []byte, v interface{}) error {
	*(v.(*[]byte)) = append([]byte(nil), b...)
	return nil
}
func (raw) Name() string { return "raw" }

var start = time.Now()

func ms() int64 { return time.Since(start).Milliseconds() }

func work(srv interface{}, ctx context.Context, dec func(interface{}) error, ic grpc.UnaryServerInterceptor) (interface{}, error) {
	var in []byte
	if err := dec(&in); err != nil {
		return nil, err
	}
	d, _ := ctx.Deadline()
	fmt.Printf("  server: handler starts at %d ms, its deadline is %d ms\n", ms(), d.Sub(start).Milliseconds())
	select {
	case <-ctx.Done():
		fmt.Printf("  server: context done at %d ms\n", ms())
		return nil, status.Error(4, "gave up")
	case <-time.After(time.Second):
		fmt.Printf("  server: work finished at %d ms\n", ms())
		return &in, nil
	}
}

var desc = grpc.ServiceDesc{
	ServiceName: "demo.Slow",
	HandlerType: (*interface{})(nil),
	Methods:     []grpc.MethodDesc{{MethodName: "Work", Handler: work}},
}

func serve(opts ...grpc.ServerOption) *bufconn.Listener {
	l := bufconn.Listen(1 << 16)
	s := grpc.NewServer(opts...)
	s.RegisterService(&desc, struct{}{})
	go s.Serve(l)
	return l
}

func main() {
	encoding.RegisterCodec(raw{})
	fmt.Println("\n▸ a 250 ms timeout on a call that takes a second")
	l := serve()
	dial := func(ctx context.Context, _ string) (net.Conn, error) { return l.Dial() }
	cc, err := grpc.Dial("bufnet", grpc.WithContextDialer(dial), grpc.WithInsecure(),
		grpc.WithDefaultCallOptions(grpc.CallContentSubtype("raw")))
	if err != nil {
		panic(err)
	}
	defer cc.Close()
	start = time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	fmt.Printf("  client: calls at %d ms with a 250 ms timeout\n", ms())
	in, out := []byte("x"), []byte(nil)
	err = cc.Invoke(ctx, "/demo.Slow/Work", &in, &out)
	st, _ := status.FromError(err)
	fmt.Printf("  client: %s \"%s\" at %d ms\n", st.Code(), st.Message(), ms())
	time.Sleep(50 * time.Millisecond)
}
