package provider

import (
	"context"
	"testing"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
)

// Every object of a prefix copy plans with the Tuner of its provider, so
// that the copies of an apply learn from the ones before them.
func TestPrefixCopy_SharesProviderTuner(t *testing.T) {
	t.Parallel()
	pd := &providerData{tuner: objectcopy.NewTuner()}
	c := (&prefixCopyResource{data: pd}).copier(context.Background(), prefixCopyResourceModel{}, nil)
	if c.Template.Tuner != pd.tuner {
		t.Errorf("template Tuner %p, want the provider's %p", c.Template.Tuner, pd.tuner)
	}
}
