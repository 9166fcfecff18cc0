/**
 * The page's entry. A reload keeps the user signed in: the refresh cookie gives a new access token. That
 * request goes first, and the app's code loads and compiles while it is on the wire.
 */
import { refreshSession } from './api/client';

const restored = refreshSession();
void import('./main').then(({ start }) => start(restored));
