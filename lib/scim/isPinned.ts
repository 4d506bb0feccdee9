/** Whether an If-Match names versions (then a concurrent change is 412, not retried). */
export const isPinned = (ifMatch: string | undefined): boolean => ifMatch !== undefined && ifMatch.trim() !== '*';
