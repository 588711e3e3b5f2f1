// injection.go — the Go original of the orm lab's injection demo: the
// same two mistakes with fmt.Sprintf and database/sql (Debian's SQLite
// driver, golang-github-mattn-go-sqlite3-dev, whose Exec runs every
// statement of the text it is given), then the query with '?'.
package main

import (
	"database/sql"
	"fmt"

	_ "github.com/mattn/go-sqlite3"
)

const everyone = "x' OR '1'='1"
const dropper = "bobby'); DROP TABLE users; --"

func open() *sql.DB {
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		panic(err)
	}
	db.SetMaxOpenConns(1)
	db.Exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
	for _, n := range []string{"ann", "bob", "cid"} {
		db.Exec("INSERT INTO users (name) VALUES (?)", n)
	}
	fmt.Println("users: ann, bob, cid")
	return db
}

func count(db *sql.DB, q string, args ...any) int {
	rows, err := db.Query(q, args...)
	if err != nil {
		return 0
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n
}

func tableExists(db *sql.DB) string {
	if count(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'users'") == 1 {
		return "yes"
	}
	return "no"
}

func main() {
	fmt.Println("SQL injection: a value pasted into SQL, or bound to it")
	db := open()

	fmt.Println("\n▸ A lookup glued together: \"SELECT * FROM users WHERE name = '\" + name + \"'\"")
	q := fmt.Sprintf("SELECT * FROM users WHERE name = '%s'", everyone)
	fmt.Printf("name = %s\nSQL:   %s\n", everyone, q)
	fmt.Printf("rows: %d (every user)\n", count(db, q))

	fmt.Println("\n▸ An insert glued together, run by an API that runs several statements")
	q = fmt.Sprintf("INSERT INTO users (name) VALUES ('%s')", dropper)
	fmt.Printf("name = %s\nSQL:   %s\n", dropper, q)
	db.Exec(q)
	fmt.Printf("table users exists: %s\n", tableExists(db))
	db.Close()

	db = open()
	defer db.Close()
	fmt.Println("\n▸ The same lookup with the value bound: Where(\"name = ?\", name)")
	fmt.Printf("name = %s\nrows: %d (nobody has that name)\n", everyone,
		count(db, "SELECT * FROM users WHERE name = ?", everyone))

	fmt.Println("\n▸ The same insert through the ORM: Create(&User{Name: name})")
	res, err := db.Exec("INSERT INTO users (name) VALUES (?)", dropper)
	if err != nil {
		panic(err)
	}
	id, _ := res.LastInsertId()
	var back string
	db.QueryRow("SELECT name FROM users WHERE id = ?", id).Scan(&back)
	fmt.Printf("stored as user %d, name read back: %s\n", id, back)
	fmt.Printf("table users exists: %s\n", tableExists(db))

	fmt.Println("\n▸ A name from outside: Order(\"name; DROP TABLE users\")")
	fmt.Println("database/sql binds values only: a column name must be checked against a list by hand")

	fmt.Println("\n▸ The rule")
	fmt.Println("Values go in as parameters, never into the SQL text; names come from the model only.")
}
