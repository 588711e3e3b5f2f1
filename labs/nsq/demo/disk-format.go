// disk-format.go — go-diskqueue's rules with the standard library only:
// records of a 4-byte big-endian length and the body, a new file when the
// next record would pass max-bytes-per-file, the metadata
// "depth\nreadFile,readPos\nwriteFile,writePos\n", and a file removed
// once read to its end. It prints the same steps as disk-format.c.
package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

type queue struct {
	dir, name                                     string
	maxBytes                                      int64
	depth, readFile, readPos, writeFile, writePos int64
}

func (q *queue) file(n int64) string {
	return filepath.Join(q.dir, fmt.Sprintf("%s.diskqueue.%06d.dat", q.name, n))
}

func (q *queue) put(body []byte) {
	total := int64(4 + len(body))
	if q.writePos > 0 && q.writePos+total > q.maxBytes {
		q.writeFile++
		q.writePos = 0
	}
	f, _ := os.OpenFile(q.file(q.writeFile), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0600)
	binary.Write(f, binary.BigEndian, int32(len(body)))
	f.Write(body)
	f.Close()
	q.writePos += total
	q.depth++
}

func (q *queue) read() []byte {
	data, _ := os.ReadFile(q.file(q.readFile))
	n := int64(binary.BigEndian.Uint32(data[q.readPos:]))
	body := data[q.readPos+4 : q.readPos+4+n]
	q.readPos += 4 + n
	q.depth--
	if q.readFile < q.writeFile && q.readPos >= int64(len(data)) {
		os.Remove(q.file(q.readFile))
		q.readFile++
		q.readPos = 0
	}
	return body
}

func (q *queue) sync() {
	meta := fmt.Sprintf("%d\n%d,%d\n%d,%d\n", q.depth, q.readFile, q.readPos, q.writeFile, q.writePos)
	os.WriteFile(filepath.Join(q.dir, q.name+".diskqueue.meta.dat"), []byte(meta), 0600)
}

func (q *queue) show() {
	for f := int64(0); f < 3; f++ {
		name := fmt.Sprintf("%s.diskqueue.%06d.dat", q.name, f)
		if st, err := os.Stat(q.file(f)); err == nil {
			fmt.Printf("  %s  %d bytes\n", name, st.Size())
		} else {
			fmt.Printf("  %s  (none)\n", name)
		}
	}
	meta, _ := os.ReadFile(filepath.Join(q.dir, q.name+".diskqueue.meta.dat"))
	fmt.Printf("  q.diskqueue.meta.dat:%s\n", strings.ReplaceAll(string(meta), "\n", `\n`))
}

func main() {
	dir, _ := os.MkdirTemp("", "diskqueue")
	defer os.RemoveAll(dir)
	q := &queue{dir: dir, name: "q", maxBytes: 100}
	fmt.Println("A disk queue: records, files and metadata")
	fmt.Println("\n▸ Five 20-byte messages, files of at most 100 bytes")
	for i := 0; i < 5; i++ {
		q.put([]byte(fmt.Sprintf("message number %05d", i)))
	}
	q.sync()
	q.show()
	head, _ := os.ReadFile(q.file(0))
	fmt.Printf("  the first record starts %02x %02x %02x %02x '%s'...: length 20, then the body\n",
		head[0], head[1], head[2], head[3], head[4:8])
	fmt.Println("\n▸ Four messages read")
	for i := 0; i < 4; i++ {
		fmt.Printf("  read %q\n", q.read())
	}
	q.sync()
	q.show()
	fmt.Println("The first file was read to its end and removed; one message waits in the second.")
}
