package prefixcopy

import (
	"encoding/json"
	"fmt"
	"slices"
)

// Reason says why an object is to be copied.
type Reason int

// The reasons, in the order a plan reports them.
const (
	// Added: a selected source object the manifest does not hold.
	Added Reason = iota + 1
	// Changed: the source's ETag differs from the one copied.
	Changed
	// DeletedAtDestination: the copy is gone from the destination.
	DeletedAtDestination
	// OverwrittenAtDestination: the destination holds another ETag than the
	// copy produced.
	OverwrittenAtDestination
)

func (r Reason) String() string {
	switch r {
	case Added:
		return "added"
	case Changed:
		return "changed"
	case DeletedAtDestination:
		return "deleted at destination"
	case OverwrittenAtDestination:
		return "overwritten at destination"
	}
	return "unknown"
}

// Item is an object to copy: its source as listed.
type Item struct {
	Key        string `json:"k"`
	Size       int64  `json:"s"`
	SourceETag string `json:"se"`
	Reason     Reason `json:"r"`
	// Previous is the copy the manifest holds for the key, if any; it
	// stays in the manifest if this copy fails.
	Previous *Entry `json:"p,omitempty"`
}

// Plan is what an apply does to bring the destination in line with the
// source: the objects to copy, the copies to delete and the copies that
// stay as they are. Each of its lists is sorted by key.
type Plan struct {
	Copy []Item `json:"copy,omitempty"`
	// Delete holds copies whose source vanished or is no longer selected,
	// to delete when DeleteRemoved is set.
	Delete []Entry `json:"delete,omitempty"`
	// Keep holds the copies that stay in the manifest untouched, including
	// those whose source vanished when DeleteRemoved is not set.
	// It is not encoded: Restore rebuilds it from the manifest, which
	// holds it already.
	Keep []Entry `json:"-"`
	// Forget holds copies whose source vanished that are no longer the
	// copy at the destination, so not to be deleted: they leave the
	// manifest.
	Forget []Entry `json:"forget,omitempty"`
}

// Encode returns the plan gzip-compressed, without Keep.
func (p *Plan) Encode() ([]byte, error) {
	raw, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return compress(raw)
}

// DecodePlan reads a plan that Encode made (nil for a plan that changes
// nothing), and rebuilds its Keep from m, the manifest it was planned
// against (nil for none): every copy the plan does not touch.
func DecodePlan(encoded []byte, m *Manifest) (*Plan, error) {
	p := &Plan{}
	if encoded != nil {
		raw, err := decompress(encoded)
		if err != nil {
			return nil, fmt.Errorf("plan: %w", err)
		}
		if err := json.Unmarshal(raw, p); err != nil {
			return nil, fmt.Errorf("plan is not valid JSON: %w", err)
		}
	}
	if m == nil {
		return p, nil
	}
	touched := make(map[string]bool, len(p.Copy)+len(p.Delete)+len(p.Forget))
	for _, it := range p.Copy {
		touched[it.Key] = true
	}
	for _, e := range slices.Concat(p.Delete, p.Forget) {
		touched[e.Key] = true
	}
	for _, e := range m.Entries {
		if !touched[e.Key] {
			p.Keep = append(p.Keep, e)
		}
	}
	return p, nil
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return len(p.Copy) == 0 && len(p.Delete) == 0 && len(p.Forget) == 0 }

// BytesToCopy is the size of the objects to copy, summed.
func (p *Plan) BytesToCopy() int64 {
	var n int64
	for _, it := range p.Copy {
		n += it.Size
	}
	return n
}

// ObjectCount is the number of copies the manifest holds after a fully
// successful apply of the plan.
func (p *Plan) ObjectCount() int64 { return int64(len(p.Keep) + len(p.Copy)) }

// TotalBytes is the size of those copies, summed.
func (p *Plan) TotalBytes() int64 {
	n := p.BytesToCopy()
	for _, e := range p.Keep {
		n += e.Size
	}
	return n
}

// Diff compares the manifest with listings of the source and the
// destination: m may be nil (nothing copied yet), dst nil when the
// destination was not listed (every copy is then assumed intact).
// Listings must be sorted by key, as OSS lists them.
func Diff(m *Manifest, src, dst []Object, sel Selection, deleteRemoved bool) Plan {
	var p Plan
	var entries []Entry
	if m != nil {
		entries = m.Entries
	}
	dstETag := make(map[string]string, len(dst))
	for _, o := range dst {
		dstETag[o.Key] = o.ETag
	}
	i := 0 // next manifest entry
	removed := func(e Entry) {
		switch {
		case !deleteRemoved:
			p.Keep = append(p.Keep, e)
		case e.exactVersion():
			// That version is the copy, wherever it stands among the key's
			// versions now.
			p.Delete = append(p.Delete, e)
		case dst == nil || dstETag[e.Key] == e.ETag:
			p.Delete = append(p.Delete, e)
		default:
			p.Forget = append(p.Forget, e)
		}
	}
	for _, o := range src {
		for i < len(entries) && entries[i].Key < o.Key {
			removed(entries[i])
			i++
		}
		var e *Entry
		if i < len(entries) && entries[i].Key == o.Key {
			e = &entries[i]
			i++
		}
		if !sel.Selects(o.Key) {
			if e != nil {
				removed(*e)
			}
			continue
		}
		item := Item{Key: o.Key, Size: o.Size, SourceETag: o.ETag, Previous: e}
		switch etag, listed := dstETag[o.Key]; {
		case e == nil:
			item.Reason = Added
		case e.SourceETag != o.ETag:
			item.Reason = Changed
		case dst != nil && !listed:
			item.Reason = DeletedAtDestination
		case dst != nil && etag != e.ETag:
			item.Reason = OverwrittenAtDestination
		default:
			p.Keep = append(p.Keep, *e)
			continue
		}
		p.Copy = append(p.Copy, item)
	}
	for ; i < len(entries); i++ {
		removed(entries[i])
	}
	return p
}
