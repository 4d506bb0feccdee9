/** One operation of a PatchOp request (RFC 7644 §3.5.2). */
export interface ScimPatchOperation {
  readonly op: 'add' | 'remove' | 'replace';
  readonly path?: string;
  readonly value?: unknown;
}
