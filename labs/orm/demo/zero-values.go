// zero-values.go — the Go original of the orm lab's zero-values demo, on
// GORM itself: Debian's GORM v1 (golang-github-jinzhu-gorm-dev) with its
// SQLite dialect. Every UPDATE is printed as GORM sends it.
//
// The rule for a struct is GORM's in both versions: Updates(User{...})
// writes only the fields that are not zero. Select differs: GORM v2, whose
// rule the lab follows, writes a selected struct field even when it is
// zero; v1 drops the zero fields before Select looks at them, so the v1
// way to write a zero is a map, which keeps every key it is given.
package main

import (
	"fmt"
	"os"

	"github.com/jinzhu/gorm"
	_ "github.com/jinzhu/gorm/dialects/sqlite"
)

type User struct {
	ID     int64
	Name   string
	Age    int64
	Active bool
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

func show(db *gorm.DB, id int64) {
	var u User
	must(db.LogMode(false).First(&u, id).Error, "First")
	fmt.Printf("  row: {Name: %s, Age: %d, Active: %t}\n", u.Name, u.Age, u.Active)
}

func main() {
	db, err := gorm.Open("sqlite3", ":memory:")
	must(err, "Open")
	defer db.Close()
	fmt.Println("Updates with a struct skips zero values; Select writes them")
	must(db.AutoMigrate(&User{}).Error, "AutoMigrate")
	ann := User{Name: "ann", Age: 30, Active: true}
	must(db.Create(&ann).Error, "Create")
	db.SetLogger(sqlLog{})
	db = db.BlockGlobalUpdate(true)
	show(db, ann.ID)

	fmt.Println("\n▸ db.Model(&ann).Updates(User{Name: \"anna\", Age: 0, Active: false})")
	must(db.LogMode(true).Model(&ann).Updates(User{Name: "anna", Age: 0, Active: false}).Error, "Updates")
	show(db, ann.ID)
	fmt.Println("Age and Active are unchanged: 0 and false look like \"not given\"")

	fmt.Println("\n▸ db.Model(&ann).Select(\"Age\", \"Active\").Updates(User{Age: 0, Active: false})")
	must(db.LogMode(true).Model(&ann).Select("Age", "Active").Updates(User{Age: 0, Active: false}).Error, "Updates")
	show(db, ann.ID)
	fmt.Println("  GORM v1 wrote nothing: its zero fields were gone before Select looked; v2 writes them.")
	fmt.Println("  v1's way is a map: Select(\"Age\", \"Active\").Updates(map[string]interface{}{...})")
	must(db.LogMode(true).Model(&ann).Select("Age", "Active").
		Updates(map[string]interface{}{"age": 0, "active": false}).Error, "Updates")
	show(db, ann.ID)
	fmt.Println("the selected fields are written, zero or not")

	fmt.Println("\n▸ db.Updates(User{Age: 5}) with no primary key and no Where")
	err = db.LogMode(false).Model(&User{}).Updates(User{Age: 5}).Error
	fmt.Printf("refused: %v — an empty WHERE would update every row\n", err)
	fmt.Println("  (GORM v1 refuses it only with BlockGlobalUpdate(true), set above; v2 always does)")

	fmt.Println("\n▸ The rule")
	fmt.Println("With a struct, zero means \"leave it\". To write a zero, Select the field.")
}
