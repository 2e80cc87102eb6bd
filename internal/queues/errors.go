package queues

import (
	"net/http"

	"gust/internal/apierror"
)

// SQS's error codes, as the query protocol writes them (the JSON protocol's
// shape names are the wire layer's business).
const (
	CodeNonExistentQueue     = "AWS.SimpleQueueService.NonExistentQueue"
	CodeQueueAlreadyExists   = "QueueAlreadyExists"
	CodeInvalidParameter     = "InvalidParameterValue"
	CodeMissingParameter     = "MissingParameter"
	CodeInvalidAttributeName = "InvalidAttributeName"
	CodeInvalidAttribute     = "InvalidAttributeValue"
	CodeReceiptHandleInvalid = "ReceiptHandleIsInvalid"
	CodeMessageNotInflight   = "AWS.SimpleQueueService.MessageNotInflight"
	CodeInvalidContents      = "InvalidMessageContents"
	CodePurgeInProgress      = "AWS.SimpleQueueService.PurgeQueueInProgress"
	CodeUnsupported          = "AWS.SimpleQueueService.UnsupportedOperation"
	CodeResourceNotFound     = "ResourceNotFoundException"
	CodeBatchIDsNotDistinct  = "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
	CodeEmptyBatch           = "AWS.SimpleQueueService.EmptyBatchRequest"
	CodeTooManyEntries       = "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"
	CodeInvalidBatchEntryID  = "AWS.SimpleQueueService.InvalidBatchEntryId"
	CodeBatchTooLong         = "AWS.SimpleQueueService.BatchRequestTooLong"
	CodeOverLimit            = "OverLimit"
)

func sqsErr(code, format string, args ...any) *apierror.Error {
	return apierror.New(code, format, args...).WithStatus(http.StatusBadRequest)
}

func errNoQueue() *apierror.Error {
	return sqsErr(CodeNonExistentQueue, "The specified queue does not exist.")
}

func invalidParam(format string, args ...any) *apierror.Error {
	return sqsErr(CodeInvalidParameter, format, args...)
}

// MissingParameter is SQS's answer to a required parameter left out.
func MissingParameter(name string) *apierror.Error {
	return sqsErr(CodeMissingParameter, "The request must contain the parameter %s.", name)
}

// InvalidParameter is InvalidParameterValue with AWS's message.
func InvalidParameter(format string, args ...any) *apierror.Error {
	return invalidParam(format, args...)
}

func errBadHandle(handle string) *apierror.Error {
	return sqsErr(CodeReceiptHandleInvalid, "The input receipt handle \"%s\" is not a valid receipt handle.", handle)
}
