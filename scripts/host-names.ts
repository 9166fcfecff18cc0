import { lookup } from 'node:dns/promises';

/**
 * The sidecars' broker advertises the name containers reach the host by; clients on the host (the feed,
 * the deploy script's topic call) follow that name too. Docker Desktop maps it on the host; Linux needs a line.
 */
export async function assertResolvesHere(host: string): Promise<void> {
  try {
    await lookup(host);
  } catch {
    throw new Error(
      `${host} does not resolve on this machine. On Linux: echo '127.0.0.1 ${host}' | sudo tee -a /etc/hosts`,
    );
  }
}
