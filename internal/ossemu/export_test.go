package ossemu

// RetryLate lets the SDK-level timing tests in package ossemu_test excuse
// an occasional late result the way the model's own tests do.
var RetryLate = retryLate
