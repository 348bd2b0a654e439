package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

var (
	_ plancheck.PlanCheck = requestsPlanCheck{}
)

// requestsSinceReset compares every emulator request count since the last
// reset with want (operations not in want must not have been called), logs
// the counts so that test output reports what an operation cost, and starts
// a new count. Against real OSS there is nothing to count.
func (o *testOSS) requestsSinceReset(want map[string]int) error {
	if o.emu == nil {
		return nil
	}
	got := o.emu.RequestCounts()
	o.emu.ResetCounts()
	o.t.Logf("emulator requests: %v", got)
	if !maps.Equal(got, want) {
		return fmt.Errorf("emulator requests: got %v, want %v", got, want)
	}
	return nil
}

// expectRequests is requestsSinceReset as a plan check: it runs right after
// terraform plan, before anything is applied.
func (o *testOSS) expectRequests(want map[string]int) plancheck.PlanCheck {
	return requestsPlanCheck{o: o, want: want}
}

type requestsPlanCheck struct {
	o    *testOSS
	want map[string]int
}

func (c requestsPlanCheck) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = c.o.requestsSinceReset(c.want)
}
