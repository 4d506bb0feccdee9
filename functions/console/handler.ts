import { restApiHandler } from '../shared/restApiHandler.js';
import { createConsoleHandler } from './createConsoleHandler.js';

/**
 * The console's Lambda: static files only, no engine, no secrets (the app calls /audit itself).
 * Behind the REST API (payload 1.0); the handler itself reads 2.0 events, as local mode sends them.
 */
export const handler = restApiHandler(createConsoleHandler());
