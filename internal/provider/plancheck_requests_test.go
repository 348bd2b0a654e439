package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

var (
	_ plancheck.PlanCheck = requestsPlanCheck{}
)

// expectRequests is checkRequests as a plan check: it runs right after
// terraform plan, before anything is applied, so it counts exactly the
// requests that one plan (refresh included) made since the last reset.
// It logs every count, so test output reports what a plan costs.
func (o *testOSS) expectRequests(want map[string]int) plancheck.PlanCheck {
	return requestsPlanCheck{o: o, want: want}
}

type requestsPlanCheck struct {
	o    *testOSS
	want map[string]int
}

func (c requestsPlanCheck) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if c.o.emu != nil {
		c.o.t.Logf("emulator requests since reset: %v", c.o.emu.RequestCounts())
	}
	resp.Error = c.o.checkRequests(c.want)(nil)
}
