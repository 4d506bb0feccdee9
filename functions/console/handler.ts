import { createConsoleHandler } from './createConsoleHandler.js';

/** The console's Lambda: static files only, no engine, no secrets (the app calls /audit itself). */
export const handler = createConsoleHandler();
