package seed

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"strconv"
	"time"

	"github.com/kaa-plattform/kaa/internal/personnummer"
)

// KAAList is a school's KAA list of n invented people, born over a thousand
// days from born, with personnummer serials from serial on (the 900s are for
// fiction; each thousand people take the next serial): what the benchmark
// (cmd/kaa-bench) imports, and the test of a server killed mid-import.
func KAAList(n int, born time.Time, serial int, lastName string) []byte {
	var list bytes.Buffer
	list.WriteString("Personnummer;Efternamn;Förnamn;Mobil;Orsak\n")
	for i := 0; i < n; i++ {
		nine := born.AddDate(0, 0, i%1000).Format("060102") + strconv.Itoa(serial+i/1000)
		fmt.Fprintf(&list, "%s-%s%d;%s;Lista;0701740%03d;Avbrott\n", nine[:6], nine[6:], personnummer.CheckDigit(nine), lastName, i%1000)
	}
	return list.Bytes()
}

// ListUpload is the body of the import form (internal/ui: a multipart form
// with the list as its file, "file") and its content type.
func ListUpload(list []byte) (*bytes.Buffer, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "kaa-lista.csv")
	fw.Write(list)
	mw.Close()
	return &body, mw.FormDataContentType()
}
