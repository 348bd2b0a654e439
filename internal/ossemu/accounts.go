package ossemu

// Accounts. The server's own key pair (WithCredentials) and its temporary
// key pairs belong to one account, which owns the buckets CreateBucket
// makes. WithAccount adds other accounts, each with a key pair of its own,
// which own the buckets they create (PutBucket signed with their key, or
// CreateAccountBucket). OSS refuses one account's request for another's
// bucket unless a bucket policy or ACL grants it; the emulator has neither,
// so it always refuses, as OSS does without them.

type account struct{ id, secret string }

// WithAccount adds another account whose permanent key pair is id and
// secret. Requests it signs reach only the buckets it owns.
func WithAccount(id, secret string) Option {
	return func(c *config) { c.accounts = append(c.accounts, account{id, secret}) }
}

// CreateAccountBucket creates a bucket owned by the account of key ID
// accountID (one added with WithAccount) in region ("" for the server's).
func (s *Server) CreateAccountBucket(accountID, name, region string) error {
	if !s.isAccount(accountID) {
		return newError("InvalidAccessKeyId").with("OSSAccessKeyId", accountID)
	}
	return s.createBucket(accountID, name, region)
}

func (s *Server) isAccount(id string) bool {
	for _, a := range s.cfg.accounts {
		if a.id == id {
			return true
		}
	}
	return false
}

// accountSecret returns the secret of another account's key id.
func (s *Server) accountSecret(id string) (string, bool) {
	for _, a := range s.cfg.accounts {
		if a.id == id && id != "" {
			return a.secret, true
		}
	}
	return "", false
}

// checkOwner refuses a request for a bucket that another account than the
// requester's owns, with OSS's answer when no policy grants access. PutBucket
// answers for an existing bucket itself, and ListBuckets lists only the
// requester's.
func (s *Server) checkOwner(rq *request) error {
	if rq.bucket == "" || rq.op == "PutBucket" {
		return nil
	}
	s.mu.Lock()
	b, ok := s.buckets[rq.bucket]
	s.mu.Unlock()
	if ok && b.owner != rq.account {
		return errNotOwner()
	}
	return nil
}

func errNotOwner() *ossError {
	return errorf("AccessDenied", "You have no right to access this object because of bucket acl.").withEC("0003-00000001")
}
