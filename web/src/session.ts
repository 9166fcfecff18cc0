/** The signed-in user for components, and the roles' permissions as the contract gives them. */
import { useSyncExternalStore } from 'react';
import { sessionStore, type Session } from './api/client';

export function useSession(): Session | null {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.current);
}

export const isStaff = (s: Session | null) => s?.role === 'admin' || s?.role === 'clinician';
export const isAdmin = (s: Session | null) => s?.role === 'admin';
