import type { Context } from 'aws-lambda';
import type { TokenIdentity } from '../ports/TokenVerifier.js';

/** The Lambda context plus what middlewares learned about the caller. */
export interface ApiContext extends Context {
  caller?: TokenIdentity;
}
