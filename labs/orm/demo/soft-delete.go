// soft-delete.go — the Go original of the orm lab's soft-delete demo, on
// GORM itself: Debian's GORM v1 (golang-github-jinzhu-gorm-dev) with its
// SQLite dialect. A model with a DeletedAt field is soft-deleted in both
// GORM versions alike: Delete stamps the row, every query adds
// "deleted_at IS NULL", Unscoped sees the row and deletes it for real.
// GORM's clock is fixed at the C demo's instant.
package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jinzhu/gorm"
	_ "github.com/jinzhu/gorm/dialects/sqlite"
)

type User struct {
	ID        int64
	Name      string
	DeletedAt *time.Time
}

// sqlLog prints the statements GORM runs (its "sql" lines), nothing else.
type sqlLog struct{}

func (sqlLog) Print(v ...interface{}) {
	if len(v) > 4 && v[0] == "sql" {
		fmt.Printf("  SQL: %v %v\n", v[3], v[4])
	}
}

func must(err error, what string) {
	if err != nil {
		fmt.Printf("%s failed: %v\n", what, err)
		os.Exit(1)
	}
}

// inTable counts the rows really in the table, past GORM.
func inTable(db *gorm.DB) {
	var n int
	must(db.DB().QueryRow("SELECT count(*) FROM users").Scan(&n), "count")
	fmt.Printf("  rows really in the table: %d\n", n)
}

func names(users []User) string {
	var s []string
	for _, u := range users {
		s = append(s, u.Name)
	}
	return strings.Join(s, " ")
}

func main() {
	db, err := gorm.Open("sqlite3", ":memory:")
	must(err, "Open")
	defer db.Close()
	db.SetNowFuncOverride(func() time.Time { return time.Unix(1717243200, 0).UTC() })
	fmt.Println("Soft delete: the row stays, stamped, and queries stop seeing it")
	must(db.AutoMigrate(&User{}).Error, "AutoMigrate")
	ann, bob := User{Name: "ann"}, User{Name: "bob"}
	must(db.Create(&ann).Error, "Create")
	must(db.Create(&bob).Error, "Create")
	db.SetLogger(sqlLog{})
	fmt.Println("users: ann, bob")

	fmt.Println("\n▸ db.Delete(&bob)")
	res := db.LogMode(true).Delete(&bob)
	must(res.Error, "Delete")
	fmt.Printf("  deleted: %d row (an UPDATE, not a DELETE)\n", res.RowsAffected)
	inTable(db)

	fmt.Println("\n▸ db.Find(&users)")
	var users []User
	must(db.LogMode(true).Find(&users).Error, "Find")
	fmt.Printf("  found: %s\n", names(users))

	fmt.Println("\n▸ db.Unscoped().Find(&users)")
	users = nil
	must(db.LogMode(true).Unscoped().Find(&users).Error, "Find")
	fmt.Printf("  found: %s (deleted_at set)\n", names(users))

	fmt.Println("\n▸ db.Unscoped().Delete(&bob)")
	must(db.LogMode(true).Unscoped().Delete(&bob).Error, "Delete")
	inTable(db)

	fmt.Println("\n▸ The rule")
	fmt.Println("A model with DeletedAt is never deleted by Delete: it is hidden. Unscoped sees it, and removes it.")
}
