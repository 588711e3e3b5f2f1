// chain-order.go — the Go original of chain-order.c: grpc-go 1.33's
// ChainUnaryInterceptor(A, B, C) runs A outermost, and
// WithChainUnaryInterceptor(X, Y) does the same on the client. Messages are
// raw bytes (a codec registered here), the connection an in-memory bufconn.
//
// Build offline: GO111MODULE=off GOPATH=/usr/share/gocode go run chain-order.go
package main

import (
	"context"
	"fmt"
	"net"

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/test/bufconn"
)

type raw struct{}

func (raw) Marshal(v interface{}) ([]byte, error) { return *(v.(*[]byte)), nil }
func (raw) Unmarshal(b []byte, v interface{}) error {
	*(v.(*[]byte)) = append([]byte(nil), b...)
	return nil
}
func (raw) Name() string { return "raw" }

func named(n string) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req interface{}, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (interface{}, error) {
		fmt.Printf("  %s: before handler (%s)\n", n, info.FullMethod)
		resp, err := h(ctx, req)
		fmt.Printf("  %s: after handler\n", n)
		return resp, err
	}
}

func cnamed(n string) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply interface{}, cc *grpc.ClientConn, inv grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		fmt.Printf("  client %s: before invoker (%s)\n", n, method)
		err := inv(ctx, method, req, reply, cc, opts...)
		fmt.Printf("  client %s: after invoker\n", n)
		return err
	}
}

func hello(srv interface{}, ctx context.Context, dec func(interface{}) error, ic grpc.UnaryServerInterceptor) (interface{}, error) {
	var in []byte
	if err := dec(&in); err != nil {
		return nil, err
	}
	h := func(ctx context.Context, req interface{}) (interface{}, error) {
		fmt.Println("  handler")
		return req, nil
	}
	if ic == nil {
		return h(ctx, &in)
	}
	return ic(ctx, &in, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/demo.Greeter/Hello"}, h)
}

var desc = grpc.ServiceDesc{
	ServiceName: "demo.Greeter",
	HandlerType: (*interface{})(nil),
	Methods:     []grpc.MethodDesc{{MethodName: "Hello", Handler: hello}},
}

func serve(opts ...grpc.ServerOption) *bufconn.Listener {
	l := bufconn.Listen(1 << 16)
	s := grpc.NewServer(opts...)
	s.RegisterService(&desc, struct{}{})
	go s.Serve(l)
	return l
}

func call(l *bufconn.Listener, opts ...grpc.DialOption) {
	dial := func(ctx context.Context, _ string) (net.Conn, error) { return l.Dial() }
	opts = append(opts, grpc.WithContextDialer(dial), grpc.WithInsecure(),
		grpc.WithDefaultCallOptions(grpc.CallContentSubtype("raw")))
	cc, err := grpc.Dial("bufnet", opts...)
	if err != nil {
		panic(err)
	}
	defer cc.Close()
	in, out := []byte("hi"), []byte(nil)
	if err := cc.Invoke(context.Background(), "/demo.Greeter/Hello", &in, &out); err != nil {
		fmt.Println("  error:", err)
	}
}

func main() {
	encoding.RegisterCodec(raw{})
	fmt.Println("grpc.ChainUnaryInterceptor(A, B, C)")
	ints := []grpc.UnaryServerInterceptor{named("A"), named("B"), named("C")}
	for _, n := range []int{3, 1, 0} {
		fmt.Printf("\n▸ a chain of %d\n", n)
		call(serve(grpc.ChainUnaryInterceptor(ints[:n]...)))
	}
	fmt.Println("\n▸ grpc.WithChainUnaryInterceptor(X, Y) on the client")
	call(serve(), grpc.WithChainUnaryInterceptor(cnamed("X"), cnamed("Y")))
}
