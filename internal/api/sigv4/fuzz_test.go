package sigv4

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzVerify feeds arbitrary Authorization headers, dates, paths and query
// strings to Verify: whatever arrives, it must answer with an *Error (or
// success), never panic.
func FuzzVerify(f *testing.F) {
	valid := newSigned(f, "POST", "https://lambda.example.com/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f/invocations?Qualifier=1", []byte("{}"), "lambda")
	f.Add(valid.Header.Get("Authorization"), valid.Header.Get("X-Amz-Date"), "/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f/invocations", "Qualifier=1", "{}")

	presigned, err := Presign("https://lambda.example.com/code/f.zip", testKeyID, testSecret, testRegion, "lambda", time.Hour, testNow)
	if err != nil {
		f.Fatal(err)
	}
	pu, _ := url.Parse(presigned)
	f.Add("", "", pu.EscapedPath(), pu.RawQuery, "")

	f.Add("AWS4-HMAC-SHA256", "", "/", "", "")
	f.Add("AWS4-HMAC-SHA256 Credential=/////, SignedHeaders=;;, Signature=", "20240101T000000Z", "//", "&&=&", "")
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/e,SignedHeaders=host,Signature=zz,Credential=x", "99999999T999999Z", "/%", "X-Amz-Algorithm=%zz", "")
	f.Add("AWS4-HMAC-SHA256 ,,,= =", "", "/a/../../..", "X-Amz-Credential=&X-Amz-Credential=", "")
	f.Add("", "", "/", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=99999999999999999999&X-Amz-Date=20240101T000000Z", "")
	f.Add("Bearer x", "Mon, 01 Jan 2024 00:00:00 GMT", "*", "a;b=c", "\x00\xff")

	v := verifierAt(testNow)
	f.Fuzz(func(t *testing.T, auth, date, path, rawQuery, body string) {
		r := &http.Request{
			Method:     "POST",
			URL:        &url.URL{Path: "/"},
			Host:       "lambda.example.com",
			RequestURI: path + "?" + rawQuery,
			Header: http.Header{
				"Authorization": {auth},
				"X-Amz-Date":    {date},
				"Content-Type":  {"application/x-amz-json-1.1"},
			},
			ContentLength: int64(len(body)),
		}
		if strings.HasPrefix(date, "Mon") {
			r.Header["Date"] = r.Header["X-Amz-Date"]
			delete(r.Header, "X-Amz-Date")
		}
		_, err := v.Verify(r, []byte(body), "lambda")
		if err == nil {
			return
		}
		var e *Error
		if !errors.As(err, &e) || e.Code == "" || e.Message == "" || e.StatusCode != http.StatusForbidden {
			t.Fatalf("error %v (%T) is not a complete *Error", err, err)
		}
	})
}
