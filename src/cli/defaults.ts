/** Defaults of the command line (DESIGN §11), in a module of their own so main.ts loads nothing else. */
export const DEFAULT_DESIRED = './desired-state';
