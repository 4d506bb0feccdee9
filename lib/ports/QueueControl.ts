/** How a worker asks the queue to hand a message back later (SQS: ChangeMessageVisibility). */
export interface QueueControl {
  retryLater(receiptHandle: string, delayMs: number): Promise<void>;
}
