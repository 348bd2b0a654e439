package ossemu

import (
	"bytes"
	"crypto/md5"
	"errors"
	"hash/crc64"
	"io"
	"math/rand/v2"
	"testing"
)

func readContent(t *testing.T, c content) []byte {
	t.Helper()
	b, err := io.ReadAll(newReader(c))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGeneratedBlocksAreDistinctAndDeterministic(t *testing.T) {
	a := readContent(t, content{{seed: 7, n: 3 * blockSize}})
	again := readContent(t, content{{seed: 7, n: 3 * blockSize}})
	other := readContent(t, content{{seed: 8, n: blockSize}})
	if !bytes.Equal(a, again) {
		t.Fatal("same seed produced different content")
	}
	if bytes.Equal(a[:blockSize], a[blockSize:2*blockSize]) || bytes.Equal(a[:headerLen], a[blockSize:blockSize+headerLen]) {
		t.Error("consecutive blocks are equal")
	}
	if bytes.Equal(a[:blockSize], other) {
		t.Error("different seeds produced equal blocks")
	}
	// A window starting mid-block reads the same bytes as the full stream.
	window := readContent(t, content{{seed: 7, off: blockSize - 100, n: 300}})
	if !bytes.Equal(window, a[blockSize-100:blockSize+200]) {
		t.Error("window across a block boundary differs from the stream")
	}
}

func TestExtentCRCMatchesBytes(t *testing.T) {
	stored := &blob{id: 1, data: bytes.Repeat([]byte("0123456789"), 20000)}
	testCases := map[string]content{
		"whole blocks":          {{seed: 3, n: 4 * blockSize}},
		"unaligned window":      {{seed: 3, off: 12345, n: 3*blockSize + 777}},
		"inside one block":      {{seed: 3, off: 100, n: 1000}},
		"stored then generated": {{b: stored, off: 5, n: 150000}, {seed: 9, off: 1, n: blockSize + 1}},
		"empty":                 {},
	}
	table := crc64.MakeTable(crc64.ECMA)
	for name, c := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := readContent(t, c)
			if int64(len(b)) != c.size() {
				t.Fatalf("read %d bytes, size says %d", len(b), c.size())
			}
			if got, want := contentCRC(c), crc64.Checksum(b, table); got != want {
				t.Errorf("contentCRC = %d, bytes give %d", got, want)
			}
		})
	}
}

func TestCRCCombine(t *testing.T) {
	table := crc64.MakeTable(crc64.ECMA)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, split := range []int{0, 1, 7, 4096, 99999} {
		data := make([]byte, 100000)
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		a, b := data[:split], data[split:]
		got := crcCombine(crc64.Checksum(a, table), crc64.Checksum(b, table), int64(len(b)))
		if want := crc64.Checksum(data, table); got != want {
			t.Errorf("split %d: combined %d, want %d", split, got, want)
		}
	}
}

func TestSliceAndConcat(t *testing.T) {
	stored := &blob{id: 1, data: []byte("abcdefghij")}
	c := content{{b: stored, n: 10}, {seed: 5, n: 3 * blockSize}}
	whole := readContent(t, c)
	for _, r := range [][2]int64{{0, 10}, {3, 4}, {8, 5}, {10, blockSize}, {9, 2*blockSize + 1}} {
		got := readContent(t, c.slice(r[0], r[1]))
		if !bytes.Equal(got, whole[r[0]:r[0]+r[1]]) {
			t.Errorf("slice(%d, %d) differs", r[0], r[1])
		}
	}
	// Parts copied from consecutive ranges of one source merge back into one extent.
	parts := []content{c.slice(10, 1000), c.slice(1010, blockSize), c.slice(1010+blockSize, 5)}
	merged := concat(parts...)
	if len(merged) != 1 || merged[0].off != 0 || merged[0].n != blockSize+1005 {
		t.Errorf("concat = %+v, want one extent of %d bytes", merged, blockSize+1005)
	}
}

func TestDigesterCachesAndIdentityMode(t *testing.T) {
	c := content{{seed: 11, off: 5, n: 200000}}
	b := readContent(t, c)
	var d digester
	if got := d.md5(c); got != md5.Sum(b) {
		t.Fatal("md5 differs from the bytes' MD5")
	}
	if len(d.cache) != 1 || d.md5(c) != md5.Sum(b) {
		t.Error("digest not served from the cache")
	}
	id, again := digester{fromIdentity: true}, digester{fromIdentity: true}
	other := content{{seed: 11, off: 6, n: 200000}}
	if id.md5(c) == md5.Sum(b) || id.md5(c) == id.md5(other) || id.md5(c) != again.md5(c) {
		t.Error("identity digests must be stable, distinct per range and not the content MD5")
	}
}

func TestMultipartETag(t *testing.T) {
	// OSS hashes the parts' ETag texts (uppercase, unquoted), not their binary digests.
	sum := md5.Sum([]byte("0123456789ABCDEF0123456789ABCDEFFEDCBA9876543210FEDCBA9876543210"))
	want := quotedETag(sum)
	want = want[:len(want)-1] + `-2"`
	got := multipartETag([]string{`"0123456789abcdef0123456789abcdef"`, `"FEDCBA9876543210FEDCBA9876543210"`})
	if got != want {
		t.Errorf("multipartETag = %s, want %s", got, want)
	}
}

func TestParseRange(t *testing.T) {
	type result struct {
		first, last int64
		ok          bool
		code        string
	}
	testCases := map[string]struct {
		header   string
		standard bool
		want     result
	}{
		"closed":                  {"bytes=2-5", false, result{2, 5, true, ""}},
		"open end":                {"bytes=7-", false, result{7, 9, true, ""}},
		"suffix":                  {"bytes=-3", false, result{7, 9, true, ""}},
		"suffix longer than size": {"bytes=-30", false, result{0, 9, true, ""}},
		"past the end is ignored": {"bytes=5-20", false, result{0, 0, false, ""}},
		"past the end is clamped": {"bytes=5-20", true, result{5, 9, true, ""}},
		"start beyond the end":    {"bytes=10-20", false, result{0, 0, false, ""}},
		"start beyond, standard":  {"bytes=10-20", true, result{0, 0, false, "InvalidRange"}},
		"reversed":                {"bytes=5-2", true, result{0, 0, false, ""}},
		"garbage":                 {"bytes=a-b", false, result{0, 0, false, ""}},
		"no dash":                 {"bytes=5", false, result{0, 0, false, ""}},
		"several ranges":          {"bytes=0-1,3-4", false, result{0, 0, false, ""}},
		"other unit":              {"items=0-1", false, result{0, 0, false, ""}},
		"absent":                  {"", false, result{0, 0, false, ""}},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			first, last, ok, err := parseRange(tc.header, 10, tc.standard)
			got := result{first, last, ok, ""}
			var oe *ossError
			if errors.As(err, &oe) {
				got.code = oe.code
			}
			if got != tc.want {
				t.Errorf("parseRange(%q) = %+v, want %+v", tc.header, got, tc.want)
			}
		})
	}
}

// BenchmarkContentCRC measures the CRC64 of a 1 GiB generated range, which
// every multipart copy of generated content pays once in its parts: an
// unmodeled cost that benchmarks at a small time scale would see.
func BenchmarkContentCRC(b *testing.B) {
	c := content{{seed: 7, off: 1, n: 1 << 30}}
	for b.Loop() {
		contentCRC(c)
	}
}
