// main.go — the crd anchor's Go side: Debian's gojsonschema
// (golang-github-xeipuuv-gojsonschema-dev, a widely used JSON-Schema
// validator for Go) validating the Widget CRD's v1 schema against the same
// two objects as labs/crd/bench, in Go's benchmark format. The schema is
// compiled once and the objects decoded once, as the C side parses them
// once; one op = one object validated. The x-kubernetes-* keywords mean
// nothing to a JSON-Schema validator and are ignored by it.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"testing"

	"github.com/xeipuuv/gojsonschema"
)

const schemaJSON = `{"type": "object", "properties": {"spec": {"type": "object", "required": ["image"], "properties": {"image": {"type": "string", "maxLength": 64, "pattern": "^[a-z0-9./-]+(:[A-Za-z0-9._-]+)?$"}, "replicas": {"type": "integer", "minimum": 0, "maximum": 10, "default": 1}, "tier": {"type": "string", "enum": ["web", "worker", "batch"], "default": "web"}, "port": {"x-kubernetes-int-or-string": true}, "since": {"type": "string", "format": "date"}, "owner": {"type": "string", "nullable": true, "minLength": 1}, "tags": {"type": "array", "maxItems": 4, "items": {"type": "string", "minLength": 1}}, "labels": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 16}}, "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}, "limits": {"type": "object", "default": {}, "properties": {"cpu": {"type": "number", "minimum": 0, "exclusiveMinimum": true, "default": 0.5}, "memory": {"type": "string"}}}}}, "status": {"type": "object", "properties": {"readyReplicas": {"type": "integer", "minimum": 0}, "observedGeneration": {"type": "integer"}}}}}`

const validJSON = `{"apiVersion": "undergo.dev/v1", "kind": "Widget", "metadata": {"name": "front"}, "spec": {"image": "registry.local/team/nginx:1.25.3", "replicas": 3, "tier": "worker", "port": 8080, "since": "2024-05-01", "owner": "alice", "tags": ["edge", "public", "eu-west"], "labels": {"team": "web", "env": "prod"}, "limits": {"cpu": 1.5, "memory": "512Mi"}}, "status": {"readyReplicas": 3, "observedGeneration": 2}}`

const invalidJSON = `{"apiVersion": "undergo.dev/v1", "kind": "Widget", "metadata": {"name": "front"}, "spec": {"image": "Registry/Nginx", "replicas": 12, "tier": "gpu", "port": 8080, "since": "2024-5-1", "tags": ["edge", "", "eu-west"], "labels": {"team": "web", "env": "prod"}, "limits": {"cpu": 1.5, "memory": "512Mi"}}}`

func main() {
	testing.Init()
	flag.Parse()
	schema, err := gojsonschema.NewSchema(gojsonschema.NewStringLoader(schemaJSON))
	if err != nil {
		fmt.Println("schema:", err)
		os.Exit(1)
	}
	for _, c := range []struct {
		name, doc string
		errs      int
	}{{"BenchmarkValidateValid/gojsonschema", validJSON, 0}, {"BenchmarkValidateInvalid/gojsonschema", invalidJSON, 5}} {
		var obj interface{}
		if err := json.Unmarshal([]byte(c.doc), &obj); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		doc := gojsonschema.NewGoLoader(obj)
		r, err := schema.Validate(doc)
		if err != nil || len(r.Errors()) != c.errs {
			fmt.Println(c.name, "unexpected result:", err, r.Errors())
			os.Exit(1)
		}
		res := testing.Benchmark(func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				schema.Validate(doc)
			}
		})
		fmt.Printf("%s-%d\t%s\t%s\n", c.name, runtime.GOMAXPROCS(0), res.String(), res.MemString())
	}
}
