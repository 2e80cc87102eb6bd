package awsquery

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"gust/internal/api/sigv4"
	"gust/internal/apierror"
	"gust/internal/authz"
)

func TestParamsListsAndMaps(t *testing.T) {
	v, _ := url.ParseQuery("AttributeName.1=All&AttributeName.2=Policy&AttributeName.10=X&" +
		"Attribute.2.Name=B&Attribute.2.Value=2&Attribute.1.Name=A&Attribute.1.Value=1&" +
		"Tags.member.1.Key=k&Tags.member.1.Value=v&" +
		"Entry.1.Id=a&Entry.1.Body=x&Entry.2.Id=b&Entry.2.Body=y&Bad.01=no")
	p := NewParams(v)
	if got, want := p.List("AttributeName"), []string{"All", "Policy", "X"}; !reflect.DeepEqual(got, want) {
		t.Errorf("List = %v, want %v", got, want)
	}
	if got, want := p.Map("Attribute", "Name", "Value"), map[string]string{"A": "1", "B": "2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Map = %v, want %v", got, want)
	}
	if got, want := p.Map("Tags", "Key", "Value"), map[string]string{"k": "v"}; !reflect.DeepEqual(got, want) {
		t.Errorf("member Map = %v, want %v", got, want)
	}
	entries := p.Indexed("Entry")
	if len(entries) != 2 || entries[0].Get("Id") != "a" || entries[1].Get("Body") != "y" {
		t.Errorf("Indexed = %+v", entries)
	}
	if got := p.List("Bad"); len(got) != 0 {
		t.Errorf("a zero-padded index is no member: %v", got)
	}
}

const (
	keyID  = "AKIDEXAMPLE"
	secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

func testRouter() *Router {
	verifier := &sigv4.Verifier{Lookup: func(id string) (string, bool) { return secret, id == keyID }}
	type result struct {
		QueueURL string `xml:"QueueUrl"`
	}
	return New(Options{Verifier: verifier}, Service{
		SigningName: "sqs",
		XMLNS:       "http://queue.amazonaws.com/doc/2012-11-05/",
		ErrorDetail: true,
		Operations: map[string]Handler{
			"GetQueueUrl": func(ctx context.Context, p Params) (any, error) {
				if _, ok := authz.CallerFrom(ctx); !ok {
					t := "no caller"
					return nil, apierror.New("InternalFailure", "%s", t)
				}
				if p.Get("QueueName") == "missing" {
					return nil, apierror.New("AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
				}
				return result{QueueURL: "http://" + RequestFrom(ctx).Host + "/000000000000/" + p.Get("QueueName")}, nil
			},
			"DeleteQueue": func(ctx context.Context, p Params) (any, error) { return nil, nil },
			"Deny": func(ctx context.Context, p Params) (any, error) {
				return nil, &authz.Denied{Principal: "arn:aws:iam::000000000000:user/u", Action: "sqs:Deny", Resource: "*"}
			},
		},
	})
}

func signedForm(t *testing.T, service, form string) *http.Request {
	r := httptest.NewRequest("POST", "http://gust.test/", strings.NewReader(form))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(form))
	err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret},
		r, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func serve(t *testing.T, r *http.Request) (int, string) {
	w := httptest.NewRecorder()
	testRouter().ServeHTTP(w, r)
	b, _ := io.ReadAll(w.Result().Body)
	return w.Code, string(b)
}

func TestRouterAnswersInXML(t *testing.T) {
	if !IsQueryRequest(signedForm(t, "sqs", "Action=GetQueueUrl")) {
		t.Fatal("a form POST is a query request")
	}
	code, body := serve(t, signedForm(t, "sqs", "Action=GetQueueUrl&Version=2012-11-05&QueueName=q1"))
	var ok struct {
		XMLName  xml.Name
		NS       string `xml:"xmlns,attr"`
		QueueURL string `xml:"GetQueueUrlResult>QueueUrl"`
		ReqID    string `xml:"ResponseMetadata>RequestId"`
	}
	if err := xml.Unmarshal([]byte(body), &ok); err != nil || code != 200 {
		t.Fatalf("%d %s: %v", code, body, err)
	}
	if ok.XMLName.Local != "GetQueueUrlResponse" || ok.NS != "http://queue.amazonaws.com/doc/2012-11-05/" ||
		ok.QueueURL != "http://gust.test/000000000000/q1" || ok.ReqID == "" {
		t.Errorf("response %+v", ok)
	}
	code, body = serve(t, signedForm(t, "sqs", "Action=DeleteQueue"))
	if code != 200 || strings.Contains(body, "DeleteQueueResult") || !strings.Contains(body, "<DeleteQueueResponse") {
		t.Errorf("no-result response: %d %s", code, body)
	}
}

func TestRouterErrors(t *testing.T) {
	type errDoc struct {
		Type, Code, Message string
		Detail              *struct{}
	}
	read := func(body string) errDoc {
		var e struct {
			Error errDoc `xml:"Error"`
			ID    string `xml:"RequestId"`
		}
		if err := xml.Unmarshal([]byte(body), &e); err != nil || e.ID == "" {
			t.Fatalf("not an ErrorResponse: %s (%v)", body, err)
		}
		return e.Error
	}
	cases := []struct {
		name   string
		req    *http.Request
		status int
		code   string
	}{
		{"service error", signedForm(t, "sqs", "Action=GetQueueUrl&QueueName=missing"), 400, "AWS.SimpleQueueService.NonExistentQueue"},
		{"unknown action", signedForm(t, "sqs", "Action=Frobnicate"), 400, "InvalidAction"},
		{"no action", signedForm(t, "sqs", "QueueName=x"), 400, "MissingAction"},
		{"denied", signedForm(t, "sqs", "Action=Deny"), 403, "AccessDenied"},
		{"malformed", signedForm(t, "sqs", "Action=GetQueueUrl&%zz"), 400, "MalformedQueryString"},
		{"unsigned", httptest.NewRequest("POST", "/", strings.NewReader("Action=GetQueueUrl")), 403, "MissingAuthenticationToken"},
		{"unknown service", signedForm(t, "iam", "Action=ListRoles"), 403, "MissingAuthenticationToken"},
	}
	bad := signedForm(t, "sqs", "Action=GetQueueUrl&QueueName=q")
	bad.Header.Set("Authorization", strings.Replace(bad.Header.Get("Authorization"), "Signature=", "Signature=0", 1))
	cases = append(cases, struct {
		name   string
		req    *http.Request
		status int
		code   string
	}{"bad signature", bad, 403, "SignatureDoesNotMatch"})
	for _, c := range cases {
		status, body := serve(t, c.req)
		e := read(body)
		if status != c.status || e.Code != c.code || e.Message == "" || e.Type != "Sender" {
			t.Errorf("%s: %d %+v, want %d %s", c.name, status, e, c.status, c.code)
		}
	}
}
