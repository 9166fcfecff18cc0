/** Limits shared by the functions and the local gateway (no dependencies, so anything may import it). */
export const MAX_BODY_BYTES = 64 * 1024;
