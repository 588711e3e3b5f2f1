// transactions.go — the Go original of the orm lab's transactions demo.
// database/sql has one level of transaction (db.Begin → tx.Commit or
// tx.Rollback); nesting, as GORM's tx.Transaction does it, is savepoints
// written by hand. Every statement is printed as it is sent; Debian's
// SQLite driver (golang-github-mattn-go-sqlite3-dev).
package main

import (
	"database/sql"
	"errors"
	"fmt"
	"os"

	_ "github.com/mattn/go-sqlite3"
)

func must(err error, what string) {
	if err != nil {
		fmt.Printf("%s failed: %v\n", what, err)
		os.Exit(1)
	}
}

// exec prints a statement and runs it; a failing one ends the demo.
func exec(tx *sql.Tx, q string, args ...any) {
	fmt.Printf("  SQL: %s %v\n", q, args)
	_, err := tx.Exec(q, args...)
	must(err, q)
}

// create inserts a user; the "hook" refuses cid after the INSERT, and the
// savepoint around the write takes it back.
func create(tx *sql.Tx, name string, sp int) error {
	exec(tx, fmt.Sprintf("SAVEPOINT sp%d", sp))
	exec(tx, "INSERT INTO users (name) VALUES (?)", name)
	if name == "cid" {
		fmt.Println("  AfterCreate(cid): returns an error")
		exec(tx, fmt.Sprintf("ROLLBACK TO sp%d", sp))
		exec(tx, fmt.Sprintf("RELEASE sp%d", sp))
		return errors.New("operation not permitted")
	}
	exec(tx, fmt.Sprintf("RELEASE sp%d", sp))
	return nil
}

func main() {
	db, err := sql.Open("sqlite3", ":memory:")
	must(err, "Open")
	db.SetMaxOpenConns(1)
	defer db.Close()
	_, err = db.Exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
	must(err, "CREATE TABLE")
	fmt.Println("Nested transactions are savepoints; a failing hook takes its INSERT back")

	fmt.Println("\n▸ db.Transaction: create ann; tx.Transaction { create bob; fail }; create cid (its hook fails); create dee")
	fmt.Println("  SQL: BEGIN []")
	tx, err := db.Begin()
	must(err, "Begin")
	create(tx, "ann", 2)
	exec(tx, "SAVEPOINT sp2") // the inner transaction
	create(tx, "bob", 3)
	fmt.Println("  inner function returns an error")
	exec(tx, "ROLLBACK TO sp2")
	exec(tx, "RELEASE sp2")
	fmt.Println("  inner transaction: operation canceled")
	err = create(tx, "cid", 2)
	fmt.Printf("  create(cid): %v\n", err)
	create(tx, "dee", 2)
	fmt.Println("  SQL: COMMIT []")
	must(tx.Commit(), "Commit")

	fmt.Println("\n▸ What was committed")
	rows, err := db.Query("SELECT name FROM users ORDER BY id")
	must(err, "SELECT")
	fmt.Print("  users:")
	for rows.Next() {
		var n string
		must(rows.Scan(&n), "Scan")
		fmt.Print(" " + n)
	}
	rows.Close()
	fmt.Println()

	fmt.Println("\n▸ The rule")
	fmt.Println("An inner failure undoes only its own level; only the outermost COMMIT makes anything permanent.")
}
