/**
 * The page's entry. A reload keeps the user signed in: the refresh cookie gives a new access token. That
 * request goes first, before the API client or the app have loaded (the entry holds nothing else), and they
 * load and compile while it is on the wire.
 */
import { sendRefresh } from './api/refresh-request';

const sent = sendRefresh();
void import('./main').then(({ start }) => start(sent));
