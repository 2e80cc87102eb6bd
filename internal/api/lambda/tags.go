package lambda

// tagsBody is the Tags member of TagResource requests and ListTags responses.
type tagsBody struct {
	Tags map[string]string
}
