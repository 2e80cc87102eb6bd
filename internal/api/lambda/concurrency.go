package lambda

// concurrency is Lambda's Concurrency shape.
type concurrency struct {
	ReservedConcurrentExecutions *int `json:",omitempty"`
}
