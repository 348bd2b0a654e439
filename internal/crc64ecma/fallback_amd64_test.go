package crc64ecma

import "testing"

// The other tests take the widest path the CPU has for each length; force
// each narrower one through the same checks.
func TestPaths(t *testing.T) {
	t.Logf("PCLMULQDQ %v, AVX-512 VPCLMULQDQ %v", useCLMUL, useAVX512)
	savedCLMUL, savedAVX512 := useCLMUL, useAVX512
	t.Cleanup(func() { useCLMUL, useAVX512 = savedCLMUL, savedAVX512 })
	for _, path := range []struct {
		name          string
		clmul, avx512 bool
	}{
		{"PCLMULQDQ", savedCLMUL, false},
		{"table", false, false},
	} {
		t.Run(path.name, func(t *testing.T) {
			useCLMUL, useAVX512 = path.clmul, path.avx512
			TestUpdateLengthsAndOffsets(t)
			TestUpdateLarge(t)
		})
	}
}
