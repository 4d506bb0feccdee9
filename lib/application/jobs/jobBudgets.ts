/**
 * How long one invocation may work on a job before it hands the rest to a continuation. An API
 * request: API Gateway answers within 29 s and the API functions time out at 25 s, so 20 s leaves
 * room to save and respond. The scheduled-job function times out at 15 minutes.
 */
export const JOB_BUDGETS = { request: 20_000, scheduled: 12 * 60_000 } as const;
