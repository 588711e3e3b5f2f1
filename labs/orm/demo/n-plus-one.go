// n-plus-one.go — the Go original of the orm lab's n-plus-one demo: the
// N+1 query problem with database/sql and Debian's SQLite driver
// (golang-github-mattn-go-sqlite3-dev), and the one IN query GORM's
// Preload runs instead. Every statement is printed as it is sent.
package main

import (
	"database/sql"
	"fmt"
	"strings"

	_ "github.com/mattn/go-sqlite3"
)

type Order struct {
	ID     int64
	UserID int64
	Item   string
}

type User struct {
	ID     int64
	Name   string
	Orders []Order
}

var statements int

func query(db *sql.DB, q string, args ...any) *sql.Rows {
	statements++
	fmt.Printf("  SQL %d: %s %v\n", statements, q, args)
	rows, err := db.Query(q, args...)
	if err != nil {
		panic(err)
	}
	return rows
}

func setup(db *sql.DB) {
	for _, s := range []string{
		"CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)",
		"CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER, item TEXT)",
		"CREATE INDEX idx_orders_user_id ON orders (user_id)",
	} {
		if _, err := db.Exec(s); err != nil {
			panic(err)
		}
	}
	for i, name := range []string{"ann", "bob", "cid", "dee", "eve"} {
		res, _ := db.Exec("INSERT INTO users (name) VALUES (?)", name)
		id, _ := res.LastInsertId()
		for k := 0; k < 2+i%2; k++ {
			db.Exec("INSERT INTO orders (user_id, item) VALUES (?, ?)", id, fmt.Sprintf("%s-%d", name, k+1))
		}
	}
	fmt.Println("5 users, 2 or 3 orders each")
}

func findUsers(db *sql.DB) []User {
	rows := query(db, "SELECT id, name FROM users")
	defer rows.Close()
	var users []User
	for rows.Next() {
		var u User
		rows.Scan(&u.ID, &u.Name)
		users = append(users, u)
	}
	return users
}

func show(users []User) {
	for _, u := range users {
		fmt.Printf("  %s:", u.Name)
		for _, o := range u.Orders {
			fmt.Printf(" %s", o.Item)
		}
		fmt.Println()
	}
}

func main() {
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		panic(err)
	}
	db.SetMaxOpenConns(1) // one connection: ":memory:" is per connection
	defer db.Close()
	fmt.Println("The N+1 problem: a query per user, or one for all of them")
	setup(db)

	fmt.Println("\n▸ Find the users, then each one's orders in a loop")
	statements = 0
	users := findUsers(db)
	for i := range users {
		rows := query(db, "SELECT id, user_id, item FROM orders WHERE user_id = ?", users[i].ID)
		for rows.Next() {
			var o Order
			rows.Scan(&o.ID, &o.UserID, &o.Item)
			users[i].Orders = append(users[i].Orders, o)
		}
		rows.Close()
	}
	show(users)
	fmt.Printf("%d statements for 5 users: 1 + N\n", statements)

	fmt.Println("\n▸ Preload(\"Orders\").Find(&users)")
	statements = 0
	users = findUsers(db)
	ids := make([]any, len(users))
	index := map[int64]int{}
	for i, u := range users {
		ids[i] = u.ID
		index[u.ID] = i
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	rows := query(db, "SELECT id, user_id, item FROM orders WHERE user_id IN ("+marks+") ORDER BY id", ids...)
	for rows.Next() {
		var o Order
		rows.Scan(&o.ID, &o.UserID, &o.Item)
		users[index[o.UserID]].Orders = append(users[index[o.UserID]].Orders, o)
	}
	rows.Close()
	show(users)
	fmt.Printf("%d statements for 5 users, and still 2 for 5000\n", statements)

	fmt.Println("\n▸ The rule")
	fmt.Println("Never query inside a loop over rows: ask for the children of all the rows at once.")
}
